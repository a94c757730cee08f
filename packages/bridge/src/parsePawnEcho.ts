import { BridgeError } from "./BridgeError.js";
import type { EchoParam } from "@nuwani/game";

/**
 * The parameters of one of LVP's Pawn echo calls, `EchoMessage(tag, format, message)`, as
 * LVP's `MessageFormatter.formatPawn` reads them: `message` holds the values separated by
 * spaces, `format` says what each one is:
 *
 * | character | parameter |
 * |---|---|
 * | `d` | an integer (`parseInt`: `"25.25"` → 25, `"25px"` → 25, not a number → `NaN`) |
 * | `f` | a number (`parseFloat`) |
 * | `s` | one word |
 * | `z` | the rest of the message, spaces included (so it comes last) |
 *
 * Runs of spaces between values are skipped. Unlike LVP, a value missing at the end is an
 * error too (LVP reads it as `NaN` or an empty string). A JavaScript gamemode that embeds the bridge
 * implements the `EchoMessage` native with it and emits `echo(tag, params)`.
 * @throws {@link BridgeError} `BRIDGE_ECHO_INVALID` naming `tag`: a format character other
 *   than `d f s z` (field `format`), or a message with fewer values than the format (field `params`)
 */
export function parsePawnEcho(tag: string, format: string, message: string): EchoParam[] {
  const params: EchoParam[] = [];
  let offset = 0;
  for (const character of format) {
    while (offset < message.length && message[offset] === " ") offset++;
    let end = message.indexOf(" ", offset);
    if (end === -1) end = message.length;
    // LVP checks offset === end only, so a value missing after the last one reads as NaN or "" there.
    if (offset >= end) {
      throw new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}": the message has fewer values than its format "${format}"`, { tag, field: "params" });
    }
    const word = message.slice(offset, end);
    switch (character) {
      case "d":
        params.push(parseInt(word, 10));
        break;
      case "f":
        params.push(parseFloat(word));
        break;
      case "s":
        params.push(word);
        break;
      case "z":
        params.push(message.trimEnd().slice(offset));
        break;
      default:
        throw new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}": unknown format character ${JSON.stringify(character)} (use d, f, s or z)`, {
          tag,
          field: "format",
        });
    }
    offset = end + 1;
  }
  return params;
}

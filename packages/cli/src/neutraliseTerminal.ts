// A string the terminal shows as text, never as commands: what Discord or a game sends reaches
// the operator's terminal only through this.

/* eslint-disable no-control-regex -- matching control characters is the point */

/** ESC- or C1-introduced strings that run to a terminator: OSC, DCS, SOS, PM, APC. */
const STRING_SEQUENCE = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g;
/** CSI (ESC [ or U+009B) with its parameters and final byte: colours, cursor movement, erase. */
const CSI_SEQUENCE = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?/g;
/** Any other escape: ESC with its intermediates and final byte (charset switches, RIS, …). */
const ESCAPE_SEQUENCE = /\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
/**
 * What is left to replace: C0 controls but newline and tab, DEL, C1 controls, and the bidi
 * controls that make a line read differently from what it is (marks, embeddings, overrides,
 * isolates).
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Zero-width characters: invisible anyway (the bridge breaks mentions with one); dropped. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;

/** What a removed control character shows as. */
export const REPLACEMENT = "\ufffd";

/**
 * Neutralises terminal control sequences in untrusted text (a nickname, a message, a game
 * line) before the CLI prints it: OSC/DCS/APC strings (window titles, OSC 52 clipboard
 * writes, hyperlinks), CSI sequences (colours, cursor movement, clearing the screen) and other
 * escapes are removed whole, 7-bit or 8-bit; any other C0/C1 control character (carriage
 * return and backspace included), DEL and bidi controls become U+FFFD; zero-width characters
 * are dropped. Newlines stay (the printer indents continuation lines) and tabs become a space.
 */
export function neutraliseTerminal(text: string): string {
  return text
    .replace(STRING_SEQUENCE, REPLACEMENT)
    .replace(CSI_SEQUENCE, REPLACEMENT)
    .replace(ESCAPE_SEQUENCE, REPLACEMENT)
    .replace(/\t/g, " ")
    .replace(CONTROL, REPLACEMENT)
    .replace(ZERO_WIDTH, "");
}

import type { BridgeSummary } from "@nuwani/bridge";
import type { Clock } from "@nuwani/util";
import { neutraliseTerminal } from "./neutraliseTerminal.js";

/** Where the CLI writes. */
export interface CliStream {
  /** Writes `text` as it is (already neutralised, with its line breaks). */
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The columns of the CLI's output: which side of the bridge a line is about. */
export type Side = "game" | "toGame" | "discord" | "toDiscord" | "bridge" | "fault" | "error";

const SIDES: Record<Side, readonly [colour: string, label: string]> = {
  game: ["32", "game"],
  toDiscord: ["32;1", "game→Discord"],
  discord: ["35", "Discord"],
  toGame: ["35;1", "Discord→game"],
  bridge: ["36", "bridge"],
  fault: ["33", "fault"],
  error: ["31", "error"],
};
const WIDTH = 12;

/** Extra parts of a {@link Printer.line}: `lead` in bold before the text, `note` dimmed after it. */
export interface LineParts {
  readonly lead?: string;
  readonly note?: string;
}

/**
 * The CLI's only way to the terminal. Every piece of text it is given is passed through
 * {@link neutraliseTerminal} before its own colours are added, so nothing from Discord or the
 * game can move the cursor, clear the screen or write the clipboard.
 */
export class Printer {
  readonly #out: CliStream;
  readonly #err: CliStream;
  readonly #colour: boolean;
  readonly #clock: Pick<Clock, "now">;
  readonly #started: number;
  #ended = false;

  constructor(stdout: CliStream, stderr: CliStream, env: Readonly<Record<string, string | undefined>>, clock: Pick<Clock, "now">) {
    this.#out = stdout;
    this.#err = stderr;
    this.#colour = stdout.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
    this.#clock = clock;
    this.#started = clock.now();
  }

  /** Seconds since the printer was made. */
  get elapsed(): number {
    return (this.#clock.now() - this.#started) / 1000;
  }

  /** One timestamped line in a side's column; continuation lines are indented under it. Nothing after {@link Printer.end}. */
  line(side: Side, text: string, parts: LineParts = {}): void {
    if (this.#ended) return;
    const [colour, label] = SIDES[side];
    const time = this.#paint("2", `+${this.elapsed.toFixed(2)}s`.padStart(8));
    const lead = parts.lead === undefined ? "" : `${this.#paint("1", neutraliseTerminal(parts.lead))} `;
    const note = parts.note === undefined ? "" : this.#paint("2", neutraliseTerminal(parts.note));
    const [first = "", ...rest] = `${lead}${neutraliseTerminal(text)}${note}`.split("\n");
    const indent = " ".repeat(8 + 1 + WIDTH + 1);
    this.#out.write(`${time} ${this.#paint(colour, label.padEnd(WIDTH))} ${first}\n${rest.map((more) => `${indent}${more}\n`).join("")}`);
  }

  /** Plain text to stdout (neutralised, no colours). Nothing after {@link Printer.end}. */
  print(text: string): void {
    if (this.#ended) return;
    this.#out.write(neutraliseTerminal(text));
  }

  /**
   * The last text of the run (its summary): printed like {@link Printer.print}, and stdout
   * takes nothing more, so a late report (a request that failed because the run stopped it)
   * cannot land after the summary. Errors still reach stderr.
   */
  end(text: string): void {
    this.print(text);
    this.#ended = true;
  }

  /** An error line to stderr: `nuwani-discord: …` (neutralised). */
  fail(text: string): void {
    this.#err.write(`nuwani-discord: ${neutraliseTerminal(text)}\n`);
  }

  #paint(code: string, text: string): string {
    return this.#colour ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

/** The summary lines printed at the end of a run. */
export function formatSummary(summary: BridgeSummary, seconds: number, game: readonly string[] = []): string {
  const out = summary.gameToDiscord;
  const queued = out.queued === 0 ? "" : `, ${out.queued} still queued`;
  const commands = summary.commands;
  return [
    `Summary after ${seconds.toFixed(1)} s`,
    `  Discord → game   ${summary.discordToGame.messages} messages (${summary.discordToGame.lines} game lines)`,
    `  game → Discord   ${out.emitted} lines emitted, in ${out.messages} Discord messages`,
    `                   ${out.delivered} delivered + ${out.coalesced} coalesced + ${out.dropped} dropped${queued} = ${out.delivered + out.coalesced + out.dropped + out.queued}`,
    `  admin lines      ${out.adminLines.emitted} emitted, ${out.adminLines.delivered} delivered, ${out.adminLines.dropped} dropped`,
    `  commands         ${commands.total} (${commands.ran} ran, ${commands.denied} denied, ${commands.unknown} unknown, ${commands.limited} rate-limited, ${commands.failed} failed)`,
    `  reconnects       ${summary.reconnects}`,
    `  reactions        ${summary.reactions}`,
    ...game,
    "",
  ].join("\n");
}

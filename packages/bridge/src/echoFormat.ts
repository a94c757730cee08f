import { BridgeError } from "./BridgeError.js";
import type { EchoParam } from "@nuwani/game";

/**
 * How urgent an echo line is. `admin` lines (administrator traffic, reports) are never
 * coalesced or dropped; `high` ones are never coalesced; `normal` and `low` ones may be
 * coalesced (with a `coalesce` label) or dropped under overload, `low` first.
 */
export type EchoPriority = "admin" | "high" | "normal" | "low";

/** Every {@link EchoPriority}, most urgent first. */
export const ECHO_PRIORITIES: readonly EchoPriority[] = ["admin", "high", "normal", "low"];

/** The positional parameters of one echo call, as the gamemode passes them (LVP's order). */
export type EchoParams = readonly EchoParam[];

/**
 * What one echo call becomes:
 * - `message`: a line for the channel of a channel role (`echo`, `admin`, `vip`, …);
 * - `notice`: a direct message to the Discord member `recipient` names (LVP's `NOTICE`, or a
 *   line whose target is a nickname);
 * - `mode`: mute (`+m`) or unmute (`-m`) the channel of a channel role (LVP's `MODE`).
 *
 * `text` is Discord markdown: parameters are escaped and mention-proof; send it with
 * `allowed_mentions: { parse: [] }` as well.
 */
export type FormattedEcho =
  | {
      readonly kind: "message";
      readonly channel: string;
      readonly text: string;
      readonly priority: EchoPriority;
      /** The coalesce label, or `null` when the line is never coalesced. */
      readonly coalesceKey: string | null;
    }
  | { readonly kind: "notice"; readonly recipient: string; readonly text: string; readonly priority: EchoPriority }
  | { readonly kind: "mode"; readonly channel: string; readonly mute: boolean };

/** How one echo tag is shown on Discord: a compiled entry of a formats file. */
export interface EchoFormat {
  /** The entry's format as written: a bridge template, or LVP's format string. */
  readonly source: string;
  /** `"bridge"` for `{ channel, template, priority }` entries, `"lvp"` for LVP's format strings. */
  readonly syntax: "bridge" | "lvp";
  readonly priority: EchoPriority;
  /** Label for coalesced lines under overload: `"joins"` → `… and 37 more joins`. */
  readonly coalesce: string | undefined;
  /**
   * Renders one call; `null` when the line renders empty.
   * @throws {@link BridgeError} `BRIDGE_ECHO_INVALID` naming the tag (too few parameters, an unknown target)
   */
  render(params: EchoParams): FormattedEcho | null;
}

/** The error of a call with fewer parameters than its format needs (LVP's formatter throws too). */
export function tooFewParameters(tag: string, required: number, given: number): BridgeError {
  return new BridgeError("BRIDGE_ECHO_INVALID", `echo "${tag}" needs ${required} parameter${required === 1 ? "" : "s"}, got ${given}`, {
    tag,
    field: "params",
  });
}

/** Whether `value` is an {@link EchoPriority}. */
export function isEchoPriority(value: unknown): value is EchoPriority {
  return typeof value === "string" && (ECHO_PRIORITIES as readonly string[]).includes(value);
}

/**
 * Validates a coalesce label for a priority.
 * @param where - how the message names the entry, e.g. `formats.join`
 * @throws {@link BridgeError} `BRIDGE_FORMATS_INVALID`, field `coalesce`
 */
export function checkCoalesce(tag: string, priority: EchoPriority, coalesce: unknown, where: string): string | undefined {
  if (coalesce === undefined) return undefined;
  if (typeof coalesce !== "string" || coalesce.trim() === "" || coalesce.length > 50) {
    throw new BridgeError("BRIDGE_FORMATS_INVALID", `${where}.coalesce must be a short label such as "joins"`, { tag, field: "coalesce" });
  }
  if (priority === "admin" || priority === "high") {
    throw new BridgeError("BRIDGE_FORMATS_INVALID", `${where}.coalesce is only allowed on normal and low priority (${priority} lines are never coalesced)`, {
      tag,
      field: "coalesce",
    });
  }
  return coalesce;
}

import { BridgeError } from "./BridgeError.js";
import { SlidingWindow, systemClock, type Clock } from "@nuwani/util";

/** A limit of `limit` game lines per `window` ms. */
export interface FloodLimit {
  readonly limit: number;
  readonly window: number;
}

/** Options of {@link FloodControl}. */
export interface FloodControlOptions {
  /** Game lines one Discord user may send per window. @defaultValue `{ limit: 4, window: 4000 }` (one line a second) */
  readonly perUser?: FloodLimit;
  /** Game lines all of Discord may send per window. @defaultValue `{ limit: 10, window: 2000 }` (five lines a second) */
  readonly overall?: FloodLimit;
  /** Time source. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
}

/** What {@link FloodControl} refused so far, in messages (each refused whole). */
export interface FloodCounts {
  /** Refused because their author was over the per-user limit. */
  readonly user: number;
  /** Refused because Discord as a whole was over the overall limit. */
  readonly overall: number;
}

/** Why {@link FloodControl.admit} refused, or `"ok"`. */
export type FloodVerdict = "ok" | "user" | "overall";

/**
 * Discord → game flood control: sliding windows of game lines per Discord user and overall.
 * A message is admitted whole or refused whole (never cut in half), and refusals are counted.
 */
export class FloodControl {
  readonly #clock: Clock;
  readonly #perUser: FloodLimit;
  /** One window per user with lines in it; users whose window emptied are forgotten. */
  readonly #users = new Map<string, SlidingWindow>();
  readonly #all: SlidingWindow;
  readonly #refused = { user: 0, overall: 0 };

  /** @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` (field `perUser` or `overall`) */
  constructor(options: FloodControlOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#perUser = check(options.perUser ?? { limit: 4, window: 4000 }, "perUser");
    const overall = check(options.overall ?? { limit: 10, window: 2000 }, "overall");
    this.#all = new SlidingWindow({ ...overall, clock: this.#clock });
  }

  /** Messages refused so far. */
  get refused(): FloodCounts {
    return { ...this.#refused };
  }

  /**
   * Admits `lines` game lines from `user` now, or refuses them all (counted).
   * @returns `"ok"`, or why it refused
   */
  admit(user: string, lines: number): FloodVerdict {
    for (const [id, window] of this.#users) if (window.count === 0) this.#users.delete(id);
    const mine = this.#users.get(user) ?? new SlidingWindow({ ...this.#perUser, clock: this.#clock });
    if (lines > mine.remaining) {
      this.#refused.user++;
      return "user";
    }
    if (lines > this.#all.remaining) {
      this.#refused.overall++;
      return "overall";
    }
    for (let i = 0; i < lines; i++) {
      mine.tryTake();
      this.#all.tryTake();
    }
    this.#users.set(user, mine);
    return "ok";
  }
}

function check(limit: FloodLimit, field: string): FloodLimit {
  const ok =
    typeof limit === "object" &&
    limit !== null &&
    Number.isInteger(limit.limit) &&
    limit.limit >= 1 &&
    limit.limit <= 10_000 &&
    Number.isInteger(limit.window) &&
    limit.window >= 1 &&
    limit.window < 2 ** 31;
  if (!ok) throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `${field} needs an integer limit (1–10000) and window (ms, below 2^31)`, { field });
  return { limit: limit.limit, window: limit.window };
}

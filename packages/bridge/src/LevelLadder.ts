import { DEFAULT_LEVELS } from "@nuwani/game";
import { BridgeError } from "./BridgeError.js";
import type { PlayerLevel } from "@nuwani/game";

/**
 * The levels LVP's commands and audiences are about, as names of the ladder: who counts as a
 * VIP, an administrator, and Management.
 */
export interface LevelRoles {
  readonly vip: PlayerLevel;
  readonly administrator: PlayerLevel;
  readonly management: PlayerLevel;
}

/** Options of {@link LevelLadder}. */
export interface LevelLadderOptions {
  /** Level names, lowest first. @defaultValue `["player", "vip", "administrator", "management"]` (LVP's) */
  readonly levels?: readonly PlayerLevel[];
  /** Which levels play LVP's roles. @defaultValue `vip`, `administrator` and `management` (which must then be in `levels`) */
  readonly roles?: Partial<LevelRoles>;
}

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * A configured level ladder: the level names, lowest first, and which of them are the VIP,
 * administrator and Management levels LVP's commands check. Levels are configuration data; a
 * level the ladder does not know ranks as the lowest.
 */
export class LevelLadder {
  /** Level names, lowest first. */
  readonly levels: readonly PlayerLevel[];
  /** The lowest level (everyone). */
  readonly lowest: PlayerLevel;
  /** The VIP, administrator and Management levels. */
  readonly roles: LevelRoles;

  /** @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` (field `levels` or `roles.<role>`) */
  constructor(options: LevelLadderOptions = {}) {
    const given: unknown = options.levels ?? DEFAULT_LEVELS;
    if (!Array.isArray(given) || given.length < 1 || given.length > 16) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "levels must list 1 to 16 level names, lowest first", { field: "levels" });
    }
    const levels: PlayerLevel[] = [];
    for (const level of given as readonly unknown[]) {
      if (typeof level !== "string" || !NAME.test(level)) {
        throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "level names are lower-case letters, digits, - and _ (at most 32)", { field: "levels" });
      }
      levels.push(level);
    }
    if (new Set(levels).size !== levels.length) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "levels must not repeat a name", { field: "levels" });
    }
    this.levels = Object.freeze(levels);
    this.lowest = levels[0]!;
    const role = (key: keyof LevelRoles): PlayerLevel => {
      const level = options.roles?.[key] ?? key;
      if (!this.levels.includes(level)) {
        throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `roles.${key} must name a level of the ladder (${this.levels.join(", ")})`, {
          field: `roles.${key}`,
        });
      }
      return level;
    };
    this.roles = Object.freeze({ vip: role("vip"), administrator: role("administrator"), management: role("management") });
    if (!(this.rank(this.roles.vip) <= this.rank(this.roles.administrator) && this.rank(this.roles.administrator) <= this.rank(this.roles.management))) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "the VIP, administrator and Management levels must rise in that order", { field: "roles" });
    }
  }

  /** Whether `level` is a level of the ladder. */
  has(level: string): boolean {
    return this.levels.includes(level);
  }

  /** The position of `level` on the ladder (0 = lowest); an unknown level ranks 0. */
  rank(level: PlayerLevel): number {
    return Math.max(0, this.levels.indexOf(level));
  }

  /** Whether `level` is at least `minimum`. */
  atLeast(level: PlayerLevel, minimum: PlayerLevel): boolean {
    return this.rank(level) >= this.rank(minimum);
  }

  /** The level at `rank` (clamped to the ladder). */
  at(rank: number): PlayerLevel {
    return this.levels[Math.min(this.levels.length - 1, Math.max(0, Math.trunc(rank)))]!;
  }
}

import { FakeSampError } from "./FakeSampError.js";
import type { FakeSampServer } from "./FakeSampServer.js";

/** Player levels of the Nuwani Pawn include, lowest first. */
export type FakeNuwaniLevel = "player" | "vip" | "administrator" | "management";

const LEVELS: readonly FakeNuwaniLevel[] = ["player", "vip", "administrator", "management"];
const TARGETS: Readonly<Record<string, FakeNuwaniLevel>> = { vips: "vip", administrators: "administrator", management: "management" };

/** A message the include put in front of players. */
export interface FakeNuwaniDelivery {
  readonly at: number;
  /** `"all"` (`nuwani_announce`), a level and up (`nuwani_msg`), or one player (`nuwani_pm`). */
  readonly to: "all" | FakeNuwaniLevel | { readonly playerId: number };
  /** The ids of the players online who saw it. */
  readonly recipients: readonly number[];
  readonly text: string;
}

/** Options of {@link FakeNuwaniInclude}. */
export interface FakeNuwaniIncludeOptions {
  /** Print `[nuwani] nuwani-heartbeat` this often on the server's clock; 0 for never. @defaultValue 60000 */
  heartbeatMs?: number;
}

/**
 * Emulates the Nuwani Pawn include inside a {@link FakeSampServer}: registers its RCON
 * commands and writes its echo lines, so the adapter's targeted delivery can be tested and
 * demonstrated without a game server.
 *
 * - `nuwani_msg <vips|administrators|management> <text>`: players of that level and up;
 * - `nuwani_pm <playerid> <text>`: one player, when connected;
 * - `nuwani_announce <text>`: everyone;
 * - `nuwani_mute <playerid> <seconds>` / `nuwani_unmute <playerid>`: echo `nuwani-mute`
 *   (id, name, seconds) / `nuwani-unmute` (id);
 * - {@link setLevel} echoes `nuwani-level` (id, level name);
 * - a muted player's chat is blocked, as the include's `OnPlayerText` does: nobody sees it,
 *   though the server has already logged its `[chat]` line.
 *
 * Like the include, none of the commands replies over RCON. Deliveries are recorded in
 * {@link delivered}; every call is also in the server's `customCommands`. The heartbeat beats
 * while the server listens (from `start()` to `stop()`). {@link FakeNuwaniInclude.destroy}
 * takes the include off the server for good.
 */
export class FakeNuwaniInclude {
  /** Every message put in front of players, oldest first. */
  readonly delivered: FakeNuwaniDelivery[] = [];
  readonly #server: FakeSampServer;
  readonly #levels = new Map<number, FakeNuwaniLevel>();
  readonly #muted = new Map<number, number>();
  readonly #heartbeatMs: number;
  #heartbeat: unknown;
  readonly #removeTextFilter: () => void;
  #destroyed = false;
  // The heartbeat beats while the server listens, like the gamemode's timer while it runs.
  readonly #onListening = (): void => {
    this.#cancelHeartbeat();
    this.#scheduleHeartbeat();
  };
  readonly #onClose = (): void => this.#cancelHeartbeat();
  readonly #onPart = (player: { readonly id: number }): void => {
    // OnPlayerDisconnect: the slot forgets its level and mute.
    this.#levels.delete(player.id);
    this.#muted.delete(player.id);
  };

  /** @throws {@link FakeSampError} `FAKE_SAMP_INVALID_ARGUMENT` for a bad heartbeat interval. */
  constructor(server: FakeSampServer, options: FakeNuwaniIncludeOptions = {}) {
    const heartbeatMs = options.heartbeatMs ?? 60_000;
    if (!(Number.isInteger(heartbeatMs) && heartbeatMs >= 0 && heartbeatMs < 2 ** 31)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "heartbeatMs must be an integer from 0 to 2^31-1");
    }
    this.#server = server;
    this.#heartbeatMs = heartbeatMs;
    server.registerRconCommand("nuwani_msg", (args) => this.#message(args));
    server.registerRconCommand("nuwani_pm", (args) => this.#pm(args));
    server.registerRconCommand("nuwani_announce", (args) => {
      if (args !== "") this.#deliver("all", this.#online(), args);
    });
    server.registerRconCommand("nuwani_mute", (args) => {
      const [id, seconds] = args.split(" ");
      const playerId = readId(id);
      if (playerId !== undefined) this.mute(playerId, Number.parseInt(seconds ?? "0", 10) || 0);
    });
    server.registerRconCommand("nuwani_unmute", (args) => {
      const playerId = readId(args.split(" ")[0]);
      if (playerId !== undefined) this.unmute(playerId);
    });
    // OnPlayerText: a muted player's chat is blocked (not shown; the server logged it already).
    this.#removeTextFilter = server.addTextFilter((player) => !this.isMuted(player.id));
    server.on("part", this.#onPart);
    server.on("listening", this.#onListening);
    server.on("close", this.#onClose);
    if (server.started) this.#scheduleHeartbeat();
  }

  /** A player's level (`"player"` unless set). */
  levelOf(playerId: number): FakeNuwaniLevel {
    return this.#levels.get(playerId) ?? "player";
  }

  /** Sets a player's level and echoes `nuwani-level` (id, level), as `NuwaniSetLevel` does. */
  setLevel(playerId: number, level: FakeNuwaniLevel): void {
    this.#alive();
    if (!LEVELS.includes(level)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", `unknown level ${JSON.stringify(level)}`);
    this.#levels.set(playerId, level);
    this.#server.echo("nuwani-level", playerId, level);
  }

  /** Mutes a connected player for `seconds` (0: until unmuted) and echoes `nuwani-mute`. */
  mute(playerId: number, seconds: number): void {
    this.#alive();
    const player = this.#server.player(playerId);
    if (player === undefined) return;
    this.#muted.set(playerId, seconds > 0 ? this.#server.clock.now() + seconds * 1000 : Number.POSITIVE_INFINITY);
    this.#server.echo("nuwani-mute", playerId, player.name, seconds);
  }

  /** Unmutes a player and echoes `nuwani-unmute`. */
  unmute(playerId: number): void {
    this.#alive();
    this.#muted.delete(playerId);
    this.#server.echo("nuwani-unmute", playerId);
  }

  /** Whether a player is muted now (on the server's clock). */
  isMuted(playerId: number): boolean {
    const until = this.#muted.get(playerId);
    if (until === undefined) return false;
    if (this.#server.clock.now() >= until) {
      this.#muted.delete(playerId);
      return false;
    }
    return true;
  }

  /**
   * Takes the include off its server for good: unregisters the commands, lifts the chat
   * filter and stops the heartbeat. Synchronous and harmless twice; afterwards `setLevel`,
   * `mute` and `unmute` throw `FAKE_SAMP_DESTROYED`.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const name of ["nuwani_msg", "nuwani_pm", "nuwani_announce", "nuwani_mute", "nuwani_unmute"]) this.#server.unregisterRconCommand(name);
    this.#removeTextFilter();
    this.#server.off("part", this.#onPart);
    this.#server.off("listening", this.#onListening);
    this.#server.off("close", this.#onClose);
    this.#cancelHeartbeat();
  }

  /** @deprecated Use {@link FakeNuwaniInclude.destroy}: the same, under the shared lifecycle name. */
  stop(): void {
    this.destroy();
  }

  #alive(): void {
    if (this.#destroyed) throw new FakeSampError("FAKE_SAMP_DESTROYED", "the Nuwani include was destroyed");
  }

  #cancelHeartbeat(): void {
    if (this.#heartbeat !== undefined) this.#server.clock.clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #scheduleHeartbeat(): void {
    if (this.#heartbeatMs === 0) return;
    this.#heartbeat = this.#server.clock.setTimeout(() => {
      try {
        this.#server.print("[nuwani] nuwani-heartbeat");
      } catch {
        // The log failed: a real server would keep running too. The next beat tries again.
      }
      this.#scheduleHeartbeat();
    }, this.#heartbeatMs);
  }

  #online(): number[] {
    return this.#server.players.map((player) => player.id);
  }

  #message(args: string): void {
    const space = args.indexOf(" ");
    const level = space === -1 ? undefined : TARGETS[args.slice(0, space).toLowerCase()];
    const text = space === -1 ? "" : args.slice(space + 1);
    if (level === undefined || text === "") return;
    const rank = LEVELS.indexOf(level);
    this.#deliver(level, this.#online().filter((id) => LEVELS.indexOf(this.levelOf(id)) >= rank), text);
  }

  #pm(args: string): void {
    const match = /^(\d{1,6})(?: (.*))?$/s.exec(args);
    if (match === null) return;
    const playerId = Number(match[1]);
    const text = match[2] ?? "";
    if (this.#server.player(playerId) === undefined || text === "") return;
    this.#deliver({ playerId }, [playerId], text);
  }

  #deliver(to: FakeNuwaniDelivery["to"], recipients: number[], text: string): void {
    this.delivered.push({ at: this.#server.clock.now(), to, recipients, text });
  }
}

function readId(text: string | undefined): number | undefined {
  return text !== undefined && /^\d{1,6}$/.test(text) ? Number(text) : undefined;
}

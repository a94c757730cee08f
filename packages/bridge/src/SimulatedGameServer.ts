import { EventEmitter } from "node:events";
import { createSeededRandom } from "@nuwani/util";
import { BridgeError } from "./BridgeError.js";
import { systemClock, type Clock } from "@nuwani/util";
import type { DeliveryTarget, EchoParam, GameMutes, GameServer, GameServerEvents, MutedPlayer, Player, PlayerLevel } from "@nuwani/game";

/** Options of {@link SimulatedGameServer}. */
export interface SimulatedGameServerOptions {
  /** Seed of the pseudo-random generator; the same seed gives the same game. @defaultValue 1 */
  readonly seed?: number;
  /** Events per simulated second while started. @defaultValue 2 */
  readonly rate?: number;
  /** Most players online at once. @defaultValue 50 */
  readonly maxPlayers?: number;
  /** Time source. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
}

/** A message the bridge delivered to the simulated game. */
export interface DeliveredMessage {
  readonly to: DeliveryTarget;
  readonly text: string;
  /** `clock.now()` when it was delivered. */
  readonly at: number;
}

/** Why a simulated player left (the third parameter of LVP's `quit` echo). */
type LeaveReason = "leaving" | "timeout" | "kicked";

const NAMES = ["Russell", "Luce", "Gunther", "Xanland", "Joe", "Kase", "Jay", "Holsje", "Fikie", "Bas", "Ricardo", "Thomas", "Sophie", "Ana", "Mei", "Omar", "Priya", "Lars", "Nina", "Yusuf"];
const CHAT = [
  "hey all",
  "anyone up for a race?",
  "lol",
  "gg",
  "where is the ship?",
  "brb",
  "how do I get to the pirate ship",
  "nice drift!",
  "who wants a deathmatch at /dm 2",
  "**bold** move _there_",
  "@everyone look at this",
  "{FF0000}red text",
  "<@123456789012345678> hi",
];
const ADMIN_CHAT = ["checking that report", "can someone spectate id 3?", "going afk for 5", "kicked the cheater", "ok"];
const REASONS = ["cheating", "spawn killing", "ramming", "insulting", "team killing"];
const WEAPONS = ["Desert Eagle", "M4", "Sawnoff Shotgun", "Minigun", "Fist", "Sniper Rifle", "MP5"];

/**
 * A deterministic stand-in for the game, for tests and the demo only: with a given seed,
 * players join, chat, leave, fight, report each other, and administrators chat, always in the
 * same order. Each happening is the echo call LVP's gamemode makes, with LVP's tag and
 * positional parameters in LVP's order (`data/irc_messages.json`):
 *
 * | tag | parameters |
 * |---|---|
 * | `join` | id, name |
 * | `quit` | id, name, reason |
 * | `chat` | id, name, text |
 * | `chat-admin` | id, name, text |
 * | `kill` | victim, victim id, killer, killer id, weapon |
 * | `report` | reporter, reporter id, target, target id, reason |
 * | `notice-announce` | text |
 *
 * `start()` runs it at `rate` events per (simulated) second on the clock; `step()` and
 * `emitBurst(n)` drive it by hand; `addPlayer` puts a chosen player online. What the bridge
 * delivers and announces is recorded in `delivered` and `announced`; `mutes` keeps mutes on
 * the clock.
 */
export class SimulatedGameServer extends EventEmitter<GameServerEvents> implements GameServer {
  /** What was delivered to the game, oldest first. */
  readonly delivered: DeliveredMessage[] = [];
  /** What was announced (`announce`), oldest first. */
  readonly announced: string[] = [];
  /** Mutes, kept on the clock. */
  readonly mutes: GameMutes;
  readonly #muted = new Map<number, number | undefined>();
  readonly #random: () => number;
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #maxPlayers: number;
  readonly #online = new Map<number, Player>();
  #timer: unknown = undefined;
  #events = 0;

  /**
   * A simulated server, seeded; nothing happens until {@link SimulatedGameServer.start}.
   * @throws {@link BridgeError} `BRIDGE_INVALID_ARGUMENT` for a bad `rate` or `maxPlayers`.
   */
  constructor(options: SimulatedGameServerOptions = {}) {
    super();
    const { seed = 1, rate = 2, maxPlayers = 50, clock = systemClock } = options;
    if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "rate must be a number of events per second in (0, 10000]", { field: "rate" });
    }
    if (!Number.isInteger(maxPlayers) || maxPlayers < 2 || maxPlayers > 1000) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "maxPlayers must be an integer from 2 to 1000", { field: "maxPlayers" });
    }
    this.#random = createSeededRandom(seed);
    this.#clock = clock;
    this.#interval = 1000 / rate;
    this.#maxPlayers = maxPlayers;
    this.mutes = {
      mute: (playerId, durationSeconds) => {
        if (!this.#online.has(playerId)) throw new BridgeError("BRIDGE_INVALID_ARGUMENT", `no player ${playerId} is online`, { field: "playerId" });
        this.#muted.set(playerId, durationSeconds === undefined ? undefined : this.#clock.now() + durationSeconds * 1000);
      },
      unmute: (playerId) => {
        this.#muted.delete(playerId);
      },
      list: () => this.#mutedNow(),
    };
  }

  #mutedNow(): MutedPlayer[] {
    const now = this.#clock.now();
    const muted: MutedPlayer[] = [];
    for (const [id, until] of this.#muted) {
      const player = this.#online.get(id);
      if (player === undefined || (until !== undefined && until <= now)) {
        this.#muted.delete(id);
        continue;
      }
      muted.push(until === undefined ? { id, name: player.name } : { id, name: player.name, remainingSeconds: Math.ceil((until - now) / 1000) });
    }
    return muted;
  }

  /** Whether `start()` is in effect. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** How many happenings the simulation produced so far. */
  get events(): number {
    return this.#events;
  }

  /** The players online now, by id. */
  players(): Player[] {
    return [...this.#online.values()].sort((a, b) => a.id - b.id);
  }

  /** Records a message the bridge delivers. */
  deliver(to: DeliveryTarget, text: string): void {
    this.delivered.push({ to, text, at: this.#clock.now() });
  }

  /** Records an announcement (and echoes it, as LVP's `!announce` does: `notice-announce`). */
  announce(text: string): void {
    this.announced.push(text);
    this.#echo("notice-announce", [text]);
  }

  /**
   * Puts a player online with the lowest free id (echo `join`).
   * @param level - a level of the ladder. @defaultValue `"player"`
   */
  addPlayer(name: string, level: PlayerLevel = "player"): Player {
    let id = 0;
    while (this.#online.has(id)) id++;
    const player: Player = { id, name, level };
    this.#online.set(id, player);
    this.#echo("join", [id, name]);
    return player;
  }

  /** Reports the game's reachability, as an out-of-process adapter's watchdog would (`health`). */
  setHealth(state: "down" | "up", detail: string): void {
    this.emit("health", state, detail);
  }

  /** Starts producing events at `rate` per second on the clock. Idempotent. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#schedule();
  }

  /** Stops producing events. Idempotent. */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Produces `count` events at once, e.g. to overload the bridge. */
  emitBurst(count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new BridgeError("BRIDGE_INVALID_ARGUMENT", "count must be a non-negative integer", { field: "count" });
    }
    for (let i = 0; i < count; i++) this.step();
  }

  /** Produces one event, chosen by the seeded generator. */
  step(): void {
    this.#events++;
    const online = this.players();
    const roll = this.#random();
    if (online.length < 2 || (roll < 0.15 && online.length < this.#maxPlayers)) return this.#join();
    if (roll < 0.25) return this.#leave(this.#pick(online));
    if (roll < 0.6) return this.#chat(this.#pick(online));
    if (roll < 0.8) return this.#kill(online);
    if (roll < 0.87) return this.#report(online);
    const admins = online.filter((player) => player.level === "administrator" || player.level === "management");
    if (roll < 0.97 && admins.length > 0) return this.#adminChat(this.#pick(admins));
    if (admins.length > 0) return this.#echo("notice-announce", [`Admin ${this.#pick(admins).name}: ${this.#pick(["event at the ship in 5 minutes", "no ramming please", "welcome to LVP!"])}`]);
    return this.#chat(this.#pick(online));
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.step();
      if (this.#timer !== undefined) this.#schedule();
    }, this.#interval);
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }

  /** An echo call as LVP's gamemode makes it: LVP's tag, positional parameters in LVP's order. */
  #echo(tag: string, params: readonly EchoParam[]): void {
    this.emit("echo", tag, params);
  }

  #join(): void {
    let id = 0;
    while (this.#online.has(id)) id++;
    const roll = this.#random();
    const level: PlayerLevel = roll < 0.05 ? "management" : roll < 0.15 ? "administrator" : roll < 0.3 ? "vip" : "player";
    const base = this.#pick(NAMES);
    const taken = new Set([...this.#online.values()].map((player) => player.name));
    let name = base;
    for (let suffix = 2; taken.has(name); suffix++) name = `${base}${suffix}`;
    const player: Player = { id, name, level };
    this.#online.set(id, player);
    this.#echo("join", [id, name]);
  }

  #leave(player: Player): void {
    const reason = this.#pick<LeaveReason>(["leaving", "leaving", "leaving", "timeout", "kicked"]);
    this.#online.delete(player.id);
    this.#muted.delete(player.id);
    this.#echo("quit", [player.id, player.name, reason]);
  }

  #chat(player: Player): void {
    const text = this.#pick(CHAT);
    this.#echo("chat", [player.id, player.name, text]);
  }

  #adminChat(player: Player): void {
    const text = this.#pick(ADMIN_CHAT);
    this.#echo("chat-admin", [player.id, player.name, text]);
  }

  #two(online: readonly Player[]): [Player, Player] {
    const first = this.#pick(online);
    const others = online.filter((player) => player.id !== first.id);
    return [first, this.#pick(others)];
  }

  #kill(online: readonly Player[]): void {
    const [killer, victim] = this.#two(online);
    this.#echo("kill", [victim.name, victim.id, killer.name, killer.id, this.#pick(WEAPONS)]);
  }

  #report(online: readonly Player[]): void {
    const [reporter, target] = this.#two(online);
    this.#echo("report", [reporter.name, reporter.id, target.name, target.id, this.#pick(REASONS)]);
  }
}

import { type Random, createSeededRandom } from "@nuwani/util";
import { FakeSampError } from "./FakeSampError.js";
import { type EchoParam, formatJoin, formatPart, type PartReason } from "./logLines.js";
import type { FakeSampServer } from "./FakeSampServer.js";
import type { FakeSampPlayer } from "./FakeSampServerOptions.js";

/** Options of scripted play. */
export interface FakeSampPlayOptions {
  /** The random source (the server passes its seeded one). @defaultValue a source seeded with `seed` */
  random?: Random;
  /** Seed when no `random` is given. @defaultValue 1 */
  seed?: number;
  /** Nicknames players join with, in order of first use. @defaultValue SA-MP's default nickname characters */
  names?: readonly string[];
  /** What players say. @defaultValue a few lines, some in windows-1252's 0x80–0x9F range */
  phrases?: readonly string[];
  /** Tags of custom echo events (params: a player's id and name, a phrase). @defaultValue `["admin", "report"]` */
  echoTags?: readonly string[];
  /** The roster size play hovers around. @defaultValue `min(12, maxPlayers)` */
  targetPlayers?: number;
}

/** One thing that happened in scripted play, with the log line written (`undefined` when not logged). */
export type FakeSampPlayEvent =
  | { readonly type: "join"; readonly player: FakeSampPlayer; readonly line: string | undefined }
  | { readonly type: "part"; readonly player: FakeSampPlayer; readonly reason: PartReason; readonly line: string | undefined }
  | { readonly type: "chat"; readonly player: FakeSampPlayer; readonly text: string; readonly line: string | undefined }
  | { readonly type: "kill"; readonly killer: FakeSampPlayer; readonly victim: FakeSampPlayer; readonly weapon: number; readonly line: string | undefined }
  | { readonly type: "death"; readonly player: FakeSampPlayer; readonly reason: number; readonly line: string | undefined }
  | { readonly type: "echo"; readonly tag: string; readonly params: readonly EchoParam[]; readonly line: string | undefined };

/** Default nicknames: SA-MP's default nickname characters `[0-9A-Za-z[]()$@._=]`. */
export const DEFAULT_NAMES: readonly string[] = [
  "Gunther", "[BB]Ricky92", "Sandra", "TEF", "Luce", "Xanland", "Kwiatek", "Holsje",
  "Dr.Jay", "Fred_Mercury", "Ds]_", "Zeus(NL)", "cake$", "Miner@work", "Bjorn=Best", "Petra.S",
];

/** Default chat lines; some use windows-1252's 0x80–0x9F range (€, curly quotes, dash). */
export const DEFAULT_PHRASES: readonly string[] = [
  "hello all", "anyone up for a race?", "gg", "brb", "who has a car?", "nice drift!",
  "€5 says I win", "that’s “great” — really", "lol", "see you at the ship", "hi :)", "héllo from the café",
];

const WEAPONS = [24, 31, 30, 29, 25, 34, 4, 28];
const DEATH_REASONS = [53, 54, 51, 49, 37];

/**
 * Seeded scripted play on a {@link FakeSampServer}: each step is one join, part, chat line,
 * kill, death or echo event, chosen by the random source, so the same seed and clock give the
 * same log byte for byte. `start()` plays on the server's clock for the demo.
 */
export class FakeSampPlay {
  readonly #server: FakeSampServer;
  readonly #random: Random;
  readonly #names: readonly string[];
  readonly #phrases: readonly string[];
  readonly #echoTags: readonly string[];
  readonly #target: number;
  #nextName = 0;
  #timer: unknown;
  #playing = false;
  #error: FakeSampError | undefined;

  /** @throws {@link FakeSampError} `FAKE_SAMP_INVALID_ARGUMENT` for empty lists or a bad target. */
  constructor(server: FakeSampServer, options: FakeSampPlayOptions = {}) {
    this.#server = server;
    this.#random = options.random ?? createSeededRandom(options.seed ?? 1);
    this.#names = options.names ?? DEFAULT_NAMES;
    this.#phrases = options.phrases ?? DEFAULT_PHRASES;
    this.#echoTags = options.echoTags ?? ["admin", "report"];
    if (this.#names.length === 0 || this.#phrases.length === 0 || this.#echoTags.length === 0) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "names, phrases and echoTags must not be empty");
    }
    const target = options.targetPlayers ?? Math.min(12, server.maxPlayers);
    if (!(Number.isInteger(target) && target >= 1 && target <= server.maxPlayers)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "targetPlayers must be from 1 to maxPlayers");
    }
    this.#target = target;
  }

  /** Whether auto play is on. */
  get playing(): boolean {
    return this.#playing;
  }

  /** The failure that stopped auto play (e.g. the log could not be written), if any. */
  get error(): FakeSampError | undefined {
    return this.#error;
  }

  /** Plays `steps` steps now and returns what happened. */
  play(steps: number): FakeSampPlayEvent[] {
    if (!(Number.isInteger(steps) && steps >= 0)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "steps must be a non-negative integer");
    const events: FakeSampPlayEvent[] = [];
    for (let i = 0; i < steps; i++) events.push(this.step());
    return events;
  }

  /** Plays one step. */
  step(): FakeSampPlayEvent {
    const server = this.#server;
    const players = server.players;
    const roll = this.#random();
    const wantsJoin = players.length === 0 || (players.length < this.#target && roll < 0.3);
    if (wantsJoin && players.length < server.maxPlayers) {
      const player = server.join(this.#freeName());
      return { type: "join", player, line: server.log === undefined ? undefined : formatJoin(player.name, player.id, player.ip) };
    }
    if (roll < 0.4 && players.length > 1) {
      const player = this.#pick(players);
      const r = this.#random();
      const reason: PartReason = r < 0.6 ? 1 : r < 0.85 ? 0 : 2;
      server.part(player.id, reason);
      return { type: "part", player, reason, line: server.log === undefined ? undefined : formatPart(player.name, player.id, reason) };
    }
    if (roll >= 0.75 && roll < 0.85 && players.length >= 2) {
      const killer = this.#pick(players);
      const others = players.filter((player) => player !== killer);
      const victim = this.#pick(others);
      const weapon = this.#pick(WEAPONS);
      return { type: "kill", killer, victim, weapon, line: server.kill(killer.id, victim.id, weapon) };
    }
    if (roll >= 0.85 && roll < 0.9) {
      const player = this.#pick(players);
      const reason = this.#pick(DEATH_REASONS);
      return { type: "death", player, reason, line: server.death(player.id, reason) };
    }
    if (roll >= 0.9) {
      const tag = this.#pick(this.#echoTags);
      const player = this.#pick(players);
      const params: EchoParam[] = [player.id, player.name, this.#pick(this.#phrases)];
      return { type: "echo", tag, params, line: server.echo(tag, ...params) };
    }
    const player = this.#pick(players);
    const text = this.#pick(this.#phrases);
    return { type: "chat", player, text, line: server.chat(player.id, text) };
  }

  /**
   * Plays `stepsPerTick` steps every `intervalMs` on the server's clock until {@link stop}.
   * Calling it again changes the pace.
   */
  start(intervalMs = 1000, stepsPerTick = 1): void {
    if (!(Number.isInteger(intervalMs) && intervalMs >= 1 && intervalMs < 2 ** 31)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "intervalMs must be an integer from 1 to 2^31-1");
    }
    if (!(Number.isInteger(stepsPerTick) && stepsPerTick >= 1)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "stepsPerTick must be a positive integer");
    this.stop();
    this.#playing = true;
    this.#error = undefined;
    const clock = this.#server.clock;
    const tick = (): void => {
      if (!this.#playing) return;
      try {
        this.play(stepsPerTick);
      } catch (cause) {
        // A timer callback must not throw: stop and keep the failure for the caller.
        this.#error = cause instanceof FakeSampError ? cause : new FakeSampError("FAKE_SAMP_LOG_FAILED", String(cause), { cause });
        this.stop();
        return;
      }
      this.#timer = clock.setTimeout(tick, intervalMs);
    };
    this.#timer = clock.setTimeout(tick, intervalMs);
  }

  /** Stops auto play. Harmless twice. */
  stop(): void {
    this.#playing = false;
    if (this.#timer !== undefined) this.#server.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#random() * list.length) % list.length]!;
  }

  #freeName(): string {
    const taken = new Set(this.#server.players.map((player) => player.name.toLowerCase()));
    for (let i = 0; i < this.#names.length; i++) {
      const name = this.#names[(this.#nextName + i) % this.#names.length]!;
      if (!taken.has(name.toLowerCase())) {
        this.#nextName = (this.#nextName + i + 1) % this.#names.length;
        return name;
      }
    }
    let n = this.#server.players.length;
    while (taken.has(`player${n}`)) n += 1;
    return `Player${n}`;
  }
}

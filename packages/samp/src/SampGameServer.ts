import { EventEmitter } from "node:events";
import { SampError } from "./SampError.js";
import { unrefTimer } from "./unrefTimer.js";
import { type Clock, MAX_TIMER_MS, splitText, systemClock, truncateUnits } from "@nuwani/util";
import type { SampQueryClient, ServerVariant } from "./SampQueryClient.js";
import type { LogTail } from "./LogTail.js";
import { parseLogLine, type LogEvent, type PartReason } from "./parseLogLine.js";
import { DEFAULT_LEVELS, GAME_LINE_LENGTH } from "@nuwani/game";
import { sanitizeGameText } from "./sanitize.js";
import type { DeliveryTarget, EchoParam, GameMutes, GameServer, GameServerEvents, MutedPlayer, Player, PlayerLevel } from "@nuwani/game";
import type { QueriedPlayer } from "./packet.js";


/** What players see before a line sent with RCON `say`. */
export const SAY_PREFIX = "* Admin: ";

/**
 * LVP's words for a `[part]` reason, the third parameter of the `quit` echo: LVP's gamemode
 * sends the SA-MP reason id (0 timeout, 1 quit, 2 kick/ban) and its echo maps it with
 * `['timeout', 'leaving', 'kicked']` (LVPlayground/bot-nuwani, `MessageFormat.php`, `[leave]`),
 * shown by `irc_messages.json`'s `quit` format as "has left the game (timeout)".
 */
export const PART_REASONS: Readonly<Record<PartReason, string>> = { 0: "timeout", 1: "leaving", 2: "kicked" };

/** Options of {@link SampGameServer}. */
export interface SampGameServerOptions {
  /** The query/RCON client of the server. Closed by {@link SampGameServer.stop}. */
  readonly client: SampQueryClient;
  /** The server's log, when the adapter runs beside it. Stopped by {@link SampGameServer.stop}. */
  readonly tail?: LogTail | undefined;
  /** SA-MP or open.mp (open.mp never answers `d`). @defaultValue `"samp"` */
  readonly variant?: ServerVariant;
  /** Time source. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
  /** Roster and health poll, in ms. @defaultValue 5000 */
  readonly pollInterval?: number;
  /** Longest poll interval while the server is down (the backoff doubles up to it), in ms. @defaultValue 60000 */
  readonly maxPollInterval?: number;
  /** Health goes "down" after this long without an answer to a query, in ms. @defaultValue 30000 */
  readonly downAfter?: number;
  /** Health goes "down" after this long without a log line while players are online, in ms; 0 = off. @defaultValue 0 (180000 with `pawnInclude`, whose heartbeat keeps the log busy) */
  readonly logSilentAfter?: number;
  /** The server runs `pawn/nuwani.inc`: targeted delivery, announcements and mutes. @defaultValue false */
  readonly pawnInclude?: boolean;
  /** The level ladder, lowest first; the include's `nuwani-level` echo may set any of these. @defaultValue {@link DEFAULT_LEVELS} */
  readonly levels?: readonly PlayerLevel[];
  /** The level of a player logged in as RCON administrator. @defaultValue `"administrator"` */
  readonly rconAdminLevel?: PlayerLevel;
  /** Most game lines one delivery may take; the rest is cut with `…`. @defaultValue 3 */
  readonly maxLines?: number;
  /** Told about failures the adapter survives (a poll, the log, a bad RCON password); never given the password. */
  readonly onWarning?: (error: SampError) => void;
}

/** Counters of a {@link SampGameServer}, for the CLI summary. */
export interface SampGameServerStats {
  /** Times health went "down". */
  outages: number;
  /** Echo events emitted. */
  echoes: number;
  /** Lines delivered into the game via RCON. */
  delivered: number;
  /** Deliveries that failed. */
  deliveryFailures: number;
  /** Roster polls, and those that got no answer. */
  polls: number;
  pollFailures: number;
}

type Health = { readonly state: "up"; readonly since: number } | { readonly state: "down"; readonly since: number; readonly reason: string };

const INTERNAL_TAGS = new Set(["nuwani-level", "nuwani-mute", "nuwani-unmute", "nuwani-heartbeat"]);

function interval(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new SampError("SAMP_INVALID_ARGUMENT", `${name} must be an integer from ${min} to ${MAX_TIMER_MS} ms`);
  }
  return value;
}

/**
 * A {@link GameServer} for an SA-MP or open.mp server, from outside the game: echo events
 * from the server log, the roster from query polls and log joins/parts, delivery through RCON,
 * and a watchdog that reports "down" when the server stops answering (or its log goes silent
 * while players are online) and "up" when it recovers, polling forever with backoff.
 */
export class SampGameServer extends EventEmitter<GameServerEvents> implements GameServer {
  /** Counters for a summary. */
  readonly stats: SampGameServerStats = { outages: 0, echoes: 0, delivered: 0, deliveryFailures: 0, polls: 0, pollFailures: 0 };
  /** Present when the server runs the Pawn include. */
  declare readonly mutes?: GameMutes;

  readonly #client: SampQueryClient;
  readonly #tail: LogTail | undefined;
  readonly #variant: ServerVariant;
  readonly #clock: Clock;
  readonly #pollInterval: number;
  readonly #maxPollInterval: number;
  readonly #downAfter: number;
  readonly #logSilentAfter: number;
  readonly #pawnInclude: boolean;
  readonly #levels: readonly PlayerLevel[];
  readonly #rconAdminLevel: PlayerLevel;
  readonly #maxLines: number;
  readonly #onWarning: ((error: SampError) => void) | undefined;
  readonly #roster = new Map<number, Player>();
  // The number of polls started when the log saw each player join: a poll that started before
  // a join must not drop the player (counted, not timed: a clock tick may hold both).
  readonly #joinedAt = new Map<number, number>();
  #pollsStarted = 0;
  readonly #muted = new Map<number, { name: string; until: number | undefined }>();
  #health: Health;
  #lastAnswer: number;
  #lastLogLine: number;
  #failedPolls = 0;
  #polling: Promise<void> | undefined;
  #timer: unknown = undefined;
  #state: "idle" | "running" | "stopped" = "idle";
  readonly #onLine = (line: string): void => this.#handleLine(line);

  /** A game server over the given log, query and RCON settings; nothing runs until it is started. */
  constructor(options: SampGameServerOptions) {
    super();
    this.#client = options.client;
    this.#tail = options.tail;
    this.#variant = options.variant ?? "samp";
    this.#clock = options.clock ?? systemClock;
    this.#pollInterval = interval(options.pollInterval ?? 5000, "pollInterval", 100);
    this.#maxPollInterval = interval(options.maxPollInterval ?? 60_000, "maxPollInterval", this.#pollInterval);
    this.#downAfter = interval(options.downAfter ?? 30_000, "downAfter", 1);
    this.#pawnInclude = options.pawnInclude ?? false;
    this.#logSilentAfter = interval(options.logSilentAfter ?? (this.#pawnInclude ? 180_000 : 0), "logSilentAfter", 0);
    this.#levels = options.levels ?? DEFAULT_LEVELS;
    if (this.#levels.length === 0) throw new SampError("SAMP_INVALID_ARGUMENT", "levels must name at least one level");
    this.#rconAdminLevel = options.rconAdminLevel ?? "administrator";
    this.#maxLines = interval(options.maxLines ?? 3, "maxLines", 1);
    this.#onWarning = options.onWarning;
    const now = this.#clock.now();
    this.#health = { state: "up", since: now };
    this.#lastAnswer = now;
    this.#lastLogLine = now;
    if (this.#pawnInclude) {
      Object.defineProperty(this, "mutes", {
        value: {
          mute: (playerId: number, durationSeconds: number | undefined) => this.#mute(playerId, durationSeconds),
          unmute: (playerId: number) => this.#unmute(playerId),
          list: () => this.#mutedList(),
        } satisfies GameMutes,
        enumerable: true,
      });
    }
  }

  /** "up" or "down", as last reported by the watchdog (the adapter starts assuming "up"). */
  get health(): "up" | "down" {
    return this.#health.state;
  }

  /** Starts the log tail and the poll loop; the first poll goes at once. */
  async start(): Promise<void> {
    if (this.#state !== "idle") return;
    this.#state = "running";
    if (this.#tail !== undefined) {
      this.#tail.on("line", this.#onLine);
      this.#tail.on("error", (error) => this.#warn(error));
      await this.#tail.start();
    }
    if (this.#client.hasRconPassword) {
      // Tell the operator early about a wrong password (SA-MP's refusal or open.mp's silence).
      this.#client.verifyRcon().catch((error: unknown) => this.#warn(error));
    }
    void this.poll();
  }

  /** Stops polling and the tail, and destroys the client. Idempotent and final (`start()` after it does nothing). */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tail?.off("line", this.#onLine);
    await this.#tail?.stop();
    this.#client.destroy();
  }

  /** The players online now: the cached roster, by id. */
  players(): readonly Player[] {
    return [...this.#roster.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Shows `text` in game. It is sanitised again (no control characters, no colour codes),
   * split into lines of at most 144 characters as players see them, at most `maxLines` lines.
   * `"all"` uses RCON `say` (players see `* Admin: text`); other targets need the Pawn include.
   * @throws {@link SampError} `SAMP_UNSUPPORTED` without the include, `SAMP_INVALID_ARGUMENT` for a bad player id, and the client's RCON errors
   */
  async deliver(target: DeliveryTarget, text: string): Promise<void> {
    let command: string;
    let lineLength = GAME_LINE_LENGTH;
    if (target === "all") {
      command = "say";
      lineLength -= SAY_PREFIX.length;
    } else {
      this.#requireInclude("targeted delivery");
      if (typeof target === "object" && target !== null) {
        const id = target.player;
        if (!Number.isInteger(id) || id < 0 || id > 999) throw new SampError("SAMP_INVALID_ARGUMENT", "a player id is an integer from 0 to 999");
        command = `nuwani_pm ${id}`;
      } else if (target === "vips" || target === "administrators" || target === "management") {
        command = `nuwani_msg ${target}`;
      } else {
        throw new SampError("SAMP_INVALID_ARGUMENT", "unknown delivery target");
      }
    }
    await this.#send(command, text, lineLength);
  }

  /** A game-wide announcement: the include's `nuwani_announce` when present, else `say`. */
  async announce(text: string): Promise<void> {
    if (this.#pawnInclude) await this.#send("nuwani_announce", text, GAME_LINE_LENGTH);
    else await this.#send("say", text, GAME_LINE_LENGTH - SAY_PREFIX.length);
  }

  /** Polls the server once (roster and health); the loop calls it, tests may too. One poll runs at a time. */
  poll(): Promise<void> {
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    if (this.#state !== "running") return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.stats.polls++;
    this.#pollsStarted++;
    let answered = false;
    try {
      const list = await this.#client.playerList(this.#variant);
      answered = true;
      await this.#applyList(list.players, list.source === "d");
    } catch (error) {
      if (this.#state !== "running") return;
      const sampError = error instanceof SampError ? error : new SampError("SAMP_SOCKET_ERROR", "the poll failed", { cause: error });
      if (sampError.code === "SAMP_PLAYER_LIST_UNAVAILABLE" && sampError.cause === undefined) {
        // Above 100 players: `i` answered, the list comes from RCON if it can.
        answered = true;
        if (this.#client.hasRconPassword) await this.#rosterFromRcon().catch((rconError: unknown) => this.#warn(rconError));
      } else {
        if (sampError.code === "SAMP_PLAYER_LIST_UNAVAILABLE") answered = true;
        this.#warn(sampError);
      }
    }
    if (this.#state !== "running") return;
    if (answered) {
      this.#lastAnswer = this.#clock.now();
      this.#failedPolls = 0;
    } else {
      this.stats.pollFailures++;
      this.#failedPolls++;
    }
    this.#evaluateHealth();
    const delay = this.#health.state === "down"
      ? Math.min(this.#maxPollInterval, this.#pollInterval * 2 ** Math.min(this.#failedPolls, 20))
      : this.#pollInterval;
    this.#timer = unrefTimer(
      this.#clock.setTimeout(() => {
        this.#timer = undefined;
        void this.poll();
      }, delay),
    );
  }

  #evaluateHealth(): void {
    const now = this.#clock.now();
    let reason: string | undefined;
    if (now - this.#lastAnswer >= this.#downAfter) {
      reason = `the server has not answered queries for ${Math.round((now - this.#lastAnswer) / 1000)} s`;
    } else if (this.#tail !== undefined && this.#logSilentAfter > 0 && this.#roster.size > 0 && now - this.#lastLogLine >= this.#logSilentAfter) {
      reason = `the server log has been silent for ${Math.round((now - this.#lastLogLine) / 1000)} s with ${this.#roster.size} players online`;
    }
    if (reason !== undefined && this.#health.state === "up") {
      this.#health = { state: "down", since: now, reason };
      this.stats.outages++;
      this.emit("health", "down", reason);
    } else if (reason === undefined && this.#health.state === "down") {
      const seconds = Math.round((now - this.#health.since) / 1000);
      this.#health = { state: "up", since: now };
      this.emit("health", "up", `the server is back after ${seconds} s`);
    }
  }

  #warn(error: unknown): void {
    const sampError = error instanceof SampError ? error : new SampError("SAMP_SOCKET_ERROR", "unexpected failure", { cause: error });
    try {
      this.#onWarning?.(sampError);
    } catch {
      // A reporter's failure must not stop the poll loop.
    }
  }

  #requireInclude(what: string): void {
    if (!this.#pawnInclude) throw new SampError("SAMP_UNSUPPORTED", `${what} needs the Pawn include (pawn/nuwani.inc) on the server`);
  }

  async #send(command: string, text: string, lineLength: number): Promise<void> {
    const clean = sanitizeGameText(text);
    if (clean === "") return;
    let lines = splitText(clean, lineLength);
    if (lines.length > this.#maxLines) {
      lines = lines.slice(0, this.#maxLines);
      const last = lines[lines.length - 1]!;
      lines[lines.length - 1] = `${truncateUnits(last, lineLength - 1)}…`; // never half an emoji before the …
    }
    for (const line of lines) {
      try {
        await this.#client.rcon(`${command} ${line}`, { expectOutput: false });
        this.stats.delivered++;
      } catch (error) {
        this.stats.deliveryFailures++;
        throw error;
      }
    }
  }

  async #rosterFromRcon(): Promise<void> {
    const lines = await this.#client.rcon("players");
    const players: QueriedPlayer[] = [];
    for (const line of lines) {
      const match = /^(\d{1,4})\t([^\t]{1,24})\t/.exec(line);
      if (match) players.push({ id: Number(match[1]), name: match[2]!, score: 0 });
    }
    this.#replaceRoster(players);
  }

  async #applyList(players: readonly QueriedPlayer[], withIds: boolean): Promise<void> {
    if (withIds) {
      this.#replaceRoster(players, true);
      return;
    }
    // `c` has names only: ids come from the log's joins, or from RCON `players`.
    const known = new Map([...this.#roster.values()].map((player) => [player.name, player]));
    if (players.some((player) => !known.has(player.name)) && this.#client.hasRconPassword) {
      await this.#rosterFromRcon().catch((error: unknown) => this.#warn(error));
      return;
    }
    const names = new Set(players.map((player) => player.name));
    for (const [id, player] of this.#roster) if (!names.has(player.name) && !this.#joinedDuringPoll(id)) this.#roster.delete(id);
  }

  #replaceRoster(players: readonly QueriedPlayer[], idsWrap = false): void {
    const previous = new Map(this.#roster);
    this.#roster.clear();
    for (const player of players) {
      if (player.id === undefined) continue;
      let id = player.id;
      if (idsWrap) {
        // `d` carries ids as one byte: id 300 arrives as 44. A player the log saw join under an
        // id with the same low byte keeps that id.
        for (const known of previous.values()) if (known.name === player.name && known.id % 256 === id) id = known.id;
      }
      const before = previous.get(id);
      const level = before !== undefined && before.name === player.name ? before.level : this.#levels[0]!;
      this.#roster.set(id, { id, name: player.name, level });
    }
    for (const [id, player] of previous) if (!this.#roster.has(id) && this.#joinedDuringPoll(id)) this.#roster.set(id, player);
  }

  #joinedDuringPoll(id: number): boolean {
    const joined = this.#joinedAt.get(id);
    return joined !== undefined && joined >= this.#pollsStarted;
  }

  #idOf(name: string): number {
    for (const player of this.#roster.values()) if (player.name === name) return player.id;
    return -1;
  }

  #setLevel(id: number, level: PlayerLevel): void {
    const player = this.#roster.get(id);
    if (player !== undefined && this.#levels.includes(level)) this.#roster.set(id, { ...player, level });
  }

  #echo(tag: string, params: readonly EchoParam[]): void {
    this.stats.echoes++;
    this.emit("echo", tag, params);
  }

  #handleLine(line: string): void {
    this.#lastLogLine = this.#clock.now();
    const event = parseLogLine(line);
    if (event !== undefined) this.#handleEvent(event);
  }

  #handleEvent(event: LogEvent): void {
    switch (event.type) {
      case "chat": {
        const id = this.#idOf(event.name);
        // The server logs `[chat]` before OnPlayerText, so a muted player's blocked line is in
        // the log too (open.mp PlayerTextRPCHandler); nobody saw it in game: not an echo.
        if (this.#isMuted(id)) return;
        return this.#echo("chat", [id, event.name, event.text]);
      }
      case "join":
        this.#roster.set(event.id, { id: event.id, name: event.name, level: this.#levels[0]! });
        this.#joinedAt.set(event.id, this.#pollsStarted);
        this.#muted.delete(event.id);
        return this.#echo("join", [event.id, event.name]);
      case "part":
        this.#roster.delete(event.id);
        this.#joinedAt.delete(event.id);
        this.#muted.delete(event.id);
        return this.#echo("quit", [event.id, event.name, PART_REASONS[event.reason]]);
      case "kill":
        return this.#echo("kill", [event.victim, this.#idOf(event.victim), event.killer, this.#idOf(event.killer), event.weapon]);
      case "death":
        return this.#echo("death", [event.name]);
      case "rcon-login":
        this.#setLevel(event.id, this.#rconAdminLevel);
        return this.#echo("notice-admin", [`${event.name} (Id:${event.id}) has logged in as RCON administrator.`]);
      case "rcon-login-failed":
        return this.#echo("notice-admin", [`${event.name} (Id:${event.id}) failed to log in as RCON administrator.`]);
      case "rcon-command":
        return this.#echo("notice-admin", [`${event.name} sent the RCON command: ${event.command}`]);
      case "rcon-bad-attempt":
        return this.#echo("notice-admin", ["A remote RCON login with a wrong password was refused."]);
      case "echo":
        if (INTERNAL_TAGS.has(event.tag)) return this.#internal(event.tag, event.params);
        return this.#echo(event.tag, event.params);
    }
  }

  #isMuted(id: number): boolean {
    const mute = this.#muted.get(id);
    if (mute === undefined) return false;
    if (mute.until !== undefined && mute.until <= this.#clock.now()) {
      this.#muted.delete(id);
      return false;
    }
    return true;
  }

  #internal(tag: string, params: readonly EchoParam[]): void {
    const [first, second, third] = params;
    if (typeof first !== "number") return;
    if (tag === "nuwani-level" && typeof second === "string") this.#setLevel(first, second);
    if (tag === "nuwani-mute") {
      const seconds = typeof third === "number" && third > 0 ? third : undefined;
      const name = typeof second === "string" ? second : (this.#roster.get(first)?.name ?? String(first));
      this.#muted.set(first, { name, until: seconds === undefined ? undefined : this.#clock.now() + seconds * 1000 });
    }
    if (tag === "nuwani-unmute") this.#muted.delete(first);
  }

  async #mute(playerId: number, durationSeconds: number | undefined): Promise<void> {
    if (!Number.isInteger(playerId) || playerId < 0 || playerId > 999) throw new SampError("SAMP_INVALID_ARGUMENT", "a player id is an integer from 0 to 999");
    if (durationSeconds !== undefined && (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > 31_536_000)) {
      throw new SampError("SAMP_INVALID_ARGUMENT", "a mute lasts 1 to 31536000 seconds, or until unmuted");
    }
    await this.#client.rcon(`nuwani_mute ${playerId} ${durationSeconds ?? 0}`, { expectOutput: false });
    const name = this.#roster.get(playerId)?.name ?? String(playerId);
    this.#muted.set(playerId, { name, until: durationSeconds === undefined ? undefined : this.#clock.now() + durationSeconds * 1000 });
  }

  async #unmute(playerId: number): Promise<void> {
    if (!Number.isInteger(playerId) || playerId < 0 || playerId > 999) throw new SampError("SAMP_INVALID_ARGUMENT", "a player id is an integer from 0 to 999");
    await this.#client.rcon(`nuwani_unmute ${playerId}`, { expectOutput: false });
    this.#muted.delete(playerId);
  }

  #mutedList(): MutedPlayer[] {
    const now = this.#clock.now();
    const list: MutedPlayer[] = [];
    for (const [id, mute] of this.#muted) {
      if (mute.until !== undefined && mute.until <= now) {
        this.#muted.delete(id);
        continue;
      }
      list.push(mute.until === undefined ? { id, name: mute.name } : { id, name: mute.name, remainingSeconds: Math.ceil((mute.until - now) / 1000) });
    }
    return list.sort((a, b) => a.id - b.id);
  }
}

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { type Clock, createSeededRandom, SlidingWindow, systemClock } from "@nuwani/util";
import { CodePage } from "./CodePage.js";
import { type FakeBurstOptions, FakeSampFaults } from "./FakeSampFaults.js";
import { FakeSampError } from "./FakeSampError.js";
import { type FakeSampFlavour, FakeSampLog } from "./FakeSampLog.js";
import { type FakeSampPlayEvent, FakeSampPlay } from "./FakeSampPlay.js";
import { runRcon, type FakeSampRconHost } from "./FakeSampRcon.js";
import {
  type FakeQueryOutcome,
  type FakeQueryRecord,
  type FakeRconHandler,
  type FakeSampPeer,
  type FakeSampPlayer,
  type FakeSampPlayerInput,
  type FakeSampRecords,
  type FakeSampServerEvents,
  type FakeSampServerOptions,
  type FakeTextFilter,
  type FakeCustomCommandRecord,
  type FakeRconRecord,
  type FakeSayRecord,
  MAX_NAME_BYTES,
  MAX_SLOTS,
  PLAYER_LIST_LIMIT,
} from "./FakeSampServerOptions.js";
import type { EchoParam, PartReason } from "./logLines.js";
import {
  capBytes,
  encodeClients,
  encodeDetailed,
  encodeExtraInfo,
  encodeInfo,
  encodeRules,
  HEADER_LENGTH,
  isQuery,
  opcodeOf,
  type PacketInfo,
  type PacketPlayer,
  PING_LENGTH,
} from "./packets.js";

const CAPS: Record<FakeSampFlavour, { hostname: number; gamemode: number; language: number }> = {
  samp: { hostname: 50, gamemode: 30, language: 30 },
  openmp: { hostname: 63, gamemode: 39, language: 39 },
};

const DEFAULT_RULES: Record<FakeSampFlavour, Record<string, string>> = {
  samp: { lagcomp: "On", version: "0.3.7-R2", weather: "10", weburl: "www.sa-mp.com", worldtime: "12:00" },
  openmp: { allowed_clients: "0.3.7, 0.3.DL", artwork: "No", lagcomp: "On", version: "omp 1.4.0.2779", weather: "10", weburl: "open.mp", worldtime: "12:00" },
};

type ServerState = { readonly kind: "stopped" } | { readonly kind: "starting" } | { readonly kind: "listening"; readonly socket: Socket; readonly port: number } | { readonly kind: "stopping" };

/**
 * A fake SA-MP or open.mp server on 127.0.0.1: answers the query protocol (`i`, `r`, `c`,
 * `d`, `p`, open.mp's `o`) and RCON (`x`) from a scripted roster exactly as the chosen server
 * does, writes a server log as simulated play happens, records everything it receives, and
 * injects faults ({@link faults}).
 *
 * @example
 * ```ts
 * const server = new FakeSampServer({ rconPassword: "secret", log: { path: "server_log.txt" } });
 * await server.start(); // a free UDP port on 127.0.0.1
 * server.join({ name: "Gunther" });
 * server.chat(0, "hello"); // [chat] [Gunther]: hello
 * // … a client queries 127.0.0.1:server.port …
 * await server.stop();
 * ```
 */
export class FakeSampServer extends EventEmitter<FakeSampServerEvents> {
  /** Which server this behaves as. */
  readonly flavour: FakeSampFlavour;
  /** The log writer, when a `log` option was given. */
  readonly log: FakeSampLog | undefined;
  /** Fault injection. */
  readonly faults: FakeSampFaults;
  /** The code page of strings on the wire and in the log. */
  readonly codePage: CodePage;
  /** Rules sent in `r`, in insertion order (open.mp sends them sorted by name). */
  readonly rules: Map<string, string>;
  /** Every datagram received, oldest first. */
  readonly received: FakeQueryRecord[] = [];
  /** Every RCON request, oldest first. */
  readonly rconCommands: FakeRconRecord[] = [];
  /** Every `say`, oldest first. */
  readonly said: FakeSayRecord[] = [];
  /** Every call of a registered RCON command, oldest first. */
  readonly customCommands: FakeCustomCommandRecord[] = [];
  /** Hostname in `i` (capped per flavour on the wire). */
  hostname: string;
  /** Gamemode text in `i`. */
  gamemode: string;
  /** Language in `i`. */
  language: string;
  /** Map name (SA-MP's `i` language fallback). */
  mapname: string;
  /** Whether `i` says the server has a join password. */
  passworded: boolean;
  readonly #maxPlayers: number;
  readonly #rcon: FakeSampRconHost | undefined;
  readonly #clock: Clock;
  readonly #host: string;
  /** Anti-flood: the queries answered within the last second, when limited. */
  readonly #queries: SlidingWindow | undefined;
  readonly #extraInfo: readonly Buffer[];
  readonly #players = new Map<number, FakeSampPlayer>();
  readonly #commands = new Map<string, FakeRconHandler>();
  readonly #textFilters = new Set<FakeTextFilter>();
  readonly #timers = new Set<unknown>();
  readonly #claimed = new WeakSet<object>();
  readonly #play: FakeSampPlay;
  #state: ServerState = { kind: "stopped" };
  #lastPort = 0;
  #burstSequence = 0;

  /** @throws {@link FakeSampError} `FAKE_SAMP_INVALID_ARGUMENT`, `FAKE_SAMP_UNKNOWN_ENCODING`, `FAKE_SAMP_LOG_FAILED`. */
  constructor(options: FakeSampServerOptions = {}) {
    super();
    this.flavour = options.flavour ?? "samp";
    if (this.flavour !== "samp" && this.flavour !== "openmp") {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", 'flavour must be "samp" or "openmp"');
    }
    this.codePage = new CodePage(options.encoding ?? "windows-1252");
    this.#clock = options.clock ?? systemClock;
    this.#host = options.host ?? "127.0.0.1";
    const maxPlayers = options.maxPlayers ?? 50;
    if (!(Number.isInteger(maxPlayers) && maxPlayers >= 1 && maxPlayers <= MAX_SLOTS)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", `maxPlayers must be an integer from 1 to ${MAX_SLOTS}`);
    }
    this.#maxPlayers = maxPlayers;
    const qps = options.queriesPerSecond;
    if (qps !== undefined && !(Number.isInteger(qps) && qps > 0 && qps <= 1_000_000)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "queriesPerSecond must be an integer from 1 to 1000000");
    }
    this.#queries = qps === undefined ? undefined : new SlidingWindow({ limit: qps, window: 1000, clock: this.#clock });
    this.hostname = options.hostname ?? "Nuwani test server";
    this.gamemode = options.gamemode ?? "Las Venturas Playground";
    this.language = options.language ?? "";
    this.mapname = options.mapname ?? "San Andreas";
    this.passworded = options.passworded ?? false;
    this.rules = new Map(Object.entries({ ...DEFAULT_RULES[this.flavour], mapname: this.mapname, ...options.rules }));
    const extra = options.extraInfo ?? {};
    this.#extraInfo = [extra.discordLink, extra.lightBannerUrl, extra.darkBannerUrl, extra.logoUrl].map((text) => this.codePage.encode(text ?? ""));
    const random = createSeededRandom(options.seed ?? 1);
    this.log = options.log === undefined ? undefined : new FakeSampLog({ ...options.log, flavour: this.flavour, encoding: this.codePage.encoding, clock: this.#clock });
    this.faults = new FakeSampFaults(random, { log: this.log, burst: (count, burstOptions) => this.#burst(count, burstOptions) });
    for (const input of options.players ?? []) this.#add(input);
    this.#play = new FakeSampPlay(this, { ...options.play, random });
    const password = options.rconPassword === undefined || options.rconPassword === "" ? undefined : this.codePage.encode(options.rconPassword);
    this.#rcon = password === undefined ? undefined : this.#createRconHost(password);
  }

  /** The slot count (`i`'s max players). */
  get maxPlayers(): number {
    return this.#maxPlayers;
  }

  /** The players online, by id. */
  get players(): readonly FakeSampPlayer[] {
    return [...this.#players.values()].sort((a, b) => a.id - b.id);
  }

  /** The listen address. */
  get address(): string {
    return this.#host;
  }

  /** The UDP port (after `start()`; still the last one after `stop()`, for restart tests). */
  get port(): number {
    return this.#state.kind === "listening" ? this.#state.port : this.#lastPort;
  }

  /** Whether the socket is bound. */
  get started(): boolean {
    return this.#state.kind === "listening";
  }

  /** The clock in use. */
  get clock(): Clock {
    return this.#clock;
  }

  /**
   * Binds the UDP socket on 127.0.0.1. `start(samePort)` after `stop()` restarts on the same port.
   * @throws {@link FakeSampError} `FAKE_SAMP_ALREADY_STARTED`, `FAKE_SAMP_LISTEN_FAILED`.
   */
  async start(port = 0): Promise<void> {
    if (this.#state.kind !== "stopped") throw new FakeSampError("FAKE_SAMP_ALREADY_STARTED", "the fake SA-MP server is already started");
    if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "port must be from 0 to 65535");
    this.#state = { kind: "starting" };
    const socket = createSocket("udp4");
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind({ port, address: this.#host, exclusive: true }, () => {
          socket.off("error", reject);
          resolve();
        });
      });
    } catch (cause) {
      socket.close();
      this.#state = { kind: "stopped" };
      throw new FakeSampError("FAKE_SAMP_LISTEN_FAILED", `could not bind UDP ${this.#host}:${port}: ${(cause as Error).message}`, { cause });
    }
    if ((this.#state as ServerState).kind !== "starting") {
      // stop() was called while binding: honour it.
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      this.#state = { kind: "stopped" };
      return;
    }
    // A send error (the peer's port closed) must not crash the fake.
    socket.on("error", () => undefined);
    socket.on("message", (datagram, peer) => this.#receiveSafely(socket, datagram, peer));
    const bound = socket.address().port;
    this.#lastPort = bound;
    this.#state = { kind: "listening", socket, port: bound };
    this.emit("listening");
  }

  /** Closes the socket, cancels delayed replies and auto play. Harmless twice. */
  async stop(): Promise<void> {
    this.stopAutoPlay();
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    const state = this.#state;
    if (state.kind === "starting") {
      // start() sees this once its bind completes and closes the socket itself.
      this.#state = { kind: "stopping" };
      return;
    }
    if (state.kind !== "listening") return;
    this.#state = { kind: "stopping" };
    await new Promise<void>((resolve) => state.socket.close(() => resolve()));
    this.#state = { kind: "stopped" };
    this.emit("close");
  }

  /** The player with this id, if online. */
  player(id: number): FakeSampPlayer | undefined {
    return this.#players.get(id);
  }

  /**
   * A player joins: added to the roster and `[join] Name has joined the server (id:ip)` logged.
   * @throws {@link FakeSampError} `FAKE_SAMP_SERVER_FULL`, `FAKE_SAMP_INVALID_ARGUMENT` (empty,
   * longer than 24 bytes, or taken name; taken id).
   */
  join(input: FakeSampPlayerInput | string): FakeSampPlayer {
    const player = this.#add(typeof input === "string" ? { name: input } : input);
    this.log?.join(player.name, player.id, player.ip);
    this.emit("join", player);
    return player;
  }

  /** A player leaves with a reason (0 timeout, 1 quit, 2 kick/ban): `[part] …` logged. */
  part(id: number, reason: PartReason = 1): FakeSampPlayer {
    const player = this.#need(id);
    this.#players.delete(id);
    this.log?.part(player.name, player.id, reason);
    this.emit("part", player, reason);
    return player;
  }

  /**
   * A player chats: `[chat] [Name]: text` logged (with chat logging on), then the text filters
   * (see {@link addTextFilter}) decide whether players see it, as `OnPlayerText` does. The
   * server logs the line before it asks the script (open.mp `PlayerTextRPCHandler`), so a
   * blocked line (a muted player's) is in the log all the same. Returns the log line.
   */
  chat(id: number, text: string): string | undefined {
    const player = this.#need(id);
    const line = this.log?.chat(player.name, text);
    let shown = true;
    for (const filter of this.#textFilters) if (!filter(player, text)) shown = false;
    this.emit("chat", player, text, shown);
    return line;
  }

  /**
   * Adds an `OnPlayerText`-like filter: returning `false` blocks the chat line (nobody sees
   * it; it is logged all the same, as the server logs before asking the script). Returns a
   * function that removes the filter.
   */
  addTextFilter(filter: FakeTextFilter): () => void {
    this.#textFilters.add(filter);
    return () => {
      this.#textFilters.delete(filter);
    };
  }

  /** `killer` kills `victim` with a weapon (id or name): `[kill] …` logged (with death logging on). */
  kill(killerId: number, victimId: number, weapon: string | number): string | undefined {
    return this.log?.kill(this.#need(killerId).name, this.#need(victimId).name, weapon);
  }

  /** A player dies: `[death] Name died <reason>` logged (with death logging on). */
  death(id: number, reason: number): string | undefined {
    return this.log?.death(this.#need(id).name, reason);
  }

  /** A custom echo event in the log's echo convention (a gamemode's `print`). */
  echo(tag: string, ...params: EchoParam[]): string | undefined {
    return this.log?.echo(tag, params);
  }

  /** Any line, as a `print` from a script would write it. */
  print(message: string): string | undefined {
    return this.log?.write(message);
  }

  /**
   * Registers a custom RCON command (case-insensitive), as a Pawn script's `OnRconCommand`
   * would answer it; it wins over a built-in command of the same name. Calls are recorded in
   * {@link customCommands}.
   */
  registerRconCommand(name: string, handler: FakeRconHandler): void {
    if (typeof name !== "string" || !/^\S+$/.test(name)) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "an RCON command name is one word");
    this.#commands.set(name.toLowerCase(), handler);
  }

  /** Removes a custom RCON command. */
  unregisterRconCommand(name: string): void {
    this.#commands.delete(name.toLowerCase());
  }

  /**
   * Resolves with the oldest record of `kind` matching `predicate` that no earlier `waitFor`
   * returned, already recorded or still to come.
   * @throws {@link FakeSampError} `FAKE_SAMP_TIMEOUT` after `timeoutMs` on the server's clock.
   * @defaultValue timeoutMs 5000
   */
  waitFor<K extends keyof FakeSampRecords>(kind: K, predicate: (record: FakeSampRecords[K]) => boolean = () => true, timeoutMs = 5000): Promise<FakeSampRecords[K]> {
    if (!(Number.isInteger(timeoutMs) && timeoutMs >= 0 && timeoutMs < 2 ** 31)) {
      return Promise.reject(new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "timeoutMs must be an integer from 0 to 2^31-1"));
    }
    const list = this.#list(kind) as readonly FakeSampRecords[K][];
    const claim = (record: FakeSampRecords[K]): boolean => {
      if (this.#claimed.has(record) || !predicate(record)) return false;
      this.#claimed.add(record);
      return true;
    };
    const found = list.find(claim);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const emitter = this as EventEmitter;
      const listener = (record: FakeSampRecords[K]): void => {
        if (!claim(record)) return;
        emitter.off(kind, listener);
        this.#clock.clearTimeout(timer);
        resolve(record);
      };
      const timer = this.#clock.setTimeout(() => {
        emitter.off(kind, listener);
        reject(new FakeSampError("FAKE_SAMP_TIMEOUT", `no matching ${kind} record within ${timeoutMs} ms`));
      }, timeoutMs);
      emitter.on(kind, listener);
    });
  }

  /** Runs `steps` steps of seeded scripted play (joins, parts, chat, kills, deaths, echo events). */
  play(steps: number): FakeSampPlayEvent[] {
    return this.#play.play(steps);
  }

  /** Plays `stepsPerTick` steps every `intervalMs` on the clock until {@link stopAutoPlay} or {@link stop}. */
  startAutoPlay(intervalMs = 1000, stepsPerTick = 1): void {
    this.#play.start(intervalMs, stepsPerTick);
  }

  /** Stops auto play. Harmless when not playing. */
  stopAutoPlay(): void {
    this.#play.stop();
  }

  /** The failure that stopped auto play, if any (it stops rather than throw from a timer). */
  get autoPlayError(): FakeSampError | undefined {
    return this.#play.error;
  }

  #list(kind: keyof FakeSampRecords): readonly object[] {
    switch (kind) {
      case "query":
        return this.received;
      case "rcon":
        return this.rconCommands;
      case "say":
        return this.said;
      case "command":
        return this.customCommands;
    }
  }

  #add(input: FakeSampPlayerInput): FakeSampPlayer {
    if (this.#players.size >= this.#maxPlayers) throw new FakeSampError("FAKE_SAMP_SERVER_FULL", `the server is full (${this.#maxPlayers} players)`);
    const name = input.name;
    const bytes = typeof name === "string" ? this.codePage.encode(name).length : 0;
    if (bytes < 1 || bytes > MAX_NAME_BYTES) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", `a name is 1 to ${MAX_NAME_BYTES} bytes`);
    for (const other of this.#players.values()) {
      if (other.name.toLowerCase() === name.toLowerCase()) throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", "that name is taken");
    }
    let id = input.id;
    if (id === undefined) {
      id = 0;
      while (this.#players.has(id)) id += 1;
    } else if (!(Number.isInteger(id) && id >= 0 && id < MAX_SLOTS) || this.#players.has(id)) {
      throw new FakeSampError("FAKE_SAMP_INVALID_ARGUMENT", `player id must be a free integer from 0 to ${MAX_SLOTS - 1}`);
    }
    const player: FakeSampPlayer = {
      id,
      name,
      score: input.score ?? 0,
      ping: input.ping ?? 50,
      ip: input.ip ?? `10.0.${id >> 8}.${id & 0xff}`,
    };
    this.#players.set(id, player);
    return player;
  }

  #need(id: number): FakeSampPlayer {
    const player = this.#players.get(id);
    if (player === undefined) throw new FakeSampError("FAKE_SAMP_PLAYER_NOT_FOUND", `no player with id ${id}`);
    return player;
  }

  #burst(count: number, options: FakeBurstOptions): string[] {
    const log = this.log!;
    const players = this.players;
    const messages: string[] = [];
    for (let i = 0; i < count; i++) {
      this.#burstSequence += 1;
      const player = players[i % Math.max(1, players.length)];
      messages.push(
        options.kind === "chat" && player !== undefined && log.logChat
          ? `[chat] [${player.name}]: burst line ${this.#burstSequence}`
          : log.formatEcho("burst", [this.#burstSequence, count]),
      );
    }
    const cuts = [
      ...(options.rotateAt === undefined ? [] : [{ at: options.rotateAt, act: () => log.rotate() }]),
      ...(options.truncateAt === undefined ? [] : [{ at: options.truncateAt, act: () => log.truncate() }]),
    ].sort((a, b) => a.at - b.at);
    let from = 0;
    for (const cut of cuts) {
      log.writeBurst(messages.slice(from, cut.at));
      cut.act();
      from = cut.at;
    }
    log.writeBurst(messages.slice(from));
    return messages;
  }

  /** A datagram never throws out of the socket's handler: a failure is recorded instead. */
  #receiveSafely(socket: Socket, datagram: Buffer, peer: RemoteInfo): void {
    const before = this.received.length;
    try {
      this.#receive(socket, datagram, peer);
    } catch (cause) {
      if (this.received.length > before) return;
      const opcode = isQuery(datagram) ? opcodeOf(datagram) : "";
      const bytes = Buffer.from(opcode === "x" ? datagram.subarray(0, HEADER_LENGTH) : datagram);
      const error = cause instanceof Error ? cause.message : String(cause);
      const entry: FakeQueryRecord = { at: this.#clock.now(), from: { address: peer.address, port: peer.port }, opcode, length: datagram.length, bytes, outcome: "failed", error };
      this.received.push(entry);
      this.emit("query", entry);
    }
  }

  #receive(socket: Socket, datagram: Buffer, peer: RemoteInfo): void {
    const at = this.#clock.now();
    const from: FakeSampPeer = { address: peer.address, port: peer.port };
    const query = isQuery(datagram);
    const opcode = query ? opcodeOf(datagram) : "";
    const record = (outcome: FakeQueryOutcome): void => {
      const bytes = Buffer.from(opcode === "x" ? datagram.subarray(0, HEADER_LENGTH) : datagram);
      const entry: FakeQueryRecord = { at, from, opcode, length: datagram.length, bytes, outcome };
      this.received.push(entry);
      this.emit("query", entry);
    };
    if (!query) return record("ignored");
    if (this.faults.silent) return record("silenced");
    if (opcode !== "p" && this.#queries?.tryTake() === false) return record("flood");
    const header = datagram.subarray(0, HEADER_LENGTH);
    const send = (reply: Buffer): void => this.#send(socket, reply, peer);
    const openmp = this.flavour === "openmp";
    const exact = datagram.length === HEADER_LENGTH;
    switch (opcode) {
      case "p":
        if (datagram.length !== PING_LENGTH) return record("ignored");
        send(Buffer.from(datagram));
        return record("answered");
      case "i":
        if (openmp && !exact) return record("ignored");
        send(encodeInfo(header, this.#info()));
        return record("answered");
      case "r":
        if (openmp && !exact) return record("ignored");
        send(encodeRules(header, this.#rulesBytes()));
        return record("answered");
      case "c":
      case "d": {
        if ((openmp && !exact) || (openmp && opcode === "d")) return record("ignored");
        const players = this.players;
        if (players.length > PLAYER_LIST_LIMIT) return record("ignored");
        const list: PacketPlayer[] = players.map((player) => ({ id: player.id, name: this.codePage.encode(player.name), score: player.score, ping: player.ping }));
        send(opcode === "c" ? encodeClients(header, list) : encodeDetailed(header, list));
        return record("answered");
      }
      case "o":
        if (!openmp || !exact) return record("ignored");
        send(encodeExtraInfo(header, this.#extraInfo));
        return record("answered");
      case "x": {
        // open.mp reads RCON only from datagrams longer than a header.
        if (this.#rcon === undefined || (openmp && exact)) return record("ignored");
        const answered = runRcon(this.#rcon, datagram, header, from, at, send);
        return record(answered ? "answered" : "ignored");
      }
      default:
        return record("ignored");
    }
  }

  #info(): PacketInfo {
    const caps = CAPS[this.flavour];
    const language = this.flavour === "openmp" ? this.language || "EN" : this.language || this.mapname;
    return {
      passworded: this.passworded,
      players: this.#players.size,
      maxPlayers: this.#maxPlayers,
      hostname: capBytes(this.codePage.encode(this.hostname), caps.hostname),
      gamemode: capBytes(this.codePage.encode(this.gamemode), caps.gamemode),
      language: capBytes(this.codePage.encode(language), caps.language),
    };
  }

  #rulesBytes(): (readonly [Buffer, Buffer])[] {
    const entries = [...this.rules.entries()];
    if (this.flavour === "openmp") entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([name, value]) => [this.codePage.encode(name), this.codePage.encode(value)] as const);
  }

  /** What the RCON half sees of this server. */
  #createRconHost(password: Buffer): FakeSampRconHost {
    const record = <K extends "rcon" | "command" | "say">(list: FakeSampRecords[K][], kind: K, entry: FakeSampRecords[K]): void => {
      list.push(entry);
      (this as EventEmitter).emit(kind, entry);
    };
    return {
      server: this,
      flavour: this.flavour,
      codePage: this.codePage,
      log: this.log,
      password,
      commands: this.#commands,
      rejectsPasswords: () => this.faults.rejectsPasswords,
      players: () => this.players,
      kick: (id) => {
        if (this.#players.has(id)) this.part(id, 2);
      },
      recordRcon: (entry) => record(this.rconCommands, "rcon", entry),
      recordCommand: (entry) => record(this.customCommands, "command", entry),
      recordSay: (entry) => record(this.said, "say", entry),
    };
  }

  #send(socket: Socket, reply: Buffer, peer: RemoteInfo): void {
    const out = this.faults.apply(reply);
    if (out === undefined) return;
    const go = (): void => {
      if (this.#state.kind !== "listening" || this.#state.socket !== socket) return;
      socket.send(out, peer.port, peer.address, () => undefined);
    };
    const delay = this.faults.delayMs;
    if (delay === 0) return go();
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(timer);
      go();
    }, delay);
    this.#timers.add(timer);
  }
}


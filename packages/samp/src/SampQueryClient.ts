import { createSocket, type Socket, type RemoteInfo } from "node:dgram";
import { lookup as dnsLookup } from "node:dns/promises";
import { randomBytes } from "node:crypto";
import { isIPv4 } from "node:net";
import { SampError } from "./SampError.js";
import { unrefTimer } from "./unrefTimer.js";
import { CodePage } from "./CodePage.js";
import { type Clock, MAX_TIMER_MS, Secret, systemClock } from "@nuwani/util";
import { TokenBucket } from "./TokenBucket.js";
import {
  HEADER_LENGTH,
  buildRconRequest,
  buildRequest,
  hasHeader,
  parseClientList,
  parseDetailedList,
  parseInfo,
  parseRconLine,
  parseRules,
  type QueriedPlayer,
  type QueryOpcode,
  type ServerInfo,
} from "./packet.js";

/** Which server software answers: open.mp never answers `d`. */
export type ServerVariant = "samp" | "openmp";

/** Options of {@link SampQueryClient}. */
export interface SampQueryClientOptions {
  /** The server's host name or IPv4 address. @defaultValue `"127.0.0.1"` */
  readonly host?: string;
  /** The server's UDP port. @defaultValue 7777 */
  readonly port?: number;
  /** The RCON password; without one, {@link SampQueryClient.rcon} fails with `SAMP_RCON_DISABLED`. */
  readonly rconPassword?: Secret | string | undefined;
  /** The server's code page. @defaultValue `new CodePage("windows-1252")` */
  readonly codePage?: CodePage;
  /** Wait for one answer, per attempt, in ms. @defaultValue 1000 */
  readonly timeout?: number;
  /** Further attempts of a query after a timeout or a malformed answer (RCON is never retried). @defaultValue 2 */
  readonly retries?: number;
  /** Datagrams per second, all opcodes together (SA-MP's limit is about 30). @defaultValue 10 */
  readonly queriesPerSecond?: number;
  /** Datagrams that may go at once before pacing starts. @defaultValue 5 */
  readonly burst?: number;
  /** Most requests waiting for pacing before new ones are refused. @defaultValue 100 */
  readonly maxQueued?: number;
  /** RCON: the reply is complete after this long without a further line, in ms. @defaultValue 250 */
  readonly rconQuietPeriod?: number;
  /** RCON: how long to wait for the FIRST line of a command that has output, in ms. @defaultValue 1000 */
  readonly rconReplyWait?: number;
  /** RCON: the longest wait for a whole reply, in ms. @defaultValue 3000 */
  readonly rconMaxWait?: number;
  /** RCON: most lines kept of one reply (the rest are dropped and counted). @defaultValue 1000 */
  readonly rconMaxLines?: number;
  /** Time source. @defaultValue `systemClock` of `@nuwani/util` */
  readonly clock?: Clock;
  /** Resolves a host name to an IPv4 address. @defaultValue `dns.lookup` with family 4 */
  readonly lookup?: (host: string) => Promise<string>;
}

/** Counters of a {@link SampQueryClient}. */
export interface SampQueryStats {
  /** Datagrams sent (retries included). */
  sent: number;
  /** Answers accepted. */
  answered: number;
  /** Attempts that timed out. */
  timeouts: number;
  /** Answers that failed bounds-checked parsing or had no `SAMP` header. */
  malformed: number;
  /** Datagrams from another address, or for no pending request. */
  strays: number;
  /** RCON reply lines dropped over `rconMaxLines`. */
  droppedRconLines: number;
}

/** The result of {@link SampQueryClient.playerList}. */
export interface PlayerList {
  /** Which opcode answered. */
  readonly source: "c" | "d";
  readonly players: readonly QueriedPlayer[];
}

interface PendingQuery {
  readonly opcode: QueryOpcode;
  readonly packet: Buffer;
  readonly onAnswer: (packet: Buffer) => void;
  readonly fail: (error: SampError) => void;
}

interface RconCollector {
  readonly onLine: (packet: Buffer) => void;
  readonly fail: (error: SampError) => void;
}

const BAD_PASSWORD = "Invalid RCON password.";

function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > MAX_TIMER_MS) {
    throw new SampError("SAMP_INVALID_ARGUMENT", `${name} must be an integer from ${min} to ${MAX_TIMER_MS}`);
  }
  return value;
}

/**
 * A client of the SA-MP / open.mp query and RCON protocol over UDP: `i` (info), `r` (rules),
 * `c` and `d` (player lists), `p` (ping) and `x` (RCON). Every answer is parsed with bounds
 * checks; a malformed one is a `SAMP_MALFORMED_PACKET` error, never a crash. Queries time
 * out, are retried a bounded number of times, and are paced by a token bucket. One request per
 * opcode is in flight at a time (answers carry only the opcode); RCON commands go one by one.
 */
export class SampQueryClient {
  /** The server's host as configured. */
  readonly host: string;
  /** The server's port. */
  readonly port: number;
  /** Counters, for a summary. */
  readonly stats: SampQueryStats = { sent: 0, answered: 0, timeouts: 0, malformed: 0, strays: 0, droppedRconLines: 0 };

  readonly #codePage: CodePage;
  readonly #password: Secret | undefined;
  readonly #clock: Clock;
  readonly #timeout: number;
  readonly #retries: number;
  readonly #rconQuiet: number;
  readonly #rconReplyWait: number;
  // A refusal that arrived after its command had settled (a `say` answers nothing, so its
  // wait is short): the next command reports it.
  #lateRefusal = false;
  readonly #rconMaxWait: number;
  readonly #rconMaxLines: number;
  readonly #lookup: (host: string) => Promise<string>;
  readonly #bucket: TokenBucket;
  readonly #pending = new Map<QueryOpcode, PendingQuery>();
  readonly #chains = new Map<QueryOpcode, Promise<unknown>>();
  #rcon: RconCollector | undefined;
  #socket: Socket | undefined;
  #address: string | undefined;
  #destroyed = false;

  /** A client with its options; no socket is opened until the first query. */
  constructor(options: SampQueryClientOptions = {}) {
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? 7777;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) throw new SampError("SAMP_INVALID_ARGUMENT", "port must be 1–65535");
    if (typeof this.host !== "string" || this.host.trim() === "") throw new SampError("SAMP_INVALID_ARGUMENT", "host must be a host name or IPv4 address");
    const password = options.rconPassword;
    this.#password = password === undefined ? undefined : password instanceof Secret ? password : new Secret(password);
    this.#codePage = options.codePage ?? new CodePage();
    this.#clock = options.clock ?? systemClock;
    this.#timeout = positiveInteger(options.timeout ?? 1000, "timeout");
    this.#retries = positiveInteger(options.retries ?? 2, "retries", 0);
    if ((options.retries ?? 2) > 10) throw new SampError("SAMP_INVALID_ARGUMENT", "retries must be at most 10");
    this.#rconQuiet = positiveInteger(options.rconQuietPeriod ?? 250, "rconQuietPeriod");
    this.#rconReplyWait = positiveInteger(options.rconReplyWait ?? 1000, "rconReplyWait");
    this.#rconMaxWait = positiveInteger(options.rconMaxWait ?? 3000, "rconMaxWait");
    this.#rconMaxLines = positiveInteger(options.rconMaxLines ?? 1000, "rconMaxLines");
    this.#lookup = options.lookup ?? (async (host) => (await dnsLookup(host, { family: 4 })).address);
    this.#bucket = new TokenBucket({
      rate: options.queriesPerSecond ?? 10,
      burst: options.burst ?? 5,
      maxQueued: options.maxQueued ?? 100,
      clock: this.#clock,
    });
  }

  /** Whether an RCON password is configured (its value is never shown). */
  get hasRconPassword(): boolean {
    return this.#password !== undefined && !this.#password.isEmpty;
  }

  /** The server's code page. */
  get codePage(): CodePage {
    return this.#codePage;
  }

  /** `i`: passworded, players, max players, hostname, gamemode, language. */
  info(): Promise<ServerInfo> {
    return this.#query("i", (packet) => parseInfo(packet, this.#codePage));
  }

  /** `r`: the server's rules (`version`, `weburl`, `worldtime`, …). */
  rules(): Promise<Map<string, string>> {
    return this.#query("r", (packet) => parseRules(packet, this.#codePage));
  }

  /** `c`: names and scores. Unanswered above 100 players (times out). */
  clientList(): Promise<QueriedPlayer[]> {
    return this.#query("c", (packet) => parseClientList(packet, this.#codePage));
  }

  /** `d`: ids, names, scores and pings. Unanswered above 100 players, and never by open.mp. */
  detailedList(): Promise<QueriedPlayer[]> {
    return this.#query("d", (packet) => parseDetailedList(packet, this.#codePage));
  }

  /** `p`: the round trip in ms of a 15-byte ping the server echoes. */
  async ping(): Promise<number> {
    const started = this.#clock.now();
    await this.#query("p", () => undefined, randomBytes(4));
    return this.#clock.now() - started;
  }

  /**
   * The players, the best way the server allows: nobody is asked when `i` reports 0; above 100
   * players the server lists nobody (`SAMP_PLAYER_LIST_UNAVAILABLE`); SA-MP is asked `d` and,
   * when `d` goes unanswered, `c`; open.mp is asked `c` only (it never answers `d`).
   * @throws {@link SampError} `SAMP_PLAYER_LIST_UNAVAILABLE`, `SAMP_TIMEOUT` (of `i`), `SAMP_MALFORMED_PACKET`
   */
  async playerList(variant: ServerVariant = "samp"): Promise<PlayerList> {
    const info = await this.info();
    if (info.players === 0) return { source: variant === "samp" ? "d" : "c", players: [] };
    if (info.players > 100) {
      throw new SampError("SAMP_PLAYER_LIST_UNAVAILABLE", `the server lists no players above 100 (${info.players} online)`);
    }
    if (variant === "samp") {
      try {
        return { source: "d", players: await this.detailedList() };
      } catch (error) {
        if (!(error instanceof SampError) || error.code !== "SAMP_TIMEOUT") throw error;
      }
    }
    try {
      return { source: "c", players: await this.clientList() };
    } catch (error) {
      if (error instanceof SampError && error.code === "SAMP_TIMEOUT") {
        throw new SampError("SAMP_PLAYER_LIST_UNAVAILABLE", "the server answered no player list", { opcode: "c", cause: error });
      }
      throw error;
    }
  }

  /**
   * Runs an RCON command and returns its output lines: the first is awaited up to
   * `rconReplyWait`, the rest are collected until `rconQuietPeriod` passes without a further
   * line (bounded by `rconMaxWait`). With `expectOutput: false` (for `say` and the include's
   * commands, which answer nothing) only `rconQuietPeriod` is waited and the result is `[]`
   * unless lines came; a refusal of the password that arrives later fails the next command.
   * Never retried (a command may not be idempotent).
   * @throws {@link SampError} `SAMP_RCON_DISABLED`, `SAMP_RCON_BAD_PASSWORD`, `SAMP_INVALID_ARGUMENT`, `SAMP_QUEUE_FULL`, `SAMP_DESTROYED`, `SAMP_SOCKET_ERROR`
   */
  rcon(command: string, options: { readonly expectOutput?: boolean } = {}): Promise<string[]> {
    return this.#serialize("x", () => this.#runRcon(command, options.expectOutput ?? true));
  }

  /**
   * Checks the RCON password with `echo` (which every server answers): resolves when the
   * server answers, rejects with `SAMP_RCON_BAD_PASSWORD` on SA-MP's refusal and
   * `SAMP_RCON_NO_REPLY` on silence (open.mp's answer to a wrong password, or RCON off).
   */
  async verifyRcon(): Promise<void> {
    const token = `nuwani-${randomBytes(4).toString("hex")}`;
    const lines = await this.rcon(`echo ${token}`);
    if (!lines.some((line) => line.includes(token))) {
      throw new SampError("SAMP_RCON_NO_REPLY", "the server did not answer an RCON echo (wrong password on open.mp, or RCON disabled)", { opcode: "x" });
    }
  }

  /**
   * Final teardown: closes the socket, rejects what waits with `SAMP_DESTROYED`, and refuses
   * every later request the same way. Synchronous and idempotent.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#bucket.destroy();
    const destroyed = new SampError("SAMP_DESTROYED", "the query client was destroyed while a request waited");
    for (const pending of [...this.#pending.values()]) pending.fail(destroyed);
    this.#rcon?.fail(destroyed);
    this.#socket?.close();
    this.#socket = undefined;
  }

  /** @deprecated Use {@link SampQueryClient.destroy}; this alias goes in the next minor release. */
  close(): void {
    this.destroy();
  }

  #serialize<T>(opcode: QueryOpcode, run: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(opcode) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    this.#chains.set(opcode, settled);
    void settled.then(() => {
      if (this.#chains.get(opcode) === settled) this.#chains.delete(opcode);
    });
    return next;
  }

  #query<T>(opcode: QueryOpcode, parse: (packet: Buffer) => T, payload?: Uint8Array): Promise<T> {
    return this.#serialize(opcode, () => this.#attempts(opcode, parse, payload));
  }

  async #attempts<T>(opcode: QueryOpcode, parse: (packet: Buffer) => T, payload: Uint8Array | undefined): Promise<T> {
    let lastError: SampError | undefined;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      const address = await this.#resolve(opcode);
      await this.#bucket.take();
      const packet = buildRequest(address, this.port, opcode, payload);
      try {
        return await this.#attempt(opcode, packet, parse);
      } catch (error) {
        if (!(error instanceof SampError) || (error.code !== "SAMP_TIMEOUT" && error.code !== "SAMP_MALFORMED_PACKET")) throw error;
        lastError = error;
      }
    }
    throw lastError!;
  }

  #attempt<T>(opcode: QueryOpcode, packet: Buffer, parse: (packet: Buffer) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = unrefTimer(
        this.#clock.setTimeout(() => {
          this.#pending.delete(opcode);
          this.stats.timeouts++;
          reject(new SampError("SAMP_TIMEOUT", `no answer to '${opcode}' within ${this.#timeout} ms`, { opcode }));
        }, this.#timeout),
      );
      const finish = (): void => {
        this.#clock.clearTimeout(timer);
        this.#pending.delete(opcode);
      };
      this.#pending.set(opcode, {
        opcode,
        packet,
        onAnswer: (answer) => {
          finish();
          try {
            const result = parse(answer);
            this.stats.answered++;
            resolve(result);
          } catch (error) {
            this.stats.malformed++;
            reject(error instanceof SampError ? error : new SampError("SAMP_MALFORMED_PACKET", `'${opcode}' reply could not be parsed`, { opcode, cause: error }));
          }
        },
        fail: (error) => {
          finish();
          reject(error);
        },
      });
      this.#send(packet).catch((error: SampError) => {
        finish();
        reject(error);
      });
    });
  }

  async #runRcon(command: string, expectOutput: boolean): Promise<string[]> {
    if (!this.hasRconPassword) throw new SampError("SAMP_RCON_DISABLED", "no RCON password is configured", { opcode: "x" });
    if (typeof command !== "string" || /[\p{Cc}]/u.test(command) || command.trim() === "") {
      throw new SampError("SAMP_INVALID_ARGUMENT", "an RCON command must be one non-empty line without control characters", { opcode: "x" });
    }
    if (this.#lateRefusal) {
      this.#lateRefusal = false;
      throw new SampError("SAMP_RCON_BAD_PASSWORD", "the server refused the RCON password", { opcode: "x" });
    }
    const address = await this.#resolve("x");
    const packet = buildRconRequest(address, this.port, this.#codePage.encode(this.#password!.reveal()), this.#codePage.encode(command));
    await this.#bucket.take();
    return new Promise<string[]>((resolve, reject) => {
      const lines: string[] = [];
      let quiet: unknown;
      const finish = (): void => {
        this.#clock.clearTimeout(quiet);
        this.#clock.clearTimeout(overall);
        if (this.#rcon === collector) this.#rcon = undefined;
      };
      const done = (): void => {
        finish();
        resolve(lines);
      };
      const overall = unrefTimer(this.#clock.setTimeout(done, this.#rconMaxWait));
      quiet = unrefTimer(this.#clock.setTimeout(done, expectOutput ? this.#rconReplyWait : this.#rconQuiet));
      const collector: RconCollector = {
        fail: (error) => {
          finish();
          reject(error);
        },
        onLine: (datagram) => {
          let line: string;
          try {
            line = parseRconLine(datagram, this.#codePage);
          } catch {
            this.stats.malformed++;
            return;
          }
          this.stats.answered++;
          if (lines.length === 0 && line === BAD_PASSWORD) {
            finish();
            reject(new SampError("SAMP_RCON_BAD_PASSWORD", "the server refused the RCON password", { opcode: "x" }));
            return;
          }
          if (lines.length < this.#rconMaxLines) lines.push(line);
          else this.stats.droppedRconLines++;
          this.#clock.clearTimeout(quiet);
          quiet = unrefTimer(this.#clock.setTimeout(done, this.#rconQuiet));
        },
      };
      this.#rcon = collector;
      this.#send(packet).catch((error: SampError) => {
        finish();
        reject(error);
      });
    });
  }

  async #resolve(opcode: QueryOpcode): Promise<string> {
    if (this.#destroyed) throw new SampError("SAMP_DESTROYED", "the query client was destroyed", { opcode });
    if (this.#address !== undefined) return this.#address;
    if (isIPv4(this.host)) return (this.#address = this.host);
    try {
      const address = await this.#lookup(this.host);
      if (!isIPv4(address)) throw new Error("not an IPv4 address");
      return (this.#address = address);
    } catch (error) {
      throw new SampError("SAMP_SOCKET_ERROR", `cannot resolve ${this.host} to an IPv4 address`, { opcode, cause: error });
    }
  }

  #send(packet: Buffer): Promise<void> {
    const socket = this.#open();
    this.stats.sent++;
    return new Promise<void>((resolve, reject) => {
      socket.send(packet, this.port, this.#address, (error) => {
        if (error) reject(new SampError("SAMP_SOCKET_ERROR", `cannot send to ${this.host}:${this.port} (${(error as NodeJS.ErrnoException).code ?? "error"})`, { cause: error }));
        else resolve();
      });
    });
  }

  #open(): Socket {
    if (this.#destroyed) throw new SampError("SAMP_DESTROYED", "the query client was destroyed");
    if (this.#socket !== undefined) return this.#socket;
    const socket = createSocket("udp4");
    socket.on("message", (message, remote) => this.#receive(message, remote));
    // A UDP socket's errors (ICMP unreachable and the like) are per send; the send callback reports them.
    socket.on("error", () => undefined);
    socket.unref();
    this.#socket = socket;
    return socket;
  }

  #strayRconLine(message: Buffer): void {
    this.stats.strays++;
    try {
      if (parseRconLine(message, this.#codePage) === BAD_PASSWORD) this.#lateRefusal = true;
    } catch {
      this.stats.malformed++;
    }
  }

  #receive(message: Buffer, remote: RemoteInfo): void {
    if (remote.port !== this.port || remote.address !== this.#address) {
      this.stats.strays++;
      return;
    }
    if (!hasHeader(message)) {
      this.stats.malformed++;
      return;
    }
    const opcode = String.fromCharCode(message[10]!) as QueryOpcode;
    if (opcode === "x") {
      if (this.#rcon !== undefined) this.#rcon.onLine(message);
      else this.#strayRconLine(message);
      return;
    }
    const pending = this.#pending.get(opcode);
    if (pending === undefined) {
      this.stats.strays++;
      return;
    }
    if (opcode === "p") {
      // The ping is echoed whole; an older ping's echo is a stray.
      if (!message.equals(pending.packet)) {
        this.stats.strays++;
        return;
      }
    } else if (!message.subarray(0, HEADER_LENGTH).equals(pending.packet.subarray(0, HEADER_LENGTH))) {
      this.stats.malformed++;
      return;
    }
    pending.onAnswer(message);
  }
}

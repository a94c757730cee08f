import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Clock, systemClock } from "@nuwani/util";
import { FakeDiscordError } from "./FakeDiscordError.js";
import { listen } from "./listen.js";
import { FakeRestBuckets, type FakeRestLimit, type FakeRestRateLimitOptions } from "./FakeRestBuckets.js";
import { type FakeRestFault, FakeRestFaults } from "./FakeRestFaults.js";
import {
  type FakeRestHandler,
  type FakeRestMethod,
  type FakeRestResponse,
  type FakeRestRoute,
  type FakeRestRouteOptions,
  FakeRestRouter,
  type FakeRestVersion,
} from "./FakeRestRouter.js";

/** Options of a {@link FakeRestServer}. */
export interface FakeRestServerOptions {
  /**
   * The bot token routes with `auth` accept, as `Authorization: Bot <token>`.
   * @defaultValue "fake-token"
   */
  token?: string;
  /**
   * The address to listen on. Loopback only, by design.
   * @defaultValue "127.0.0.1"
   */
  host?: string;
  /**
   * Discord's rate limits (per-route buckets and the global limit, see {@link FakeRestBuckets});
   * `false` turns them off.
   * @defaultValue `{ bucket: { limit: 5, window: 5000 }, global: { limit: 50, window: 1000 } }`
   */
  rateLimits?: FakeRestRateLimitOptions | false;
  /** Time source of the rate limits and slow responses. @defaultValue `systemClock` of `@nuwani/util` */
  clock?: Clock;
}

/** Options of {@link FakeRestServer.route}: the router's, plus the route's rate limit. */
export interface FakeRestServerRouteOptions extends FakeRestRouteOptions {
  /**
   * The route's `X-RateLimit-Bucket` hash; routes with the same hash share their buckets (per
   * major parameter), as Discord's reaction routes do.
   * @defaultValue a hash of the method and pattern
   */
  bucket?: string;
  /** The route's own bucket size. @defaultValue the server's `rateLimits.bucket` */
  limit?: FakeRestLimit;
}

/** One request the fake REST API answered, for assertions. */
export interface FakeRestRecord {
  method: string;
  /** The full request path, query included. */
  url: string;
  /** The path after `/api/v{N}`, without the query (the full path when unversioned). */
  path: string;
  /** The matched route pattern, if any. */
  route: string | undefined;
  version: FakeRestVersion | undefined;
  /** The request headers, without `Authorization`. */
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The status answered; 0 for a reset connection. */
  status: number;
  /** The fault applied to it, if any (see {@link FakeRestFaults}). */
  fault?: FakeRestFault["kind"];
  /** Whether it got a rate-limit 429, and from which limit. */
  rateLimited?: "bucket" | "global";
}

const METHODS = new Set<string>(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const VERSIONED = /^\/api\/v(\d+)(\/.*)?$/;
const MAJOR_PARAMETERS = ["channelId", "guildId", "webhookId"];

function withoutAuthorization(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = { ...headers };
  delete copy.authorization;
  return copy;
}

/** Discord's error body: `{"message":"404: Not Found","code":0}`. */
function error(status: number, message: string, code = 0): FakeRestResponse {
  return { status, body: { message, code } };
}

/**
 * The fake Discord REST API: a real HTTP server on loopback serving `/api/v6/…` and
 * `/api/v10/…` from a route table. Bodies are JSON both ways.
 * Unknown routes answer 404 and known paths with another method 405, with Discord's error
 * bodies; a route needing auth answers 401 `{"message":"401: Unauthorized","code":0}`
 * without the right `Authorization: Bot <token>`; a body that is not JSON answers 400 with
 * code 50109. Authorised requests to a route are rate-limited like Discord's
 * ({@link FakeRestBuckets}), and {@link FakeRestServer.faults} injects 5xx answers, resets, hostile 429s, garbage headers, oversized bodies and
 * slow responses. Everything answered is recorded in {@link FakeRestServer.requests}
 * (without the `Authorization` header).
 */
export class FakeRestServer {
  /** The route table; add routes with {@link FakeRestServer.route}. */
  readonly router = new FakeRestRouter();
  /** Every request answered, in order. */
  readonly requests: FakeRestRecord[] = [];
  /** The accepted bot token. */
  token: string;
  /** Faults on demand: 5xx answers, connection resets, slow responses. */
  readonly faults = new FakeRestFaults();
  /** The rate limits, or `undefined` when they are off. */
  readonly rateLimits: FakeRestBuckets | undefined;
  /** How many 429s the rate limits sent (bucket and global). */
  rateLimitedCount = 0;
  /** How many of those were global. */
  globalRateLimitedCount = 0;

  private readonly host: string;
  private server: Server | undefined;
  private listeningPort: number | undefined;
  private readonly clock: Clock;
  private readonly routeLimits = new WeakMap<FakeRestRoute, { bucket: string; limit: FakeRestLimit | undefined }>();
  private readonly delays = new Set<{ handle: unknown; resolve: () => void }>();

  /** A REST server, not yet listening (see `start`). */
  constructor(options: FakeRestServerOptions = {}) {
    this.token = options.token ?? "fake-token";
    this.host = options.host ?? "127.0.0.1";
    this.clock = options.clock ?? systemClock;
    const rateLimits = options.rateLimits ?? {};
    this.rateLimits = rateLimits === false ? undefined : new FakeRestBuckets({ ...rateLimits, clock: this.clock });
  }

  /** Adds a route, e.g. `route("POST", "/channels/:channelId/messages", handler)`. */
  route(method: FakeRestMethod, pattern: string, handler: FakeRestHandler, options: FakeRestServerRouteOptions = {}): this {
    this.router.add(method, pattern, handler, options);
    const added = this.router.routes[this.router.routes.length - 1]!;
    const bucket = options.bucket ?? createHash("md5").update(`${method} ${pattern}`).digest("hex");
    this.routeLimits.set(added, { bucket, limit: options.limit });
    return this;
  }

  /** How many responses are being held back by {@link FakeRestFaults.slow} right now. */
  get slowed(): number {
    return this.delays.size;
  }

  /** Whether the server is listening. */
  get started(): boolean {
    return this.server !== undefined;
  }

  /** The port of the last start; `FAKE_DISCORD_NOT_STARTED` before that. */
  get port(): number {
    if (this.listeningPort === undefined) {
      throw new FakeDiscordError("FAKE_DISCORD_NOT_STARTED", "the fake REST server has not been started");
    }
    return this.listeningPort;
  }

  /** `http://127.0.0.1:PORT/api`; append `/v6/…` or `/v10/…`. */
  get url(): string {
    return `http://${this.host}:${this.port}/api`;
  }

  /**
   * Starts listening. `start(port)` after `stop()` restarts on the same port.
   * @defaultValue port 0 (a free one)
   */
  async start(port = 0): Promise<void> {
    if (this.server !== undefined) {
      throw new FakeDiscordError("FAKE_DISCORD_ALREADY_STARTED", "the fake REST server is already running");
    }
    const server = createServer((request, response) => void this.serve(request, response));
    server.on("clientError", (_error, socket) => socket.destroy());
    this.server = server;
    try {
      this.listeningPort = await listen(server, port, this.host);
    } catch (error) {
      this.server = undefined;
      throw error;
    }
  }

  /** Stops listening and closes every connection (keep-alive ones too). Harmless when stopped. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const delay of this.delays) {
      this.clock.clearTimeout(delay.handle);
      delay.resolve();
    }
    this.delays.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const record: FakeRestRecord = {
      method: request.method ?? "GET",
      url: request.url ?? "/",
      path: url.pathname,
      route: undefined,
      version: undefined,
      headers: withoutAuthorization(request.headers),
      body: undefined,
      status: 0,
    };
    let answer: FakeRestResponse;
    try {
      const raw = await readBody(request);
      const delay = this.faults.takeDelay();
      if (delay > 0) await this.sleep(delay);
      if (this.server === undefined) {
        response.destroy();
        return;
      }
      const fault = this.faults.takeFault();
      if (fault?.kind === "reset") {
        record.fault = "reset";
        this.requests.push(record);
        request.socket.destroy();
        return;
      }
      if (fault !== undefined) record.fault = fault.kind;
      if (fault?.kind === "error") {
        answer = error(fault.status, `${fault.status}: ${fault.status === 502 ? "Bad Gateway" : "Internal Server Error"}`);
      } else if (fault?.kind === "rate-limit") {
        record.rateLimited = fault.body.global === true ? "global" : "bucket";
        answer = { status: 429, body: fault.body, headers: fault.headers };
      } else if (fault?.kind === "oversized") {
        record.status = 200;
        this.requests.push(record);
        sendOversized(response, fault.bytes);
        return;
      } else {
        answer = await this.answer(request, url, raw, record);
        if (fault?.kind === "headers") answer = { ...answer, headers: { ...answer.headers, ...fault.headers } };
      }
    } catch {
      answer = error(500, "500: Internal Server Error");
    }
    record.status = answer.status;
    this.requests.push(record);
    const headers: Record<string, string> = { ...answer.headers };
    let payload = "";
    if (answer.status !== 204 && answer.body !== undefined) {
      payload = JSON.stringify(answer.body);
      headers["Content-Type"] = "application/json";
    }
    response.writeHead(answer.status, headers);
    response.end(payload);
  }

  private async answer(request: IncomingMessage, url: URL, raw: string, record: FakeRestRecord): Promise<FakeRestResponse> {
    const versioned = VERSIONED.exec(url.pathname);
    const version = Number(versioned?.[1]);
    if (versioned === null || (version !== 6 && version !== 10)) return error(404, "404: Not Found");
    record.version = version;
    const method = request.method ?? "GET";
    const path = versioned[2] ?? "/";
    record.path = path;
    const match = METHODS.has(method) ? this.router.match(method, path) : ({ kind: "method-not-allowed" } as const);
    if (match.kind === "not-found") return error(404, "404: Not Found");
    if (match.kind === "method-not-allowed") return error(405, "405: Method Not Allowed");
    record.route = match.route.pattern;
    if (match.route.auth && request.headers.authorization !== `Bot ${this.token}`) return error(401, "401: Unauthorized");
    let body: unknown;
    let invalidJson = false;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
        record.body = body;
      } catch {
        invalidJson = true;
      }
    }
    let limitHeaders: Record<string, string> | undefined;
    const limits = this.routeLimits.get(match.route);
    if (this.rateLimits !== undefined && limits !== undefined) {
      const major = MAJOR_PARAMETERS.map((name) => match.params[name]).find((value) => value !== undefined) ?? "";
      const precise = String(request.headers["x-ratelimit-precision"] ?? "").toLowerCase() === "millisecond";
      const verdict = this.rateLimits.take({ bucket: limits.bucket, major, limit: limits.limit, version, precise });
      if (verdict.kind === "limited") {
        this.rateLimitedCount++;
        if (verdict.global) this.globalRateLimitedCount++;
        record.rateLimited = verdict.global ? "global" : "bucket";
        return { status: 429, body: verdict.body, headers: verdict.headers };
      }
      limitHeaders = verdict.headers;
    }
    const answer = invalidJson
      ? error(400, "The request body contains invalid JSON.", 50109)
      : await match.route.handler({
          method: method as FakeRestMethod,
          path,
          route: match.route.pattern,
          version,
          params: match.params,
          query: url.searchParams,
          headers: request.headers,
          body,
        });
    return limitHeaders === undefined ? answer : { ...answer, headers: { ...limitHeaders, ...answer.headers } };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const delay: { handle: unknown; resolve: () => void } = { handle: undefined, resolve };
      delay.handle = this.clock.setTimeout(() => {
        this.delays.delete(delay);
        resolve();
      }, ms);
      this.delays.add(delay);
    });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** A 200 whose JSON body is `bytes` long, written in 64 KiB chunks without Content-Length. */
function sendOversized(response: ServerResponse, bytes: number): void {
  response.writeHead(200, { "Content-Type": "application/json" });
  const prefix = '{"padding":"';
  const suffix = '"}';
  let left = bytes - prefix.length - suffix.length;
  response.write(prefix);
  const chunk = "x".repeat(65_536);
  const pump = (): void => {
    while (left > 0) {
      const size = Math.min(left, chunk.length);
      left -= size;
      if (!response.write(size === chunk.length ? chunk : chunk.slice(0, size))) {
        response.once("drain", pump);
        return;
      }
    }
    response.end(suffix);
  };
  response.on("close", () => {
    left = 0;
  });
  pump();
}

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeDiscordError } from "./FakeDiscordError.js";
import {
  type FakeRestHandler,
  type FakeRestMethod,
  type FakeRestResponse,
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
}

/** One request the fake REST API answered, for assertions. */
export interface FakeRestRecord {
  method: string;
  /** The full request path, query included. */
  url: string;
  /** The matched route pattern, if any. */
  route: string | undefined;
  version: FakeRestVersion | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

const METHODS = new Set<string>(["GET", "POST", "PUT", "PATCH", "DELETE"]);
const VERSIONED = /^\/api\/v(\d+)(\/.*)?$/;

/** Discord's error body: `{"message":"404: Not Found","code":0}`. */
function error(status: number, message: string, code = 0): FakeRestResponse {
  return { status, body: { message, code } };
}

/**
 * The fake Discord REST API: a real HTTP server on loopback serving `/api/v6/…` and
 * `/api/v10/…` from a route table ({@link FakeRestRouter}). Bodies are JSON both ways.
 * Unknown routes answer 404 and known paths with another method 405, with Discord's error
 * bodies; a route needing auth answers 401 `{"message":"401: Unauthorized","code":0}`
 * without the right `Authorization: Bot <token>`; a body that is not JSON answers 400 with
 * code 50109. Everything answered is recorded in {@link FakeRestServer.requests}.
 */
export class FakeRestServer {
  /** The route table; add routes with {@link FakeRestServer.route}. */
  readonly router = new FakeRestRouter();
  /** Every request answered, in order. */
  readonly requests: FakeRestRecord[] = [];
  /** The accepted bot token. */
  token: string;

  private readonly host: string;
  private server: Server | undefined;
  private listeningPort: number | undefined;

  constructor(options: FakeRestServerOptions = {}) {
    this.token = options.token ?? "fake-token";
    this.host = options.host ?? "127.0.0.1";
  }

  /** Adds a route, e.g. `route("POST", "/channels/:channelId/messages", handler)`. */
  route(method: FakeRestMethod, pattern: string, handler: FakeRestHandler, options?: FakeRestRouteOptions): this {
    this.router.add(method, pattern, handler, options);
    return this;
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
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, this.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (cause) {
      this.server = undefined;
      throw new FakeDiscordError("FAKE_DISCORD_LISTEN_FAILED", `cannot listen on ${this.host}:${port}`, { cause });
    }
    server.on("error", () => undefined);
    this.listeningPort = (server.address() as AddressInfo).port;
  }

  /** Stops listening and closes every connection (keep-alive ones too). Harmless when stopped. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const record: FakeRestRecord = {
      method: request.method ?? "GET",
      url: request.url ?? "/",
      route: undefined,
      version: undefined,
      headers: request.headers,
      body: undefined,
      status: 0,
    };
    let answer: FakeRestResponse;
    try {
      const raw = await readBody(request);
      answer = await this.answer(request, url, raw, record);
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
    const match = METHODS.has(method) ? this.router.match(method, path) : ({ kind: "method-not-allowed" } as const);
    if (match.kind === "not-found") return error(404, "404: Not Found");
    if (match.kind === "method-not-allowed") return error(405, "405: Method Not Allowed");
    record.route = match.route.pattern;
    if (match.route.auth && request.headers.authorization !== `Bot ${this.token}`) return error(401, "401: Unauthorized");
    let body: unknown;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        return error(400, "The request body contains invalid JSON.", 50109);
      }
      record.body = body;
    }
    return match.route.handler({
      method: method as FakeRestMethod,
      path,
      route: match.route.pattern,
      version,
      params: match.params,
      query: url.searchParams,
      headers: request.headers,
      body,
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

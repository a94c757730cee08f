import type { IncomingHttpHeaders } from "node:http";

/** HTTP methods the fake REST API routes. */
export type FakeRestMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The REST API versions the fake serves (`/api/v6/…`, `/api/v10/…`). */
export type FakeRestVersion = 6 | 10;

/** A request as a route handler sees it. */
export interface FakeRestRequest {
  method: FakeRestMethod;
  /** The path after `/api/v{N}`, e.g. `/channels/123/messages`. */
  path: string;
  /** The route pattern that matched, e.g. `/channels/:channelId/messages`. */
  route: string;
  version: FakeRestVersion;
  /** The `:name` segments of the pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The JSON body (`undefined` when there was none). */
  body: unknown;
}

/** What a route handler answers; `body` is sent as JSON (none for 204). */
export interface FakeRestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Handles one route. */
export type FakeRestHandler = (request: FakeRestRequest) => FakeRestResponse | Promise<FakeRestResponse>;

/** Options of a route. */
export interface FakeRestRouteOptions {
  /**
   * Whether the route needs `Authorization: Bot <token>` (else 401). Only a few Discord
   * routes, such as `GET /gateway`, do not.
   * @defaultValue true
   */
  auth?: boolean;
}

/** One entry of the route table. */
export interface FakeRestRoute {
  method: FakeRestMethod;
  /** `/`-separated segments; `:name` matches one segment and is passed in `params`. */
  pattern: string;
  auth: boolean;
  handler: FakeRestHandler;
}

/** What {@link FakeRestRouter.match} found. */
export type FakeRestMatch =
  | { kind: "found"; route: FakeRestRoute; params: Record<string, string> }
  | { kind: "method-not-allowed" }
  | { kind: "not-found" };

function segments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

/**
 * The route table of the fake REST API: patterns such as `/channels/:channelId/messages`,
 * matched segment by segment in the order they were added. A path that matches a pattern
 * under another method is a 405, one that matches nothing a 404.
 */
export class FakeRestRouter {
  private readonly table: Array<FakeRestRoute & { parts: string[] }> = [];

  /** The routes, in matching order. */
  get routes(): readonly FakeRestRoute[] {
    return this.table;
  }

  /** Adds a route (after the existing ones). */
  add(method: FakeRestMethod, pattern: string, handler: FakeRestHandler, options: FakeRestRouteOptions = {}): this {
    this.table.push({ method, pattern, auth: options.auth ?? true, handler, parts: segments(pattern) });
    return this;
  }

  /** Finds the route of `method` and `path` (without the `/api/v{N}` prefix). */
  match(method: string, path: string): FakeRestMatch {
    const parts = segments(path);
    let pathKnown = false;
    for (const route of this.table) {
      const params = matchParts(route.parts, parts);
      if (params === undefined) continue;
      if (route.method === method) return { kind: "found", route, params };
      pathKnown = true;
    }
    return pathKnown ? { kind: "method-not-allowed" } : { kind: "not-found" };
  }
}

function matchParts(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = parts[i]!;
    if (expected.startsWith(":")) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { rateLimitsOf, type DiscordRest } from "../src/DiscordRest.js";
import type { RestResponseInfo } from "../src/DiscordRestEvents.js";
import type { DiscordRestOptions } from "../src/DiscordRestOptions.js";
import { bucketHeaders, json, type Step } from "./support/scriptedFetch.js";
import { scriptedRest } from "./support/scriptedRest.js";

const TOKEN = "MTIzNDU2Nzg5.events-token.value";

function client(steps: Step[], options: Partial<DiscordRestOptions> = {}): { rest: DiscordRest; responses: RestResponseInfo[]; debug: string[] } {
  const { rest } = scriptedRest(TOKEN, steps, { retryDelay: () => 100, ...options });
  const responses: RestResponseInfo[] = [];
  const debug: string[] = [];
  rest.on("response", (info) => responses.push(info));
  rest.on("debug", (message) => debug.push(message));
  return { rest, responses, debug };
}

/** A step answering after `ms` on the (fake) timers. */
function after(ms: number, response: Response): Step {
  return () => new Promise<Response>((resolve) => setTimeout(() => resolve(response.clone()), ms));
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("DiscordRest: response and debug events", () => {
  it("emits a response per answer (429 and 5xx included) with status, duration, bucket and retryAfter, and debug lines for the retries", async () => {
    const { rest, responses, debug } = client([
      after(30, json(429, { message: "slow down", retry_after: 0.25, global: false }, bucketHeaders(5, 0, 0.25, "abc"))),
      after(10, json(503, {})),
      after(40, json(200, { id: "1" }, bucketHeaders(5, 4, 1, "abc"))),
    ]);
    const done = rest.request({ method: "POST", path: "/channels/42/messages", body: { content: "x" } });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(done).resolves.toEqual({ id: "1" });
    expect(responses).toEqual([
      { method: "POST", route: "/channels/42/messages", status: 429, durationMs: 30, bucket: "abc", retryAfter: 250 },
      { method: "POST", route: "/channels/42/messages", status: 503, durationMs: 10 },
      { method: "POST", route: "/channels/42/messages", status: 200, durationMs: 40, bucket: "abc" },
    ]);
    expect(debug).toEqual([
      "POST /channels/42/messages: HTTP 429 (bucket); retry 1 of 5 in 250 ms",
      "POST /channels/42/messages: HTTP 503; retry 1 of 3 in 100 ms",
    ]);
  });

  it("debug tells network errors, timeouts, a global 429, giving up and aborts", async () => {
    const { rest, debug } = client([new TypeError("fetch failed"), "hang", json(429, { retry_after: 0.5, global: true }), json(429, { retry_after: 999 })], {
      timeout: 1000,
      maxRateLimitWait: 10_000,
    });
    const done = rest.request({ method: "GET", path: "/gateway/bot" }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(done).resolves.toMatchObject({ code: "REST_RATE_LIMITED" });
    expect(debug).toEqual([
      "GET /gateway/bot: network error; retry 1 of 3 in 100 ms",
      "GET /gateway/bot: no answer within 1000 ms; retry 2 of 3 in 100 ms",
      "GET /gateway/bot: HTTP 429 (global: every route pauses); retry 1 of 5 in 500 ms",
      "GET /gateway/bot: HTTP 429 (bucket); giving up: asked to wait 999000 ms, more than maxRateLimitWait (10000 ms)",
    ]);
    debug.length = 0;
    await expect(rest.getGateway({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "REST_ABORTED" });
    expect(debug).toEqual(["GET /gateway: aborted"]);
  });

  it("never contain the token: not from the path, query, reason, body, answer headers and body, network errors or abort reasons", async () => {
    const { rest, responses, debug } = client(
      [
        json(429, { message: TOKEN, retry_after: 0.01 }, { ...bucketHeaders(1, 0, 0.01, TOKEN), [TOKEN]: TOKEN }),
        new TypeError(`fetch failed ${TOKEN}`),
        json(500, { message: TOKEN }, { "X-RateLimit-Bucket": `x${TOKEN}x` }),
        json(200, { token: TOKEN }, { "X-RateLimit-Bucket": TOKEN }),
      ],
      { retries: 3 },
    );
    const paths = [`/webhooks/1/${TOKEN}`, `/users/${TOKEN}`, `/channels/1/messages/${TOKEN}`];
    for (const path of paths) {
      const done = rest.request({ method: "POST", path, query: { token: TOKEN }, reason: TOKEN, body: { content: TOKEN } }).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(1000);
      await done;
    }
    const aborted = rest.request({ method: "GET", path: `/users/${TOKEN}` }, { signal: AbortSignal.abort(TOKEN) }).catch((error: unknown) => error);
    await aborted;
    expect(responses.map((info) => info.status)).toEqual([429, 500, 200, 200, 200]);
    expect(debug).toHaveLength(4); // the 429, the network error, the 500, the abort
    const everything = JSON.stringify({ responses, debug });
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain("events-token");
    expect(everything).toContain("[token]"); // the bucket header that was the token, redacted
  });

  it("a listener that throws does not break the request; its error is thrown again on a microtask", async () => {
    const { rest } = client([json(200, { id: "1" })]);
    const thrown: unknown[] = [];
    vi.spyOn(globalThis, "queueMicrotask").mockImplementation((callback) => {
      try {
        callback();
      } catch (error) {
        thrown.push(error);
      }
    });
    rest.on("response", () => {
      throw new Error("listener bug");
    });
    await expect(rest.request({ method: "GET", path: "/users/@me" })).resolves.toEqual({ id: "1" });
    expect(thrown).toEqual([new Error("listener bug")]);
    expect(rateLimitsOf(rest).size).toBe(1);
    await expect(rest.request({ method: "GET", path: "/users/@me" })).resolves.toEqual({ id: "1" }); // the slot was given back
  });
});

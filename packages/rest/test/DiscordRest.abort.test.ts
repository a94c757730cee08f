import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { DiscordRest, rateLimitsOf } from "../src/DiscordRest.js";
import type { DiscordRestOptions } from "../src/DiscordRestOptions.js";
import { RestError } from "../src/RestError.js";
import { routeKey } from "../src/routeKey.js";
import { channelId, restFor, startFake } from "./support/fake.js";
import { ManualClock } from "@nuwani/util";
import { json, type Step } from "./support/scriptedFetch.js";
import { useFakeTimersPerTest } from "./support/fakeTimers.js";
import { scriptedRest, settle } from "./support/scriptedRest.js";

const TOKEN = "MTIzNDU2Nzg5.abort-token.value";
const CHANNEL = "123456789012345678";
const MESSAGE = { id: "9", channel_id: CHANNEL, content: "ok", timestamp: "", author: { id: "1", username: "bot" } };

const client = (steps: Step[], options: Partial<DiscordRestOptions> = {}): ReturnType<typeof scriptedRest> => scriptedRest(TOKEN, steps, options);

useFakeTimersPerTest();

describe("DiscordRest: AbortSignal", () => {
  it("an aborted signal fails every method with REST_ABORTED (cause: its reason) and sends nothing", async () => {
    const { rest, calls } = client([json(200, MESSAGE)]);
    const reason = new Error("user left");
    const signal = AbortSignal.abort(reason);
    const attempts: Array<Promise<unknown>> = [
      rest.request({ method: "GET", path: "/users/@me" }, { signal }),
      rest.createMessage(CHANNEL, "hi", { signal }),
      rest.createReaction(CHANNEL, "2", "👍", { signal }),
      rest.createDM("3", { signal }),
      rest.editChannelPermissions(CHANNEL, "4", { type: 1, allow: "1024" }, "why", { signal }),
      rest.deleteChannelPermission(CHANNEL, "4", undefined, { signal }),
      rest.getGatewayBot({ signal }),
      rest.getGateway({ signal }),
    ];
    for (const attempt of attempts) {
      const { error } = await settle(attempt);
      expect(RestError.is(error, "REST_ABORTED")).toBe(true);
      expect((error as RestError).cause).toBe(reason);
      expect((error as RestError).route).toMatch(/^\//);
    }
    expect(calls).toHaveLength(0);
    expect(rest.invalidRequestCount).toBe(0);
  });

  it("aborting a request queued in an ordered bucket frees its place; aborting one in flight lets the next go, order kept", async () => {
    const { rest, calls } = client([(call) => (JSON.parse(call.body!) as { content: string }).content === "A" ? "hang" : json(200, MESSAGE)]);
    const a = new AbortController();
    const b = new AbortController();
    const first = settle(rest.createMessage(CHANNEL, "A", { signal: a.signal }));
    const second = settle(rest.createMessage(CHANNEL, "B", { signal: b.signal }));
    const third = settle(rest.createMessage(CHANNEL, "C"));
    await vi.advanceTimersByTimeAsync(0);
    const bucket = rateLimitsOf(rest).bucketFor(routeKey("POST", `/channels/${CHANNEL}/messages`));
    expect([calls.length, bucket.inFlight, bucket.queued]).toEqual([1, 1, 2]);

    b.abort("changed my mind");
    const queued = await second;
    expect(queued.error).toMatchObject({ code: "REST_ABORTED", cause: "changed my mind", method: "POST", route: `/channels/${CHANNEL}/messages` });
    expect([calls.length, bucket.queued]).toEqual([1, 1]); // C still waits behind A

    a.abort();
    const inFlight = await first;
    expect(RestError.is(inFlight.error, "REST_ABORTED")).toBe(true);
    expect((inFlight.error as RestError).cause).toBeInstanceOf(DOMException); // abort()'s default reason
    await expect(third).resolves.toEqual({ value: MESSAGE });
    expect(calls.map((call) => (JSON.parse(call.body!) as { content: string }).content)).toEqual(["A", "C"]);
    expect([bucket.inFlight, bucket.queued]).toEqual([0, 0]);
    expect(vi.getTimerCount()).toBe(0); // the aborted attempt's timeout is cleared
  });

  it("aborting during a retry backoff ends it at once (ordered: the reserved slot is freed; unordered: the sleep is cancelled)", async () => {
    const { rest, calls } = client([json(500, {}), json(200, MESSAGE)]);
    const controller = new AbortController();
    const first = settle(rest.createMessage(CHANNEL, "A", { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1); // the 500: A's retry is reserved 500 ms ahead
    const next = settle(rest.createMessage(CHANNEL, "B"));
    controller.abort();
    expect((await first).error).toMatchObject({ code: "REST_ABORTED" });
    await expect(next).resolves.toEqual({ value: MESSAGE });
    expect(calls).toHaveLength(2); // B went without waiting out A's backoff

    const other = client([json(502, {}), json(200, {})]);
    const gone = new AbortController();
    const pending = settle(other.rest.request({ method: "GET", path: "/users/@me" }, { signal: gone.signal }));
    await vi.advanceTimersByTimeAsync(10);
    expect(other.calls).toHaveLength(1);
    gone.abort();
    expect((await pending).error).toMatchObject({ code: "REST_ABORTED", route: "/users/@me" });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(other.calls).toHaveLength(1); // never retried
  });

  it("aborting a request waiting for the global limit takes it out of the global queue", async () => {
    const { rest, calls } = client([json(200, {})], { globalLimit: { limit: 1, window: 1000 } });
    await rest.request({ method: "GET", path: "/users/@me" });
    const controller = new AbortController();
    const waiting = settle(rest.request({ method: "GET", path: "/guilds/1" }, { signal: controller.signal }));
    const after = settle(rest.request({ method: "GET", path: "/guilds/2" }));
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(1);
    controller.abort();
    expect((await waiting).error).toMatchObject({ code: "REST_ABORTED", route: "/guilds/1" });
    await vi.advanceTimersByTimeAsync(500);
    await expect(after).resolves.toEqual({ value: {} });
    expect(calls.map((call) => call.url.split("/v10")[1])).toEqual(["/users/@me", "/guilds/2"]);
    expect(rateLimitsOf(rest).bucketFor(routeKey("GET", "/guilds/1")).inFlight).toBe(0); // its bucket slot was given back
  });

  it("a signal that aborts after the answer changes nothing; listeners are removed", async () => {
    const { rest } = client([json(200, MESSAGE)]);
    const controller = new AbortController();
    const added = vi.spyOn(controller.signal, "addEventListener");
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    await expect(rest.createMessage(CHANNEL, "hi", { signal: controller.signal })).resolves.toEqual(MESSAGE);
    controller.abort();
    expect(removed.mock.calls.length).toBe(added.mock.calls.length);
    expect(added.mock.calls.length).toBeGreaterThan(0);
  });
});

describe("DiscordRest: AbortSignal against the fake Discord (loopback HTTP)", () => {
  it("a message aborted while it waits for the bucket's reset is never posted; the next one goes at the reset, in order", async () => {
    vi.useRealTimers(); // real sockets; time is the shared manual clock
    const clock = new ManualClock();
    const discord = await startFake({ clock, rest: { bucket: { limit: 1, window: 1000 }, global: false } });
    const rest = restFor(discord, { clock });
    const general = channelId(discord);
    await rest.createMessage(general, "A"); // learns the bucket: 0 left for 1000 ms
    const controller = new AbortController();
    const b = settle(rest.createMessage(general, "B", { signal: controller.signal }));
    const c = rest.createMessage(general, "C");
    const d = rest.createMessage(general, "D");
    await clock.advanceAsync(500);
    controller.abort(new Error("player quit"));
    expect((await b).error).toMatchObject({ code: "REST_ABORTED", cause: new Error("player quit") });
    await clock.advanceAsync(500);
    expect((await c).content).toBe("C");
    await clock.advanceAsync(1000);
    expect((await d).content).toBe("D");
    expect(discord.postedMessages.map((message) => message.content)).toEqual(["A", "C", "D"]);
    expect(discord.rest.rateLimitedCount).toBe(0);
  });

  it("aborting a request in flight on a real socket cancels it; the server sees the connection closed", async () => {
    vi.useRealTimers();
    const arrived: IncomingMessage[] = [];
    const server = createServer((request) => arrived.push(request)); // never answers
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const clock = new ManualClock(); // the 15 s timeout never fires on its own
      const rest = new DiscordRest({ token: TOKEN, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, clock });
      const controller = new AbortController();
      const pending = settle(rest.getGatewayBot({ signal: controller.signal }));
      while (arrived.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const closed = once(arrived[0]!.socket, "close");
      controller.abort("shutting down");
      expect((await pending).error).toMatchObject({ code: "REST_ABORTED", cause: "shutting down", method: "GET", route: "/gateway/bot" });
      await closed;
      expect(arrived).toHaveLength(1); // not retried
      expect(clock.pending).toBe(0); // its timeout timer is cleared
      rest.destroy();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { FakeDiscordError } from "../src/FakeDiscordError.js";
import { FakeRestServer } from "../src/FakeRestServer.js";

const servers: FakeRestServer[] = [];

async function started(): Promise<FakeRestServer> {
  const server = new FakeRestServer({ token: "t0k3n" });
  servers.push(server);
  server.route("GET", "/open", () => ({ status: 200, body: { open: true } }), { auth: false });
  server.route("POST", "/channels/:channelId/messages", (request) => ({
    status: 200,
    body: { channel: request.params.channelId, version: request.version, echo: request.body, q: request.query.get("q") },
    headers: { "X-RateLimit-Bucket": "abc" },
  }));
  server.route("DELETE", "/channels/:channelId", () => ({ status: 204 }));
  server.route("GET", "/boom", () => {
    throw new Error("handler failed");
  });
  await server.start();
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

describe("FakeRestServer", () => {
  it("serves /api/v6 and /api/v10 on 127.0.0.1 with JSON bodies, params and headers", async () => {
    const server = await started();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/api`);
    for (const version of [6, 10]) {
      const response = await fetch(`${server.url}/v${version}/channels/42/messages?q=x`, {
        method: "POST",
        headers: { Authorization: "Bot t0k3n", "Content-Type": "application/json" },
        body: JSON.stringify({ content: "hi" }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-ratelimit-bucket")).toBe("abc");
      expect(await response.json()).toEqual({ channel: "42", version, echo: { content: "hi" }, q: "x" });
    }
    expect(server.requests.map((request) => [request.method, request.route, request.version, request.status])).toEqual([
      ["POST", "/channels/:channelId/messages", 6, 200],
      ["POST", "/channels/:channelId/messages", 10, 200],
    ]);
    expect(server.requests[0]!.body).toEqual({ content: "hi" });
  });

  it("answers 401 with Discord's body without the right Bot token, and lets auth-free routes through", async () => {
    const server = await started();
    for (const authorization of [undefined, "t0k3n", "Bot wrong", "Bearer t0k3n"]) {
      const response = await fetch(`${server.url}/v6/channels/1/messages`, {
        method: "POST",
        ...(authorization === undefined ? {} : { headers: { Authorization: authorization } }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    }
    expect((await fetch(`${server.url}/v6/open`)).status).toBe(200);
  });

  it("answers 404 for unknown routes and versions, 405 for a known path with another method", async () => {
    const server = await started();
    for (const path of ["/v6/nope", "/v7/open", "/open", "/v10", "/../api/v6/open/x"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: "404: Not Found", code: 0 });
    }
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    const wrong = await fetch(`${server.url}/v6/open`, { method: "POST" });
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toEqual({ message: "405: Method Not Allowed", code: 0 });
  });

  it("answers 400 (50109) for a body that is not JSON, 204 without a body, and 500 when a handler throws", async () => {
    const server = await started();
    const bad = await fetch(`${server.url}/v6/channels/1/messages`, { method: "POST", headers: { Authorization: "Bot t0k3n" }, body: "{nope" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: "The request body contains invalid JSON.", code: 50109 });
    const deleted = await fetch(`${server.url}/v6/channels/1`, { method: "DELETE", headers: { Authorization: "Bot t0k3n" } });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    const boom = await fetch(`${server.url}/v6/boom`, { headers: { Authorization: "Bot t0k3n" } });
    expect(boom.status).toBe(500);
  });

  it("restarts on the same port, refuses a second start and reports its port only once started", async () => {
    const server = new FakeRestServer();
    servers.push(server);
    expect(() => server.port).toThrow(FakeDiscordError);
    await server.start();
    await expect(server.start()).rejects.toMatchObject({ code: "FAKE_DISCORD_ALREADY_STARTED" });
    const port = server.port;
    await server.stop();
    await server.stop();
    await server.start(port);
    expect(server.port).toBe(port);
    const other = new FakeRestServer();
    await expect(other.start(port)).rejects.toMatchObject({ code: "FAKE_DISCORD_LISTEN_FAILED" });
  });
});

describe("FakeRestServer: rate limits", () => {
  it("limits per route and major parameter, with a route's own limit and shared bucket hashes; off with rateLimits: false", async () => {
    const server = new FakeRestServer({ token: "t", rateLimits: { bucket: { limit: 1, window: 60_000 }, global: false } });
    servers.push(server);
    server.route("GET", "/channels/:channelId/pins", () => ({ status: 200, body: [] }));
    server.route("GET", "/guilds/:guildId/roles", () => ({ status: 200, body: [] }), { limit: { limit: 2, window: 60_000 } });
    server.route("PUT", "/channels/:channelId/pins/:messageId", () => ({ status: 204 }), { bucket: "pins" });
    server.route("DELETE", "/channels/:channelId/pins/:messageId", () => ({ status: 204 }), { bucket: "pins" });
    await server.start();
    const call = (method: string, path: string): Promise<Response> => fetch(`${server.url}/v10${path}`, { method, headers: { Authorization: "Bot t" } });
    expect((await call("GET", "/channels/1/pins")).status).toBe(200);
    expect((await call("GET", "/channels/1/pins")).status).toBe(429);
    expect((await call("GET", "/channels/2/pins")).status).toBe(200);
    const roles = [await call("GET", "/guilds/1/roles"), await call("GET", "/guilds/1/roles"), await call("GET", "/guilds/1/roles")];
    expect(roles.map((response) => response.status)).toEqual([200, 200, 429]);
    expect(roles[0]!.headers.get("x-ratelimit-limit")).toBe("2");
    const pin = await call("PUT", "/channels/1/pins/5");
    expect(pin.headers.get("x-ratelimit-bucket")).toBe("pins");
    expect((await call("DELETE", "/channels/1/pins/5")).status).toBe(429);
    expect(server.rateLimitedCount).toBe(3);
    // Unauthorised requests are not counted against the buckets.
    expect((await fetch(`${server.url}/v10/channels/3/pins`)).status).toBe(401);
    expect((await call("GET", "/channels/3/pins")).status).toBe(200);

    const open = new FakeRestServer({ token: "t", rateLimits: false });
    servers.push(open);
    open.route("GET", "/channels/:channelId/pins", () => ({ status: 200, body: [] }));
    await open.start();
    for (let i = 0; i < 10; i++) {
      const response = await fetch(`${open.url}/v6/channels/1/pins`, { headers: { Authorization: "Bot t" } });
      expect([response.status, response.headers.get("x-ratelimit-limit")]).toEqual([200, null]);
    }
    expect(open.rateLimits).toBeUndefined();
  });

  it("records requests with their path and without the Authorization header", async () => {
    const server = await started();
    await fetch(`${server.url}/v6/channels/42/messages?q=1`, { method: "POST", headers: { Authorization: "Bot t0k3n" }, body: "{}" });
    expect(server.requests[0]).toMatchObject({ url: "/api/v6/channels/42/messages?q=1", path: "/channels/42/messages", status: 200 });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(server.requests)).not.toContain("t0k3n");
  });

  it("hostile REST faults: a 429 with the values given as is, garbage headers on a routed answer, an oversized chunked body", async () => {
    const server = await started();
    const post = (): Promise<Response> =>
      fetch(`${server.url}/v10/channels/42/messages`, { method: "POST", headers: { Authorization: "Bot t0k3n", "Content-Type": "application/json" }, body: "{}" });
    server.faults.rateLimitNext({ retryAfter: 1e9, headers: { "X-RateLimit-Reset-After": "1e9", "X-RateLimit-Scope": "shared" } });
    server.faults.rateLimitNext({ global: true, headers: { "Retry-After": "soon" } });
    server.faults.headersNext({ "X-RateLimit-Remaining": "lots", "X-RateLimit-Limit": "-3" });
    server.faults.oversizedNext(200_000);
    const hostile = await post();
    expect(hostile.status).toBe(429);
    expect(hostile.headers.get("x-ratelimit-reset-after")).toBe("1e9");
    expect(hostile.headers.get("x-ratelimit-scope")).toBe("shared");
    expect(await hostile.json()).toEqual({ message: "You are being rate limited.", global: false, retry_after: 1e9 });
    const global = await post();
    expect([global.status, global.headers.get("x-ratelimit-global"), global.headers.get("retry-after")]).toEqual([429, "true", "soon"]);
    expect(await global.json()).toEqual({ message: "You are being rate limited.", global: true });
    const garbage = await post();
    expect(garbage.status).toBe(200);
    expect([garbage.headers.get("x-ratelimit-remaining"), garbage.headers.get("x-ratelimit-limit"), garbage.headers.get("x-ratelimit-bucket")]).toEqual(["lots", "-3", "abc"]);
    await garbage.json();
    const big = await post();
    expect(big.headers.get("content-length")).toBeNull();
    const text = await big.text();
    expect(text).toHaveLength(200_000);
    expect((JSON.parse(text) as { padding: string }).padding).toMatch(/^x+$/);
    expect(server.requests.map((record) => [record.status, record.fault, record.rateLimited])).toEqual([
      [429, "rate-limit", "bucket"],
      [429, "rate-limit", "global"],
      [200, "headers", undefined],
      [200, "oversized", undefined],
    ]);
    expect(server.rateLimitedCount).toBe(0);
    expect(() => server.faults.oversizedNext(3)).toThrow(FakeDiscordError);
    expect(() => server.faults.rateLimitNext({}, 0)).toThrow(FakeDiscordError);
  });
});

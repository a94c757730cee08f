import { createGuild, Intents } from "@nuwani/fake-discord";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GatewayError } from "../src/GatewayError.js";
import type { MemberChunk } from "../src/MemberChunkCollector.js";
import { advanceUntil, LiveFixtures, plannedReconnect, seqs, strictlyIncreasing, types } from "./support/live.js";
import { ManualClock } from "@nuwani/util";
import { GatewayIntentBits } from "../src/index.js";

const live = new LiveFixtures();
const WAIT = { timeout: 5_000, interval: 5 };

afterEach(async () => {
  await live.cleanup();
});

/** The `i` of every NUWANI_TEST dispatch a client saw, in order. */
function testIndices(dispatches: { t: unknown; d: unknown }[]): number[] {
  return dispatches.filter((payload) => payload.t === "NUWANI_TEST").map((payload) => (payload.d as { i: number }).i);
}

describe("GatewayConnection against the fake Discord", () => {
  it("v6: identifies and gets READY and GUILD_CREATE", async () => {
    const guild = createGuild({ members: 5 });
    const discord = await live.discord({ guilds: [guild] });
    const client = live.client(discord);
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toEqual(["READY", "GUILD_CREATE"]), WAIT);

    expect(seqs(client)).toEqual([1, 2]);
    expect(client.dispatches[1]?.d).toMatchObject({ id: guild.id, member_count: 5 });
    expect(discord.identifies).toHaveLength(1);
    const identify = discord.identifies[0]?.d as Record<string, unknown>;
    expect(identify).toMatchObject({ token: discord.token, compress: false, properties: { $os: process.platform, $browser: "nuwani", $device: "nuwani" } });
    expect(identify).not.toHaveProperty("intents");
    expect(client.gateway.session).toEqual({ sessionId: discord.sessions[0]?.id, sequence: 2, resumeUrl: discord.gatewayUrl });
    expect(client.gateway.state).toBe("ready");
  });

  it("v10: identifies with intents and gets READY (with resume_gateway_url) and GUILD_CREATE", async () => {
    const discord = await live.discord();
    const client = live.client(discord, { version: 10, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages });
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toEqual(["READY", "GUILD_CREATE"]), WAIT);
    expect(client.dispatches[0]?.d).toMatchObject({ v: 10, resume_gateway_url: discord.gatewayUrl });
    expect(discord.sessions[0]).toMatchObject({ version: 10, intents: Intents.GUILDS | Intents.GUILD_MESSAGES });
    expect(discord.sessions[0]?.properties).toEqual({ os: process.platform, browser: "nuwani", device: "nuwani" });
  });

  it("resumes after the TCP connection drops, and gets the dispatches sent meanwhile replayed, each once", async () => {
    // The reconnect delay runs on a clock shared by the fake and the client, moved by hand.
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { clock });
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toContain("GUILD_CREATE"), WAIT);

    discord.gateway.faults.dropAll();
    for (let i = 0; i < 5; i++) discord.dispatch("NUWANI_TEST", { i });
    // The close arrives over the wire; the client then waits its backoff on the clock.
    const delay = await vi.waitFor(() => plannedReconnect(client), WAIT);
    expect(delay).toBeLessThanOrEqual(50);
    if (delay > 0) await clock.advanceAsync(delay - 1);
    expect(discord.gateway.connections).toHaveLength(0);
    await clock.advanceAsync(1);
    await vi.waitFor(() => expect(types(client)).toContain("RESUMED"), WAIT);
    discord.dispatch("NUWANI_TEST", { i: 5 });
    await vi.waitFor(() => expect(testIndices(client.dispatches)).toEqual([0, 1, 2, 3, 4, 5]), WAIT);

    expect(discord.identifies).toHaveLength(1);
    expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed", seq: 2, replayed: 5 })]);
    expect(strictlyIncreasing(seqs(client))).toBe(true);
    expect(client.gateway.state).toBe("ready");
  });

  it("op 7: reconnects and resumes", async () => {
    const discord = await live.discord();
    const client = live.client(discord);
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toContain("GUILD_CREATE"), WAIT);
    expect(discord.faults.reconnect()).toBe(1);
    await vi.waitFor(() => expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed", seq: 2 })]), WAIT);
    await vi.waitFor(() => expect(client.gateway.state).toBe("ready"), WAIT);
    discord.dispatch("NUWANI_TEST", { i: 0 });
    await vi.waitFor(() => expect(testIndices(client.dispatches)).toEqual([0]), WAIT);
    expect(discord.identifies).toHaveLength(1);
    expect(discord.gateway.connections).toHaveLength(1);
    expect(discord.gateway.connections[0]?.id).toBe(2);
  });

  // The op 9 wait (1–5 s) runs on a clock shared by the fake and the client, moved by hand:
  // real sockets, no real waiting, and the wait itself is checked to the millisecond.
  it("op 9 d:true: resumes the session on the same connection after the wait", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { random: () => 0, clock });
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toContain("GUILD_CREATE"), WAIT);
    discord.faults.invalidSession(true);
    discord.dispatch("NUWANI_TEST", { i: 0 }); // buffered while the session is detached
    await vi.waitFor(() => expect(client.gateway.state).toBe("resuming"), WAIT);
    clock.advance(999);
    expect(client.debug.filter((line) => line.startsWith("resuming session"))).toEqual([]);
    clock.advance(1);
    expect(client.debug.filter((line) => line.startsWith("resuming session"))).toHaveLength(1);
    await vi.waitFor(() => expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed", replayed: 1 })]), WAIT);
    expect(discord.resumes[0]?.connectionId).toBe(discord.identifies[0]?.connectionId);
    await vi.waitFor(() => expect(testIndices(client.dispatches)).toEqual([0]), WAIT);
    expect(discord.identifies).toHaveLength(1);
  });

  it("op 9 d:false: closes, and identifies afresh on a new connection to the base URL after the wait, with a new session", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { random: () => 0, clock });
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toContain("GUILD_CREATE"), WAIT);
    const first = client.gateway.session?.sessionId;
    discord.faults.invalidSession(false);
    // The close completes over the wire; then the next attempt waits 1 s of the clock.
    await vi.waitFor(() => expect(client.debug).toContain("reconnecting in 1000 ms (will identify)"), WAIT);
    const attempts = (): number => client.debug.filter((line) => /^socket: attempt \d+: connecting/.test(line)).length;
    expect(attempts()).toBe(1);
    clock.advance(999);
    expect(attempts()).toBe(1);
    clock.advance(1);
    expect(attempts()).toBe(2);
    await vi.waitFor(() => expect(discord.identifies.map((record) => record.outcome)).toEqual(["ready", "ready"]), WAIT);
    await vi.waitFor(() => expect(client.gateway.state).toBe("ready"), WAIT);
    expect(discord.resumes).toEqual([]);
    expect(client.gateway.session?.sessionId).toBe(discord.identifies[1]?.sessionId);
    expect(client.gateway.session?.sessionId).not.toBe(first);
    expect(types(client).filter((t) => t === "READY")).toHaveLength(2);
    // Not on the connection that got op 9: on a new one.
    expect(discord.identifies[1]?.connectionId).not.toBe(discord.identifies[0]?.connectionId);
    expect(discord.gateway.connections).toHaveLength(1);
  });

  it("4004: a wrong token stops with GATEWAY_AUTHENTICATION_FAILED and never retries; the token is in no message", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ clock });
    const client = live.client(discord, { token: "wrong-secret-token", clock });
    const error = await client.gateway.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "GATEWAY_AUTHENTICATION_FAILED", closeCode: 4004 });
    expect(client.gateway.state).toBe("stopped");
    // No timer is left that could ever retry: a day of the clock passes and nothing connects.
    const attempts = client.debug.filter((line) => line.includes(": connecting to ")).length;
    expect(attempts).toBeGreaterThan(0);
    clock.advance(86_400_000);
    expect(client.debug.filter((line) => line.includes(": connecting to "))).toHaveLength(attempts);
    expect(client.gateway.state).toBe("stopped");
    expect(discord.identifies).toHaveLength(1);
    expect(discord.closes.map((close) => close.code)).toEqual([4004]);
    for (const text of [...client.debug, (error as Error).message]) expect(text).not.toContain("wrong-secret-token");
  });

  it("4014: disallowed intents on v10 stop with GATEWAY_DISALLOWED_INTENTS", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ privilegedIntents: 0, clock });
    const client = live.client(discord, { version: 10, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers, clock });
    await expect(client.gateway.connect()).rejects.toMatchObject({ code: "GATEWAY_DISALLOWED_INTENTS", closeCode: 4014 });
    expect(client.errors.map((error) => error.code)).toEqual(["GATEWAY_DISALLOWED_INTENTS"]);
    const attempts = client.debug.filter((line) => line.includes(": connecting to ")).length;
    expect(attempts).toBeGreaterThan(0);
    clock.advance(86_400_000);
    expect(client.debug.filter((line) => line.includes(": connecting to "))).toHaveLength(attempts);
    expect(discord.identifies).toHaveLength(1);
  });

  it("zlib-stream: compressed end to end, across a resume (a fresh inflate context per connection)", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ guilds: [createGuild({ members: 300 })], clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { compress: true, clock });
    await client.gateway.connect();
    await vi.waitFor(() => expect(types(client)).toEqual(["READY", "GUILD_CREATE"]), WAIT);
    expect(discord.gateway.connections[0]?.compression).toBe("zlib-stream");
    expect(discord.gateway.connections[0]?.query.get("compress")).toBe("zlib-stream");
    const big = "x".repeat(200_000);
    discord.dispatch("NUWANI_TEST", { i: 0, big });
    await vi.waitFor(() => expect(testIndices(client.dispatches)).toEqual([0]), WAIT);

    discord.gateway.faults.dropAll();
    discord.dispatch("NUWANI_TEST", { i: 1 });
    await advanceUntil(clock, () => expect(testIndices(client.dispatches)).toEqual([0, 1]));
    expect(discord.resumes).toEqual([expect.objectContaining({ outcome: "resumed" })]);
    expect(discord.gateway.connections[0]?.compression).toBe("zlib-stream");
    expect((client.dispatches.find((payload) => (payload.t as string) === "NUWANI_TEST")?.d as unknown as { big: string }).big).toBe(big);
  });

  it("requests the members of a large guild and gets them in chunks of at most 1000", async () => {
    const guild = createGuild({ members: 2_500 });
    const discord = await live.discord({ guilds: [guild] });
    const client = live.client(discord);
    await client.gateway.connect();
    const sizes: number[] = [];
    const result = await client.gateway.requestGuildMembers(
      { guildId: guild.id, query: "", limit: 0 },
      { onChunk: (chunk: MemberChunk) => sizes.push(chunk.members.length) },
    );
    expect(result.chunkCount).toBe(3);
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(result.members).toHaveLength(2_500);
    const ids = new Set(result.members.map((member) => (member as { user: { id: string } }).user.id));
    expect(ids.size).toBe(2_500);
    expect(ids).toEqual(new Set(guild.members.map((member) => member.user.id)));
    expect(discord.memberRequests).toEqual([expect.objectContaining({ chunks: 3 })]);
  });

  it("keeps the token out of debug events and errors over identify, resume and a fatal close", async () => {
    const clock = new ManualClock();
    const discord = await live.discord({ token: "Nzk.live-secret.Ovy4MCQ", clock, heartbeatInterval: 60_000 });
    const client = live.client(discord, { clock });
    await client.gateway.connect();
    discord.gateway.faults.dropAll();
    await advanceUntil(clock, () => {
      expect(discord.resumes).toHaveLength(1);
      expect(client.gateway.state).toBe("ready");
    });
    discord.faults.close(4004, "Authentication failed.");
    await vi.waitFor(() => expect(client.gateway.state).toBe("stopped"), WAIT);
    expect(client.errors.map((error) => error.code)).toEqual(["GATEWAY_AUTHENTICATION_FAILED"]);
    expect(client.debug.length).toBeGreaterThan(5);
    for (const text of [...client.debug, ...client.errors.map((error) => `${error.message} ${String(error.stack)}`)]) {
      expect(text).not.toContain("live-secret");
    }
  });
});

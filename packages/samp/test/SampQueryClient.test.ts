import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { inspect } from "node:util";
import { SampQueryClient } from "../src/SampQueryClient.js";
import { CodePage } from "../src/CodePage.js";
import { SampError } from "../src/SampError.js";
import { ManualClock } from "@nuwani/util";
import { waitUntil } from "./support/waitUntil.js";
import { ascii, readRcon, reply, startUdpServer, type UdpServer } from "./support/udpServer.js";

const PASSWORD = "hunter2-secret";
let server: UdpServer;
let client: SampQueryClient | undefined;

beforeEach(async () => {
  server = await startUdpServer();
});
afterEach(async () => {
  client?.destroy();
  client = undefined;
  vi.useRealTimers();
  await server.close();
});

const make = (options: ConstructorParameters<typeof SampQueryClient>[0] = {}) =>
  (client = new SampQueryClient({ host: "127.0.0.1", port: server.port, rconPassword: PASSWORD, ...options }));

const opcodeOf = (request: Buffer) => String.fromCharCode(request[10]!);

async function rejection(promise: Promise<unknown>): Promise<SampError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SampError);
    return error as SampError;
  }
  throw new Error("expected a rejection");
}

describe("SampQueryClient round trips", () => {
  it("asks i, r, c, d and p and parses the answers", async () => {
    server.handle((request, send) => {
      switch (opcodeOf(request)) {
        case "i":
          return send(reply.info(request, { players: 2, maxPlayers: 100, hostname: ascii("LVP"), gamemode: ascii("lvp"), language: ascii("EN") }));
        case "r":
          return send(reply.rules(request, [[ascii("version"), ascii("omp 1.4")]]));
        case "c":
          return send(reply.clients(request, [{ name: ascii("A"), score: 1 }]));
        case "d":
          return send(reply.detailed(request, [{ id: 3, name: ascii("A"), score: 1, ping: 9 }]));
        case "p":
          return send(request);
      }
    });
    const c = make();
    expect((await c.info()).hostname).toBe("LVP");
    expect((await c.rules()).get("version")).toBe("omp 1.4");
    expect(await c.clientList()).toEqual([{ name: "A", score: 1 }]);
    expect(await c.detailedList()).toEqual([{ id: 3, name: "A", score: 1, ping: 9 }]);
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
    const ping = server.received.find((r) => opcodeOf(r) === "p")!;
    expect(ping.length).toBe(15);
    for (const r of server.received.filter((r) => opcodeOf(r) !== "p")) expect(r.length).toBe(11);
  });

  it("asks different opcodes at once and matches each answer to its request", async () => {
    // Hold the first request's answer until the second request arrived: answers go out in
    // reverse order of arrival, whichever comes first (no timer, no sleep).
    let held: (() => void) | undefined;
    server.handle((request, send) => {
      const answer = opcodeOf(request) === "i"
        ? reply.info(request, { players: 0, maxPlayers: 1, hostname: ascii("h"), gamemode: ascii("g"), language: ascii("l") })
        : reply.rules(request, []);
      if (held === undefined) {
        held = () => send(answer);
        return;
      }
      send(answer);
      held();
    });
    const c = make();
    const [info, rules] = await Promise.all([c.info(), c.rules()]);
    expect(info.hostname).toBe("h");
    expect(rules.size).toBe(0);
  });

  it("ignores a ping echo that is not of the pending ping", async () => {
    server.handle((request, send) => {
      const other = Buffer.from(request);
      other[14] = other[14]! ^ 0xff;
      send(other);
      send(request);
    });
    const c = make();
    await c.ping();
    expect(c.stats.strays).toBe(1);
  });
});

describe("SampQueryClient timeouts, retries and pacing (fake timers)", () => {
  it("retries a lost query and succeeds on the third attempt", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let seen = 0;
    server.handle((request, send) => {
      if (++seen === 3) send(reply.rules(request, []));
    });
    const c = make({ timeout: 1000, retries: 2 });
    const result = c.rules();
    await waitUntil(() => seen === 1);
    await vi.advanceTimersByTimeAsync(1000);
    await waitUntil(() => seen === 2);
    await vi.advanceTimersByTimeAsync(1000);
    await waitUntil(() => seen === 3);
    expect((await result).size).toBe(0);
    expect(c.stats.timeouts).toBe(2);
  });

  it("gives up with SAMP_TIMEOUT after 1 + retries attempts", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const c = make({ timeout: 500, retries: 1 });
    const result = rejection(c.info());
    await waitUntil(() => server.received.length === 1);
    await vi.advanceTimersByTimeAsync(500);
    await waitUntil(() => server.received.length === 2);
    await vi.advanceTimersByTimeAsync(500);
    const error = await result;
    expect(error.code).toBe("SAMP_TIMEOUT");
    expect(error.opcode).toBe("i");
    expect(server.received.length).toBe(2);
  });

  it("retries after a truncated answer and reports SAMP_MALFORMED_PACKET when all are bad", async () => {
    server.handle((request, send) => send(reply.rules(request, [[ascii("a"), ascii("b")]]).subarray(0, 14)));
    const c = make({ retries: 2 });
    const error = await rejection(c.rules());
    expect(error.code).toBe("SAMP_MALFORMED_PACKET");
    expect(server.received.length).toBe(3);
    expect(c.stats.malformed).toBe(3);
  });

  it("paces datagrams with a token bucket: a burst, then rate per second", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    server.handle((request, send) => send(request));
    const c = make({ queriesPerSecond: 2, burst: 2 });
    const pings = [c.ping(), c.ping(), c.ping(), c.ping()];
    // Pings serialise per opcode: the first two go at once (one after the other), then 1 per 500 ms.
    await waitUntil(() => server.received.length === 2);
    await vi.advanceTimersByTimeAsync(499);
    expect(server.received.length).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await waitUntil(() => server.received.length === 3);
    await vi.advanceTimersByTimeAsync(500);
    await waitUntil(() => server.received.length === 4);
    await Promise.all(pings);
  });

  it("refuses more waiters than maxQueued with SAMP_QUEUE_FULL", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const c = make({ queriesPerSecond: 1, burst: 1, maxQueued: 1, timeout: 100_000 });
    const first = c.info().catch((e: unknown) => e);
    const second = c.rules().catch((e: unknown) => e);
    const third = rejection(c.clientList());
    expect((await third).code).toBe("SAMP_QUEUE_FULL");
    c.destroy();
    expect(((await first) as SampError).code).toBe("SAMP_DESTROYED");
    expect(((await second) as SampError).code).toBe("SAMP_DESTROYED");
  });
});

describe("SampQueryClient player lists", () => {
  const serve = (players: number, answers: { c?: boolean; d?: boolean }) =>
    server.handle((request, send) => {
      const op = opcodeOf(request);
      if (op === "i") send(reply.info(request, { players, maxPlayers: 500, hostname: ascii("h"), gamemode: ascii("g"), language: ascii("l") }));
      if (op === "c" && answers.c === true) send(reply.clients(request, [{ name: ascii("A"), score: 0 }]));
      if (op === "d" && answers.d === true) send(reply.detailed(request, [{ id: 4, name: ascii("A"), score: 0, ping: 1 }]));
    });

  it("asks d on SA-MP", async () => {
    serve(1, { c: true, d: true });
    expect(await make().playerList("samp")).toEqual({ source: "d", players: [{ id: 4, name: "A", score: 0, ping: 1 }] });
  });

  it("asks only c on open.mp, which never answers d", async () => {
    serve(1, { c: true });
    expect(await make().playerList("openmp")).toEqual({ source: "c", players: [{ name: "A", score: 0 }] });
    expect(server.received.some((r) => opcodeOf(r) === "d")).toBe(false);
  });

  const sentOpcodes = () => server.received.map(opcodeOf).join("");

  it("falls back to c when d goes unanswered (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    serve(1, { c: true });
    const list = make({ timeout: 50, retries: 0 }).playerList("samp");
    await waitUntil(() => sentOpcodes() === "id");
    await vi.advanceTimersByTimeAsync(50);
    expect((await list).source).toBe("c");
    expect(sentOpcodes()).toBe("idc");
  });

  it("reports SAMP_PLAYER_LIST_UNAVAILABLE above 100 players without asking", async () => {
    serve(101, { c: true, d: true });
    const error = await rejection(make().playerList("samp"));
    expect(error.code).toBe("SAMP_PLAYER_LIST_UNAVAILABLE");
    expect(server.received.map(opcodeOf)).toEqual(["i"]);
  });

  it("reports SAMP_PLAYER_LIST_UNAVAILABLE when neither c nor d answers (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    serve(5, {});
    const list = rejection(make({ timeout: 30, retries: 0 }).playerList("samp"));
    await waitUntil(() => sentOpcodes() === "id");
    await vi.advanceTimersByTimeAsync(30);
    await waitUntil(() => sentOpcodes() === "idc");
    await vi.advanceTimersByTimeAsync(30);
    expect((await list).code).toBe("SAMP_PLAYER_LIST_UNAVAILABLE");
  });

  it("does not ask for a list when nobody is online", async () => {
    serve(0, {});
    expect((await make().playerList("samp")).players).toEqual([]);
    expect(server.received.map(opcodeOf)).toEqual(["i"]);
  });
});

describe("SampQueryClient RCON", () => {
  it("sends the password and command and collects a multi-datagram reply until a quiet period", async () => {
    const lines = ["ID\tName\tPing\tIP", "0\tGunther\t20\t127.0.0.1", "1\tRussell\t30\t127.0.0.1"];
    server.handle((request, send) => {
      const { password, command } = readRcon(request);
      expect(password.toString("latin1")).toBe(PASSWORD);
      expect(command.toString("latin1")).toBe("players");
      for (const line of lines) send(reply.rconLine(request, ascii(line)));
    });
    const clock = new ManualClock();
    const c = make({ rconQuietPeriod: 100, clock });
    let settled = false;
    const result = c.rcon("players").finally(() => {
      settled = true;
    });
    // Real UDP: the three lines arrive; then the quiet period passes on the clock.
    await waitUntil(() => c.stats.answered === 3);
    clock.advance(99);
    await new Promise<void>((resolve) => setImmediate(resolve)); // every promise reaction runs first
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await result).toEqual(lines);
  });

  it("resolves [] for a command that answers nothing (say)", async () => {
    const clock = new ManualClock();
    const said = make({ rconQuietPeriod: 20, clock }).rcon("say hello", { expectOutput: false });
    await waitUntil(() => server.received.length === 1);
    clock.advance(20);
    expect(await said).toEqual([]);
  });

  it("stops collecting at rconMaxWait even when lines keep coming (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let send: ((line: string) => void) | undefined;
    server.handle((request, reply_) => {
      send = (line) => reply_(reply.rconLine(request, ascii(line)));
    });
    const c = make({ rconQuietPeriod: 100, rconMaxWait: 1000 });
    let settled = false;
    const result = c.rcon("status").finally(() => {
      settled = true;
    });
    await waitUntil(() => send !== undefined);
    let sent = 0;
    while (!settled && sent < 20) {
      send!(`line ${sent++}`);
      await waitUntil(() => c.stats.answered === sent);
      await vi.advanceTimersByTimeAsync(90);
    }
    const lines = await result;
    expect(sent).toBe(12);
    expect(lines).toEqual(Array.from({ length: 12 }, (_, index) => `line ${index}`));
  });

  it("detects a wrong password as SAMP_RCON_BAD_PASSWORD without the password in the error", async () => {
    server.handle((request, send) => send(reply.rconLine(request, ascii("Invalid RCON password."))));
    const error = await rejection(make().rcon("players"));
    expect(error.code).toBe("SAMP_RCON_BAD_PASSWORD");
    const shown = `${error.message} ${inspect(error)} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(shown).not.toContain(PASSWORD);
    expect(inspect(client)).not.toContain(PASSWORD);
  });

  it("reports a refusal that arrives after a silent command settled on the next command (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let refuse: (() => void) | undefined;
    server.handle((request, send) => {
      refuse = () => send(reply.rconLine(request, ascii("Invalid RCON password.")));
    });
    const c = make({ rconQuietPeriod: 100 });
    const say = c.rcon("say hi", { expectOutput: false });
    await waitUntil(() => refuse !== undefined);
    await vi.advanceTimersByTimeAsync(100);
    expect(await say).toEqual([]);
    refuse!();
    await waitUntil(() => c.stats.strays === 1);
    const error = await rejection(c.rcon("say again", { expectOutput: false }));
    expect(error.code).toBe("SAMP_RCON_BAD_PASSWORD");
    expect(server.received.length).toBe(1);
  });

  it("waits rconReplyWait for the first line of a command with output, then only the quiet period (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    let answer: ((line: string) => void) | undefined;
    server.handle((request, send) => {
      answer = (line) => send(reply.rconLine(request, ascii(line)));
    });
    const c = make({ rconQuietPeriod: 100, rconReplyWait: 1000 });
    let settled = false;
    const result = c.rcon("varlist").finally(() => {
      settled = true;
    });
    await waitUntil(() => answer !== undefined);
    await vi.advanceTimersByTimeAsync(900);
    expect(settled).toBe(false);
    answer!("first");
    await waitUntil(() => c.stats.answered === 1);
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual(["first"]);
  });

  it("never retries RCON: a lost command is sent once", async () => {
    const clock = new ManualClock();
    const said = make({ rconQuietPeriod: 20, clock }).rcon("say once", { expectOutput: false });
    await waitUntil(() => server.received.length === 1);
    clock.advance(20);
    await said;
    expect(client!.stats.sent).toBe(1);
  });

  it("refuses RCON without a password, and commands with control characters", async () => {
    expect((await rejection(make({ rconPassword: undefined }).rcon("players"))).code).toBe("SAMP_RCON_DISABLED");
    client?.destroy();
    expect((await rejection(make().rcon("say a\nexit"))).code).toBe("SAMP_INVALID_ARGUMENT");
    expect(server.received.length).toBe(0);
  });

  it("verifyRcon: resolves on the echo, SAMP_RCON_NO_REPLY on silence (open.mp's wrong password)", async () => {
    server.handle((request, send) => send(reply.rconLine(request, readRcon(request).command.subarray(5))));
    const clock = new ManualClock();
    const verified = make({ rconQuietPeriod: 20, rconReplyWait: 200, clock }).verifyRcon();
    await waitUntil(() => client!.stats.answered === 1);
    clock.advance(20);
    await verified;
    server.handle(() => undefined);
    const silence = rejection(client!.verifyRcon());
    await waitUntil(() => server.received.length === 2);
    clock.advance(200);
    expect((await silence).code).toBe("SAMP_RCON_NO_REPLY");
  });

  it("encodes the command in the server's code page", async () => {
    let command: Buffer | undefined;
    server.handle((request) => {
      command = readRcon(request).command;
    });
    const clock = new ManualClock();
    const said = make({ rconQuietPeriod: 20, codePage: new CodePage("windows-1251"), clock }).rcon("say Привет", { expectOutput: false });
    await waitUntil(() => command !== undefined);
    clock.advance(20);
    await said;
    expect([...command!.subarray(4)]).toEqual([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
  });

  it("ignores datagrams from another address or without a SAMP header", async () => {
    const stranger = await startUdpServer();
    try {
      server.handle((request, send) => {
        send(Buffer.from("garbage"));
        send(reply.info(request, { players: 0, maxPlayers: 1, hostname: ascii("h"), gamemode: ascii("g"), language: ascii("l") }));
      });
      const c = make();
      await c.info();
      expect(c.stats.malformed).toBe(1);
    } finally {
      await stranger.close();
    }
  });
});

describe("SampQueryClient host names", () => {
  it("resolves a host name once with the injected lookup and reports a failed lookup as SAMP_SOCKET_ERROR", async () => {
    server.handle((request, send) => send(request));
    const lookups: string[] = [];
    const c = make({ host: "game.example", lookup: (host) => (lookups.push(host), Promise.resolve("127.0.0.1")) });
    await c.ping();
    await c.ping();
    expect(lookups).toEqual(["game.example"]);
    client?.destroy();
    const failing = make({ host: "nowhere.example", lookup: () => Promise.reject(new Error("ENOTFOUND")) });
    expect((await rejection(failing.info())).code).toBe("SAMP_SOCKET_ERROR");
  });

  it("rejects what waits with SAMP_DESTROYED on destroy(), refuses later requests, and is idempotent", async () => {
    const c = make({ timeout: 60_000 });
    const pending = rejection(c.info());
    const rcon = rejection(c.rcon("varlist"));
    await waitUntil(() => server.received.length === 2);
    c.destroy();
    expect(() => c.destroy()).not.toThrow();
    expect((await pending).code).toBe("SAMP_DESTROYED");
    expect((await rcon).code).toBe("SAMP_DESTROYED");
    expect((await rejection(c.ping())).code).toBe("SAMP_DESTROYED");
  });

  it("close() is a deprecated alias of destroy()", async () => {
    const c = make({ timeout: 60_000 });
    const pending = rejection(c.info());
    await waitUntil(() => server.received.length === 1);
    c.close();
    expect((await pending).code).toBe("SAMP_DESTROYED");
    expect((await rejection(c.info())).code).toBe("SAMP_DESTROYED");
  });
});

import { setImmediate as yieldToLoop } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveFixtures, seqs, strictlyIncreasing } from "./support/live.js";
import { createSeededRandom } from "@nuwani/util";

const EVENTS = 10_000;
const DROPS = 50;
const live = new LiveFixtures();

afterEach(async () => {
  await live.cleanup();
});

/** `count` distinct points in [1, events), sorted, from a seeded source. */
function dropPoints(seed: number, count: number, events: number): number[] {
  const random = createSeededRandom(seed);
  const points = new Set<number>();
  while (points.size < count) points.add(1 + Math.floor(random() * (events - 1)));
  return [...points].sort((a, b) => a - b);
}

describe("GatewayConnection soak", () => {
  it(`receives ${EVENTS} dispatches exactly once and in order while the connection drops at ${DROPS} seeded random points; identifies once`, async () => {
    const discord = await live.discord();
    const client = live.client(discord, { backoff: { base: 5, cap: 50 }, random: createSeededRandom(42) });
    const received: number[] = [];
    client.gateway.on("dispatch", (payload) => {
      if ((payload.t as string) === "NUWANI_SOAK") received.push((payload.d as unknown as { i: number }).i);
    });
    await client.gateway.connect();
    // Outgoing messages wait 2 ms in the fake's queue, so a drop loses the ones still queued
    // (dispatches in flight): the resume must ask for exactly what did arrive.
    discord.gateway.faults.delay(2);

    const points = dropPoints(2024, DROPS, EVENTS);
    let next = 0;
    const dispatchUntil = async (end: number): Promise<void> => {
      while (next < end) {
        discord.dispatch("NUWANI_SOAK", { i: next });
        next++;
        if (next % 100 === 0) await yieldToLoop();
      }
    };
    for (let drops = 0; drops <= DROPS; drops++) {
      const point = points[drops] ?? EVENTS;
      // A few dispatches right after the drop, while the client is away (the fake keeps them
      // for the resume), then the rest once the session is resumed, so that the next drop
      // hits a live connection with dispatches in flight.
      await dispatchUntil(Math.min(point, next + 20));
      await vi.waitFor(
        () => {
          expect(discord.resumes).toHaveLength(drops);
          expect(client.gateway.state).toBe("ready");
          expect(discord.gateway.connections).toHaveLength(1);
        },
        { timeout: 5_000, interval: 1 },
      );
      await dispatchUntil(point);
      if (drops < DROPS) discord.gateway.faults.dropAll();
    }
    await vi.waitFor(() => expect(received).toHaveLength(EVENTS), { timeout: 10_000, interval: 5 });
    await vi.waitFor(() => expect(client.gateway.state).toBe("ready"), { timeout: 5_000, interval: 1 });

    expect(received).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    expect(discord.identifies).toHaveLength(1);
    expect(discord.resumes).toHaveLength(DROPS);
    expect(discord.resumes.every((resume) => resume.outcome === "resumed")).toBe(true);
    // Every sequence number of the session (READY, GUILD_CREATE, the dispatches and each
    // RESUMED) reached the listeners exactly once, in order.
    const session = discord.sessions[0];
    expect(discord.sessions).toHaveLength(1);
    expect(strictlyIncreasing(seqs(client))).toBe(true);
    expect(seqs(client)).toEqual(Array.from({ length: session?.seq ?? 0 }, (_, i) => i + 1));
    expect(client.gateway.session?.sequence).toBe(session?.seq);
  });
});

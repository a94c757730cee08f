import { afterEach, describe, expect, it } from "vitest";
import { advanceUntil, LiveFixtures, seqs, strictlyIncreasing } from "./support/live.js";
import { createSeededRandom, ManualClock } from "@nuwani/util";

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
    // One clock for the fake and the client, moved by hand: the reconnect delays (≤ 50 ms
    // each) and the fake's outgoing delay pass on it, never in real time; the I/O is real.
    const clock = new ManualClock();
    const discord = await live.discord({ clock, heartbeatInterval: 600_000 });
    const client = live.client(discord, { backoff: { base: 5, cap: 50 }, random: createSeededRandom(42), clock });
    const received: number[] = [];
    client.gateway.on("dispatch", (payload) => {
      if ((payload.t as string) === "NUWANI_SOAK") received.push((payload.d as unknown as { i: number }).i);
    });
    await client.gateway.connect();
    // Outgoing messages wait 2 ms (of the clock) in the fake's queue, so a drop loses the ones
    // still queued (dispatches in flight): the resume must ask for exactly what did arrive.
    discord.gateway.faults.delay(2);

    const points = dropPoints(2024, DROPS, EVENTS);
    let next = 0;
    const dispatchUntil = async (end: number): Promise<void> => {
      while (next < end) {
        discord.dispatch("NUWANI_SOAK", { i: next });
        next++;
        // Every 100 dispatches a millisecond passes: what is due goes out, the rest waits.
        if (next % 100 === 0) await clock.advanceAsync(1);
      }
    };
    for (let drops = 0; drops <= DROPS; drops++) {
      const point = points[drops] ?? EVENTS;
      // A few dispatches right after the drop, while the client is away (the fake keeps them
      // for the resume), then the rest once the session is resumed, so that the next drop
      // hits a live connection with dispatches in flight.
      await dispatchUntil(Math.min(point, next + 20));
      await advanceUntil(clock, () => {
        expect(discord.resumes).toHaveLength(drops);
        expect(client.gateway.state).toBe("ready");
        expect(discord.gateway.connections).toHaveLength(1);
      });
      await dispatchUntil(point);
      if (drops < DROPS) discord.gateway.faults.dropAll();
    }
    await advanceUntil(clock, () => expect(received).toHaveLength(EVENTS));
    await advanceUntil(clock, () => expect(client.gateway.state).toBe("ready"));

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
    // Every wait was on the clock (none past what Node honours).
    expect(clock.longest).toBeLessThan(2 ** 31);
  });
});

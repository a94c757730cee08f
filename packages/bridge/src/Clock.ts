/**
 * The bridge's time source (the simulated game server, the outbox's rate limit and retries,
 * the command rate limit) is the one its REST client uses, so one clock object drives both;
 * the default looks up the timer globals at call time, so `vi.useFakeTimers()` controls it.
 */
export { systemClock, type Clock } from "@nuwani/util";

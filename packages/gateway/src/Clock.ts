/**
 * The gateway's time source is the socket's: one clock object drives both layers (heartbeats,
 * limits and waits here; backoff and timeouts beneath), and its default wraps the globals
 * lazily so `vi.useFakeTimers()` installed later still takes effect.
 */
export { systemClock as defaultClock, type Clock } from "@nuwani/socket";

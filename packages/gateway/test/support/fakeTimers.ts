import { afterEach, beforeEach, vi } from "vitest";

/**
 * Every test of the calling file (or `describe` block) on vitest's fake timers, made with
 * `options` (e.g. `{ now: 0 }`), the real ones back after it.
 */
export function useFakeTimersPerTest(options?: Parameters<typeof vi.useFakeTimers>[0]): void {
  beforeEach(() => {
    vi.useFakeTimers(options);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

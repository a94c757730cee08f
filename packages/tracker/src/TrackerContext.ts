// What the parts of a DiscordTracker (its store, its member sync and its dispatch handlers)
// share: a place to report to and the tracker's events. Internal: not exported by index.ts.
import type { DiscordTrackerEvents } from "./DiscordTrackerEvents.js";
import type { MemberSync } from "./MemberSync.js";
import type { TrackerError } from "./TrackerError.js";
import type { TrackerStore } from "./TrackerStore.js";

/** Where the parts of a tracker report malformed payloads, errors and debug lines. */
export interface TrackerReporter {
  /** A malformed dispatch (or entry of one) was skipped: `TRACKER_INVALID_PAYLOAD`. */
  invalid(t: string, message: string): void;
  /** An error for the `error` event (or `debug` when nobody listens). */
  error(error: TrackerError): void;
  /** A line for the `debug` event, when someone listens. */
  debug(message: string): void;
}

/** Emits one of the tracker's events. */
export type TrackerEmit = <K extends keyof DiscordTrackerEvents>(event: K, ...args: DiscordTrackerEvents[K]) => void;

/** Everything a dispatch handler works with. */
export interface TrackerContext {
  readonly store: TrackerStore;
  readonly sync: MemberSync;
  readonly report: TrackerReporter;
  readonly emit: TrackerEmit;
  /** The clock that times slices of work on large member lists (monotonic enough, in ms). */
  readonly now: () => number;
}

import type { EventEmitter } from "node:events";
import type { DiscordTracker } from "@nuwani/tracker";
import type { Clock } from "@nuwani/util";
import type { BridgeError } from "./BridgeError.js";
import type { BridgeEvents } from "./BridgeEvents.js";
import type { BridgeRest } from "./BridgeOptions.js";
import type { EnabledBridgeConfig } from "./config.js";
import type { GameServer } from "@nuwani/game";
import type { Outbox } from "./Outbox.js";

/**
 * What the parts of a `Bridge` (channel resolution, the two directions of the relay, LVP's
 * channel modes) share: its collaborators, its state as it is now, and how they report.
 * The bridge makes one and is the only writer of what it reads.
 * @internal
 */
export interface BridgeContext {
  readonly config: EnabledBridgeConfig;
  readonly game: GameServer;
  readonly tracker: DiscordTracker;
  readonly rest: BridgeRest;
  readonly outbox: Outbox;
  readonly clock: Clock;
  /** The bridge itself, for its events. */
  readonly events: EventEmitter<BridgeEvents>;
  /** Whether `stop()` was called. */
  readonly stopped: boolean;
  /** The guild served, once known. */
  readonly guildId: string | undefined;
  /** Channel role → channel id, once the guild is available; `null` before. */
  readonly channels: ReadonlyMap<string, string> | null;
  /** The channel roles a channel id plays (none when unknown). */
  rolesOf(channelId: string): readonly string[];
  /** An `error` event while someone listens, else a `debug` line; never throws. */
  report(error: BridgeError): void;
  /** Keeps async work in flight so that `stop()` can wait for it. */
  track(promise: Promise<void>): void;
}

/** `code: message` of an error-like value, its message, or its string. */
export function describeError(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") return `${code}: ${message}`;
    if (typeof message === "string") return message;
  }
  return String(error);
}

/** `promise`, or a rejection after `ms` on the clock. */
export function within<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Whether an outbox send failure is worth retrying: REST answers 4xx other than 429 (a bad
 * request, a missing permission, an unknown channel, a wrong token) are not; timeouts,
 * network errors, 5xx and rate limits are.
 */
export function isRetryableSendError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return true;
  const fields = error as { retryable?: unknown; status?: unknown; code?: unknown };
  if (fields.retryable === false) return false;
  if (fields.code === "REST_UNAUTHORIZED" || fields.code === "REST_INVALID_ARGUMENT" || fields.code === "REST_DESTROYED") return false;
  return !(typeof fields.status === "number" && fields.status >= 400 && fields.status < 500 && fields.status !== 429);
}

import type { BridgeEvents, GatewayBotEvent } from "@nuwani/bridge";

/** The gateway's `reconnecting` event as the bridge forwards it. */
export type ReconnectingEvent = BridgeEvents["reconnecting"][0];

/**
 * What the CLI prints when the connection plans its next attempt (the typed `reconnecting`
 * event): a failed attempt with the wait before the next, an invalid session, or a reconnect.
 */
export function describeReconnecting(event: ReconnectingEvent): string {
  const wait = seconds(event.delay);
  switch (event.reason) {
    case "connectFailed": {
      const failed = event.attempt - 1;
      const code = causeCode(event.error);
      return code === "SOCKET_CONNECT_TIMEOUT"
        ? `attempt ${failed} timed out; next attempt in ${wait}`
        : `attempt ${failed} failed (${code ?? "unknown error"}); next attempt in ${wait}`;
    }
    case "invalidSession":
      return `invalid session; ${event.resume ? "resuming" : "identifying"} in ${wait}`;
    default:
      return `reconnecting in ${wait} (will ${event.resume ? "resume" : "identify"})`;
  }
}

/** What the CLI prints about `GET /gateway/bot` (the typed `gatewayBot` event), or `undefined` for nothing. */
export function describeGatewayBot(event: GatewayBotEvent): string | undefined {
  switch (event.kind) {
    case "asking":
      return "GET /gateway/bot: asking for the session start limit before identifying";
    case "failed":
      return `GET /gateway/bot failed (${event.problem ?? "unknown error"}); identifying without the session start limit`;
    case "answered":
      if (event.sessionStarts !== undefined) return `session starts: ${event.sessionStarts.remaining} of ${event.sessionStarts.total} left`;
      return event.problem === undefined ? undefined : `GET /gateway/bot: ignored an invalid session_start_limit (${event.problem})`;
  }
}

/** The code of the socket's error beneath a failed attempt (`SOCKET_CONNECT_FAILED`, …), else the error's own. */
function causeCode(error: Error | undefined): string | undefined {
  if (error === undefined) return undefined;
  const cause = (error as { cause?: unknown }).cause;
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (typeof code === "string") return code;
  const own = (error as { code?: unknown }).code;
  return typeof own === "string" ? own : undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

import { GatewayCloseCodes } from "discord-api-types/v10";
import type { GatewayErrorCode } from "./GatewayError.js";

/**
 * What to do after the gateway connection closed.
 *
 * - `"resume"`: reconnect and Resume the session; when no session is held (never got READY,
 *   or it was cleared), Identify instead. Dispatches missed meanwhile are replayed.
 * - `"identify"`: the session is gone; clear `session_id` and `seq`, reconnect and Identify.
 * - `"fatal"`: do not reconnect. Retrying cannot succeed (and would loop), so the connection
 *   stops with a {@link GatewayError} carrying {@link CloseClassification.error}.
 */
export type CloseAction = "resume" | "identify" | "fatal";

/** The verdict of {@link classifyClose} for one close code. */
export interface CloseClassification {
  /** What to do next. */
  readonly action: CloseAction;
  /** Set exactly when `action` is `"fatal"`: the code of the error to stop with. */
  readonly error?: GatewayErrorCode;
  /** One sentence for humans: what the code means and why the action follows. */
  readonly description: string;
}

/** One row of {@link CLOSE_CODES}. */
export interface CloseCodeInfo extends CloseClassification {
  /** The WebSocket close code. */
  readonly code: number;
  /** A short name for the code. */
  readonly name: string;
}

const row = (
  code: number,
  name: string,
  action: CloseAction,
  description: string,
  error?: GatewayErrorCode,
): CloseCodeInfo =>
  Object.freeze(error === undefined ? { code, name, action, description } : { code, name, action, error, description });

/**
 * Every close code the gateway client knows, in ascending order, with the action taken
 * (PROTOCOL.md §4). Codes not listed are classified by {@link classifyClose}'s fallbacks:
 * any other code resumes.
 *
 * Decisions beyond Discord's table:
 * - 1000/1001 from the server: a normal closure ends the session (as it does when the client
 *   closes with them), so a fresh session is started instead of a Resume bound to fail.
 * - 4005 (already authenticated): the server says this connection already holds a valid
 *   session, so the client keeps it and resumes, which replays missed events and spends no
 *   session start; with no session held, resume falls back to Identify.
 * - 4006 is not a gateway code; it is treated like any unknown code.
 */
export const CLOSE_CODES: readonly CloseCodeInfo[] = Object.freeze([
  row(1000, "Normal closure", "identify", "The server ended the connection normally, which ends the session; start a new one."),
  row(1001, "Going away", "identify", "The server is going away, which ends the session; start a new one."),
  row(1006, "Abnormal closure", "resume", "The connection dropped without a close frame; the session survives for a few minutes, so resume."),
  row(GatewayCloseCodes.UnknownError, "Unknown error", "resume", "Discord is not sure what went wrong; resume."),
  row(GatewayCloseCodes.UnknownOpcode, "Unknown opcode", "resume", "The client sent an unknown opcode or an invalid payload for an opcode; resume."),
  row(GatewayCloseCodes.DecodeError, "Decode error", "resume", "The client sent a payload Discord could not decode (or over 4096 bytes); resume."),
  row(GatewayCloseCodes.NotAuthenticated, "Not authenticated", "identify", "The client sent a payload before identifying; identify again."),
  row(
    GatewayCloseCodes.AuthenticationFailed,
    "Authentication failed",
    "fatal",
    "The token was rejected; fix the token, reconnecting cannot help.",
    "GATEWAY_AUTHENTICATION_FAILED",
  ),
  row(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated", "resume", "The client identified twice on one connection; its session is valid, so resume it."),
  row(4006, "Not a gateway code", "resume", "Not used by the gateway; treated as an unknown code and resumed."),
  row(GatewayCloseCodes.InvalidSeq, "Invalid seq", "identify", "The sequence sent in Resume was invalid; start a new session."),
  row(GatewayCloseCodes.RateLimited, "Rate limited", "resume", "The client sent more than 120 payloads in 60 s; resume and slow down."),
  row(GatewayCloseCodes.SessionTimedOut, "Session timed out", "identify", "The session timed out; start a new session."),
  row(GatewayCloseCodes.InvalidShard, "Invalid shard", "fatal", "The shard sent in Identify is invalid; fix the shard option.", "GATEWAY_INVALID_SHARD"),
  row(
    GatewayCloseCodes.ShardingRequired,
    "Sharding required",
    "fatal",
    "The bot is in too many guilds for one connection; shard it.",
    "GATEWAY_SHARDING_REQUIRED",
  ),
  row(
    GatewayCloseCodes.InvalidAPIVersion,
    "Invalid API version",
    "fatal",
    "The gateway rejected the API version; use a supported version.",
    "GATEWAY_INVALID_API_VERSION",
  ),
  row(GatewayCloseCodes.InvalidIntents, "Invalid intents", "fatal", "The intents value is invalid; fix the intents option.", "GATEWAY_INVALID_INTENTS"),
  row(
    GatewayCloseCodes.DisallowedIntents,
    "Disallowed intents",
    "fatal",
    "A privileged intent is not enabled for this bot; enable it in the developer portal or drop it.",
    "GATEWAY_DISALLOWED_INTENTS",
  ),
]);

const BY_CODE: ReadonlyMap<number, CloseClassification> = new Map(CLOSE_CODES.map((info) => [info.code, info]));

const UNKNOWN_GATEWAY_CODE: CloseClassification = Object.freeze({
  action: "resume",
  description: "An unknown gateway close code; resume.",
});

const OTHER_CODE: CloseClassification = Object.freeze({
  action: "resume",
  description: "The connection closed (network, TLS or server error); resume.",
});

/**
 * Classifies a WebSocket close code of the gateway connection: resume, re-identify, or stop
 * (PROTOCOL.md §4; see {@link CLOSE_CODES} for the table and its decisions). Codes not in the
 * table, 4xxx or otherwise (1005, 1011, 1012, …), resume. Allocation-free: the returned objects
 * are shared and frozen.
 */
export function classifyClose(code: number): CloseClassification {
  return BY_CODE.get(code) ?? (code >= 4000 && code <= 4999 ? UNKNOWN_GATEWAY_CODE : OTHER_CODE);
}

import { MAX_TIMER_MS } from "@nuwani/util";
import { GatewayError } from "./GatewayError.js";
import type { GatewayConnectionOptions, GatewayVersion } from "./types.js";

// The options of a GatewayConnection, checked once; the URLs it connects to; the Identify it
// sends. Pure functions: GatewayConnection keeps the state.

/** The gateway URL when none is given. */
export const DEFAULT_URL = "wss://gateway.discord.gg";

/** What {@link checkOptions} derived from valid options. */
export interface CheckedOptions<V extends GatewayVersion> {
  readonly version: V;
  /** The token without a `Bot ` prefix. */
  readonly token: string;
  readonly baseUrl: URL;
  readonly helloTimeout: number;
  readonly readyTimeout: number;
}

/**
 * Checks every option a GatewayConnection takes.
 * @throws {@link GatewayError} `GATEWAY_INVALID_OPTION` naming the first invalid one.
 */
export function checkOptions<V extends GatewayVersion>(options: GatewayConnectionOptions<V>): CheckedOptions<V> {
  if (typeof options.token !== "string" || options.token.length === 0) {
    throw new GatewayError("GATEWAY_INVALID_OPTION", "The token must be a non-empty string.");
  }
  const version = (options.version ?? 10) as V;
  if (version !== 6 && version !== 10) {
    throw new GatewayError("GATEWAY_INVALID_OPTION", `Unsupported gateway version ${String(version)}; use 6 or 10.`);
  }
  if (version === 10 && options.intents === undefined) {
    throw new GatewayError("GATEWAY_INVALID_OPTION", "Gateway v10 (the default version) requires intents; pass intents, or version: 6.");
  }
  if (options.intents !== undefined && (!Number.isInteger(options.intents) || options.intents < 0)) {
    throw GatewayError.invalidOption("intents", "a non-negative integer", options.intents);
  }
  if (
    options.largeThreshold !== undefined &&
    (!Number.isInteger(options.largeThreshold) || options.largeThreshold < 50 || options.largeThreshold > 250)
  ) {
    throw GatewayError.invalidOption("largeThreshold", "an integer from 50 to 250", options.largeThreshold);
  }
  if (options.session !== undefined) {
    const { sessionId, sequence, resumeUrl } = options.session;
    if (typeof sessionId !== "string" || sessionId === "" || !Number.isSafeInteger(sequence) || sequence < 0 || typeof resumeUrl !== "string") {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "session must be { sessionId: string, sequence: integer >= 0, resumeUrl: string }.");
    }
  }
  if (options.shard !== undefined) {
    const [id, count] = options.shard;
    if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
      throw new GatewayError("GATEWAY_INVALID_OPTION", "shard must be [shard_id, num_shards] with 0 <= shard_id < num_shards.");
    }
  }
  const helloTimeout = timeoutOption("helloTimeout", options.helloTimeout, 20_000);
  const readyTimeout = timeoutOption("readyTimeout", options.readyTimeout, 30_000);
  const token = options.token.replace(/^Bot\s+/i, "");
  return { version, token, baseUrl: parseBaseUrl(options.url ?? DEFAULT_URL), helloTimeout, readyTimeout };
}

/** The base URL as text, without trailing slashes. */
export function baseUrlText(baseUrl: URL): string {
  return baseUrl.href.replace(/\/+$/, "");
}

/** The URL of the next attempt: `base` (the base or resume URL) with the version, encoding and compression. */
export function connectUrl(base: string, version: GatewayVersion, compress: boolean): string {
  const query = `v=${String(version)}&encoding=json${compress ? "&compress=zlib-stream" : ""}`;
  return `${base.replace(/\?.*$/, "").replace(/\/+$/, "")}/?${query}`;
}

/**
 * READY's `resume_gateway_url`, when it may be trusted with the token: the base URL's
 * scheme, and the base URL's host, or a host of Discord's gateway domain (`*.discord.gg`)
 * when the base URL is one. Else `null` (resume at the base URL).
 */
export function trustedResumeUrl(base: URL, value: unknown): string | null {
  if (typeof value !== "string" || value.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== base.protocol || url.username !== "" || url.password !== "") return null;
  const host = url.hostname.toLowerCase();
  const baseHost = base.hostname.toLowerCase();
  const onDiscord = (name: string): boolean => name === "discord.gg" || name.endsWith(".discord.gg");
  if (host !== baseHost && !(onDiscord(baseHost) && onDiscord(host))) return null;
  return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, "");
}

/** The `d` of Identify (op 2); it holds the token, so it is never logged. */
export function identifyData<V extends GatewayVersion>(o: GatewayConnectionOptions<V>, version: V, token: string): Record<string, unknown> {
  const os = o.properties?.os ?? process.platform;
  const browser = o.properties?.browser ?? "nuwani";
  const device = o.properties?.device ?? "nuwani";
  const d: Record<string, unknown> = {
    token,
    properties: version === 6 ? { $os: os, $browser: browser, $device: device } : { os, browser, device },
    compress: false,
  };
  if (o.largeThreshold !== undefined) d.large_threshold = o.largeThreshold;
  if (o.shard !== undefined) d.shard = o.shard;
  if (o.presence !== undefined) d.presence = o.presence;
  if (o.intents !== undefined) d.intents = o.intents;
  if (o.guildSubscriptions !== undefined && version === 6) d.guild_subscriptions = o.guildSubscriptions;
  return d;
}

/** A timeout option: a number of milliseconds ≥ 0 (0 disables), capped at the longest timer. */
export function timeoutOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw GatewayError.invalidOption(name, "a number of milliseconds ≥ 0", value);
  }
  return Math.min(value, MAX_TIMER_MS);
}

/** The base URL: `ws:` or `wss:`, its query and trailing slashes dropped. */
export function parseBaseUrl(value: unknown): URL {
  if (typeof value !== "string") throw GatewayError.invalidOption("url", "a ws: or wss: URL", value);
  let url: URL;
  try {
    url = new URL(value.replace(/\?.*$/, ""));
  } catch {
    throw new GatewayError("GATEWAY_INVALID_OPTION", "url must be a ws: or wss: URL.");
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new GatewayError("GATEWAY_INVALID_OPTION", `url must be a ws: or wss: URL, got ${url.protocol}.`);
  }
  url.search = "";
  url.hash = "";
  return url;
}

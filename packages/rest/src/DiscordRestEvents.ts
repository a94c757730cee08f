/** What the {@link DiscordRestEvents.response | response} event tells about one answer. */
export interface RestResponseInfo {
  /** The HTTP method. */
  method: string;
  /** The route with its major parameter (`/channels/123/messages`; other ids are `:id`, webhook tokens `:token`). */
  route: string;
  /** The HTTP status Discord answered. */
  status: number;
  /** How long the attempt took, from sending to the whole body read, in ms on the client's clock. */
  durationMs: number;
  /** The `X-RateLimit-Bucket` hash, if given. */
  bucket?: string;
  /** A 429's wait before the retry, in ms. */
  retryAfter?: number;
}

/**
 * Events of a `DiscordRest`. They never contain the token (nor a header, a body or a
 * query string): any text equal to the token is replaced by `[token]`. A listener that throws
 * does not disturb the request; its error is thrown again on a microtask.
 */
export interface DiscordRestEvents {
  /** Every answer Discord gave, retried ones (429, 5xx) included. */
  response: [info: RestResponseInfo];
  /** What the client does and why: retries, rate-limit waits, aborts. For humans; the text may change. */
  debug: [message: string];
}

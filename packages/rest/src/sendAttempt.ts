import type { Clock } from "@nuwani/util";
import { abortedError, RestError } from "./RestError.js";
import { headerNumber } from "./answers.js";

/** One answer, its body read in full. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** What one attempt needs of the client. */
export interface AttemptContext {
  readonly clock: Clock;
  /** How long one attempt may take, in ms. */
  readonly timeout: number;
  readonly maxResponseBytes: number;
  /** The `fetch` option; the global `fetch` (looked up at call time) when `undefined`. */
  readonly fetch: typeof fetch | undefined;
  /** Aborts every attempt in flight when the client is destroyed. */
  readonly teardown: AbortSignal;
}

/** Thrown by {@link sendAttempt} when its own timer aborted the attempt. */
export class TimeoutSignal extends Error {}

/** Thrown by {@link sendAttempt} when the answer's body passed `maxResponseBytes`. */
export class ResponseTooLarge extends Error {
  constructor(readonly status: number) {
    super("response too large");
  }
}

/**
 * One attempt: `fetch` with the attempt's timeout, the body read up to `maxResponseBytes`.
 * Throws `REST_DESTROYED` (a `RestError`) when the client was destroyed meanwhile, `REST_ABORTED`
 * when `signal` aborted it, {@link TimeoutSignal} on a timeout, {@link ResponseTooLarge} for a
 * body too large, and `fetch`'s own error otherwise.
 */
export async function sendAttempt(
  context: AttemptContext,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Answer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = context.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, context.timeout);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  context.teardown.addEventListener("abort", onAbort, { once: true });
  try {
    const doFetch = context.fetch ?? globalThis.fetch;
    const response = await doFetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: controller.signal });
    const text = await readBody(response, controller, context.maxResponseBytes);
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (timedOut) throw new TimeoutSignal();
    if (context.teardown.aborted) throw new RestError("REST_DESTROYED", "the REST client was destroyed");
    if (signal?.aborted === true) throw abortedError(signal);
    throw error;
  } finally {
    context.clock.clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    context.teardown.removeEventListener("abort", onAbort);
  }
}

/** The body as text, refused past `maxBytes` (declared or streamed) without reading the rest. */
async function readBody(response: Response, controller: AbortController, maxBytes: number): Promise<string> {
  const declared = headerNumber(response.headers, "content-length");
  const tooLarge = (): ResponseTooLarge => {
    controller.abort();
    return new ResponseTooLarge(response.status);
  };
  if (declared !== undefined && declared > maxBytes) {
    // Not awaited: cancelling one branch of a tee'd body waits for the other.
    response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

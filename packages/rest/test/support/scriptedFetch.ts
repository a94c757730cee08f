/** One call the scripted fetch received. */
export interface FetchCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

/** What a script step answers: a Response, an error to throw, or "hang" (until aborted). */
export type Step = Response | Error | "hang" | ((call: FetchCall) => Response | Error | "hang" | Promise<Response>);

/** A JSON response with headers. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** Rate-limit headers of a bucket. */
export function bucketHeaders(limit: number, remaining: number, resetAfterSeconds: number, bucket = "hash", reset = 1000 + resetAfterSeconds): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": String(remaining),
    "X-RateLimit-Reset-After": String(resetAfterSeconds),
    "X-RateLimit-Reset": String(reset),
    "X-RateLimit-Bucket": bucket,
  };
}

/**
 * A `fetch` that answers from a script, one step per call (the last step repeats), and
 * records every call.
 */
export function scriptedFetch(steps: Step[]): { fetch: typeof fetch; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  let index = 0;
  const fake = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const call: FetchCall = {
      url: typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      method: init.method ?? "GET",
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === "string" ? init.body : undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    let step = steps[Math.min(index++, steps.length - 1)]!;
    if (typeof step === "function") {
      const produced = step(call);
      if (produced instanceof Promise) return produced;
      step = produced;
    }
    if (step === "hang") {
      return new Promise<Response>((_resolve, reject) => {
        call.signal?.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")));
      });
    }
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(step.clone());
  };
  return { fetch: fake, calls };
}

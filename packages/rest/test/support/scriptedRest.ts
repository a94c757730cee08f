import { DiscordRest } from "../../src/DiscordRest.js";
import type { DiscordRestOptions } from "../../src/DiscordRestOptions.js";
import { scriptedFetch, type FetchCall, type Step } from "./scriptedFetch.js";

/**
 * A client on a {@link scriptedFetch} (base URL `http://discord.test/api`) with `token`, and the
 * calls it made. `options` go last, so they can replace any of these.
 */
export function scriptedRest(token: string, steps: Step[], options: Partial<DiscordRestOptions> = {}): { rest: DiscordRest; calls: FetchCall[] } {
  const { fetch, calls } = scriptedFetch(steps);
  const rest = new DiscordRest({ token, baseUrl: "http://discord.test/api", fetch, ...options });
  return { rest, calls };
}

/** How a promise settled: its value, or what it rejected with. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

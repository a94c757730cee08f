import type { Clock } from "@nuwani/util";
import type { FakeRestRateLimitOptions } from "./FakeRestBuckets.js";
import type { FakeRestResponse } from "./FakeRestRouter.js";
import { FakeRestServer } from "./FakeRestServer.js";
import type { SessionStartLimit } from "./IdentifyLimiter.js";
import { addRestRoutes, type FakeRestRouteContext } from "./restRoutes.js";
import { snowflake } from "./snowflake.js";

/** @internal What the fake's REST half needs from the rest of the fake. */
export interface FakeRestHost extends Omit<FakeRestRouteContext, "newId"> {
  readonly token: string;
  readonly clock: Clock;
  /** REST rate limits (`undefined`: the server's defaults). */
  readonly rateLimits: FakeRestRateLimitOptions | false | undefined;
  /** The gateway URL now (`GET /gateway`). */
  gatewayUrl(): string;
  /** The session start limit now (`GET /gateway/bot`). */
  sessionStartLimit(): SessionStartLimit;
}

/**
 * @internal The REST half of a fake Discord: a {@link FakeRestServer} with the bot token and
 * rate limits, the gateway routes (`GET /gateway`, `GET /gateway/bot`) and the channel,
 * message, reaction and DM routes of {@link addRestRoutes}.
 */
export function createFakeRest(host: FakeRestHost): FakeRestServer {
  const rest = new FakeRestServer({
    token: host.token,
    clock: host.clock,
    ...(host.rateLimits === undefined ? {} : { rateLimits: host.rateLimits }),
  });
  const gateway = (): FakeRestResponse => ({ status: 200, body: { url: host.gatewayUrl() } });
  rest.route("GET", "/gateway", gateway, { auth: false });
  rest.route("GET", "/gateway/bot", () => ({
    status: 200,
    body: { url: host.gatewayUrl(), shards: 1, session_start_limit: host.sessionStartLimit() },
  }));
  let dmCounter = 0;
  addRestRoutes(rest, {
    guilds: host.guilds,
    user: host.user,
    postedMessages: host.postedMessages,
    reactions: host.reactions,
    dmChannels: host.dmChannels,
    messageCreate: (message) => host.messageCreate(message),
    dispatch: (t, d) => host.dispatch(t, d),
    newId: () => snowflake(host.clock.now(), dmCounter++ & 0xfff),
  });
  return rest;
}

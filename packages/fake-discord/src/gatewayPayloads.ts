import { isRecord } from "@nuwani/util";
import type { FakeSession, FakeSessionState } from "./FakeSession.js";
import type { GuildFixture, UserFixture } from "./GuildFixture.js";
import { Intents, PRIVILEGED_INTENTS, validIntents } from "./Intents.js";
import { type GatewayVersion, serializeGuild, serializeUser } from "./serializeGuild.js";

/** @internal A valid Identify `d`, as the fake reads it. */
export interface IdentifyRequest {
  shard: [number, number] | undefined;
  intents: number | undefined;
  /** `large_threshold` clamped to 50…250. */
  largeThreshold: number;
  properties: Record<string, unknown>;
  presence: unknown;
}

/** @internal A refused payload: the connection is closed with `code`. */
export interface PayloadRefusal {
  code: number;
  reason: string;
}

/**
 * @internal Reads an Identify `d` as Discord does, in its order: malformed (4001), bad token
 * (4004), bad shard (4010), bad intents (4013), privileged intents the application may not
 * use (4014).
 */
export function parseIdentify(
  d: unknown,
  version: GatewayVersion,
  token: string,
  privilegedIntents: number = PRIVILEGED_INTENTS,
): IdentifyRequest | PayloadRefusal {
  if (!isRecord(d) || !isRecord(d.properties)) return { code: 4001, reason: "Invalid identify payload." };
  if (d.token !== token) return { code: 4004, reason: "Authentication failed." };

  let shard: [number, number] | undefined;
  if (d.shard !== undefined && d.shard !== null) {
    const [id, count] = Array.isArray(d.shard) ? (d.shard as unknown[]) : [];
    const valid =
      Array.isArray(d.shard) && d.shard.length === 2 && Number.isInteger(id) && Number.isInteger(count) &&
      (count as number) >= 1 && (id as number) >= 0 && (id as number) < (count as number);
    if (!valid) return { code: 4010, reason: "Invalid shard." };
    shard = [id as number, count as number];
  }

  let intents: number | undefined;
  if (d.intents === undefined || d.intents === null) {
    if (version >= 10) return { code: 4013, reason: "Invalid intent(s): intents are required." };
  } else {
    const value = d.intents;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || (value & ~validIntents(version)) !== 0 || value > 0x7fff_ffff) {
      return { code: 4013, reason: "Invalid intent(s)." };
    }
    if ((value & PRIVILEGED_INTENTS & ~privilegedIntents) !== 0) return { code: 4014, reason: "Disallowed intent(s)." };
    intents = value;
  }

  const largeThreshold = typeof d.large_threshold === "number" ? Math.min(250, Math.max(50, Math.floor(d.large_threshold))) : 50;
  return { shard, intents, largeThreshold, properties: d.properties, presence: d.presence ?? undefined };
}

/** @internal How a session ends when its connection closes with `code`. */
export function stateAfterClose(code: number): Exclude<FakeSessionState, "connected"> {
  if (code === 1000 || code === 1001 || code === 4004 || code === 4007 || (code >= 4010 && code <= 4014)) return "invalidated";
  if (code === 4009) return "expired";
  return "disconnected";
}

/** @internal What READY says beyond the session itself. */
export interface ReadyContext {
  user: UserFixture;
  applicationId: string;
  resumeGatewayUrl: string;
}

/** @internal The READY `d` of a new session that holds `guilds` (each sent as unavailable). */
export function readyPayload(session: FakeSession, guilds: readonly GuildFixture[], context: ReadyContext): Record<string, unknown> {
  const user = { ...serializeUser(context.user, session.version), verified: true, mfa_enabled: false, flags: 0, email: null };
  const ready: Record<string, unknown> = {
    v: session.version,
    user_settings: {},
    user,
    session_id: session.id,
  };
  if (session.version >= 10) {
    ready.session_type = "normal";
    ready.resume_gateway_url = context.resumeGatewayUrl;
  }
  Object.assign(ready, {
    relationships: [],
    private_channels: [],
    presences: [],
    guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
  });
  if (session.shard !== undefined) ready.shard = [...session.shard];
  if (session.version >= 10) ready.application = { id: context.applicationId, flags: 0 };
  ready._trace = ["fake-discord"];
  return ready;
}

/**
 * @internal The GUILD_CREATE `d` of `guild` for one session (its version, `large_threshold` and
 * presences intent), `undefined` when the session's shard does not hold the guild.
 */
export function guildCreatePayload(guild: GuildFixture, session: FakeSession, botId: string): Record<string, unknown> | undefined {
  if (!session.ownsGuild(guild.id)) return undefined;
  return serializeGuild(guild, {
    version: session.version,
    largeThreshold: session.largeThreshold,
    presences: session.hasIntent(Intents.GUILD_PRESENCES),
    botId,
  });
}

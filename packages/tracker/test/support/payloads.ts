// Dispatch builders for tests, in the v6 or v10 shape, from fake-discord's fixtures and
// serializers (so the shapes are the ones the fake sends).
import type { GuildFixture, MemberFixture, UserFixture } from "@nuwani/fake-discord";
import {
  createGuild,
  serializeChannel,
  serializeGuild,
  serializeMember,
  serializePresence,
  serializeRole,
  serializeUser,
} from "@nuwani/fake-discord";
import type { TrackerDispatch } from "../../src/DiscordTracker.js";

export type Version = 6 | 10;

export const BOT: UserFixture = { id: "100000000000000001", username: "Nuwani", discriminator: "0001", avatar: null, bot: true };

let sequence = 0;
export function dispatch(t: string, d: unknown): TrackerDispatch {
  return { op: 0, t, s: ++sequence, d };
}

export function ready(guilds: readonly { id: string }[], sessionId = "session-1", version: Version = 6): TrackerDispatch {
  return dispatch("READY", {
    v: version,
    user: serializeUser(BOT, version),
    session_id: sessionId,
    private_channels: [],
    guilds: guilds.map((guild) => ({ id: guild.id, unavailable: true })),
  });
}

export function guildCreate(guild: GuildFixture, version: Version = 6, largeThreshold = 250): TrackerDispatch {
  return dispatch("GUILD_CREATE", serializeGuild(guild, { version, largeThreshold, presences: true, botId: BOT.id }));
}

export function smallGuild(options: Parameters<typeof createGuild>[0] = {}): GuildFixture {
  return createGuild({ bot: BOT, members: 10, online: 0.5, ...options });
}

export function member(guild: GuildFixture, index: number): MemberFixture {
  return guild.members[index]!;
}

export function memberAdd(guild: GuildFixture, fixture: MemberFixture, version: Version = 6): TrackerDispatch {
  return dispatch("GUILD_MEMBER_ADD", { ...serializeMember(fixture, version), guild_id: guild.id });
}

export function memberUpdate(guild: GuildFixture, fixture: MemberFixture, version: Version = 6): TrackerDispatch {
  const { deaf: _deaf, mute: _mute, ...rest } = serializeMember(fixture, version);
  return dispatch("GUILD_MEMBER_UPDATE", { ...rest, guild_id: guild.id });
}

export function memberRemove(guild: GuildFixture, fixture: MemberFixture, version: Version = 6): TrackerDispatch {
  return dispatch("GUILD_MEMBER_REMOVE", { guild_id: guild.id, user: serializeUser(fixture.user, version) });
}

export function presenceUpdate(guild: GuildFixture, fixture: MemberFixture, version: Version = 6): TrackerDispatch {
  return dispatch("PRESENCE_UPDATE", { ...serializePresence(fixture, version), guild_id: guild.id });
}

export function roleEvent(t: "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE", guild: GuildFixture, index: number, version: Version = 6): TrackerDispatch {
  return dispatch(t, { guild_id: guild.id, role: serializeRole(guild.roles[index]!, version) });
}

export function channelEvent(
  t: "CHANNEL_CREATE" | "CHANNEL_UPDATE" | "CHANNEL_DELETE",
  guild: GuildFixture,
  index: number,
  version: Version = 6,
): TrackerDispatch {
  return dispatch(t, serializeChannel(guild.channels[index]!, version, guild.id));
}

/** The GUILD_MEMBERS_CHUNK dispatches answering a `query: ""` op 8, 1000 members each. */
export function chunks(guild: GuildFixture, version: Version = 6, nonce = "n1", size = 1000): TrackerDispatch[] {
  const out: TrackerDispatch[] = [];
  const count = Math.max(1, Math.ceil(guild.members.length / size));
  for (let index = 0; index < count; index++) {
    out.push(
      dispatch("GUILD_MEMBERS_CHUNK", {
        guild_id: guild.id,
        members: guild.members.slice(index * size, (index + 1) * size).map((entry) => serializeMember(entry, version)),
        chunk_index: index,
        chunk_count: count,
        nonce,
      }),
    );
  }
  return out;
}

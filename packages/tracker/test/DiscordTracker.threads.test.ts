// Threads on v10, against the fake Discord on loopback: GUILD_CREATE `threads`, THREAD_*
// events, permissions inherited from the parent, SEND_MESSAGES_IN_THREADS, private threads.
import { createGuild, serializeChannel } from "@nuwani/fake-discord";
import { describe, expect, it } from "vitest";
import { computePermissions } from "../src/computePermissions.js";
import { Permissions } from "../src/Permissions.js";
import { next, trackerOnFake } from "./support/loopback.js";
import { BOT } from "./support/payloads.js";

const GENERAL = "300000000000000001";
const NEWS = "300000000000000002";
const HIDDEN = "300000000000000003";
const BOT_ROLE = "400000000000000001";
const MODS = "400000000000000002";

function threadGuild() {
  const guild = createGuild({
    bot: BOT,
    members: 5,
    everyonePermissions: Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.READ_MESSAGE_HISTORY,
    roles: [
      { id: BOT_ROLE, name: "Nuwani", managed: true },
      { id: MODS, name: "Mods", permissions: Permissions.MANAGE_THREADS },
    ],
    channels: [
      { id: GENERAL, name: "general" },
      {
        id: NEWS,
        name: "news",
        type: 5,
        overwrites: [
          { id: "0", type: "role", deny: Permissions.SEND_MESSAGES },
          { id: BOT_ROLE, type: "role", allow: Permissions.SEND_MESSAGES_IN_THREADS },
        ],
      },
      { id: HIDDEN, name: "hidden", overwrites: [{ id: "0", type: "role", deny: Permissions.VIEW_CHANNEL }] },
    ],
  });
  // The @everyone overwrites above need the guild id, known only now.
  for (const channel of guild.channels) for (const overwrite of channel.overwrites) if (overwrite.id === "0") overwrite.id = guild.id;
  return guild;
}

const thread = (id: string, parentId: string, extra: Partial<{ type: 10 | 11 | 12; name: string; archived: boolean; locked: boolean }> = {}) => ({
  id,
  type: extra.type ?? (11 as const),
  name: extra.name ?? `thread-${id}`,
  parentId,
  ownerId: BOT.id,
  archived: extra.archived ?? false,
  locked: extra.locked ?? false,
  invitable: true,
  autoArchiveDuration: 1440,
  archiveTimestamp: "2026-01-01T00:00:00.000Z",
  memberCount: 1,
  messageCount: 0,
  rateLimitPerUser: 0,
});

describe("DiscordTracker: threads (v10)", () => {
  it("keeps the active threads of GUILD_CREATE apart from channels: listed by threads(), never resolved by name", async () => {
    const guild = threadGuild();
    guild.threads = [thread("500000000000000001", GENERAL, { name: "general" }), thread("500000000000000002", NEWS, { archived: true })];
    const { tracker, errors } = await trackerOnFake([guild]);
    expect(tracker.threads(guild.id).map((entry) => entry.id)).toEqual(["500000000000000001"]);
    expect(tracker.getChannel("500000000000000001")).toMatchObject({
      type: 11,
      guildId: guild.id,
      parentId: GENERAL,
      thread: { ownerId: BOT.id, archived: false, locked: false, joined: false },
    });
    expect(tracker.channels(guild.id).map((channel) => channel.id)).toEqual([GENERAL, NEWS, HIDDEN]);
    // A thread named like a channel must not make the channel's name ambiguous.
    expect(tracker.resolveChannel("general", guild.id)?.id).toBe(GENERAL);
    expect(tracker.resolveChannel("<#500000000000000001>", guild.id)?.id).toBe("500000000000000001");
    expect(errors).toEqual([]);
  });

  it("posts in threads with SEND_MESSAGES_IN_THREADS, not SEND_MESSAGES, and inherits the parent's overwrites", async () => {
    const guild = threadGuild();
    const { discord, tracker } = await trackerOnFake([guild]);
    const created = next(tracker, "threadCreate");
    discord.threads.create(guild.id, { id: "500000000000000010", name: "chat", parentId: GENERAL });
    const [view] = await created;
    expect(view).toMatchObject({ id: "500000000000000010", parentId: GENERAL });
    // general: SEND_MESSAGES yes, SEND_MESSAGES_IN_THREADS no.
    expect(tracker.canSend(GENERAL)).toBe(true);
    expect(tracker.canRead("500000000000000010")).toBe(true);
    expect(tracker.canSend("500000000000000010")).toBe(false);
    expect(tracker.permissionsOf("500000000000000010") & Permissions.SEND_MESSAGES).toBe(0n);

    // news: SEND_MESSAGES denied, SEND_MESSAGES_IN_THREADS allowed to the bot's role.
    discord.threads.create(guild.id, { id: "500000000000000011", name: "discussion", parentId: NEWS, type: 10 });
    await next(tracker, "threadCreate");
    expect(tracker.canSend(NEWS)).toBe(false);
    expect(tracker.canSend("500000000000000011")).toBe(true);
    expect(tracker.permissionsOf("500000000000000011") & Permissions.SEND_MESSAGES).toBe(Permissions.SEND_MESSAGES);

    // hidden: no VIEW_CHANNEL in the parent, so nothing in its threads.
    discord.threads.create(guild.id, { id: "500000000000000012", name: "secret", parentId: HIDDEN });
    await next(tracker, "threadCreate");
    expect(tracker.canRead("500000000000000012")).toBe(false);
    expect(tracker.permissionsOf("500000000000000012")).toBe(0n);
  });

  it("a locked thread needs MANAGE_THREADS; THREAD_UPDATE carries the change", async () => {
    const guild = threadGuild();
    const { discord, tracker } = await trackerOnFake([guild]);
    const fixture = discord.threads.create(guild.id, { id: "500000000000000020", name: "t", parentId: NEWS });
    await next(tracker, "threadCreate");
    expect(tracker.canSend(fixture.id)).toBe(true);
    fixture.locked = true;
    const updated = next(tracker, "threadUpdate");
    discord.threads.update(guild.id, fixture.id);
    const [view, previous] = await updated;
    expect([view.thread?.locked, previous.thread?.locked]).toEqual([true, false]);
    expect(tracker.canSend(fixture.id)).toBe(false);
    guild.members[0]!.roles.push(MODS);
    discord.dispatch("GUILD_MEMBER_UPDATE", { guild_id: guild.id, user: { id: BOT.id, username: BOT.username, discriminator: BOT.discriminator, avatar: null }, roles: guild.members[0]!.roles, nick: null, joined_at: guild.members[0]!.joinedAt });
    await next(tracker, "memberUpdate");
    expect(tracker.canSend(fixture.id)).toBe(true);
  });

  it("sees a private thread only as its member (THREAD_MEMBER_UPDATE / THREAD_MEMBERS_UPDATE) or with MANAGE_THREADS", async () => {
    const guild = threadGuild();
    const { discord, tracker } = await trackerOnFake([guild]);
    const id = "500000000000000030";
    discord.threads.create(guild.id, { id, name: "staff", parentId: NEWS, type: 12, ownerId: guild.members[1]!.user.id });
    await next(tracker, "threadCreate");
    expect(tracker.canRead(id)).toBe(false);
    expect(tracker.canSend(id)).toBe(false);

    const joined = next(tracker, "threadUpdate");
    discord.threads.memberUpdate(guild.id, id);
    expect((await joined)[0].thread?.joined).toBe(true);
    expect(tracker.canSend(id)).toBe(true);

    const left = next(tracker, "threadUpdate");
    discord.threads.membersUpdate(guild.id, id, { removed: [BOT.id] });
    expect((await left)[0].thread?.joined).toBe(false);
    expect(tracker.canRead(id)).toBe(false);

    const added = next(tracker, "threadUpdate");
    discord.threads.membersUpdate(guild.id, id, { added: [BOT.id, guild.members[2]!.user.id] });
    expect((await added)[0].thread?.joined).toBe(true);
    // A thread update without a member object keeps the known membership.
    discord.threads.update(guild.id, id);
    await next(tracker, "threadUpdate");
    expect(tracker.getChannel(id)?.thread?.joined).toBe(true);
  });

  it("forgets threads on THREAD_DELETE, with their parent channel, and those THREAD_LIST_SYNC no longer lists", async () => {
    const guild = threadGuild();
    guild.threads = [thread("500000000000000041", GENERAL), thread("500000000000000042", GENERAL), thread("500000000000000043", NEWS)];
    const { discord, tracker } = await trackerOnFake([guild]);
    expect(tracker.threads(guild.id)).toHaveLength(3);

    const deleted = next(tracker, "threadDelete");
    discord.threads.delete(guild.id, "500000000000000041");
    expect((await deleted)[0].id).toBe("500000000000000041");
    expect(tracker.getChannel("500000000000000041")).toBeUndefined();

    // THREAD_LIST_SYNC for news only: its listed threads stay, the bot's membership comes with it.
    guild.threads.push(thread("500000000000000044", NEWS));
    const synced = next(tracker, "threadCreate");
    discord.threads.listSync(guild.id, { channelIds: [NEWS], joined: ["500000000000000043"] });
    expect((await synced)[0].id).toBe("500000000000000044");
    expect(tracker.getChannel("500000000000000043")?.thread?.joined).toBe(true);
    expect(tracker.threads(guild.id, NEWS).map((entry) => entry.id).sort()).toEqual(["500000000000000043", "500000000000000044"]);

    // A sync of the whole guild that no longer lists 43 drops it; general's 42 too.
    guild.threads = guild.threads.filter((entry) => entry.id === "500000000000000044");
    const dropped = next(tracker, "threadDelete");
    discord.threads.listSync(guild.id);
    await dropped;
    await tracker.settled();
    expect(tracker.threads(guild.id).map((entry) => entry.id)).toEqual(["500000000000000044"]);

    // Deleting the parent channel takes its threads with it.
    const gone = next(tracker, "threadDelete");
    const news = guild.channels.find((channel) => channel.id === NEWS)!;
    discord.dispatch("CHANNEL_DELETE", serializeChannel(news, 10, guild.id));
    expect((await gone)[0].id).toBe("500000000000000044");
    expect(tracker.threads(guild.id)).toEqual([]);
  });

  it("reports a THREAD_CREATE that is not a thread, or lacks parent_id, and a THREAD_DELETE never removes a channel", async () => {
    const guild = threadGuild();
    const { discord, tracker, errors } = await trackerOnFake([guild]);
    discord.dispatch("THREAD_CREATE", { id: "500000000000000050", type: 0, guild_id: guild.id, parent_id: GENERAL, name: "x" });
    discord.dispatch("THREAD_CREATE", { id: "500000000000000051", type: 11, guild_id: guild.id, name: "no parent" });
    discord.dispatch("THREAD_CREATE", { id: GENERAL, type: 11, guild_id: guild.id, parent_id: NEWS, name: "hijack" });
    const deleted = next(tracker, "channelDelete");
    discord.dispatch("THREAD_DELETE", { id: GENERAL, guild_id: guild.id, parent_id: null, type: 11 });
    discord.dispatch("CHANNEL_DELETE", serializeChannel(guild.channels.find((channel) => channel.id === HIDDEN)!, 10, guild.id));
    expect((await deleted)[0].id).toBe(HIDDEN);
    expect(errors.map((error) => [error.code, error.event])).toEqual([
      ["TRACKER_INVALID_PAYLOAD", "THREAD_CREATE"],
      ["TRACKER_INVALID_PAYLOAD", "THREAD_CREATE"],
      ["TRACKER_INVALID_PAYLOAD", "THREAD_CREATE"],
    ]);
    expect(tracker.getChannel(GENERAL)?.thread).toBeUndefined();
    expect(tracker.threads(guild.id)).toEqual([]);
  });
});

describe("DiscordTracker: threads arriving as CHANNEL_*", () => {
  it("keeps a thread sent as CHANNEL_CREATE among threads, and refuses a CHANNEL_UPDATE turning a thread into a channel", async () => {
    const guild = threadGuild();
    const { discord, tracker, errors } = await trackerOnFake([guild]);
    const created = next(tracker, "threadCreate");
    discord.dispatch("CHANNEL_CREATE", { id: "500000000000000060", type: 11, guild_id: guild.id, parent_id: GENERAL, name: "general" });
    expect((await created)[0].thread).toBeDefined();
    expect(tracker.channels(guild.id).map((channel) => channel.id)).toEqual([GENERAL, NEWS, HIDDEN]);
    expect(tracker.resolveChannel("general", guild.id)?.id).toBe(GENERAL);
    const reported = next(tracker, "error");
    discord.dispatch("CHANNEL_UPDATE", { id: "500000000000000060", type: 0, guild_id: guild.id, name: "general" });
    expect((await reported)[0]).toMatchObject({ code: "TRACKER_INVALID_PAYLOAD", event: "CHANNEL_UPDATE" });
    expect(tracker.threads(guild.id).map((thread) => thread.id)).toEqual(["500000000000000060"]);
    expect(errors).toHaveLength(1);
  });
});

describe("computePermissions in a thread", () => {
  const input = (everyone: bigint, thread: boolean) =>
    computePermissions({ guildId: "1", ownerId: "9", userId: "2", roles: [], rolePermissions: (id) => (id === "1" ? everyone : undefined), overwrites: [], thread });

  it("sets SEND_MESSAGES from SEND_MESSAGES_IN_THREADS, with the send-dependent bits", () => {
    const base = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS;
    expect(input(base, false) & Permissions.EMBED_LINKS).toBe(Permissions.EMBED_LINKS);
    expect(input(base, true) & (Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS)).toBe(0n);
    const inThreads = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES_IN_THREADS | Permissions.EMBED_LINKS;
    expect(input(inThreads, true) & (Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS)).toBe(Permissions.SEND_MESSAGES | Permissions.EMBED_LINKS);
  });
});

import { createGuild, serializeChannel, serializeGuild, serializeMember, serializeUser } from "@nuwani/fake-discord";
import { describe, expect, it, vi } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";
import type { DiscordTrackerEvents, TrackerMemberChunk } from "../src/DiscordTracker.js";
import { TrackerError } from "../src/TrackerError.js";
import {
  BOT,
  channelEvent,
  chunks,
  dispatch,
  guildCreate,
  memberAdd,
  memberRemove,
  memberUpdate,
  presenceUpdate,
  ready,
  roleEvent,
  smallGuild,
} from "./support/payloads.js";
import type { Version } from "./support/payloads.js";

/** Records every event of a tracker, by name. */
function record(tracker: DiscordTracker): { name: keyof DiscordTrackerEvents; args: unknown[] }[] {
  const events: { name: keyof DiscordTrackerEvents; args: unknown[] }[] = [];
  const names: (keyof DiscordTrackerEvents)[] = [
    "ready", "guildAvailable", "guildJoin", "guildUpdate", "guildUnavailable", "guildLeave", "syncProgress", "synced",
    "channelCreate", "channelUpdate", "channelDelete", "roleCreate", "roleUpdate", "roleDelete", "memberJoin",
    "memberUpdate", "memberLeave", "presenceUpdate", "userUpdate", "error",
  ];
  for (const name of names) tracker.on(name, (...args: unknown[]) => events.push({ name, args }));
  return events;
}

const names = (events: { name: string }[]): string[] => events.map((event) => event.name);

function started(version: Version = 6, guild = smallGuild()) {
  const tracker = new DiscordTracker();
  const events = record(tracker);
  tracker.handle(ready([guild], "session-1", version));
  tracker.handle(guildCreate(guild, version));
  return { tracker, events, guild };
}

describe.each([6, 10] as const)("DiscordTracker (v%i payloads)", (version) => {
  it("READY keeps the bot's user and lists its guilds as unavailable until GUILD_CREATE", () => {
    const guild = smallGuild();
    const tracker = new DiscordTracker();
    const events = record(tracker);
    tracker.handle(ready([guild], "s1", version));
    expect(tracker.botUser).toMatchObject({ id: BOT.id, username: "Nuwani", discriminator: "0001", bot: true });
    expect(tracker.sessionId).toBe("s1");
    expect(tracker.getGuild(guild.id)).toMatchObject({ unavailable: true, synced: false, name: "" });
    expect(events[0]).toMatchObject({ name: "ready", args: [{ id: BOT.id }, "s1"] });
  });

  it("GUILD_CREATE fills the guild, its roles, channels (guild_id filled in), members and presences", () => {
    const { tracker, events, guild } = started(version);
    expect(names(events)).toEqual(["ready", "guildAvailable", "synced"]);
    expect(tracker.getGuild(guild.id)).toMatchObject({
      name: guild.name,
      ownerId: guild.ownerId,
      unavailable: false,
      memberCount: 10,
      trackedMembers: 10,
      synced: true,
    });
    expect(tracker.roles(guild.id).map((role) => role.name)).toEqual(guild.roles.map((role) => role.name));
    const admin = guild.roles.find((role) => role.name === "Management")!;
    expect(tracker.getRole(guild.id, admin.id)?.permissions).toBe(admin.permissions);
    for (const channel of guild.channels) {
      expect(tracker.getChannel(channel.id)).toMatchObject({ name: channel.name, guildId: guild.id, type: channel.type });
    }
    for (const fixture of guild.members) {
      const member = tracker.getMember(guild.id, fixture.user.id)!;
      expect(member.user.username).toBe(fixture.user.username);
      expect(member.user.discriminator).toBe(fixture.user.discriminator);
      expect(member.nick).toBe(fixture.nick);
      expect(member.roles).toEqual([...fixture.roles].sort());
      expect(member.joinedAt).toBe(Date.parse(fixture.joinedAt));
      expect(member.status).toBe(fixture.status);
      expect(member.activity).toBe(fixture.activity?.name ?? null);
    }
  });

  it("a GUILD_CREATE not announced by READY is a join", () => {
    const { tracker, events } = started(version);
    const other = smallGuild({ seed: 2 });
    tracker.handle(guildCreate(other, version));
    expect(names(events).slice(3)).toEqual(["guildJoin", "guildAvailable", "synced"]);
    expect(tracker.guilds()).toHaveLength(2);
  });

  it("GUILD_UPDATE renames, keeping members", () => {
    const { tracker, events, guild } = started(version);
    tracker.handle(dispatch("GUILD_UPDATE", { id: guild.id, name: "LVP", owner_id: guild.ownerId, roles: [] }));
    expect(events.at(-1)).toMatchObject({ name: "guildUpdate", args: [{ name: "LVP" }, { name: guild.name }] });
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBe(10);
  });

  it("GUILD_DELETE with unavailable:true is an outage: the guild is kept and marked", () => {
    const { tracker, events, guild } = started(version);
    tracker.handle(dispatch("GUILD_DELETE", { id: guild.id, unavailable: true }));
    expect(events.at(-1)).toMatchObject({ name: "guildUnavailable", args: [{ id: guild.id, unavailable: true }] });
    expect(tracker.getGuild(guild.id)).toMatchObject({ unavailable: true, trackedMembers: 10 });
    expect(tracker.canSend(guild.channels[1]!.id)).toBe(false);
    // It comes back.
    tracker.handle(guildCreate(guild, version));
    expect(tracker.getGuild(guild.id)?.unavailable).toBe(false);
    expect(names(events).slice(-2)).toEqual(["guildAvailable", "synced"]);
  });

  it("GUILD_DELETE without unavailable: the bot left; the guild and everything in it is dropped", () => {
    const { tracker, events, guild } = started(version);
    tracker.handle(dispatch("GUILD_DELETE", { id: guild.id }));
    expect(events.at(-1)).toMatchObject({ name: "guildLeave", args: [{ id: guild.id }] });
    expect(tracker.getGuild(guild.id)).toBeUndefined();
    expect(tracker.channels()).toEqual([]);
    expect(tracker.getUser(guild.members[3]!.user.id)).toBeUndefined();
    expect(tracker.userCount).toBe(1); // the bot
  });

  it("GUILD_ROLE_CREATE / UPDATE / DELETE; a deleted role is taken from its members", () => {
    const guild = createGuild({ bot: BOT, members: 10, roles: [{ name: "VIP" }, { name: "Helper" }] });
    const vip = guild.roles[1]!;
    guild.members[2]!.roles = [vip.id];
    guild.members[3]!.roles = [vip.id, guild.roles[2]!.id];
    const { tracker, events } = started(version, guild);
    guild.roles.push({ ...vip, id: "300000000000000001", name: "New" });
    tracker.handle(roleEvent("GUILD_ROLE_CREATE", guild, 3, version));
    expect(events.at(-1)).toMatchObject({ name: "roleCreate", args: [{ id: "300000000000000001", name: "New", guildId: guild.id }] });
    guild.roles[3]!.name = "Newer";
    tracker.handle(roleEvent("GUILD_ROLE_UPDATE", guild, 3, version));
    expect(events.at(-1)).toMatchObject({ name: "roleUpdate", args: [{ name: "Newer" }, { name: "New" }] });
    tracker.handle(dispatch("GUILD_ROLE_DELETE", { guild_id: guild.id, role_id: vip.id }));
    expect(events.at(-1)).toMatchObject({ name: "roleDelete", args: [{ id: vip.id }] });
    expect(tracker.getRole(guild.id, vip.id)).toBeUndefined();
    expect(tracker.getMember(guild.id, guild.members[2]!.user.id)?.roles).toEqual([]);
    expect(tracker.getMember(guild.id, guild.members[3]!.user.id)?.roles).toEqual([guild.roles[2]!.id]);
  });

  it("CHANNEL_CREATE / UPDATE (renamed) / DELETE", () => {
    const { tracker, events, guild } = started(version);
    guild.channels.push({ ...guild.channels[1]!, id: "400000000000000001", name: "lounge" });
    tracker.handle(channelEvent("CHANNEL_CREATE", guild, 5, version));
    expect(events.at(-1)).toMatchObject({ name: "channelCreate", args: [{ id: "400000000000000001", name: "lounge", guildId: guild.id }] });
    guild.channels[5]!.name = "chill";
    tracker.handle(channelEvent("CHANNEL_UPDATE", guild, 5, version));
    expect(events.at(-1)).toMatchObject({ name: "channelUpdate", args: [{ name: "chill" }, { name: "lounge" }, { renamed: true }] });
    guild.channels[5]!.topic = "new topic";
    tracker.handle(channelEvent("CHANNEL_UPDATE", guild, 5, version));
    expect(events.at(-1)).toMatchObject({ name: "channelUpdate", args: [{ topic: "new topic" }, { topic: guild.channels[1]!.topic }, { renamed: false }] });
    tracker.handle(channelEvent("CHANNEL_DELETE", guild, 5, version));
    expect(events.at(-1)).toMatchObject({ name: "channelDelete", args: [{ id: "400000000000000001" }] });
    expect(tracker.getChannel("400000000000000001")).toBeUndefined();
    expect(tracker.channels(guild.id)).toHaveLength(5);
  });

  it("DM channels: CHANNEL_CREATE without guild_id, recipients kept as users, dropped on delete", () => {
    const { tracker, events } = started(version);
    const friend = { id: "500000000000000001", username: "Friend", discriminator: "1234", avatar: null };
    const dm = { id: "600000000000000001", type: 1, last_message_id: null, recipients: [serializeUser(friend, version)] };
    tracker.handle(dispatch("CHANNEL_CREATE", dm));
    expect(events.at(-1)).toMatchObject({ name: "channelCreate", args: [{ id: dm.id, type: 1, guildId: null, recipients: [friend.id] }] });
    expect(tracker.getUser(friend.id)?.username).toBe("Friend");
    expect(tracker.canSend(dm.id)).toBe(true);
    tracker.handle(dispatch("CHANNEL_DELETE", dm));
    expect(tracker.getUser(friend.id)).toBeUndefined();
  });

  it("GUILD_MEMBER_ADD / UPDATE (roles changed) / REMOVE", () => {
    const { tracker, events, guild } = started(version);
    const newcomer = { ...guild.members[5]!, user: { ...guild.members[5]!.user, id: "700000000000000001", username: "Newbie" }, roles: [] };
    tracker.handle(memberAdd(guild, newcomer, version));
    expect(events.at(-1)).toMatchObject({ name: "memberJoin", args: [{ id: "700000000000000001", displayName: "Newbie", roles: [] }] });
    expect(tracker.getGuild(guild.id)?.memberCount).toBe(11);

    const vip = guild.roles.find((role) => role.name === "VIP")!.id;
    tracker.handle(memberUpdate(guild, { ...newcomer, roles: [vip], nick: "Newb" }, version));
    expect(events.at(-1)).toMatchObject({
      name: "memberUpdate",
      args: [{ roles: [vip], nick: "Newb", displayName: "Newb" }, { roles: [], nick: null }, { rolesChanged: true, addedRoles: [vip], removedRoles: [], nickChanged: true }],
    });
    tracker.handle(memberUpdate(guild, { ...newcomer, roles: [vip], nick: "Newb" }, version));
    expect(events.at(-1)?.args[2]).toEqual({ rolesChanged: false, addedRoles: [], removedRoles: [], nickChanged: false });

    tracker.handle(memberRemove(guild, newcomer, version));
    expect(events.at(-1)).toMatchObject({ name: "memberLeave", args: [{ id: "700000000000000001" }, "left"] });
    expect(tracker.getMember(guild.id, "700000000000000001")).toBeUndefined();
    expect(tracker.getUser("700000000000000001")).toBeUndefined();
    expect(tracker.getGuild(guild.id)?.memberCount).toBe(10);
  });

  it("a user in two guilds is stored once and survives leaving one of them", () => {
    const { tracker, guild } = started(version);
    const other = smallGuild({ seed: 2 });
    const shared = guild.members[4]!;
    other.members.push({ ...shared, roles: [] });
    tracker.handle(guildCreate(other, version));
    expect(tracker.userCount).toBe(1 + 9 + 9); // the bot and the shared user once
    tracker.handle(memberRemove(guild, shared, version));
    expect(tracker.getUser(shared.user.id)).toBeDefined();
    expect(tracker.getMember(other.id, shared.user.id)).toBeDefined();
    tracker.handle(dispatch("GUILD_DELETE", { id: other.id }));
    expect(tracker.getUser(shared.user.id)).toBeUndefined();
  });

  it("PRESENCE_UPDATE changes status and activity", () => {
    const { tracker, events, guild } = started(version);
    const fixture = guild.members[3]!;
    const before = tracker.getMember(guild.id, fixture.user.id)!.status;
    const after = before === "dnd" ? "online" : "dnd";
    tracker.handle(presenceUpdate(guild, { ...fixture, status: after, activity: { name: "Minecraft", type: 0, createdAt: 0 } }, version));
    expect(events.at(-1)).toMatchObject({ name: "presenceUpdate", args: [{ id: fixture.user.id, status: after, activity: "Minecraft" }, before] });
    const count = events.length;
    tracker.handle(presenceUpdate(guild, { ...fixture, status: after, activity: { name: "Minecraft", type: 0, createdAt: 0 } }, version));
    expect(events).toHaveLength(count); // nothing changed
    tracker.handle(presenceUpdate(guild, { ...fixture, status: "offline", activity: null }, version));
    expect(tracker.getMember(guild.id, fixture.user.id)).toMatchObject({ status: "offline", activity: null });
  });

  it("USER_UPDATE changes the bot's user", () => {
    const { tracker, events } = started(version);
    tracker.handle(dispatch("USER_UPDATE", { ...serializeUser(BOT, version), username: "Nuwani2" }));
    expect(events.at(-1)).toMatchObject({ name: "userUpdate", args: [{ username: "Nuwani2" }, { username: "Nuwani" }] });
    expect(tracker.botUser?.username).toBe("Nuwani2");
  });

  it("syncs a large guild from GUILD_MEMBERS_CHUNK fed through handle(), with progress", async () => {
    const guild = createGuild({ bot: BOT, members: 2500, online: 0.2 });
    const tracker = new DiscordTracker();
    const events = record(tracker);
    tracker.handle(ready([guild], "s1", version));
    tracker.handle(guildCreate(guild, version, 50));
    await tracker.settled();
    const online = guild.members.filter((entry) => entry.status !== "offline" || entry.user.id === BOT.id).length;
    expect(tracker.getGuild(guild.id)).toMatchObject({ large: true, synced: false, trackedMembers: online, memberCount: 2500 });
    for (const chunk of chunks(guild, version)) tracker.handle(chunk);
    await tracker.settled();
    expect(events.filter((event) => event.name === "syncProgress").map((event) => event.args)).toEqual([
      [guild.id, 1000, 2500],
      [guild.id, 2000, 2500],
      [guild.id, 2500, 2500],
    ]);
    expect(tracker.getGuild(guild.id)).toMatchObject({ synced: true, trackedMembers: 2500 });
    // Presences from GUILD_CREATE survive the chunks (which carry none).
    const someoneOnline = guild.members.find((entry, index) => index > 1 && entry.status !== "offline")!;
    expect(tracker.getMember(guild.id, someoneOnline.user.id)?.status).toBe(someoneOnline.status);
  });

  it("after a fresh identify, state is rebuilt: guilds, channels and members gone meanwhile do not survive", () => {
    const { tracker, events, guild } = started(version);
    const gone = createGuild({ bot: BOT, seed: 3 });
    tracker.handle(guildCreate(gone, version));
    const left = guild.members.splice(4, 2);
    const removedChannel = guild.channels.splice(4, 1)[0]!;
    guild.roles.splice(5, 1);
    events.length = 0;

    tracker.handle(ready([guild], "session-2", version));
    expect(events.map((event) => event.name)).toEqual(["guildLeave", "ready"]);
    expect(tracker.getGuild(gone.id)).toBeUndefined();
    expect(tracker.getGuild(guild.id)?.unavailable).toBe(true);
    tracker.handle(guildCreate(guild, version));
    expect(tracker.getGuild(guild.id)).toMatchObject({ unavailable: false, synced: true, trackedMembers: 8 });
    for (const entry of left) expect(tracker.getMember(guild.id, entry.user.id)).toBeUndefined();
    expect(events.filter((event) => event.name === "memberLeave").map((event) => event.args[1])).toEqual(["swept", "swept"]);
    expect(tracker.getChannel(removedChannel.id)).toBeUndefined();
    expect(tracker.roles(guild.id)).toHaveLength(guild.roles.length);
    expect(tracker.userCount).toBe(8);
  });

  it("a large guild is swept only once its sync completes", async () => {
    const guild = createGuild({ bot: BOT, members: 300, online: 0.2 });
    const tracker = new DiscordTracker();
    tracker.handle(ready([guild], "s1", version));
    tracker.handle(guildCreate(guild, version, 50));
    for (const chunk of chunks(guild, version, "a", 100)) tracker.handle(chunk);
    await tracker.settled();
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBe(300);

    const offline = guild.members.filter((entry, index) => index > 1 && entry.status === "offline").slice(0, 3);
    guild.members = guild.members.filter((entry) => !offline.includes(entry));
    tracker.handle(ready([guild], "s2", version));
    tracker.handle(guildCreate(guild, version, 50));
    await tracker.settled();
    // Offline members are not in a large GUILD_CREATE: nothing is swept before the sync.
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBe(300);
    for (const chunk of chunks(guild, version, "b", 100)) tracker.handle(chunk);
    await tracker.settled();
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 297, synced: true });
    for (const entry of offline) expect(tracker.getMember(guild.id, entry.user.id)).toBeUndefined();
  });

  it("a GUILD_CREATE without every member (no GUILD_PRESENCES) sweeps nobody it did not carry", async () => {
    const { tracker, guild } = started(version);
    tracker.handle(ready([guild], "s2", version));
    // Without the presences intent, Discord sends only the bot's member.
    const payload = dispatch(
      "GUILD_CREATE",
      serializeGuild(guild, { version, largeThreshold: 250, presences: false, botId: BOT.id }),
    );
    tracker.handle(payload);
    await tracker.settled();
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 10, synced: false, unavailable: false });
    for (const chunk of chunks(guild, version)) tracker.handle(chunk);
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 10, synced: true });
  });

  it("members are a compact store: equal role sets share one frozen array", () => {
    const { tracker, guild } = started(version);
    const a = tracker.getMember(guild.id, guild.members[2]!.user.id)!;
    const b = tracker.getMember(guild.id, guild.members[2]!.user.id)!;
    expect(a.roles).toBe(b.roles);
    expect(Object.isFrozen(a.roles)).toBe(true);
  });
});

describe("DiscordTracker: malformed payloads", () => {
  it("are reported and skipped without changing state", () => {
    const { tracker, events, guild } = started();
    const errors: TrackerError[] = [];
    tracker.on("error", (error) => errors.push(error));
    const snapshot = () => JSON.stringify([tracker.guilds(), tracker.channels(), [...tracker.members(guild.id)], tracker.roles(guild.id)], (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    const before = snapshot();
    const bad: [string, unknown][] = [
      ["READY", { user: {} }],
      ["GUILD_CREATE", { id: "x" }],
      ["GUILD_CREATE", { id: guild.id, name: 5 }],
      ["GUILD_UPDATE", null],
      ["GUILD_DELETE", {}],
      ["GUILD_ROLE_CREATE", { guild_id: guild.id, role: { id: "1" } }],
      ["GUILD_ROLE_DELETE", { guild_id: guild.id }],
      ["CHANNEL_CREATE", { id: "1", type: "text" }],
      ["CHANNEL_UPDATE", { id: guild.channels[1]!.id, type: 0, guild_id: guild.id, permission_overwrites: [{ id: "1" }] }],
      ["CHANNEL_DELETE", "x"],
      ["GUILD_MEMBER_ADD", { guild_id: guild.id, user: { id: "1" }, roles: "x" }],
      ["GUILD_MEMBER_UPDATE", { guild_id: guild.id }],
      ["GUILD_MEMBER_REMOVE", { user: { id: "1" } }],
      ["PRESENCE_UPDATE", { guild_id: guild.id, user: { id: guild.members[2]!.user.id }, status: 7 }],
      ["USER_UPDATE", 42],
      ["GUILD_MEMBERS_CHUNK", { guild_id: guild.id }],
    ];
    for (const [t, d] of bad) tracker.handle(dispatch(t, d));
    expect(errors).toHaveLength(bad.length);
    for (const error of errors) {
      expect(error).toBeInstanceOf(TrackerError);
      expect(error.code).toBe("TRACKER_INVALID_PAYLOAD");
    }
    expect(errors.map((error) => error.event)).toEqual(bad.map(([t]) => t));
    expect(snapshot()).toBe(before);
    expect(names(events).filter((name) => name !== "error")).toEqual(["ready", "guildAvailable", "synced"]);
  });

  it("a bad member inside a list is skipped, the others are kept", () => {
    const guild = smallGuild();
    const tracker = new DiscordTracker();
    const debug: string[] = [];
    tracker.on("debug", (message) => debug.push(message));
    tracker.handle(ready([guild]));
    const payload = guildCreate(guild);
    (payload.d as { members: unknown[] }).members.push({ user: { id: "nope" }, roles: [] }, 7);
    tracker.handle(payload);
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBe(10);
    // Without an error listener the report goes to debug, never thrown.
    expect(debug.some((message) => message.includes("TRACKER_INVALID_PAYLOAD") && message.includes("2 malformed"))).toBe(true);
  });

  it("unknown events, and events for unknown guilds, are ignored", () => {
    const { tracker, events } = started();
    tracker.handle(dispatch("TYPING_START", { channel_id: "1" }));
    tracker.handle(dispatch("RESUMED", {}));
    tracker.handle(dispatch("GUILD_MEMBER_ADD", { ...serializeMember(smallGuild().members[3]!, 6), guild_id: "999" }));
    tracker.handle({ t: null, d: null });
    expect(names(events)).toEqual(["ready", "guildAvailable", "synced"]);
  });

  it("a listener that throws is reported as TRACKER_HANDLER_FAILED and the next dispatches still apply", () => {
    const { tracker, guild } = started();
    const errors: TrackerError[] = [];
    tracker.on("error", (error) => errors.push(error));
    tracker.once("memberLeave", () => {
      throw new Error("listener bug");
    });
    tracker.handle(memberRemove(guild, guild.members[4]!));
    tracker.handle(memberRemove(guild, guild.members[5]!));
    expect(errors).toMatchObject([{ code: "TRACKER_HANDLER_FAILED", cause: { message: "listener bug" } }]);
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBe(8);
    expect(tracker.busy).toBe(false);
  });

  it("handle() and attach() reject misuse with typed errors", () => {
    const tracker = new DiscordTracker();
    expect(() => tracker.handle(null as never)).toThrow(expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" }));
    const gateway = { on: vi.fn(), off: vi.fn(), requestGuildMembers: vi.fn() };
    tracker.attach(gateway);
    expect(() => tracker.attach(gateway)).toThrow(expect.objectContaining({ code: "TRACKER_ALREADY_ATTACHED" }));
    tracker.detach();
    expect(gateway.off).toHaveBeenCalledWith("dispatch", gateway.on.mock.calls[0]![1]);
    expect(() => new DiscordTracker({ sliceTime: -1 })).toThrow(expect.objectContaining({ code: "TRACKER_INVALID_ARGUMENT" }));
  });
});

describe("DiscordTracker: slicing large payloads", () => {
  it("yields to the event loop within a member list and keeps later dispatches in order", async () => {
    let time = 0;
    // Each look at the clock costs 10 ms: every slice exceeds the budget.
    const tracker = new DiscordTracker({ sliceTime: 4, now: () => (time += 10) });
    const guild = createGuild({ bot: BOT, members: 1000 });
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild, 6, 1001));
    expect(tracker.busy).toBe(true);
    expect(tracker.getGuild(guild.id)?.trackedMembers).toBeLessThan(1000);
    // Queued behind the member list, so applied after it.
    tracker.handle(memberRemove(guild, guild.members[999]!));
    let turns = 0;
    while (tracker.busy) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    expect(turns).toBeGreaterThan(1);
    await tracker.settled();
    expect(tracker.getGuild(guild.id)).toMatchObject({ trackedMembers: 999, synced: true });
  });

  it("attached to a gateway, it syncs large guilds through op 8 with onChunk", async () => {
    const guild = createGuild({ bot: BOT, members: 2100 });
    let listener: ((payload: { t: string; d: unknown }) => void) | undefined;
    const requests: unknown[] = [];
    const gateway = {
      on: (_event: "dispatch", fn: typeof listener) => (listener = fn),
      off: () => undefined,
      requestGuildMembers: (request: unknown, options: { onChunk: (chunk: TrackerMemberChunk) => void }) => {
        requests.push(request);
        // Like GatewayConnection: onChunk first, then the chunk's dispatch.
        setImmediate(() => {
          // Someone else's complete answer (another nonce) does not complete the sync.
          const [foreign] = chunks(createGuild({ bot: BOT, members: 1 }), 6, "foreign");
          listener!({ t: "GUILD_MEMBERS_CHUNK", d: { ...(foreign!.d as object), guild_id: guild.id } });
          syncedAfterForeign = tracker.getGuild(guild.id)!.synced;
          for (const chunk of chunks(guild, 6, "own")) {
            options.onChunk(chunk.d as TrackerMemberChunk);
            listener!(chunk as { t: string; d: unknown });
          }
        });
        return Promise.resolve({});
      },
    };
    let syncedAfterForeign: boolean | undefined;
    const tracker = new DiscordTracker();
    const synced = new Promise((resolve) => tracker.once("synced", resolve));
    tracker.attach(gateway);
    listener!(ready([guild]) as { t: string; d: unknown });
    listener!(guildCreate(guild, 6, 50) as { t: string; d: unknown });
    await synced;
    expect(requests).toEqual([{ guildId: guild.id, query: "", limit: 0 }]);
    expect(syncedAfterForeign).toBe(false);
    expect(tracker.getGuild(guild.id)).toMatchObject({ synced: true, trackedMembers: 2100 });
  });

  it("a failed sync is reported as TRACKER_SYNC_FAILED and leaves the guild unsynced", async () => {
    const guild = createGuild({ bot: BOT, members: 200 });
    const gateway = {
      on: () => undefined,
      off: () => undefined,
      requestGuildMembers: () => Promise.reject(new Error("timed out")),
    };
    const tracker = new DiscordTracker();
    tracker.attach(gateway);
    const error = new Promise<TrackerError>((resolve) => tracker.once("error", resolve));
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild, 6, 50));
    expect(await error).toMatchObject({ code: "TRACKER_SYNC_FAILED", cause: expect.objectContaining({ message: "timed out" }) });
    expect(tracker.getGuild(guild.id)?.synced).toBe(false);
  });

  it("with syncMembers off, a large guild waits for chunks instead of requesting them", async () => {
    const guild = createGuild({ bot: BOT, members: 200 });
    const gateway = { on: () => undefined, off: () => undefined, requestGuildMembers: vi.fn() };
    const tracker = new DiscordTracker({ syncMembers: false });
    tracker.attach(gateway);
    tracker.handle(ready([guild]));
    tracker.handle(guildCreate(guild, 6, 50));
    await tracker.settled();
    expect(gateway.requestGuildMembers).not.toHaveBeenCalled();
    expect(tracker.getGuild(guild.id)?.synced).toBe(false);
  });
});

describe("DiscordTracker: READY's private channels", () => {
  it("are kept and replaced by the next READY", () => {
    const guild = smallGuild();
    const tracker = new DiscordTracker();
    const friend = serializeUser({ id: "500000000000000001", username: "Friend", discriminator: "1234", avatar: null }, 6);
    const payload = ready([guild]);
    (payload.d as { private_channels: unknown[] }).private_channels = [{ id: "600000000000000001", type: 1, recipients: [friend] }];
    tracker.handle(payload);
    expect(tracker.getChannel("600000000000000001")?.recipients).toEqual([friend.id]);
    tracker.handle(ready([guild], "s2"));
    expect(tracker.getChannel("600000000000000001")).toBeUndefined();
    expect(tracker.getUser(friend.id as string)).toBeUndefined();
  });

  it("guild channels for unknown guilds are ignored", () => {
    const tracker = new DiscordTracker();
    const guild = smallGuild();
    tracker.handle(dispatch("CHANNEL_CREATE", serializeChannel(guild.channels[1]!, 6, guild.id)));
    expect(tracker.channels()).toEqual([]);
  });
});

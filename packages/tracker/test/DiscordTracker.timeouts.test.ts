// Member timeouts (v10 `communication_disabled_until`) in permissions, against the fake
// Discord on loopback, with the time from the tracker's injected clock.
import { createGuild, serializeMember } from "@nuwani/fake-discord";
import type { MemberFixture } from "@nuwani/fake-discord";
import { systemClock } from "@nuwani/util";
import { describe, expect, it } from "vitest";
import { computePermissions } from "../src/computePermissions.js";
import { Permissions } from "../src/Permissions.js";
import { next, trackerOnFake } from "./support/loopback.js";
import { BOT } from "./support/payloads.js";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const GENERAL = "300000000000000001";
const ADMINS = "400000000000000002";
const EVERYONE = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES | Permissions.READ_MESSAGE_HISTORY | Permissions.ADD_REACTIONS;
const KEPT = Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY;

/** A clock whose `now()` the test moves; timers are the real ones (the sockets are real). */
function manualClock() {
  const clock = { time: NOW, now: () => clock.time, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout };
  return clock;
}

function timeoutGuild() {
  const guild = createGuild({
    bot: BOT,
    members: 6,
    everyonePermissions: EVERYONE,
    roles: [
      { name: "Nuwani", managed: true },
      { id: ADMINS, name: "Admins", permissions: Permissions.ADMINISTRATOR },
    ],
    channels: [{ id: GENERAL, name: "general" }],
  });
  const at = (offset: number) => new Date(NOW + offset).toISOString();
  const [bot, owner, admin, timedOut, expired] = guild.members as [MemberFixture, MemberFixture, MemberFixture, MemberFixture, MemberFixture];
  guild.ownerId = owner.user.id;
  admin.roles = [ADMINS];
  timedOut.roles = [];
  for (const member of [owner, admin, timedOut]) member.communicationDisabledUntil = at(60_000);
  expired.communicationDisabledUntil = at(-1);
  return { guild, bot, owner, admin, timedOut, expired, at };
}

const memberUpdate = (guildId: string, member: MemberFixture): Record<string, unknown> => {
  const { deaf: _deaf, mute: _mute, ...rest } = serializeMember(member, 10);
  return { ...rest, guild_id: guildId };
};

describe("DiscordTracker: timed-out members (v10)", () => {
  it("a timed-out member keeps only VIEW_CHANNEL and READ_MESSAGE_HISTORY until the clock passes the end; owner and administrators are exempt", async () => {
    const clock = manualClock();
    const { guild, owner, admin, timedOut, expired } = timeoutGuild();
    const { tracker, errors } = await trackerOnFake([guild], { tracker: { clock } });
    expect(tracker.getMember(guild.id, timedOut.user.id)?.timedOutUntil).toBe(NOW + 60_000);
    expect(tracker.permissionsOf(GENERAL, timedOut.user.id)).toBe(KEPT);
    expect(tracker.permissionsOf(guild.id, timedOut.user.id)).toBe(KEPT);
    expect(tracker.permissionsOf(GENERAL, owner.user.id)).toBe(Permissions.ALL);
    expect(tracker.permissionsOf(GENERAL, admin.user.id)).toBe(Permissions.ALL);
    // A timeout already over when it arrived is not kept.
    expect(tracker.getMember(guild.id, expired.user.id)?.timedOutUntil).toBeNull();
    expect(tracker.permissionsOf(GENERAL, expired.user.id)).toBe(EVERYONE);

    clock.time = NOW + 59_999;
    expect(tracker.permissionsOf(GENERAL, timedOut.user.id)).toBe(KEPT);
    clock.time = NOW + 60_000;
    expect(tracker.permissionsOf(GENERAL, timedOut.user.id)).toBe(EVERYONE);
    expect(errors).toEqual([]);
  });

  it("follows GUILD_MEMBER_UPDATE: a new timeout applies at once, `null` lifts it", async () => {
    const clock = manualClock();
    const { guild, timedOut, expired, at } = timeoutGuild();
    const { discord, tracker } = await trackerOnFake([guild], { tracker: { clock } });

    expired.communicationDisabledUntil = at(3_600_000);
    const updated = next(tracker, "memberUpdate");
    discord.dispatch("GUILD_MEMBER_UPDATE", memberUpdate(guild.id, expired));
    expect((await updated)[0].timedOutUntil).toBe(NOW + 3_600_000);
    expect(tracker.permissionsOf(GENERAL, expired.user.id)).toBe(KEPT);

    timedOut.communicationDisabledUntil = null;
    const lifted = next(tracker, "memberUpdate");
    discord.dispatch("GUILD_MEMBER_UPDATE", memberUpdate(guild.id, timedOut));
    expect((await lifted)[0].timedOutUntil).toBeNull();
    expect(tracker.permissionsOf(GENERAL, timedOut.user.id)).toBe(EVERYONE);
  });

  it("the bot timed out may read but not send", async () => {
    const clock = manualClock();
    const { guild, bot, at } = timeoutGuild();
    const { discord, tracker } = await trackerOnFake([guild], { tracker: { clock } });
    expect(tracker.canSend(GENERAL)).toBe(true);
    bot.communicationDisabledUntil = at(10_000);
    const updated = next(tracker, "memberUpdate");
    discord.dispatch("GUILD_MEMBER_UPDATE", memberUpdate(guild.id, bot));
    await updated;
    expect(tracker.canRead(GENERAL)).toBe(true);
    expect(tracker.canSend(GENERAL)).toBe(false);
    clock.time = NOW + 10_000;
    expect(tracker.canSend(GENERAL)).toBe(true);
  });

  it("a payload without the field (v6, or partial) keeps the known timeout; an unreadable one counts as none", async () => {
    const clock = manualClock();
    const { guild, timedOut } = timeoutGuild();
    const { discord, tracker } = await trackerOnFake([guild], { tracker: { clock } });
    const { communication_disabled_until: _gone, ...withoutField } = memberUpdate(guild.id, timedOut);
    const kept = next(tracker, "memberUpdate");
    discord.dispatch("GUILD_MEMBER_UPDATE", { ...withoutField, nick: "renamed" });
    expect((await kept)[0]).toMatchObject({ nick: "renamed", timedOutUntil: NOW + 60_000 });
    const garbage = next(tracker, "memberUpdate");
    discord.dispatch("GUILD_MEMBER_UPDATE", { ...withoutField, communication_disabled_until: "soon" });
    expect((await garbage)[0].timedOutUntil).toBeNull();
  });
});

describe("computePermissions with a timeout", () => {
  const compute = (timedOutUntil: number | null, now: number, extra: { roles?: string[]; ownerId?: string } = {}) =>
    computePermissions({
      guildId: "1",
      ownerId: extra.ownerId ?? "9",
      userId: "2",
      roles: extra.roles ?? [],
      rolePermissions: (id) => (id === "1" ? EVERYONE : id === "5" ? Permissions.ADMINISTRATOR : undefined),
      timedOutUntil,
      now,
    });

  it("masks to VIEW_CHANNEL | READ_MESSAGE_HISTORY only while the timeout runs", () => {
    expect(compute(1000, 999)).toBe(KEPT);
    expect(compute(1000, 1000)).toBe(EVERYONE);
    expect(compute(null, 0)).toBe(EVERYONE);
    expect(compute(1000, 0, { roles: ["5"] })).toBe(Permissions.ALL);
    expect(compute(1000, 0, { ownerId: "2" })).toBe(Permissions.ALL);
  });
});

import { createGuild, Permissions as Bits, serializeChannel } from "@nuwani/fake-discord";
import { describe, expect, it } from "vitest";
import { DiscordTracker } from "../src/DiscordTracker.js";
import { Permissions } from "../src/Permissions.js";
import { BOT, dispatch, guildCreate, ready } from "./support/payloads.js";
import type { Version } from "./support/payloads.js";

const HIGH_BIT = 1n << 40n; // beyond the 31 bits of v6's legacy integers

function setup(version: Version) {
  const guild = createGuild({ bot: BOT, members: 6 });
  // A role with a bit only the `_new` string can carry on v6.
  guild.roles.push({ id: "300000000000000009", name: "High", color: 0, hoist: false, position: 9, permissions: HIGH_BIT | Bits.VIEW_CHANNEL, managed: false, mentionable: false });
  guild.members[3]!.roles = ["300000000000000009"];
  const tracker = new DiscordTracker();
  tracker.handle(ready([guild], "s", version));
  tracker.handle(guildCreate(guild, version));
  const channel = (name: string) => guild.channels.find((entry) => entry.name === name)!.id;
  return { tracker, guild, channel };
}

describe.each([6, 10] as const)("DiscordTracker permissions (v%i)", (version) => {
  it("reads v6 `_new` strings over the legacy integers, and v10 strings, as BigInt", () => {
    const { tracker, guild } = setup(version);
    expect(tracker.getRole(guild.id, "300000000000000009")?.permissions).toBe(HIGH_BIT | Bits.VIEW_CHANNEL);
    expect((tracker.permissionsOf(guild.id, guild.members[3]!.user.id) & HIGH_BIT) !== 0n).toBe(true);
    const general = guild.channels[1]!.id;
    expect(tracker.getChannel(guild.channels[2]!.id)?.overwrites[0]).toEqual({ id: guild.id, type: "role", allow: 0n, deny: Bits.VIEW_CHANNEL });
    expect(tracker.permissionsOf(general, guild.members[3]!.user.id) & HIGH_BIT).toBe(HIGH_BIT);
  });

  it("canRead / canSend for the bot follow the overwrites", () => {
    const { tracker, channel } = setup(version);
    expect(tracker.canRead(channel("general"))).toBe(true);
    expect(tracker.canSend(channel("general"))).toBe(true);
    expect(tracker.canRead(channel("admin"))).toBe(true); // the bot's role is allowed in
    expect(tracker.canSend(channel("echo"))).toBe(true); // only the bot may send there
    expect(tracker.canRead(channel("Lounge"))).toBe(false); // voice
    expect(tracker.canSend(channel("Las Venturas Playground"))).toBe(false); // category
    expect(tracker.canSend("123")).toBe(false); // unknown
  });

  it("others: @everyone may not see admin, nor send in echo; the owner may do all", () => {
    const { tracker, guild, channel } = setup(version);
    const plain = guild.members.find((entry, index) => index > 1 && entry.roles.length === 0)!.user.id;
    expect(tracker.permissionsOf(channel("admin"), plain)).toBe(0n);
    expect(tracker.permissionsOf(channel("echo"), plain) & Bits.SEND_MESSAGES).toBe(0n);
    expect(tracker.permissionsOf(channel("echo"), plain) & Bits.VIEW_CHANNEL).toBe(Bits.VIEW_CHANNEL);
    expect(tracker.permissionsOf(channel("admin"), guild.ownerId)).toBe(Permissions.ALL);
    expect(tracker.permissionsOf(channel("admin"), "999")).toBe(0n); // not a member
  });

  it("permissions follow role and overwrite updates", () => {
    const { tracker, guild, channel } = setup(version);
    const general = guild.channels.find((entry) => entry.name === "general")!;
    general.overwrites.push({ id: BOT.id, type: "member", allow: 0n, deny: Bits.SEND_MESSAGES });
    tracker.handle(dispatch("CHANNEL_UPDATE", serializeChannel(general, version, guild.id)));
    expect(tracker.canSend(channel("general"))).toBe(false);
    expect(tracker.canRead(channel("general"))).toBe(true);
  });
});

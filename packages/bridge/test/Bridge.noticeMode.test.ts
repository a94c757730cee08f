import { Permissions, serializeRole, type GuildFixture, type OverwriteFixture, type RoleFixture } from "@nuwani/fake-discord";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BridgeError } from "../src/BridgeError.js";
import { loadFormats } from "../src/formats.js";
import { startHarness, type Harness, type HarnessOptions } from "./support/harness.js";
import { LVP_FILE } from "./support/lvpCalls.js";

const wait = { timeout: 8000, interval: 10 };
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A harness with LVP's own formats (NOTICE: `chat-irc-notice`; MODE: `mute-echo`, `unmute-echo`), errors collected. */
async function start(options: HarnessOptions = {}): Promise<{ h: Harness; errors: BridgeError[] }> {
  const formats = await loadFormats(LVP_FILE, { audiences: { vips: "admin", management: "admin" }, channels: { "#LVP.Management": "admin" } });
  const h = (harness = await startHarness({ ...options, bridge: { formats, ...options.bridge } }));
  const errors: BridgeError[] = [];
  h.bridge.on("error", (error) => errors.push(error));
  return { h, errors };
}

function balanced(h: Harness): void {
  const lines = h.bridge.summary().gameToDiscord;
  expect(lines.emitted).toBe(lines.delivered + lines.coalesced + lines.dropped + lines.queued);
}

describe("Bridge: LVP's NOTICE as a direct message", () => {
  it("sends chat-irc-notice to the member the target names, in a DM channel opened once, escaped and mention-proof", async () => {
    const { h, errors } = await start();
    const name = h.vip.user.username;
    h.game.emit("echo", "chat-irc-notice", [name, "@everyone **Gunther**", 13, "Hey <@123456789012345678> @here _x_"]);
    h.game.emit("echo", "chat-irc-notice", [name, "Luce", 12, "second"]);
    h.game.emit("echo", "chat-irc-notice", [`<@${h.player.user.id}>`, "Luce", 12, "by mention"]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord).toMatchObject({ delivered: 3, queued: 0 }), wait);

    const vipDm = h.discord.dmChannels.get(h.vip.user.id)!;
    const playerDm = h.discord.dmChannels.get(h.player.user.id)!;
    expect(vipDm.recipient.id).toBe(h.vip.user.id);
    expect(h.posted(vipDm.id)).toEqual([
      "Message from @\u200Beveryone \\*\\*Gunther\\*\\* (Id:13): Hey \\<\u200B@123456789012345678\\> @\u200Bhere \\_x\\_",
      "Message from Luce (Id:12): second",
    ]);
    expect(h.posted(playerDm.id)).toEqual(["Message from Luce (Id:12): by mention"]);
    for (const message of h.discord.postedMessages) expect(message.body.allowed_mentions).toEqual({ parse: [] });
    // Nothing reached the guild's channels, and the DM channel was opened once per member.
    expect(h.posted(h.echo)).toEqual([]);
    expect(h.discord.rest.requests.filter((record) => record.path === "/users/@me/channels")).toHaveLength(2);
    expect(errors).toEqual([]);
    balanced(h);
  });

  it("reports a recipient that names no member, or several, as BRIDGE_RECIPIENT_UNRESOLVED, counts it and sends nothing", async () => {
    const { h, errors } = await start({
      prepare: (_guild, { player, administrator }) => {
        player.nick = "Twin";
        administrator.nick = "Twin";
      },
    });
    h.game.emit("echo", "chat-irc-notice", ["NoSuchMember", "Luce", 12, "lost"]);
    h.game.emit("echo", "chat-irc-notice", ["Twin", "Luce", 12, "which one?"]);
    h.game.emit("echo", "chat-irc-notice", [h.vip.user.username, "Luce", 12, "found"]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord).toMatchObject({ delivered: 1, queued: 0 }), wait);
    expect(errors.map((error) => [error.code, error.tag, error.field])).toEqual([
      ["BRIDGE_RECIPIENT_UNRESOLVED", "chat-irc-notice", "target"],
      ["BRIDGE_RECIPIENT_UNRESOLVED", "chat-irc-notice", "target"],
    ]);
    expect(errors[0]!.message).toContain('"NoSuchMember"');
    expect(h.bridge.summary().gameToDiscord).toMatchObject({ emitted: 3, dropped: 2, notices: { unresolved: 2, failed: 0 } });
    expect(h.discord.dmChannels.size).toBe(1);
    balanced(h);
  });

  it("counts a DM channel that cannot be opened as failed and dropped, and tries again on the next notice", async () => {
    const { h, errors } = await start();
    h.discord.rest.faults.failNext(4, 503); // the first try and its 3 retries
    h.game.emit("echo", "chat-irc-notice", [h.vip.user.username, "Luce", 12, "refused"]);
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(["BRIDGE_RELAY_FAILED"]), wait);
    expect(h.bridge.summary().gameToDiscord).toMatchObject({ emitted: 1, dropped: 1, queued: 0, notices: { failed: 1 } });
    h.discord.rest.faults.clear();
    h.game.emit("echo", "chat-irc-notice", [h.vip.user.username, "Luce", 12, "again"]);
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord).toMatchObject({ delivered: 1, queued: 0 }), wait);
    expect(h.posted(h.discord.dmChannels.get(h.vip.user.id)!.id)).toEqual(["Message from Luce (Id:12): again"]);
    balanced(h);
  });
});

/** The bot's own role gets MANAGE_ROLES; the echo channel's @everyone overwrite is `everyone` (none when undefined). */
function setUp(everyone: Omit<OverwriteFixture, "id" | "type"> | undefined, manageRoles = true): NonNullable<HarnessOptions["prepare"]> {
  return (guild: GuildFixture, { bot }) => {
    if (manageRoles) guild.roles.find((role) => bot.roles.includes(role.id) && role.managed)!.permissions |= Permissions.MANAGE_ROLES;
    const echo = guild.channels.find((channel) => channel.name === "echo")!;
    echo.overwrites = echo.overwrites.filter((overwrite) => overwrite.id !== guild.id);
    if (everyone !== undefined) echo.overwrites.unshift({ id: guild.id, type: "role", ...everyone });
  };
}

function echoOverwrites(h: Harness): OverwriteFixture[] {
  return structuredClone(h.guild.channels.find((channel) => channel.id === h.echo)!.overwrites);
}

function permissionRequests(h: Harness): Array<{ method: string; body: unknown }> {
  return h.discord.rest.requests.filter((record) => record.route === "/channels/:channelId/permissions/:overwriteId").map(({ method, body }) => ({ method, body }));
}

/** Waits for the bridge's debug line containing `text`. */
async function logged(h: Harness, text: string): Promise<void> {
  await vi.waitFor(() => expect(h.log.some((line) => line.includes(text))).toBe(true), wait);
}

describe("Bridge: LVP's MODE +m/-m on Discord's permissions", () => {
  it("with no @everyone overwrite: +m creates one denying SEND_MESSAGES (the tracker sees it), -m deletes it", async () => {
    const { h, errors } = await start({ prepare: setUp(undefined) });
    const before = echoOverwrites(h);
    h.game.emit("echo", "mute-echo", []);
    await vi.waitFor(() => expect(h.bridge.tracker.getChannel(h.echo)!.overwrites).toContainEqual({ id: h.guild.id, type: "role", allow: 0n, deny: Permissions.SEND_MESSAGES }), wait);
    expect(echoOverwrites(h)).toEqual([...before, { id: h.guild.id, type: "role", allow: 0n, deny: Permissions.SEND_MESSAGES }]);
    h.game.emit("echo", "unmute-echo", []);
    await vi.waitFor(() => expect(h.bridge.tracker.getChannel(h.echo)!.overwrites.some((overwrite) => overwrite.id === h.guild.id)).toBe(false), wait);
    expect(echoOverwrites(h)).toEqual(before);
    expect(permissionRequests(h)).toEqual([
      { method: "PUT", body: { type: 0, allow: "0", deny: String(Permissions.SEND_MESSAGES) } },
      { method: "DELETE", body: undefined },
    ]);
    expect(errors).toEqual([]);
  });

  it("with an @everyone overwrite holding other bits: +m changes only SEND_MESSAGES, -m restores the overwrite exactly", async () => {
    const previous = { allow: Permissions.ADD_REACTIONS | Permissions.SEND_MESSAGES, deny: Permissions.EMBED_LINKS };
    const { h, errors } = await start({ prepare: setUp(previous) });
    const before = echoOverwrites(h);
    h.game.emit("echo", "mute-echo", []);
    const muted = { id: h.guild.id, type: "role", allow: Permissions.ADD_REACTIONS, deny: Permissions.EMBED_LINKS | Permissions.SEND_MESSAGES };
    await vi.waitFor(() => expect(h.bridge.tracker.getChannel(h.echo)!.overwrites).toContainEqual(muted), wait);
    expect(echoOverwrites(h)).toEqual([muted, ...before.slice(1)]);
    h.game.emit("echo", "unmute-echo", []);
    await vi.waitFor(() => expect(h.bridge.tracker.getChannel(h.echo)!.overwrites).toContainEqual(before[0]), wait);
    expect(echoOverwrites(h)).toEqual(before);
    expect(permissionRequests(h).map((request) => request.method)).toEqual(["PUT", "PUT"]);
    expect(permissionRequests(h)[1]!.body).toEqual({ type: 0, allow: String(previous.allow), deny: String(previous.deny) });
    expect(errors).toEqual([]);
  });

  it("regression: +m right after -m read the tracker before it heard of the -m; back to back, +m -m +m -m ends exactly where it began", async () => {
    const previous = { allow: Permissions.SEND_MESSAGES, deny: Permissions.EMBED_LINKS };
    const { h, errors } = await start({ prepare: setUp(previous) });
    const before = echoOverwrites(h);
    h.game.emit("echo", "mute-echo", []);
    await vi.waitFor(() => expect(h.bridge.tracker.getChannel(h.echo)!.overwrites).toContainEqual(expect.objectContaining({ id: h.guild.id, allow: 0n })), wait);
    // From here the gateway lags: each CHANNEL_UPDATE reaches the tracker after the next REST answer.
    h.discord.gateway.faults.delay(300);
    for (const tag of ["unmute-echo", "mute-echo", "unmute-echo"]) h.game.emit("echo", tag, []);
    await vi.waitFor(() => expect(permissionRequests(h)).toHaveLength(4), wait);
    const mute = { type: 0, allow: "0", deny: String(Permissions.EMBED_LINKS | Permissions.SEND_MESSAGES) };
    const unmute = { type: 0, allow: String(previous.allow), deny: String(previous.deny) };
    expect(permissionRequests(h).map((request) => request.body)).toEqual([mute, unmute, mute, unmute]);
    expect(echoOverwrites(h)).toEqual(before);
    expect(errors).toEqual([]);
  });

  it("a +m that changed nothing (SEND_MESSAGES already denied) is not undone by -m; a repeated +m changes nothing either", async () => {
    const { h, errors } = await start({ prepare: setUp({ allow: 0n, deny: Permissions.SEND_MESSAGES | Permissions.ATTACH_FILES }) });
    const before = echoOverwrites(h);
    h.game.emit("echo", "mute-echo", []);
    h.game.emit("echo", "mute-echo", []);
    h.game.emit("echo", "unmute-echo", []);
    await logged(h, 'echo "unmute-echo": +m changed nothing in the echo channel\'s permissions; nothing to undo');
    expect(permissionRequests(h)).toEqual([]);
    expect(echoOverwrites(h)).toEqual(before);
    expect(errors).toEqual([]);
  });

  it("without MANAGE_ROLES: the relay into the game is still paused, no REST call is made, and a BRIDGE_PERMISSION_MISSING warning says so", async () => {
    const { h, errors } = await start({ prepare: setUp(undefined, false) });
    const before = echoOverwrites(h);
    h.game.emit("echo", "mute-echo", []);
    await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(["BRIDGE_PERMISSION_MISSING"]), wait);
    expect(errors[0]).toMatchObject({ tag: "mute-echo", channel: h.echo });
    h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "can I still talk?" });
    await vi.waitFor(() => expect(h.bridge.summary().discordToGame.muted).toBe(1), wait);
    h.game.emit("echo", "unmute-echo", []);
    await logged(h, 'echo "unmute-echo": +m changed nothing in the echo channel\'s permissions; nothing to undo');
    expect(permissionRequests(h)).toEqual([]);
    expect(echoOverwrites(h)).toEqual(before);
  });

  // Discord (discord-api-docs, Edit Channel Permissions): "Only permissions your bot has in the guild or parent channel
  // (if applicable) can be allowed/denied (unless your bot has a MANAGE_ROLES overwrite in the channel)"; the fake
  // Discord enforces it with 403 50013.
  describe("only bits the bot holds in the guild or the channel's category", () => {
    /** setUp(undefined) with SEND_MESSAGES taken from @everyone and the bot's role guild-wide (the echo channel still lets the bot write). */
    function withoutSend(extra?: (guild: GuildFixture, botRole: RoleFixture) => void): NonNullable<HarnessOptions["prepare"]> {
      return (guild, members) => {
        setUp(undefined)(guild, members);
        const botRole = guild.roles.find((role) => members.bot.roles.includes(role.id) && role.managed)!;
        for (const role of [guild.roles.find((entry) => entry.id === guild.id)!, botRole]) role.permissions &= ~Permissions.SEND_MESSAGES;
        extra?.(guild, botRole);
      };
    }

    /** Changes a role's guild-wide bits in the fixture and tells the gateway sessions (GUILD_ROLE_UPDATE); resolves once the tracker has them. */
    async function updateRole(h: Harness, role: RoleFixture, permissions: bigint): Promise<void> {
      role.permissions = permissions;
      h.discord.dispatch("GUILD_ROLE_UPDATE", (session: { version: 6 | 10 }) => ({ guild_id: h.guild.id, role: serializeRole(role, session.version) }));
      await vi.waitFor(() => expect(h.bridge.tracker.getRole(h.guild.id, role.id)?.permissions).toBe(permissions), wait);
    }

    it("regression: +m sent Discord a deny of SEND_MESSAGES the bot holds only through the channel's overwrite (403); now no REST call and BRIDGE_PERMISSION_MISSING naming it", async () => {
      const { h, errors } = await start({ prepare: withoutSend() });
      const before = echoOverwrites(h);
      h.game.emit("echo", "mute-echo", []);
      await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(["BRIDGE_PERMISSION_MISSING"]), wait);
      expect(errors[0]).toMatchObject({ tag: "mute-echo", channel: h.echo });
      expect(errors[0]!.message).toContain("may not change SEND_MESSAGES in @everyone's overwrite of the echo channel");
      // The relay into the game is paused all the same.
      h.discord.messageCreate({ channelId: h.echo, author: h.player, content: "can I still talk?" });
      await vi.waitFor(() => expect(h.bridge.summary().discordToGame.muted).toBe(1), wait);
      h.game.emit("echo", "unmute-echo", []);
      await logged(h, 'echo "unmute-echo": +m changed nothing in the echo channel\'s permissions; nothing to undo');
      expect(permissionRequests(h)).toEqual([]);
      expect(echoOverwrites(h)).toEqual(before);
      expect(errors).toHaveLength(1);
    });

    it("the category's permissions count: a bot allowed SEND_MESSAGES in the echo channel's category may deny it to @everyone", async () => {
      const { h, errors } = await start({
        prepare: withoutSend((guild, botRole) => {
          const echo = guild.channels.find((channel) => channel.name === "echo")!;
          guild.channels.find((channel) => channel.id === echo.parentId)!.overwrites.push({ id: botRole.id, type: "role", allow: Permissions.SEND_MESSAGES, deny: 0n });
        }),
      });
      h.game.emit("echo", "mute-echo", []);
      await vi.waitFor(() => expect(echoOverwrites(h)).toContainEqual({ id: h.guild.id, type: "role", allow: 0n, deny: Permissions.SEND_MESSAGES }), wait);
      h.game.emit("echo", "unmute-echo", []);
      await vi.waitFor(() => expect(permissionRequests(h).map((request) => request.method)).toEqual(["PUT", "DELETE"]), wait);
      await vi.waitFor(() => expect(echoOverwrites(h).some((overwrite) => overwrite.id === h.guild.id)).toBe(false), wait);
      expect(errors).toEqual([]);
    });

    it("an overwrite in the channel allowing the bot MANAGE_ROLES lets it change bits it lacks guild-wide", async () => {
      const { h, errors } = await start({
        prepare: withoutSend((guild, botRole) => {
          botRole.permissions &= ~Permissions.MANAGE_ROLES;
          const echo = guild.channels.find((channel) => channel.name === "echo")!;
          echo.overwrites.find((overwrite) => overwrite.id === botRole.id)!.allow |= Permissions.MANAGE_ROLES;
        }),
      });
      h.game.emit("echo", "mute-echo", []);
      await vi.waitFor(() => expect(echoOverwrites(h)).toContainEqual({ id: h.guild.id, type: "role", allow: 0n, deny: Permissions.SEND_MESSAGES }), wait);
      expect(errors).toEqual([]);
    });

    it("a -m whose restore would change a bit the bot no longer holds makes no REST call and reports it; a later -m restores once it holds the bit again", async () => {
      const previous = { allow: Permissions.SEND_MESSAGES, deny: Permissions.EMBED_LINKS };
      const { h, errors } = await start({ prepare: setUp(previous) });
      const before = echoOverwrites(h);
      const everyoneRole = h.guild.roles.find((role) => role.id === h.guild.id)!;
      const botRole = h.guild.roles.find((role) => h.bot.roles.includes(role.id) && role.managed)!;
      const [everyoneBits, botBits] = [everyoneRole.permissions, botRole.permissions];
      h.game.emit("echo", "mute-echo", []);
      await vi.waitFor(() => expect(echoOverwrites(h)).toContainEqual({ id: h.guild.id, type: "role", allow: 0n, deny: Permissions.EMBED_LINKS | Permissions.SEND_MESSAGES }), wait);
      await updateRole(h, everyoneRole, everyoneBits & ~Permissions.SEND_MESSAGES);
      await updateRole(h, botRole, botBits & ~Permissions.SEND_MESSAGES);
      h.game.emit("echo", "unmute-echo", []);
      await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(["BRIDGE_PERMISSION_MISSING"]), wait);
      expect(errors[0]).toMatchObject({ tag: "unmute-echo", channel: h.echo });
      expect(errors[0]!.message).toContain("may not change SEND_MESSAGES");
      expect(permissionRequests(h)).toHaveLength(1);
      await updateRole(h, botRole, botBits);
      h.game.emit("echo", "unmute-echo", []);
      await vi.waitFor(() => expect(echoOverwrites(h)).toEqual(before), wait);
      expect(permissionRequests(h).map((request) => request.method)).toEqual(["PUT", "PUT"]);
      expect(errors).toHaveLength(1);
    });

    it("a -m after the bot lost MANAGE_ROLES makes no REST call and reports BRIDGE_PERMISSION_MISSING (not a failed request)", async () => {
      const { h, errors } = await start({ prepare: setUp(undefined) });
      const botRole = h.guild.roles.find((role) => h.bot.roles.includes(role.id) && role.managed)!;
      h.game.emit("echo", "mute-echo", []);
      await vi.waitFor(() => expect(permissionRequests(h)).toHaveLength(1), wait);
      await vi.waitFor(() => expect(h.bridge.tracker.getChannel(h.echo)!.overwrites.some((overwrite) => overwrite.id === h.guild.id)).toBe(true), wait);
      await updateRole(h, botRole, botRole.permissions & ~Permissions.MANAGE_ROLES);
      h.game.emit("echo", "unmute-echo", []);
      await vi.waitFor(() => expect(errors.map((error) => error.code)).toEqual(["BRIDGE_PERMISSION_MISSING"]), wait);
      expect(errors[0]!.message).toContain("lacks MANAGE_ROLES in the echo channel");
      expect(permissionRequests(h)).toHaveLength(1);
    });
  });
});

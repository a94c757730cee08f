import { afterEach, describe, expect, it, vi } from "vitest";
import { loadFormats, mergeFormats } from "../src/formats.js";
import { defaultFormats } from "../src/defaultFormats.js";
import { startHarness, type Harness } from "./support/harness.js";
import { CALLS, LVP_FILE, LVP_JSON } from "./support/lvpCalls.js";

const wait = { timeout: 8000, interval: 10 };
let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("Bridge with LVP's irc_messages.json", () => {
  it("posts every one of the 51 tags from LVP's positional calls, mention-proof, to the mapped channels", async () => {
    // The harness guild has an echo and an admin channel: VIP and management lines go to admin here.
    const formats = await loadFormats(LVP_FILE, { audiences: { vips: "admin", management: "admin" }, channels: { "#LVP.Management": "admin" } });
    const h = (harness = await startHarness({ bridge: { formats } }));
    for (const [tag, params] of Object.entries(CALLS)) h.game.emit("echo", tag, params);
    // NOTICE (chat-irc-notice) and MODE (mute-echo, unmute-echo) are not lines for a channel.
    const lines = Object.keys(LVP_JSON).length - 3;
    await vi.waitFor(() => expect(h.bridge.summary().gameToDiscord).toMatchObject({ delivered: lines, queued: 0 }), wait);
    const echo = h.posted(h.echo).join("\n");
    const admin = h.posted(h.admin).join("\n");
    for (const content of [echo, admin]) {
      expect(content).not.toMatch(/%[sdf$%{]/);
      expect(content).not.toMatch(/<(color|prefix|target|command)\b/);
      expect(content).not.toMatch(/\{[0-9A-Fa-f]{6}\}/);
      expect(content).not.toMatch(/@(everyone|here)/);
      expect(content).not.toMatch(/<[@#]/);
    }
    expect(echo).toContain("has bought the Four Dragons Casino property for $2,500,000.");
    expect(echo).toContain("\\[12\\] \\*\\*\\* @\u200Beveryone has joined the game.");
    expect(admin).toContain("Admin chat \\[3\\] Russell: check \\<\u200B@&987654321098765432\\> now");
    expect(admin).toContain("Report from Luce (Id:12) about @\u200Beveryone (Id:13): cheating");
    expect(echo).not.toContain("Admin chat");
    expect(echo).not.toContain("IP address");
    // NOTICE is a direct message; "DiscordUser" names no member of the harness guild.
    expect(h.log.join("\n")).toContain('BRIDGE_RECIPIENT_UNRESOLVED echo "chat-irc-notice" is a direct message to "DiscordUser", which names no member');
    // MODE is carried out: the echo channel's relay into the game is muted, then unmuted.
    expect(h.log.join("\n")).toContain('channel role echo muted (+m) by echo "mute-echo"');
    expect(h.log.join("\n")).toContain('channel role echo unmuted (-m) by echo "unmute-echo"');
  });

  it("reports a call with too few parameters as BRIDGE_ECHO_INVALID and goes on", async () => {
    const formats = mergeFormats(defaultFormats, await loadFormats(LVP_FILE));
    const h = (harness = await startHarness({ bridge: { formats } }));
    const errors: unknown[] = [];
    h.bridge.on("error", (error) => errors.push(error));
    h.game.emit("echo", "kill", ["Victim", 2]);
    h.game.emit("echo", "join", [3, "Gunther"]);
    await vi.waitFor(() => expect(h.posted(h.echo)).toHaveLength(1), wait);
    expect(h.posted(h.echo)[0]).toBe("\\[3\\] \\*\\*\\* Gunther has joined the game.");
    expect(errors).toEqual([expect.objectContaining({ code: "BRIDGE_ECHO_INVALID", tag: "kill", field: "params" })]);
  });
});

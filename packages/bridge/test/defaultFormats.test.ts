import { describe, expect, it } from "vitest";
import { DEFAULT_FORMATS_JSON, defaultFormats } from "../src/defaultFormats.js";
import { formatEcho } from "../src/formats.js";

describe("defaultFormats", () => {
  it("covers LVP's common tags", () => {
    expect([...defaultFormats.keys()]).toEqual(expect.arrayContaining(["chat", "chat-admin", "join", "quit", "kill", "kill-no-reason", "report", "notice-announce", "mute-echo", "unmute-echo"]));
    expect(Object.keys(DEFAULT_FORMATS_JSON)).toHaveLength(defaultFormats.size);
  });

  it("never drops administrator traffic or reports", () => {
    expect(formatEcho("chat-admin", [1, "Luce", "ok"], defaultFormats)).toMatchObject({ channel: "admin", priority: "admin" });
    expect(formatEcho("report", ["A", 1, "B", 2, "x"], defaultFormats)).toMatchObject({ channel: "reports", priority: "admin" });
    expect(formatEcho("chat-irc", ["#LVP.Crew", "A", 1, "x"], defaultFormats)).toMatchObject({ channel: "admin", priority: "admin" });
  });

  it("coalesces joins, quits and kills", () => {
    expect(defaultFormats.get("join")?.coalesce).toBe("joins");
    expect(defaultFormats.get("quit")?.coalesce).toBe("quits");
    expect(defaultFormats.get("kill")?.coalesce).toBe("kills");
  });

  // Regression: LVP's own positional calls rendered as "**?** joined the server" with the named-field defaults.
  it.each([
    ["chat", [1, "Russell", "hi *all*"], "**Russell**: hi \\*all\\*"],
    ["chat-admin", [1, "Luce", "ok"], "🛡️ **Luce**: ok"],
    ["join", [1, "Gunther"], "➡️ **Gunther** joined the server"],
    ["quit", [1, "Gunther", "timeout"], "⬅️ **Gunther** left the server (timeout)"],
    ["quit-reason", [1, "Gunther", "kicked", "spam"], "⬅️ **Gunther** left the server (kicked): spam"],
    ["kill", ["B", 2, "A", 1, "M4"], "💀 **A** killed **B** (M4)"],
    ["kill-no-reason", ["B", 2, "A", 1], "💀 **A** killed **B**"],
    ["death", ["B"], "💀 **B** died"],
    ["report", ["A", 1, "B", 2, "cheating"], "🚩 **A** reported **B** (id 2): cheating"],
    ["notice-announce", ["event at 8"], "📢 event at 8"],
    ["achievement", ["Luce", 12, "Road Warrior"], "🏆 **Luce** earned the achievement **Road Warrior**"],
    ["chat-irc", ["#LVP.Management", "Luce", 12, "hi"], "Luce (id 12): hi"],
  ])("formats LVP's positional %s call", (tag, params, text) => {
    expect(formatEcho(tag, params, defaultFormats)).toMatchObject({ text });
  });

  it("sends chat-irc-notice as a direct message and mute-echo/unmute-echo as modes", () => {
    expect(formatEcho("chat-irc-notice", ["someone", "Luce", 12, "hi"], defaultFormats)).toMatchObject({ kind: "notice", recipient: "someone", text: "Luce (id 12): hi" });
    expect(formatEcho("mute-echo", [], defaultFormats)).toEqual({ kind: "mode", channel: "echo", mute: true });
    expect(formatEcho("unmute-echo", [], defaultFormats)).toEqual({ kind: "mode", channel: "echo", mute: false });
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_FORMATS_JSON, defaultFormats } from "../src/defaultFormats.js";
import { formatEcho } from "../src/formats.js";

describe("defaultFormats", () => {
  it("covers the common tags", () => {
    expect([...defaultFormats.keys()].sort()).toEqual(["adminChat", "announcement", "chat", "join", "kill", "quit", "report"]);
    expect(Object.keys(DEFAULT_FORMATS_JSON)).toHaveLength(defaultFormats.size);
  });

  it("never drops administrator traffic or reports", () => {
    expect(defaultFormats.get("adminChat")).toMatchObject({ channel: "admin", priority: "admin" });
    expect(defaultFormats.get("report")).toMatchObject({ channel: "reports", priority: "admin" });
  });

  it("coalesces joins, quits and kills", () => {
    expect(defaultFormats.get("join")?.coalesce).toBe("joins");
    expect(defaultFormats.get("quit")?.coalesce).toBe("quits");
    expect(defaultFormats.get("kill")?.coalesce).toBe("kills");
  });

  it.each([
    ["chat", { id: 1, name: "Russell", text: "hi *all*" }, "**Russell**: hi \\*all\\*"],
    ["adminChat", { id: 1, name: "Luce", text: "ok" }, "🛡️ **Luce**: ok"],
    ["join", { id: 1, name: "Gunther" }, "➡️ **Gunther** joined the server"],
    ["quit", { id: 1, name: "Gunther", reason: "timeout" }, "⬅️ **Gunther** left the server (timeout)"],
    ["kill", { killerId: 1, killer: "A", victimId: 2, victim: "B", weapon: "M4" }, "💀 **A** killed **B** (M4)"],
    ["report", { id: 1, name: "A", targetId: 2, target: "B", reason: "cheating" }, "🚩 **A** reported **B** (id 2): cheating"],
    ["announcement", { text: "event at 8" }, "📢 event at 8"],
  ])("formats %s", (tag, fields, text) => {
    expect(formatEcho(tag, fields, defaultFormats)?.text).toBe(text);
  });
});

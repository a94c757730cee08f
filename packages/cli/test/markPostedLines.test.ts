import { describe, expect, it } from "vitest";
import { markPostedLines } from "../src/markPostedLines.js";

function recorder(): { posted: string[]; rest: Parameters<typeof markPostedLines>[0] } {
  const posted: string[] = [];
  return {
    posted,
    rest: {
      createMessage: (_channel, body) => {
        posted.push(body.content);
        return Promise.resolve({ id: String(posted.length) });
      },
      createReaction: () => Promise.resolve(),
      createDM: (userId) => Promise.resolve({ id: `dm-${userId}` }),
      editChannelPermissions: () => {
        posted.push("permissions changed");
        return Promise.resolve();
      },
      deleteChannelPermission: () => {
        posted.push("permissions changed");
        return Promise.resolve();
      },
    },
  };
}

describe("markPostedLines", () => {
  it("marks every line of a message", async () => {
    const { posted, rest } = recorder();
    await markPostedLines(rest).createMessage("1", { content: "**a** joined\n**b** left", allowed_mentions: { parse: [] } });
    expect(posted).toEqual(["[simulated] **a** joined\n[simulated] **b** left"]);
  });

  it("splits what the mark makes too long, in order, every piece within 2000 characters and every line marked", async () => {
    const { posted, rest } = recorder();
    const lines = Array.from({ length: 40 }, (_, index) => `line ${index} ${"x".repeat(40)}`);
    await markPostedLines(rest).createMessage("1", { content: lines.join("\n"), allowed_mentions: { parse: [] } });
    expect(posted.length).toBeGreaterThan(1);
    for (const piece of posted) expect(piece.length).toBeLessThanOrEqual(2000);
    const received = posted.join("\n").split("\n");
    expect(received).toEqual(lines.map((line) => `[simulated] ${line}`));
  });

  it("opens DM channels as the client does, but never changes a guild's permissions for the simulated game", async () => {
    const { posted, rest } = recorder();
    const marked = markPostedLines(rest);
    expect(await marked.createDM("42")).toEqual({ id: "dm-42" });
    await expect(marked.editChannelPermissions("1", "2", { type: 0, allow: "0", deny: "2048" })).rejects.toThrow(/simulated game/);
    await expect(marked.deleteChannelPermission("1", "2")).rejects.toThrow(/simulated game/);
    expect(posted).toEqual([]);
  });
});

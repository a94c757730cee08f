import { describe, expect, it } from "vitest";
import { FakeRestRouter } from "../src/FakeRestRouter.js";

const ok = () => ({ status: 200 });

describe("FakeRestRouter", () => {
  it("matches patterns segment by segment and passes :params (decoded)", () => {
    const router = new FakeRestRouter()
      .add("GET", "/gateway", ok, { auth: false })
      .add("PUT", "/channels/:channelId/messages/:messageId/reactions/:emoji/@me", ok);
    const found = router.match("PUT", "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me");
    expect(found).toMatchObject({ kind: "found", params: { channelId: "1", messageId: "2", emoji: "👍" } });
    expect(router.match("GET", "/gateway/")).toMatchObject({ kind: "found", route: { pattern: "/gateway", auth: false } });
    expect(router.routes.map((route) => route.auth)).toEqual([false, true]);
  });

  it("tells a known path with another method (405) from an unknown one (404)", () => {
    const router = new FakeRestRouter().add("POST", "/channels/:channelId/messages", ok);
    expect(router.match("GET", "/channels/1/messages")).toEqual({ kind: "method-not-allowed" });
    expect(router.match("POST", "/channels/1")).toEqual({ kind: "not-found" });
    expect(router.match("POST", "/channels/1/messages/2")).toEqual({ kind: "not-found" });
    expect(router.match("POST", "/channels/%E0%A4%A/messages")).toEqual({ kind: "not-found" });
  });
});

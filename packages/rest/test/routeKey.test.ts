import { describe, expect, it } from "vitest";
import { routeKey } from "../src/routeKey.js";

describe("routeKey", () => {
  it("keeps the major parameter and replaces other ids", () => {
    expect(routeKey("post", "/channels/123456789012345678/messages")).toEqual({
      route: "/channels/123456789012345678/messages",
      major: "123456789012345678",
      key: "POST /channels/123456789012345678/messages",
    });
    expect(routeKey("PATCH", "/channels/123456789012345678/messages/223456789012345678").route).toBe("/channels/123456789012345678/messages/:id");
    expect(routeKey("GET", "/guilds/323456789012345678/members/423456789012345678")).toMatchObject({
      route: "/guilds/323456789012345678/members/:id",
      major: "323456789012345678",
    });
  });

  it("normalises every reaction route of a channel to one", () => {
    const a = routeKey("PUT", "/channels/1/messages/223456789012345678/reactions/%F0%9F%91%8D/@me");
    const b = routeKey("PUT", "/channels/1/messages/323456789012345678/reactions/name:423456789012345678/@me");
    expect(a.route).toBe("/channels/1/messages/:id/reactions");
    expect(a.key).toBe(b.key);
    expect(routeKey("DELETE", "/channels/1/messages/2/reactions").key).toBe("DELETE /channels/1/messages/2/reactions");
  });

  it("hides webhook tokens, ignores the query, and has no major parameter for global routes", () => {
    expect(routeKey("POST", "/webhooks/523456789012345678/s3cr3t-webhook-token?wait=true")).toEqual({
      route: "/webhooks/523456789012345678/:token",
      major: "523456789012345678",
      key: "POST /webhooks/523456789012345678/:token",
    });
    expect(routeKey("GET", "/gateway/bot")).toEqual({ route: "/gateway/bot", major: "", key: "GET /gateway/bot" });
    expect(routeKey("GET", "/users/@me/guilds")).toMatchObject({ route: "/users/@me/guilds", major: "" });
  });
});

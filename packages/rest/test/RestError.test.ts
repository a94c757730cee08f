import { describe, expect, it } from "vitest";
import { RestError } from "../src/RestError.js";

describe("RestError", () => {
  it("has a stable code, a name, the request's details and the cause", () => {
    const cause = new Error("socket hang up");
    const error = new RestError("REST_HTTP_ERROR", "POST /channels/1/messages: HTTP 404", {
      status: 404,
      discordCode: 10003,
      discordMessage: "Unknown Channel",
      method: "POST",
      route: "/channels/1/messages",
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "RestError", code: "REST_HTTP_ERROR", status: 404, discordCode: 10003, discordMessage: "Unknown Channel", method: "POST", route: "/channels/1/messages" });
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe("RestError: POST /channels/1/messages: HTTP 404");
  });

  it("leaves the details undefined when not given, and has no cause", () => {
    const error = new RestError("REST_DESTROYED", "destroyed");
    expect([error.status, error.discordCode, error.method, error.route, error.errors]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect("cause" in error).toBe(false);
  });
});

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

  describe("is", () => {
    it("recognises a RestError, and one with a given code", () => {
      const error = new RestError("REST_TIMEOUT", "slow");
      expect(RestError.is(error)).toBe(true);
      expect(RestError.is(error, "REST_TIMEOUT")).toBe(true);
      expect(RestError.is(error, "REST_ABORTED")).toBe(false);
    });

    it("recognises an error of another copy of the package by its shape", () => {
      class RestErrorCopy extends Error {
        override readonly name = "RestError";
        constructor(readonly code: string) {
          super("from another copy");
        }
      }
      const copy: unknown = new RestErrorCopy("REST_HTTP_ERROR");
      expect(copy instanceof RestError).toBe(false);
      expect(RestError.is(copy)).toBe(true);
      expect(RestError.is(copy, "REST_HTTP_ERROR")).toBe(true);
      expect(RestError.is(copy, "REST_UNAUTHORIZED")).toBe(false);
      if (RestError.is(copy)) expect(copy.code).toBe("REST_HTTP_ERROR"); // narrowed
    });

    it("refuses other values: other errors, look-alikes with unknown codes, primitives", () => {
      const gateway = Object.assign(new Error("x"), { code: "GATEWAY_CLOSED" });
      const renamed = Object.assign(new Error("x"), { name: "RestError", code: "NOT_A_CODE" });
      const noCode = Object.assign(new Error("x"), { name: "RestError" });
      for (const value of [gateway, renamed, noCode, new Error("plain"), null, undefined, "RestError", 42, { name: "RestError", code: 1 }]) {
        expect(RestError.is(value)).toBe(false);
      }
      expect(RestError.is({ name: "RestError", code: "REST_DESTROYED", message: "plain object" })).toBe(true);
    });
  });
});

describe("RestError: the shape every package's error shares", () => {
  it("is() is a type guard on the class, optionally narrowed to one code", () => {
    const error: unknown = new RestError("REST_TIMEOUT", "x");
    expect(RestError.is(error)).toBe(true);
    expect(RestError.is(error, "REST_TIMEOUT")).toBe(true);
    expect(RestError.is(error, "REST_ABORTED")).toBe(false);
    if (RestError.is(error, "REST_TIMEOUT")) expect(error.code).toBe("REST_TIMEOUT"); // narrowed: .code typed
    class Other extends Error {
      readonly code = "REST_TIMEOUT";
    }
    for (const value of [new Error("x"), new Other("x"), { code: "REST_TIMEOUT" }, "REST_TIMEOUT", null, undefined, 0]) {
      expect(RestError.is(value)).toBe(false);
      expect(RestError.is(value, "REST_TIMEOUT")).toBe(false);
    }
  });

  it("has its name, its code, and a cause only when one is given", () => {
    const cause = new Error("inner");
    const error = new RestError("REST_TIMEOUT", "x", { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RestError");
    expect(String(error)).toBe("RestError: x");
    expect(error.cause).toBe(cause);
    expect("cause" in new RestError("REST_TIMEOUT", "x")).toBe(false);
    expect("cause" in new RestError("REST_TIMEOUT", "x", { cause: undefined })).toBe(false);
  });
});

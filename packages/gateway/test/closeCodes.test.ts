import { GatewayCloseCodes } from "discord-api-types/v10";
import { GatewayCloseCodes as V6CloseCodes } from "discord-api-types/v6";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLOSE_CODES, classifyClose } from "../src/closeCodes.js";

describe("classifyClose", () => {
  it.each([
    [4000, "resume"],
    [4001, "resume"],
    [4002, "resume"],
    [4003, "identify"],
    [4005, "resume"],
    [4007, "identify"],
    [4008, "resume"],
    [4009, "identify"],
    [1000, "identify"],
    [1001, "identify"],
    [1006, "resume"],
  ] as const)("%i → %s", (code, action) => {
    const verdict = classifyClose(code);
    expect(verdict.action).toBe(action);
    expect(verdict.error).toBeUndefined();
    expect(verdict.description.length).toBeGreaterThan(0);
  });

  it.each([
    [4004, "GATEWAY_AUTHENTICATION_FAILED"],
    [4010, "GATEWAY_INVALID_SHARD"],
    [4011, "GATEWAY_SHARDING_REQUIRED"],
    [4012, "GATEWAY_INVALID_API_VERSION"],
    [4013, "GATEWAY_INVALID_INTENTS"],
    [4014, "GATEWAY_DISALLOWED_INTENTS"],
  ] as const)("%i is fatal with %s", (code, error) => {
    expect(classifyClose(code)).toMatchObject({ action: "fatal", error });
  });

  it("resumes on unknown 4xxx codes, 4006 included", () => {
    for (const code of [4006, 4015, 4100, 4999]) {
      expect(classifyClose(code).action).toBe("resume");
      expect(classifyClose(code).error).toBeUndefined();
    }
  });

  it("resumes on other codes (network, TLS, server errors)", () => {
    for (const code of [1002, 1005, 1011, 1012, 1013, 1014, 1015, 3000, 0]) {
      expect(classifyClose(code).action).toBe("resume");
    }
  });

  it("covers every code 4000–4014 in the table", () => {
    const codes = CLOSE_CODES.map((info) => info.code);
    for (let code = 4000; code <= 4014; code++) expect(codes).toContain(code);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("sets error exactly on fatal rows, and the table agrees with classifyClose", () => {
    for (const info of CLOSE_CODES) {
      expect(info.error !== undefined).toBe(info.action === "fatal");
      expect(classifyClose(info.code)).toMatchObject({ action: info.action, description: info.description });
    }
  });

  it("names a fatal verdict for every non-reconnectable code of discord-api-types, v6 and v10", () => {
    const fatal = [
      GatewayCloseCodes.AuthenticationFailed,
      GatewayCloseCodes.InvalidShard,
      GatewayCloseCodes.ShardingRequired,
      GatewayCloseCodes.InvalidAPIVersion,
      GatewayCloseCodes.InvalidIntents,
      GatewayCloseCodes.DisallowedIntents,
    ];
    const fatalV6 = [
      V6CloseCodes.AuthenticationFailed,
      V6CloseCodes.InvalidShard,
      V6CloseCodes.ShardingRequired,
      V6CloseCodes.InvalidAPIVersion,
      V6CloseCodes.InvalidIntents,
      V6CloseCodes.DisallowedIntents,
    ];
    expect(fatalV6.map(Number)).toEqual(fatal.map(Number));
    expect(CLOSE_CODES.filter((info) => info.action === "fatal").map((info) => info.code)).toEqual(fatal);
  });

  it("returns shared frozen objects", () => {
    expect(classifyClose(4000)).toBe(classifyClose(4000));
    expect(classifyClose(4100)).toBe(classifyClose(4200));
    expect(Object.isFrozen(classifyClose(4004))).toBe(true);
    expect(Object.isFrozen(CLOSE_CODES)).toBe(true);
  });

  it("agrees with the README's close code table", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const rows = new Map<number, string>();
    for (const match of readme.matchAll(/^\| (\d{4}) \| [^|]+\| \**(resume|identify|fatal)\**[^|]*\| `?([A-Z_]*)`? *\|$/gm)) {
      rows.set(Number(match[1]), `${match[2]} ${match[3]}`);
    }
    expect([...rows.keys()]).toEqual(CLOSE_CODES.map((info) => info.code));
    for (const info of CLOSE_CODES) expect(rows.get(info.code)).toBe(`${info.action} ${info.error ?? ""}`);
  });
});

import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/rest", () => {
  it("exports its public API, and none of the rate-limit machinery", () => {
    expect(Object.keys(api).sort()).toEqual(["DiscordRest", "RestError", "VERSION", "codePointLength", "splitMessage"]);
  });
});

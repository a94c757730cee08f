import { describe, expect, it } from "vitest";
import { parseJson } from "../src/parseJson.js";

function position(text: string): { line: number | undefined; column: number | undefined; message: string } {
  try {
    parseJson(text, "x.json");
  } catch (error) {
    const { line, column, message } = error as { line: number; column: number; message: string };
    return { line, column, message };
  }
  throw new Error("expected a syntax error");
}

describe("parseJson", () => {
  it("parses valid JSON", () => {
    expect(parseJson('{"a": [1, "b", null]}', "x.json")).toEqual({ a: [1, "b", null] });
  });

  it.each([
    ['{"a": 1,}', 1, 9],
    ['{\n  "a": tru\n}', 2, 11],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ['{"a": "b', 1, 9],
    ["", 1, 1],
    ["[1, 2", 1, 6],
    ['{"a": 1} x', 1, 10],
    ['{"a": "\\q"}', 1, 9],
    ["{\r\n  'a': 1\r\n}", 2, 3],
  ])("locates the error in %j at %i:%i", (text, line, column) => {
    const found = position(text);
    expect(found).toEqual({ line, column, message: `x.json is not valid JSON (line ${line}, column ${column})` });
  });

  it("never quotes the source, which may hold the token", () => {
    const found = position('{"token": "secret-token" oops}');
    expect(found.message).not.toContain("secret-token");
  });
});

import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Secret } from "../src/index.js";

const VALUE = "Bot.token-NEVER-PRINT-0000";

describe("Secret", () => {
  it("shows [redacted] in every rendering and reveals only through reveal()", () => {
    const secret = new Secret(VALUE);
    // The point here is what a careless template literal or concatenation shows.
    /* eslint-disable @typescript-eslint/restrict-template-expressions, @typescript-eslint/restrict-plus-operands */
    expect([
      String(secret),
      `${secret}`,
      secret + "",
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ secret }),
      inspect(secret, { showHidden: true, depth: 10 }),
      secret.toJSON(),
    ]).toEqual([
      "[redacted]",
      "[redacted]",
      "[redacted]",
      '{"secret":"[redacted]"}',
      "Secret [redacted]",
      "{ secret: Secret [redacted] }",
      "Secret [redacted]",
      "[redacted]",
    ]);
    /* eslint-enable @typescript-eslint/restrict-template-expressions, @typescript-eslint/restrict-plus-operands */
    expect(secret.reveal()).toBe(VALUE);
  });

  it("is lost by spread, Object.values and structuredClone", () => {
    const secret = new Secret(VALUE);
    expect(Object.values(secret)).toEqual([]);
    expect({ ...secret }).toEqual({});
    const cloned = structuredClone({ secret }).secret;
    expect(Object.keys(cloned)).toEqual([]);
    expect(JSON.stringify(cloned)).not.toContain(VALUE);
  });

  it("isSecret tells a Secret from a clone or a look-alike", () => {
    const secret = new Secret(VALUE);
    expect(Secret.isSecret(secret)).toBe(true);
    expect(Secret.isSecret(structuredClone(secret))).toBe(false);
    expect(Secret.isSecret({ reveal: () => VALUE })).toBe(false);
    expect([null, undefined, VALUE].map((value) => Secret.isSecret(value))).toEqual([false, false, false]);
  });

  it("isEmpty is true only for the empty string", () => {
    expect(new Secret("").isEmpty).toBe(true);
    expect(new Secret(" ").isEmpty).toBe(false);
    expect(new Secret(VALUE).isEmpty).toBe(false);
  });

  it("turns to [redacted] where a primitive is wanted", () => {
    const secret = new Secret(VALUE);
    expect(Number.isNaN(Number(secret))).toBe(true);
    expect((secret as unknown as { [Symbol.toPrimitive](hint: string): string })[Symbol.toPrimitive]("number")).toBe("[redacted]");
  });
});

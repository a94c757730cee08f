import { describe, expect, it } from "vitest";
import { encodeEmoji } from "../src/encodeEmoji.js";

describe("encodeEmoji", () => {
  it("URL-encodes Unicode emoji (with modifiers, flags, keycaps, ZWJ sequences)", () => {
    for (const emoji of ["👍", "👍🏽", "🇳🇱", "1️⃣", "👨‍👩‍👧", "❤️"]) {
      expect(encodeEmoji(emoji)).toBe(encodeURIComponent(emoji));
      expect(decodeURIComponent(encodeEmoji(emoji))).toBe(emoji);
    }
  });

  it("keeps custom emoji as name:id, also from their mention forms", () => {
    expect(encodeEmoji("lvp:123456789012345678")).toBe("lvp:123456789012345678");
    expect(encodeEmoji("<:lvp:123>")).toBe("lvp:123");
    expect(encodeEmoji("<a:dance_2:456>")).toBe("dance_2:456");
    expect(encodeEmoji("a:dance:456")).toBe("dance:456");
  });
});

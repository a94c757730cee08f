import { expect, it } from "vitest";
import { placeholder } from "../src/index.js";
it("loads", () => expect(placeholder).toBe(1));

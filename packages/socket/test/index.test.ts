import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/socket", () => {
  it("exports its public API only: no machinery, no clock at runtime, nothing of the transport", () => {
    expect(Object.keys(api).sort()).toEqual(["ReconnectingSocket", "SocketError"]);
  });
});

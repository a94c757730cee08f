import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";

describe("@nuwani/bridge", () => {
  it("exports its public API", () => {
    expect(Object.keys(api).sort()).toEqual([
      "Bridge",
      "BridgeError",
      "CommandRegistry",
      "DEFAULT_FORMATS_JSON",
      "DEFAULT_INTENTS",
      "ECHO_PRIORITIES",
      "GAME_LINE_LENGTH",
      "LVP_AUDIENCE_CHANNELS",
      "LVP_CHANNELS",
      "LVP_PRIORITIES",
      "Outbox",
      "PLAYER_LEVELS",
      "SimulatedGameServer",
      "TOKEN_ENVIRONMENT_VARIABLE",
      "defaultCommands",
      "defaultFormats",
      "escapeForDiscord",
      "formatDiscordChat",
      "formatEcho",
      "formatLvp",
      "hasLevel",
      "isRetryableSendError",
      "loadConfig",
      "loadFormats",
      "mergeFormats",
      "parseCommand",
      "parseConfig",
      "parseFormats",
      "parsePawnEcho",
      "sanitizeForGame",
      "splitGameLines",
      "stripColourCodes",
      "stripControlCharacters",
      "systemClock",
    ]);
  });
});

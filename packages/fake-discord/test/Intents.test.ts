import { describe, expect, it } from "vitest";
import { intentForEvent, Intents, PRIVILEGED_INTENTS, validIntents } from "../src/Intents.js";

describe("Intents", () => {
  it("knows bits 0–14 on v6 and the later ones on v10", () => {
    expect(validIntents(6)).toBe(0x7fff);
    expect(validIntents(10) & Intents.MESSAGE_CONTENT).toBe(Intents.MESSAGE_CONTENT);
    expect(validIntents(6) & Intents.MESSAGE_CONTENT).toBe(0);
    expect(PRIVILEGED_INTENTS).toBe(Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.MESSAGE_CONTENT);
  });

  it("maps events to the guild or direct-message intent, and unknown events to none", () => {
    expect(intentForEvent("MESSAGE_CREATE", true)).toBe(Intents.GUILD_MESSAGES);
    expect(intentForEvent("MESSAGE_CREATE", false)).toBe(Intents.DIRECT_MESSAGES);
    expect(intentForEvent("PRESENCE_UPDATE", true)).toBe(Intents.GUILD_PRESENCES);
    expect(intentForEvent("TYPING_START", false)).toBe(Intents.DIRECT_MESSAGE_TYPING);
    expect(intentForEvent("USER_UPDATE", false)).toBe(0);
  });
});

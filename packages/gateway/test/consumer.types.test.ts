/**
 * What a bot author writes, importing only `@nuwani/gateway` (its entry point, src/index.ts):
 * Discord's event names, intents and payload types come from the same import, so the listener
 * types cannot skew from a separately installed discord-api-types. `tsc` (the `typecheck`
 * task) checks the types; vitest runs the runtime half.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  GatewayConnection,
  GatewayDispatchEvents,
  GatewayIntentBits,
  type GatewayDispatch,
  type GatewayMessageCreateDispatchData,
  type v6,
  v10,
} from "../src/index.js";
import { ScriptedTransport } from "./support/ScriptedTransport.js";

describe("a bot author's single import", () => {
  it("narrows a dispatch listener to GatewayMessageCreateDispatchData for MESSAGE_CREATE", () => {
    const gateway = new GatewayConnection({
      token: "not-a-real-token",
      intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
      transport: new ScriptedTransport(),
    });
    const contents: string[] = [];
    gateway.on("dispatch", (payload) => {
      expectTypeOf(payload).toEqualTypeOf<GatewayDispatch>();
      expectTypeOf(payload).toEqualTypeOf<v10.GatewayDispatchPayload>();
      if (payload.t === GatewayDispatchEvents.MessageCreate) {
        expectTypeOf(payload.d).toEqualTypeOf<GatewayMessageCreateDispatchData>();
        expectTypeOf(payload.d.author.id).toEqualTypeOf<string>();
        contents.push(payload.d.content);
      }
    });
    // @ts-expect-error: a misspelled event name is a type error, not a silently dead listener.
    expectTypeOf<typeof GatewayDispatchEvents.MesageCreate>().toBeNever();

    gateway.emit("dispatch", {
      op: v10.GatewayOpcodes.Dispatch,
      t: GatewayDispatchEvents.MessageCreate,
      s: 1,
      d: { content: "hello", author: { id: "1" } } as GatewayMessageCreateDispatchData,
    });
    expect(contents).toEqual(["hello"]);
    gateway.destroy();
  });

  it("gives intents by name, with the values Discord documents", () => {
    expect(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers).toBe(0b11);
    expect(GatewayIntentBits.GuildMessages).toBe(1 << 9);
    expect(GatewayIntentBits.MessageContent).toBe(1 << 15);
    expect(v10.GatewayIntentBits).toBe(GatewayIntentBits);
  });

  it("types a v6 connection's dispatches with v6's payloads", () => {
    const gateway = new GatewayConnection({ token: "not-a-real-token", version: 6, transport: new ScriptedTransport() });
    gateway.on("dispatch", (payload) => {
      expectTypeOf(payload).toEqualTypeOf<v6.GatewayDispatchPayload>();
    });
    expect(gateway.listenerCount("dispatch")).toBe(1);
    gateway.destroy();
  });
});

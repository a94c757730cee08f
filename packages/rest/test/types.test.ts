import type { APIChannel, APIMessage, RESTGetAPIGatewayBotResult, RESTGetAPIGatewayResult } from "discord-api-types/v10";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type CreateMessageBody, DiscordRest } from "../src/index.js";
import { json, scriptedFetch } from "./support/scriptedFetch.js";

// Type-level tests: `pnpm typecheck` (tsc over test/) fails if a `@ts-expect-error` line compiles.
const CHANNEL = "123456789012345678";

function client(): { rest: DiscordRest; bodies: () => unknown[] } {
  const { fetch, calls } = scriptedFetch([json(200, { id: "1" })]);
  const rest = new DiscordRest({ token: "types.token", baseUrl: "http://discord.test/api", fetch });
  return { rest, bodies: () => calls.map((call) => (call.body === undefined ? undefined : (JSON.parse(call.body) as unknown))) };
}

describe("REST types (discord-api-types v10)", () => {
  it("createMessage's body is RESTPostAPIChannelMessageJSONBody: a misspelled field is a compile error", async () => {
    const { rest, bodies } = client();
    // @ts-expect-error `contnet` is not a field of a message
    await rest.createMessage(CHANNEL, { contnet: "typo" });
    // @ts-expect-error `embeds` holds embeds, not strings
    await rest.createMessage(CHANNEL, { embeds: ["not an embed"] });
    // @ts-expect-error `allowed_mentions.parse` takes "roles" | "users" | "everyone"
    await rest.createMessage(CHANNEL, { content: "x", allowed_mentions: { parse: ["channels"] } });
    await rest.createMessage(CHANNEL, { content: "ok", tts: false, allowed_mentions: { parse: ["users"], replied_user: false }, embeds: [{ title: "t" }] });
    const body: CreateMessageBody = { content: "v6", embed: { description: "one embed" } };
    await rest.createMessage(CHANNEL, body);
    // The misspelled field still reaches Discord at run time (which refuses it): the guard is the compiler.
    expect(bodies()[0]).toEqual({ contnet: "typo", allowed_mentions: { parse: [] } });
    expect(bodies()).toHaveLength(5);
  });

  it("results are typed: APIMessage, APIChannel, the gateway results", () => {
    const { rest } = client();
    expectTypeOf(rest.createMessage).returns.resolves.toEqualTypeOf<APIMessage>();
    expectTypeOf(rest.createDM).returns.resolves.toExtend<APIChannel>();
    expectTypeOf(rest.getGatewayBot).returns.resolves.toEqualTypeOf<RESTGetAPIGatewayBotResult>();
    expectTypeOf(rest.getGateway).returns.resolves.toEqualTypeOf<RESTGetAPIGatewayResult>();
    expectTypeOf(rest.createReaction).returns.resolves.toBeVoid();
    expectTypeOf<CreateMessageBody>().not.toHaveProperty("anything");
    rest.destroy();
  });
});

import type { UserFixture } from "./GuildFixture.js";
import { snowflake } from "./snowflake.js";

/** The id of the default bot user: the same in every fake, so tests can hard-code it. */
export const DEFAULT_BOT_ID = snowflake(Date.UTC(2019, 0, 1), 1);

/**
 * The bot user the fake identifies clients as (READY's `user`): `Nuwani#0001` with
 * {@link DEFAULT_BOT_ID}, unless overridden.
 */
export function createBotUser(overrides: Partial<UserFixture> = {}): UserFixture {
  return {
    id: DEFAULT_BOT_ID,
    username: "Nuwani",
    discriminator: "0001",
    avatar: null,
    bot: true,
    globalName: null,
    ...overrides,
  };
}

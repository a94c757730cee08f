import { createGuild } from "@nuwani/fake-discord";
import type { GuildFixture } from "@nuwani/fake-discord";
import { DiscordTracker } from "../../src/DiscordTracker.js";
import { BOT, guildCreate, ready } from "./payloads.js";

/** A tracker holding one small guild with hand-picked names. */
export function namedGuild(): { tracker: DiscordTracker; guild: GuildFixture } {
  const guild = createGuild({ bot: BOT, members: 6 });
  const [, owner, a, b, c, d] = guild.members;
  Object.assign(owner!.user, { username: "Russell", discriminator: "0042" });
  Object.assign(a!.user, { username: "Gunther", discriminator: "1111" });
  a!.nick = "Gunny";
  Object.assign(b!.user, { username: "gunther", discriminator: "2222" });
  Object.assign(c!.user, { username: "Luce", discriminator: "3333", globalName: "Lucy" });
  Object.assign(d!.user, { username: "Xanland", discriminator: "4444" });
  d!.nick = "Luce";
  const tracker = new DiscordTracker();
  tracker.handle(ready([guild], "s", 10));
  tracker.handle(guildCreate(guild, 10));
  return { tracker, guild };
}

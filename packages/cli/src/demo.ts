import { createGuild, FakeDiscord, type GuildFixture, type MemberFixture } from "@nuwani/fake-discord";
import { parseConfig, type EnabledBridgeConfig } from "@nuwani/bridge";

/** One step of the demo's Discord side, at `at` ms after the start (before scaling). */
export interface DemoStep {
  readonly at: number;
  /** What the CLI prints for it (a fault), if anything beyond the message itself. */
  readonly fault?: string;
  readonly run: (demo: Demo) => void;
}

/** The embedded fake Discord of `nuwani-discord --demo`, and who talks on it. */
export interface Demo {
  readonly discord: FakeDiscord;
  readonly guild: GuildFixture;
  readonly config: EnabledBridgeConfig;
  readonly channels: { readonly echo: string; readonly admin: string };
  readonly people: {
    readonly management: MemberFixture;
    readonly administrator: MemberFixture;
    readonly vip: MemberFixture;
    readonly players: readonly MemberFixture[];
    readonly bot: MemberFixture;
  };
  /** A Discord user says something in a channel (MESSAGE_CREATE from the fake). */
  say(author: MemberFixture, channelId: string, content: string, mentions?: readonly MemberFixture[]): void;
  stop(): Promise<void>;
}

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** Members of the demo guild (large, so the member sync shows progress). @defaultValue 2500 */
  readonly members?: number;
}

/** The name a member shows with. */
export function displayName(member: MemberFixture): string {
  return member.nick ?? member.user.globalName ?? member.user.username;
}

/**
 * Starts a fake Discord on 127.0.0.1 with a Las Venturas Playground guild: `#echo` and
 * `#admin`, the Management / Administrator / VIP roles mapped to levels, a few members with
 * each, and thousands of others (synced in chunks, so the sync shows progress). Its config
 * points the bridge at the fake (gateway and REST version 10).
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const guild = createGuild({ seed: 2026, members: options.members ?? 2500, online: 0.2 });
  const role = (name: string): string => guild.roles.find((entry) => entry.name === name)?.id ?? guild.id;
  // LVP's other audiences: #management and #vip (staff-only, like #admin), so every default channel resolves.
  const admin = guild.channels.find((entry) => entry.name === "admin");
  if (admin !== undefined) {
    for (const [offset, name] of ["management", "vip"].entries()) {
      guild.channels.push({ ...admin, id: String(BigInt(admin.id) + 100n + BigInt(offset)), name, position: guild.channels.length, overwrites: [...admin.overwrites] });
    }
  }
  const channel = (name: string): string => guild.channels.find((entry) => entry.name === name)?.id ?? "";
  const members = guild.members;
  const bot = members[0]!;
  const management = members[1]!;
  const administrator = members[2]!;
  const vip = members[3]!;
  const players = members.slice(4, 9);
  management.roles = [role("Management")];
  administrator.roles = [role("Administrator")];
  vip.roles = [role("VIP")];
  for (const player of players) player.roles = [];
  for (const member of [management, administrator, vip, ...players]) member.status = "online";

  const discord = new FakeDiscord({ guilds: [guild], heartbeatInterval: 5000, identifyWindow: 500 });
  await discord.start();
  const parsed = parseConfig(
    {
      discord: {
        token: discord.token,
        clientId: bot.user.id,
        endpoint: discord.gatewayUrl,
        api: discord.restUrl,
        version: 10,
        guild: guild.id,
        channels: { echo: "#echo", admin: "#admin" },
        levels: { Management: "management", Administrator: "administrator", VIP: "vip" },
        commandPrefix: "!",
      },
    },
    {},
  );
  if (!parsed.enabled) throw new Error("the demo configuration is enabled");
  return {
    discord,
    guild,
    config: parsed,
    channels: { echo: channel("echo"), admin: channel("admin") },
    people: { management, administrator, vip, players, bot },
    say(author, channelId, content, mentions = []) {
      discord.messageCreate({ channelId, author, content, mentions: mentions.map((member) => member.user) });
    },
    stop: () => discord.stop(),
  };
}

/** Length of {@link demoScript}'s timeline, in ms before scaling. */
export const DEMO_SCRIPT_LENGTH = 11_000;

/**
 * What happens on the Discord side of the demo: people talk in `#echo` (with the odd
 * injection attempt), commands at each level (allowed, denied, unknown), a mention of the
 * bot, a message in `#admin`, and one dropped gateway connection (the session resumes and
 * the message sent meanwhile is replayed).
 */
export function demoScript(demo: Demo): DemoStep[] {
  const { echo, admin } = demo.channels;
  const { management, administrator, vip, players, bot } = demo.people;
  const [a, b, c, d] = [players[0]!, players[1]!, players[2]!, players[3]!];
  return [
    { at: 600, run: (x) => x.say(a, echo, "hey everyone, anyone up for a race?") },
    { at: 1400, run: (x) => x.say(b, echo, `{FF0000}red text, **bold** and a ping for <@${management.user.id}>`, [management]) },
    { at: 2200, run: (x) => x.say(c, echo, "!players") },
    { at: 3000, run: (x) => x.say(d, echo, `<@${bot.user.id}> are you a bot?`, [bot]) },
    { at: 3800, run: (x) => x.say(a, echo, "!help") },
    { at: 4600, run: (x) => x.say(administrator, echo, "!say Event at the pirate ship in 5 minutes!") },
    { at: 5400, run: (x) => x.say(vip, echo, "!say I can announce too, right?") },
    { at: 6200, run: (x) => x.say(administrator, admin, "who is spectating id 3?") },
    { at: 7000, fault: "the gateway connection drops (TCP reset)", run: (x) => x.discord.gateway.faults.dropAll() },
    { at: 7100, run: (x) => x.say(c, echo, "did the bot just disconnect?") },
    { at: 8400, run: (x) => x.say(d, echo, "!admin someone is flying a car near the airport") },
    { at: 9200, run: (x) => x.say(b, echo, "!frobnicate") },
    { at: 10_000, run: (x) => x.say(management, echo, "!help") },
  ];
}

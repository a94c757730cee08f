// A JavaScript gamemode (Las Venturas Playground's, or an open.mp Node host) embedding the
// Discord bridge in its own process. The gamemode implements `GameServer`: it lists its
// players, shows lines to an audience, announces, mutes, and calls `echo(tag, ...params)` the
// way LVP's gamemode calls Nuwani's echo. The bridge does the rest.
//
// Run it: `node examples/in-process.mjs` (after `pnpm build`). It starts a fake Discord on
// 127.0.0.1 so that it runs anywhere; a real gamemode passes its own nuwani.json instead.

import { EventEmitter } from "node:events";
import { pathToFileURL } from "node:url";
import { Bridge, LevelLadder, parseConfig } from "@nuwani/bridge";

/** The gamemode's side of the `GameServer` contract. */
export class Gamemode extends EventEmitter {
  /** @type {Map<number, { id: number, name: string, level: string }>} */
  #players = new Map();
  /** @type {Map<number, number | undefined>} player id → muted until (ms), undefined = until unmuted */
  #muted = new Map();
  #ladder = new LevelLadder();
  /** What each player saw in game, for this example: `{ playerId, text }`. */
  shown = [];

  /** GameServer: the players online now. */
  players() {
    return [...this.#players.values()];
  }

  /** GameServer: shows one (already sanitised) line to an audience or one player. */
  deliver(target, text) {
    const { vip, administrator, management } = this.#ladder.roles;
    const minimum = { all: this.#ladder.lowest, vips: vip, administrators: administrator, management }[typeof target === "string" ? target : ""];
    for (const player of this.#players.values()) {
      const reaches = typeof target === "object" ? player.id === target.player : this.#ladder.atLeast(player.level, minimum);
      if (reaches) this.shown.push({ playerId: player.id, text }); // LVP: player.sendMessage(text)
    }
  }

  /** GameServer: a game-wide announcement (LVP's `!announce`). */
  announce(text) {
    for (const player of this.#players.values()) this.shown.push({ playerId: player.id, text: `*** Announcement: ${text}` });
    this.echo("notice-announce", text);
  }

  /** GameServer: mutes, as LVP's MuteManager keeps them. */
  mutes = {
    mute: (playerId, durationSeconds) => {
      this.#muted.set(playerId, durationSeconds === undefined ? undefined : Date.now() + durationSeconds * 1000);
    },
    unmute: (playerId) => {
      this.#muted.delete(playerId);
    },
    list: () =>
      [...this.#muted].flatMap(([id, until]) => {
        const player = this.#players.get(id);
        if (player === undefined || (until !== undefined && until <= Date.now())) return [];
        return [{ id, name: player.name, ...(until === undefined ? {} : { remainingSeconds: Math.ceil((until - Date.now()) / 1000) }) }];
      }),
  };

  /** The gamemode's echo, as LVP calls Nuwani's: a tag and positional parameters. */
  echo(tag, ...params) {
    this.emit("echo", tag, params);
  }

  // What the gamemode does anyway; the echo calls are LVP's own.
  onPlayerConnect(id, name, level = "player") {
    this.#players.set(id, { id, name, level });
    this.echo("join", id, name);
  }

  onPlayerText(id, text) {
    this.echo("chat", id, this.#players.get(id)?.name ?? "?", text);
  }
}

/**
 * Embeds the bridge: reads the `discord` section of nuwani.json (absent → Discord is off and
 * nothing connects) and starts it beside the gamemode.
 * @returns the running bridge, or `undefined` when Discord is off
 */
export async function embed(nuwaniJson, gamemode) {
  const config = parseConfig(nuwaniJson);
  if (!config.enabled) return undefined;
  for (const warning of config.warnings) console.warn(`[Discord] ${warning}`);
  const bridge = new Bridge({ config, game: gamemode });
  bridge.on("error", (error) => console.warn(`[Discord] ${error.code}: ${error.message}`));
  await bridge.start();
  return bridge;
}

/**
 * The example end to end on a fake Discord: a player joins and chats in game (both reach
 * #echo), a Discord member writes in #echo (it reaches the player in game).
 */
export async function main({ log = console.log } = {}) {
  const { FakeDiscord, createGuild } = await import("@nuwani/fake-discord");
  const guild = createGuild({ seed: 7, members: 10, channels: [{ name: "echo" }, { name: "crew" }, { name: "management" }, { name: "vip" }] });
  const discord = new FakeDiscord({ guilds: [guild] });
  await discord.start();
  const echo = guild.channels.find((channel) => channel.name === "echo").id;
  const gamemode = new Gamemode();
  // LVP's section is clientId, clientSecret, endpoint and token; `api` points REST at the fake.
  const nuwaniJson = {
    discord: { clientId: guild.members[0].user.id, clientSecret: "not-needed", endpoint: `${discord.gatewayUrl}?v=10`, api: discord.restUrl, token: discord.token },
  };
  const bridge = await embed(nuwaniJson, gamemode);
  try {
    // The guild's channels arrive with its GUILD_CREATE, maybe already during start().
    if (bridge.channels === undefined) await new Promise((resolve) => bridge.once("guildReady", resolve));
    const relayed = new Promise((resolve) => bridge.once("discordToGame", resolve));
    const sent = new Promise((resolve) => {
      let lines = 0;
      bridge.on("gameToDiscord", (event) => {
        lines += event.lines;
        if (lines >= 2) resolve();
      });
    });
    gamemode.onPlayerConnect(0, "Gunther");
    gamemode.onPlayerText(0, "hello Discord");
    discord.messageCreate({ channelId: echo, author: guild.members[4], content: "hello game" });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("the example timed out")), 5000);
    });
    await Promise.race([Promise.all([relayed, sent]), timeout]).finally(() => clearTimeout(timer));
    const posted = discord.postedMessages.filter((message) => message.channelId === echo).map((message) => message.content);
    log(`#echo on Discord: ${posted.join(" | ")}`);
    log(`in game: ${gamemode.shown.map((line) => line.text).join(" | ")}`);
    return { posted, shown: gamemode.shown.map((line) => line.text) };
  } finally {
    await bridge.stop();
    await discord.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// LVP's own file, read where it lies (never copied into the repository).
// test/support → packages/bridge → packages → the repository root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const LVP_FILE = resolve(repoRoot, "../shared/lvp/irc_messages.json");
export const LVP_TEXT = readFileSync(LVP_FILE, "utf8");
export const LVP_JSON = JSON.parse(LVP_TEXT) as Record<string, string>;

export type Param = string | number;

/**
 * Realistic calls of every tag, parameters in the order of LVP's call sites (JavaScript
 * `nuwani().echo(tag, ...)` and Pawn `EchoMessage(tag, "sdsdz", …)`), with hostile names and
 * text: mentions, markdown, SA-MP colour codes, big numbers and floats.
 */
export const CALLS: Record<string, Param[]> = {
  init: [],
  join: [12, "{FF0000}@everyone"],
  "join-sampcac": [13, "**Gunther**"],
  login: [14, "__Luce__"],
  guest: [15, "@here", "Guest_2500"],
  quit: [12, "@everyone", "timeout"],
  "quit-reason": [12, "**Gunther**", "kicked", "spam <@123456789012345678>"],
  "join-ip-gpci": ["**Gunther**", 13, "127.0.0.1", "ED5A9A8E0D8F9A8C"],
  chat: [12, "{00FF00}Luce", "hi @everyone **bold** `code`"],
  "chat-admin": [3, "Russell", "check <@&987654321098765432> now"],
  "chat-admin-irc": ["Nuwani_User", "from Discord ~~strike~~"],
  "chat-admin-offline": ["**Gunther**", 13, "is anyone there? @here"],
  "chat-call": ["Luce", 12, "Gunther", 13, "pick up {FFFFFF}now"],
  "chat-from-irc": ["@everyone", "> quoted # heading"],
  "chat-gang": ["[BB]Gang_*", 4, 12, "Luce", "meet at the base"],
  "chat-irc": ["#LVP.Crew", "Russell", 3, "crew message @everyone"],
  "chat-irc-notice": ["DiscordUser", "Gunther", 13, "Hey George!"],
  "chat-private": ["Luce", 12, "Gunther", 13, "secret ||spoiler||"],
  "chat-private-to-irc": ["Luce", 12, "DiscordUser", "yo"],
  "chat-private-irc": ["DiscordUser", "Gunther", 13, "yo back"],
  "chat-vip": [12, "Luce", "vip only"],
  "chat-vip-irc": ["DiscordUser", "vip from Discord"],
  "chat-world": [7, 12, "Luce", "world 7 chat"],
  "notice-admin": ["**Gunther** has been kicked"],
  "notice-announce": ["Event at the ship in 5 minutes! @everyone"],
  "notice-crew": ["Crew meeting at 20:00"],
  "notice-minigame": ["Luce", 12, "Haystack race"],
  "notice-minigame-win": ["Luce", 12, "Haystack race", 1, "st", ", 2,500,000 points"],
  "notice-report": ["Luce", 12, "Gunther", 13, "cheating *aimbot*"],
  "notice-say": ["Russell", "hello _all_"],
  achievement: ["Luce", 12, "Road Warrior"],
  status: [12, "Luce", "is now AFK"],
  report: ["Luce", 12, "@everyone", 13, "cheating"],
  death: ["**Gunther**"],
  kill: ["Victim_", 2, "Killer*", 1, "M4"],
  "kill-no-reason": ["Victim_", 2, "Killer*", 1],
  buy: ["Luce", 12, 2500000, "Four Dragons Casino"],
  sell: ["Luce", 12, 1250000.75, "Pirate Ship"],
  "sell-all": ["Luce", 12, 2500000],
  "fightclub-start": ["Luce", 12, "Gunther", 13],
  "fightclub-winner": ["Luce", 12, "Gunther", 13, 5, 3],
  "fightclub-draw": ["Luce", 12, "Gunther", 13],
  "reaction-calculate": ["12 * 3 - 4", 25000],
  "reaction-remember": [50000],
  "reaction-remember-2": [50000],
  "reaction-repeat": ["x_Y*z", 12500],
  "reaction-result": ["Luce", 12, 3.456],
  "reaction-unscramble": ["ghaysatck", 7500.9],
  "mute-echo": [],
  "unmute-echo": [],
  merchant: [2500000, "Infernus"],
};


import type { EchoParam } from "@nuwani/game";
import { ECHO_MARKER, parseEchoBody } from "./echoLine.js";

/** Why a player left (`[part] … (id:reason)`): 0 timeout/crash, 1 quit, 2 kick/ban. */
export type PartReason = 0 | 1 | 2;

/** One event a log line carries. Names and text are as the server wrote them (untrusted). */
export type LogEvent =
  | { readonly type: "chat"; readonly name: string; readonly text: string }
  | { readonly type: "join"; readonly id: number; readonly name: string }
  | { readonly type: "part"; readonly id: number; readonly name: string; readonly reason: PartReason }
  | { readonly type: "kill"; readonly killer: string; readonly victim: string; readonly weapon: string }
  | { readonly type: "death"; readonly name: string; readonly reason: number; readonly weapon: string }
  | { readonly type: "rcon-login"; readonly id: number; readonly name: string }
  | { readonly type: "rcon-login-failed"; readonly id: number; readonly name: string }
  | { readonly type: "rcon-command"; readonly name: string; readonly command: string }
  | { readonly type: "rcon-bad-attempt" }
  | { readonly type: "echo"; readonly tag: string; readonly params: readonly EchoParam[] };

// `[HH:MM:SS] ` (SA-MP `timestamp 1`, any `logtimeformat` of digits and punctuation) or
// `[2026-11-29T07:04:45+0000] ` (open.mp), then open.mp's optional level prefix.
const TIMESTAMP = /^\[[\d:./ TZ+,-]{5,40}\] /;
const LEVEL = /^\[(?:Info|Warning|Error|Debug|Message|Fatal)\] /;

/** Strips a timestamp and an open.mp level prefix from a log line. */
export function stripLogPrefix(line: string): string {
  let rest = line;
  const time = TIMESTAMP.exec(rest);
  if (time) rest = rest.slice(time[0].length);
  const level = LEVEL.exec(rest);
  if (level) rest = rest.slice(level[0].length);
  return rest;
}

/** SA-MP weapon / death reason ids (`[death] Name died <id>`), as the server's `[kill]` lines name them. */
export const WEAPON_NAMES: Readonly<Record<number, string>> = {
  0: "Fist", 1: "Brass Knuckles", 2: "Golf Club", 3: "Nite Stick", 4: "Knife", 5: "Baseball Bat", 6: "Shovel", 7: "Pool Cue",
  8: "Katana", 9: "Chainsaw", 10: "Dildo", 11: "Dildo", 12: "Vibrator", 13: "Vibrator", 14: "Flowers", 15: "Cane",
  16: "Grenade", 17: "Teargas", 18: "Molotov", 22: "Colt 45", 23: "Silenced Pistol", 24: "Desert Eagle", 25: "Shotgun",
  26: "Sawn-off Shotgun", 27: "Combat Shotgun", 28: "UZI", 29: "MP5", 30: "AK47", 31: "M4", 32: "Tec9", 33: "Rifle",
  34: "Sniper Rifle", 35: "Rocket Launcher", 36: "Heat Seeking Rocket", 37: "Flamethrower", 38: "Minigun",
  39: "Satchel Explosives", 40: "Bomb", 41: "Spray Can", 42: "Fire Extinguisher", 43: "Camera", 44: "Night Vision Goggles",
  45: "Thermal Goggles", 46: "Parachute", 47: "Fake Pistol", 49: "Vehicle", 50: "Helicopter Blades", 51: "Explosion",
  53: "Drowned", 54: "Splat", 255: "Suicide",
};

/** The name of a weapon / death reason id, or `reason <id>` for ids without one. */
export function weaponName(reason: number): string {
  return WEAPON_NAMES[reason] ?? `reason ${reason}`;
}

const NAME = String.raw`[^\s()]{1,24}`;
// Names may contain `[` and `]` (`[BB]Joe`): the name ends at the first `]: `.
const CHAT = /^\[chat\] \[(\S{1,24}?)\]: (.*)$/s;
const JOIN = new RegExp(String.raw`^\[join\] (${NAME}) has joined the server \((\d{1,4}):[^)]*\)$`);
const PART = new RegExp(String.raw`^\[part\] (${NAME}) has left the server \((\d{1,4}):([0-2])\)$`);
const KILL = new RegExp(String.raw`^\[kill\] (${NAME}) killed (${NAME}) (.{1,40})$`);
const DEATH = new RegExp(String.raw`^\[death\] (${NAME}) died (\d{1,3})$`);
const RCON_LOGIN = new RegExp(String.raw`^RCON \(In-Game\): Player #(\d{1,4}) \((${NAME})\) has logged in\.$`);
// SA-MP writes the password tried between `<>`: it is matched and dropped, never kept.
const RCON_FAILED = new RegExp(String.raw`^RCON \(In-Game\): Player #(\d{1,4}) \((${NAME})\)(?: <.*>)? failed login\.$`, "s");
const RCON_COMMAND = new RegExp(String.raw`^RCON \(In-Game\): Player \[(${NAME})\] sent command: (.*)$`, "s");
const BAD_RCON = /^BAD RCON ATTEMPT BY: /;

/**
 * Parses one line of an SA-MP `server_log.txt` or open.mp `log.txt` (with or without
 * timestamps and level prefixes). Lines that carry none of the known events give `undefined`.
 * An echo line is `[nuwani] tag<TAB>param…` (see the README); it must start the line after the
 * prefix, so chat text (`[chat] [Name]: [nuwani] …`) can never forge one.
 */
export function parseLogLine(line: string): LogEvent | undefined {
  const body = stripLogPrefix(line);
  if (body.startsWith(ECHO_MARKER)) {
    const echo = parseEchoBody(body.slice(ECHO_MARKER.length));
    return echo === undefined ? undefined : { type: "echo", ...echo };
  }
  if (body.startsWith("[")) {
    let match = CHAT.exec(body);
    if (match) return { type: "chat", name: match[1]!, text: match[2]! };
    if ((match = JOIN.exec(body))) return { type: "join", name: match[1]!, id: Number(match[2]) };
    if ((match = PART.exec(body))) return { type: "part", name: match[1]!, id: Number(match[2]), reason: Number(match[3]) as PartReason };
    if ((match = KILL.exec(body))) return { type: "kill", killer: match[1]!, victim: match[2]!, weapon: match[3]! };
    if ((match = DEATH.exec(body))) {
      const reason = Number(match[2]);
      return { type: "death", name: match[1]!, reason, weapon: weaponName(reason) };
    }
    return undefined;
  }
  let match = RCON_LOGIN.exec(body);
  if (match) return { type: "rcon-login", id: Number(match[1]), name: match[2]! };
  if ((match = RCON_FAILED.exec(body))) return { type: "rcon-login-failed", id: Number(match[1]), name: match[2]! };
  if ((match = RCON_COMMAND.exec(body))) {
    // `rcon_password <new>` / `password <new>` would put a secret on Discord: keep the verb only.
    const command = /^\s*(rcon_password|password)\b/i.test(match[2]!) ? `${match[2]!.trim().split(/\s+/)[0]!} [redacted]` : match[2]!;
    return { type: "rcon-command", name: match[1]!, command };
  }
  if (BAD_RCON.test(body)) return { type: "rcon-bad-attempt" };
  return undefined;
}

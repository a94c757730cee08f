// The text of the server log's lines, without their timestamp prefix, as SA-MP 0.3.7 and
// open.mp write them.

/** Why a player left: 0 timeout/crash, 1 quit, 2 kicked or banned. */
export type PartReason = 0 | 1 | 2;

/** A positional parameter of a custom echo event. */
export type EchoParam = string | number;

/**
 * Formats a custom echo event (a gamemode's own `print`) as one log line. The default is
 * {@link defaultEchoFormat}: `[nuwani] tag\tparam\t…`.
 */
export type EchoFormatter = (tag: string, params: readonly EchoParam[]) => string;

const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
// The number form a reader turns into a number: no leading zeros, optional fraction.
const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * The default echo convention, as the Nuwani Pawn include (`NuwaniEcho`) prints it:
 * `[nuwani] ` + tag, then each parameter after a tab. Numbers are written as they are; in a
 * string, `\` becomes `\\`, tab `\t`, line feed `\n`, carriage return `\r`, and a string
 * that reads as a number (`"42"`, `"-3.5"`) is marked with a leading `\s` so it stays a string.
 * The tag is written as given (the include allows 1–64 of `a-z 0-9 . _ -`), so a test can
 * also write malformed tags.
 */
export const defaultEchoFormat: EchoFormatter = (tag, params) =>
  ["[nuwani] " + tag, ...params.map(formatEchoParam)].join("\t");

function formatEchoParam(param: EchoParam): string {
  if (typeof param === "number") return String(param);
  const escaped = param.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!);
  return NUMERIC.test(param) ? `\\s${escaped}` : escaped;
}

/** `[join] Name has joined the server (id:ip)` */
export function formatJoin(name: string, id: number, ip: string): string {
  return `[join] ${name} has joined the server (${id}:${ip})`;
}

/** `[part] Name has left the server (id:reason)` */
export function formatPart(name: string, id: number, reason: PartReason): string {
  return `[part] ${name} has left the server (${id}:${reason})`;
}

/** `[chat] [Name]: text` */
export function formatChat(name: string, text: string): string {
  return `[chat] [${name}]: ${text}`;
}

/** `[kill] Killer killed Victim Weapon` */
export function formatKill(killer: string, victim: string, weapon: string | number): string {
  return `[kill] ${killer} killed ${victim} ${weaponName(weapon)}`;
}

/** `[death] Name died <reason id>` */
export function formatDeath(name: string, reason: number): string {
  return `[death] ${name} died ${reason}`;
}

/** `BAD RCON ATTEMPT BY: ip` (SA-MP only). */
export function formatBadRcon(ip: string): string {
  return `BAD RCON ATTEMPT BY: ${ip}`;
}

/** SA-MP's weapon names by id, as `GetWeaponName` gives them. */
export const WEAPON_NAMES: Readonly<Record<number, string>> = {
  0: "Fist", 1: "Brass Knuckles", 2: "Golf Club", 3: "Nite Stick", 4: "Knife", 5: "Baseball Bat",
  6: "Shovel", 7: "Pool Cue", 8: "Katana", 9: "Chainsaw", 10: "Dildo", 11: "Dildo", 12: "Vibrator",
  13: "Vibrator", 14: "Flowers", 15: "Cane", 16: "Grenade", 17: "Teargas", 18: "Molotov",
  22: "Colt 45", 23: "Silenced Pistol", 24: "Deagle", 25: "Shotgun", 26: "Sawn-off Shotgun",
  27: "Combat Shotgun", 28: "UZI", 29: "MP5", 30: "AK47", 31: "M4", 32: "Tec9", 33: "Rifle",
  34: "Sniper Rifle", 35: "Rocket Launcher", 36: "Heat Seeking Rocket", 37: "Flamethrower",
  38: "Minigun", 39: "Satchel Explosives", 40: "Bomb", 41: "Spray Can", 42: "Fire Extinguisher",
  43: "Camera", 44: "Night Vision Goggles", 45: "Thermal Goggles", 46: "Parachute", 49: "Vehicle",
  50: "Helicopter Blades", 51: "Explosion", 53: "Drowned", 54: "Splat",
};

function weaponName(weapon: string | number): string {
  return typeof weapon === "number" ? (WEAPON_NAMES[weapon] ?? String(weapon)) : weapon;
}

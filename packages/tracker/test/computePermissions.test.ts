import { describe, expect, it } from "vitest";
import { computePermissions } from "../src/computePermissions.js";
import type { PermissionInput } from "../src/computePermissions.js";
import { Permissions } from "../src/Permissions.js";
import type { TrackerOverwrite } from "../src/types.js";

// Bits by hand (PROTOCOL.md §8), not from the module under test.
const VIEW = 0x400n;
const SEND = 0x800n;
const EMBED = 0x4000n;
const ATTACH = 0x8000n;
const HISTORY = 0x10000n;
const MENTION_EVERYONE = 0x20000n;
const TTS = 0x1000n;
const REACT = 0x40n;
const MANAGE_MESSAGES = 0x2000n;
const ADMIN = 0x8n;

const GUILD = "10";
const OWNER = "20";
const USER = "30";
const MOD = "41";
const VIP = "42";

const roles: Record<string, bigint> = {
  [GUILD]: VIEW | SEND | HISTORY | EMBED | REACT, // @everyone
  [MOD]: MANAGE_MESSAGES | MENTION_EVERYONE,
  [VIP]: ATTACH,
  "43": ADMIN,
};

function input(overrides: Partial<PermissionInput> = {}): PermissionInput {
  return { guildId: GUILD, ownerId: OWNER, userId: USER, roles: [], rolePermissions: (id) => roles[id], ...overrides };
}
const role = (id: string, allow = 0n, deny = 0n): TrackerOverwrite => ({ id, type: "role", allow, deny });
const member = (id: string, allow = 0n, deny = 0n): TrackerOverwrite => ({ id, type: "member", allow, deny });

describe("computePermissions", () => {
  it("has the bit values of PROTOCOL.md §8", () => {
    expect([Permissions.CREATE_INSTANT_INVITE, Permissions.ADMINISTRATOR, Permissions.ADD_REACTIONS, Permissions.VIEW_CHANNEL]).toEqual([0x1n, 0x8n, 0x40n, 0x400n]);
    expect([Permissions.SEND_MESSAGES, Permissions.MANAGE_MESSAGES, Permissions.EMBED_LINKS, Permissions.ATTACH_FILES]).toEqual([0x800n, 0x2000n, 0x4000n, 0x8000n]);
    expect([Permissions.READ_MESSAGE_HISTORY, Permissions.MENTION_EVERYONE, Permissions.USE_EXTERNAL_EMOJIS, Permissions.MANAGE_EMOJIS]).toEqual([0x10000n, 0x20000n, 0x40000n, 0x40000000n]);
    expect(Permissions.ALL & 0x7fff_ffffn).toBe(0x7fff_ffffn); // every v6 bit, and the newer ones
  });

  const table: [name: string, overrides: Partial<PermissionInput>, expected: bigint][] = [
    ["@everyone only (guild-wide)", {}, VIEW | SEND | HISTORY | EMBED | REACT],
    ["@everyone OR roles (guild-wide)", { roles: [MOD, VIP] }, VIEW | SEND | HISTORY | EMBED | REACT | MANAGE_MESSAGES | MENTION_EVERYONE | ATTACH],
    ["the owner gets everything, even in a channel that denies all", { userId: OWNER, overwrites: [role(GUILD, 0n, VIEW | SEND)] }, Permissions.ALL],
    ["ADMINISTRATOR by role gets everything, overwrites notwithstanding", { roles: ["43"], overwrites: [member(USER, 0n, VIEW)] }, Permissions.ALL],
    ["an unknown role adds nothing", { roles: ["99"] }, VIEW | SEND | HISTORY | EMBED | REACT],
    [
      "@everyone deny with a role allow: the role wins",
      { roles: [VIP], overwrites: [role(GUILD, 0n, SEND), role(VIP, SEND)] },
      VIEW | SEND | HISTORY | EMBED | REACT | ATTACH,
    ],
    [
      "role overwrites combine: allow beats deny among roles",
      { roles: [MOD, VIP], overwrites: [role(MOD, 0n, SEND), role(VIP, SEND)] },
      VIEW | SEND | HISTORY | EMBED | REACT | ATTACH | MANAGE_MESSAGES | MENTION_EVERYONE,
    ],
    [
      "a member overwrite beats role overwrites",
      { roles: [VIP], overwrites: [role(VIP, SEND), member(USER, 0n, SEND | ATTACH)] },
      VIEW | HISTORY | REACT, // EMBED goes with SEND
    ],
    [
      "a member overwrite allows what a role overwrite denies",
      { roles: [VIP], overwrites: [role(VIP, 0n, SEND), member(USER, SEND)] },
      VIEW | SEND | HISTORY | EMBED | REACT | ATTACH,
    ],
    ["overwrites of roles the member lacks, and of other members, do not apply", { overwrites: [role(MOD, 0n, VIEW), member("31", 0n, VIEW)] }, VIEW | SEND | HISTORY | EMBED | REACT],
    ["no VIEW_CHANNEL: nothing at all", { roles: [MOD], overwrites: [role(GUILD, 0n, VIEW)] }, 0n],
    [
      "no SEND_MESSAGES: no MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES or EMBED_LINKS",
      { roles: [MOD, VIP], overwrites: [role(GUILD, TTS, SEND)] },
      VIEW | HISTORY | REACT | MANAGE_MESSAGES,
    ],
  ];
  it.each(table)("%s", (_name, overrides, expected) => {
    expect(computePermissions(input(overrides))).toBe(expected);
  });

  it("uses the @everyone overwrite before the role ones", () => {
    // @everyone allows SEND, a role denies it: the role overwrite is applied later and wins.
    const result = computePermissions(input({ roles: [VIP], overwrites: [role(VIP, 0n, SEND), role(GUILD, SEND)] }));
    expect(result & SEND).toBe(0n);
  });
});

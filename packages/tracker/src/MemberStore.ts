import type { PresenceStatus } from "./types.js";

/** Presence statuses by their code in a member's flags byte. */
export const STATUSES: readonly PresenceStatus[] = ["offline", "online", "idle", "dnd"];
const STATUS_MASK = 0b11;
/** Set on members seen since {@link MemberStore.beginMark}. */
const SEEN = 0b100;
const INITIAL = 16;

/**
 * The members of one guild, compactly: a `Map` from the user's index (in the shared
 * {@link UserStore}) to a slot, and per slot a role-set number (see {@link RoleSetTable}),
 * the join time as a number and a flags byte (presence status code and the sweep mark), in
 * typed arrays. Nicknames, activity names and timeouts live in side maps, only for members that have
 * one. No payload object is kept.
 */
export class MemberStore {
  readonly #slots = new Map<number, number>();
  #users = new Int32Array(INITIAL);
  #roleSets = new Uint32Array(INITIAL);
  #joinedAt = new Float64Array(INITIAL);
  #flags = new Uint8Array(INITIAL);
  readonly #nicks = new Map<number, string>();
  readonly #activities = new Map<number, string>();
  /** `communication_disabled_until` (Unix ms), only for members that have one. */
  readonly #timeouts = new Map<number, number>();
  readonly #free: number[] = [];
  #next = 0;

  /** How many members are held. */
  get size(): number {
    return this.#slots.size;
  }

  /** The slot of the member whose user has index `user`, or -1. */
  slotOf(user: number): number {
    return this.#slots.get(user) ?? -1;
  }

  /** Adds a member (the caller checked it is not there) and returns its slot. */
  add(user: number, roleSet: number, joinedAt: number): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#next++;
      if (slot >= this.#flags.length) this.#grow();
    }
    this.#users[slot] = user;
    this.#roleSets[slot] = roleSet;
    this.#joinedAt[slot] = joinedAt;
    this.#flags[slot] = SEEN;
    this.#slots.set(user, slot);
    return slot;
  }

  /** Removes the member at `slot`. */
  remove(slot: number): void {
    this.#slots.delete(this.#users[slot]!);
    this.#users[slot] = -1;
    this.#nicks.delete(slot);
    this.#activities.delete(slot);
    this.#timeouts.delete(slot);
    this.#free.push(slot);
  }

  /** The user index of the member at `slot`. */
  user(slot: number): number {
    return this.#users[slot]!;
  }

  /** The role-set number of the member at `slot`. */
  roleSet(slot: number): number {
    return this.#roleSets[slot]!;
  }

  /** Sets the role-set number of the member at `slot`. */
  setRoleSet(slot: number, roleSet: number): void {
    this.#roleSets[slot] = roleSet;
  }

  /** The join time (Unix ms) of the member at `slot`. */
  joinedAt(slot: number): number {
    return this.#joinedAt[slot]!;
  }

  /** Sets the join time of the member at `slot`. */
  setJoinedAt(slot: number, joinedAt: number): void {
    this.#joinedAt[slot] = joinedAt;
  }

  /** The nickname of the member at `slot`. */
  nick(slot: number): string | null {
    return this.#nicks.get(slot) ?? null;
  }

  /** Sets (or, with `null`, clears) the nickname of the member at `slot`. */
  setNick(slot: number, nick: string | null): void {
    if (nick === null) this.#nicks.delete(slot);
    else this.#nicks.set(slot, nick);
  }

  /** When the timeout of the member at `slot` ends (Unix ms), or `null`. */
  timedOutUntil(slot: number): number | null {
    return this.#timeouts.get(slot) ?? null;
  }

  /** Sets (or, with `null`, clears) when the timeout of the member at `slot` ends. */
  setTimedOutUntil(slot: number, until: number | null): void {
    if (until === null) this.#timeouts.delete(slot);
    else this.#timeouts.set(slot, until);
  }

  /** The status code (index into {@link STATUSES}) of the member at `slot`. */
  status(slot: number): number {
    return this.#flags[slot]! & STATUS_MASK;
  }

  /** The activity name of the member at `slot`. */
  activity(slot: number): string | null {
    return this.#activities.get(slot) ?? null;
  }

  /** Sets the presence of the member at `slot` (an activity name is interned by the caller). */
  setPresence(slot: number, status: number, activity: string | null): void {
    this.#flags[slot] = (this.#flags[slot]! & ~STATUS_MASK) | (status & STATUS_MASK);
    if (activity === null) this.#activities.delete(slot);
    else this.#activities.set(slot, activity);
  }

  /** Marks the member at `slot` as seen (see {@link MemberStore.beginMark}). */
  mark(slot: number): void {
    this.#flags[slot]! |= SEEN;
  }

  /**
   * Starts a mark-and-sweep: clears every member's mark and, with `resetPresences`, its
   * presence (a fresh GUILD_CREATE lists only the presences that are not offline).
   */
  beginMark(resetPresences: boolean): void {
    const flags = this.#flags;
    if (resetPresences) {
      flags.fill(0, 0, this.#next);
      this.#activities.clear();
    } else for (let slot = 0; slot < this.#next; slot++) flags[slot]! &= ~SEEN;
  }

  /** The slots of members not marked since {@link MemberStore.beginMark}. */
  unmarked(): number[] {
    const out: number[] = [];
    for (const slot of this.#slots.values()) if ((this.#flags[slot]! & SEEN) === 0) out.push(slot);
    return out;
  }

  /** Every slot in use, as `[userIndex, slot]`. */
  entries(): IterableIterator<[number, number]> {
    return this.#slots.entries();
  }

  /** Every slot in use. */
  slots(): IterableIterator<number> {
    return this.#slots.values();
  }

  #grow(): void {
    const size = this.#flags.length * 2;
    const users = new Int32Array(size);
    users.set(this.#users);
    this.#users = users;
    const roleSets = new Uint32Array(size);
    roleSets.set(this.#roleSets);
    this.#roleSets = roleSets;
    const joinedAt = new Float64Array(size);
    joinedAt.set(this.#joinedAt);
    this.#joinedAt = joinedAt;
    const flags = new Uint8Array(size);
    flags.set(this.#flags);
    this.#flags = flags;
  }
}

import type { TrackerUser } from "./types.js";

/** The fields of a User payload the store keeps; all but `id` may be missing (partial users). */
export interface UserData {
  id: string;
  username?: string;
  discriminator?: string;
  globalName?: string | null;
  avatar?: string | null;
  bot?: boolean;
}

const BOT = 1;
/** The discriminator is `"0"` (v10 accounts without one) rather than four digits. */
const SHORT_ZERO = 2;
const INITIAL = 1024;

/**
 * Users, stored once however many guilds they are in, in parallel arrays indexed by a small
 * number (no object per user): the id (the `Map` key, kept once), username, avatar, the
 * discriminator as a number and a flags byte. Users are reference-counted (one reference per
 * membership or DM) and recycled when unreferenced.
 */
export class UserStore {
  readonly #index = new Map<string, number>();
  readonly #ids: string[] = [];
  readonly #usernames: string[] = [];
  readonly #avatars: (string | null)[] = [];
  readonly #globalNames = new Map<number, string>();
  /** Discriminators that are not 1–4 digits: kept as they came. */
  readonly #oddDiscriminators = new Map<number, string>();
  #discriminators = new Uint16Array(INITIAL);
  #flags = new Uint8Array(INITIAL);
  #refs = new Uint32Array(INITIAL);
  readonly #free: number[] = [];

  /** How many users are held. */
  get size(): number {
    return this.#index.size;
  }

  /** The index of user `id`, or -1. */
  indexOf(id: string): number {
    return this.#index.get(id) ?? -1;
  }

  /** The id of the user at `index`. */
  idAt(index: number): string {
    return this.#ids[index]!;
  }

  /**
   * Adds or updates a user and returns its index. Fields missing from `data` are kept (or,
   * for a new user, left empty). Returns whether anything changed in `changed`.
   */
  upsert(data: UserData, changed?: { value: boolean }): number {
    let index = this.#index.get(data.id);
    if (index === undefined) {
      index = this.#free.pop() ?? this.#ids.length;
      if (index >= this.#flags.length) this.#grow(index + 1);
      this.#ids[index] = data.id;
      this.#usernames[index] = data.username ?? "";
      this.#avatars[index] = data.avatar ?? null;
      this.#flags[index] = 0;
      this.#refs[index] = 0;
      this.#setDiscriminator(index, data.discriminator ?? "0000");
      if (data.bot === true) this.#flags[index]! |= BOT;
      if (data.globalName != null) this.#globalNames.set(index, data.globalName);
      this.#index.set(data.id, index);
      if (changed) changed.value = true;
      return index;
    }
    let dirty = false;
    if (data.username !== undefined && data.username !== this.#usernames[index]) {
      this.#usernames[index] = data.username;
      dirty = true;
    }
    if (data.avatar !== undefined && data.avatar !== this.#avatars[index]) {
      this.#avatars[index] = data.avatar;
      dirty = true;
    }
    if (data.discriminator !== undefined && data.discriminator !== this.#discriminator(index)) {
      this.#setDiscriminator(index, data.discriminator);
      dirty = true;
    }
    if (data.bot !== undefined && data.bot !== ((this.#flags[index]! & BOT) !== 0)) {
      this.#flags[index] = data.bot ? this.#flags[index]! | BOT : this.#flags[index]! & ~BOT;
      dirty = true;
    }
    if (data.globalName !== undefined && data.globalName !== (this.#globalNames.get(index) ?? null)) {
      if (data.globalName === null) this.#globalNames.delete(index);
      else this.#globalNames.set(index, data.globalName);
      dirty = true;
    }
    if (changed) changed.value = dirty;
    return index;
  }

  /** Takes a reference on the user at `index`. */
  ref(index: number): void {
    this.#refs[index]!++;
  }

  /** Drops a reference; an unreferenced user is forgotten. */
  unref(index: number): void {
    if (this.#refs[index] === 0) return;
    if (--this.#refs[index]! > 0) return;
    this.#index.delete(this.#ids[index]!);
    this.#ids[index] = "";
    this.#usernames[index] = "";
    this.#avatars[index] = null;
    this.#globalNames.delete(index);
    this.#oddDiscriminators.delete(index);
    this.#free.push(index);
  }

  /** The username of the user at `index`. */
  username(index: number): string {
    return this.#usernames[index]!;
  }

  /** The global (display) name of the user at `index`. */
  globalName(index: number): string | null {
    return this.#globalNames.get(index) ?? null;
  }

  /** A snapshot of the user at `index`. */
  view(index: number): TrackerUser {
    return {
      id: this.#ids[index]!,
      username: this.#usernames[index]!,
      discriminator: this.#discriminator(index),
      globalName: this.#globalNames.get(index) ?? null,
      avatar: this.#avatars[index]!,
      bot: (this.#flags[index]! & BOT) !== 0,
    };
  }

  #discriminator(index: number): string {
    const odd = this.#oddDiscriminators.get(index);
    if (odd !== undefined) return odd;
    if ((this.#flags[index]! & SHORT_ZERO) !== 0) return "0";
    return String(this.#discriminators[index]).padStart(4, "0");
  }

  #setDiscriminator(index: number, value: string): void {
    this.#oddDiscriminators.delete(index);
    this.#flags[index]! &= ~SHORT_ZERO;
    if (value === "0") this.#flags[index]! |= SHORT_ZERO;
    else if (/^\d{4}$/.test(value)) this.#discriminators[index] = Number(value);
    else this.#oddDiscriminators.set(index, value);
  }

  #grow(min: number): void {
    let size = this.#flags.length * 2;
    while (size < min) size *= 2;
    const discriminators = new Uint16Array(size);
    discriminators.set(this.#discriminators);
    this.#discriminators = discriminators;
    const flags = new Uint8Array(size);
    flags.set(this.#flags);
    this.#flags = flags;
    const refs = new Uint32Array(size);
    refs.set(this.#refs);
    this.#refs = refs;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Interns role-id sets: members that hold the same roles share one frozen, sorted array, and
 * a member stores only the set's number. Sets are reference-counted and recycled when no
 * member holds them any more. Set 0 is the empty set and lives for ever.
 */
export class RoleSetTable {
  readonly #byKey = new Map<string, number>();
  readonly #sets: (readonly string[])[] = [EMPTY];
  readonly #keys: string[] = [""];
  readonly #refs: number[] = [0];
  readonly #free: number[] = [];

  /** How many distinct sets are held (the empty set included). */
  get size(): number {
    return this.#sets.length - this.#free.length;
  }

  /** The number of the set of `roles` (any order, duplicates ignored), with a reference taken. */
  acquire(roles: readonly string[]): number {
    if (roles.length === 0) return 0;
    let key: string;
    let sorted: string[] | undefined;
    if (roles.length === 1) key = roles[0]!;
    else {
      sorted = [...new Set(roles)].sort();
      key = sorted.join(",");
    }
    let id = this.#byKey.get(key);
    if (id === undefined) {
      const set = Object.freeze(sorted ?? [roles[0]!]);
      id = this.#free.pop();
      if (id === undefined) {
        id = this.#sets.length;
        this.#sets.push(set);
        this.#keys.push(key);
        this.#refs.push(0);
      } else {
        this.#sets[id] = set;
        this.#keys[id] = key;
        this.#refs[id] = 0;
      }
      this.#byKey.set(key, id);
    }
    if (id !== 0) this.#refs[id]!++;
    return id;
  }

  /** Drops a reference taken by {@link RoleSetTable.acquire}. */
  release(id: number): void {
    if (id === 0) return;
    const refs = --this.#refs[id]!;
    if (refs > 0) return;
    this.#byKey.delete(this.#keys[id]!);
    this.#sets[id] = EMPTY;
    this.#keys[id] = "";
    this.#free.push(id);
  }

  /** The sorted, frozen role ids of set `id`. */
  get(id: number): readonly string[] {
    return this.#sets[id] ?? EMPTY;
  }
}

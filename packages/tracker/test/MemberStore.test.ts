import { describe, expect, it } from "vitest";
import { MemberStore, STATUSES } from "../src/MemberStore.js";

describe("MemberStore", () => {
  it("keeps role set, join time, nickname and presence per member", () => {
    const store = new MemberStore();
    const slot = store.add(7, 3, 1_600_000_000_000);
    expect(store.slotOf(7)).toBe(slot);
    expect(store.slotOf(8)).toBe(-1);
    expect([store.user(slot), store.roleSet(slot), store.joinedAt(slot), store.nick(slot)]).toEqual([7, 3, 1_600_000_000_000, null]);
    expect(STATUSES[store.status(slot)]).toBe("offline");
    store.setNick(slot, "Nick");
    store.setPresence(slot, 3, "Minecraft");
    store.setRoleSet(slot, 4);
    store.setJoinedAt(slot, 5);
    expect([store.nick(slot), STATUSES[store.status(slot)], store.activity(slot), store.roleSet(slot), store.joinedAt(slot)]).toEqual(["Nick", "dnd", "Minecraft", 4, 5]);
    store.setNick(slot, null);
    store.setPresence(slot, 1, null);
    expect([store.nick(slot), store.status(slot), store.activity(slot)]).toEqual([null, 1, null]);
  });

  it("mark-and-sweep: members not marked since beginMark are unmarked", () => {
    const store = new MemberStore();
    const slots = [1, 2, 3, 4].map((user) => store.add(user, 0, 0));
    store.setPresence(slots[0]!, 1, "x");
    store.beginMark(false);
    store.mark(slots[1]!);
    expect(store.unmarked()).toEqual([slots[0], slots[2], slots[3]]);
    expect(store.status(slots[0]!)).toBe(1); // kept
    store.beginMark(true);
    expect(store.status(slots[0]!)).toBe(0); // reset
    expect(store.activity(slots[0]!)).toBeNull();
    expect(store.add(5, 0, 0)).toBe(4); // new members count as seen
    expect(store.unmarked()).toHaveLength(4);
  });

  it("removes members, reuses slots and grows", () => {
    const store = new MemberStore();
    for (let user = 0; user < 100; user++) store.add(user, 0, user);
    store.setNick(10, "x");
    store.remove(10);
    expect(store.size).toBe(99);
    expect(store.slotOf(10)).toBe(-1);
    const slot = store.add(1000, 0, 0);
    expect(slot).toBe(10);
    expect(store.nick(slot)).toBeNull();
    expect(store.joinedAt(99)).toBe(99);
    expect([...store.entries()]).toHaveLength(100);
  });
});

import { describe, expect, it } from "vitest";
import { UserStore } from "../src/UserStore.js";

describe("UserStore", () => {
  it("stores users once, merges partial updates and reports changes", () => {
    const store = new UserStore();
    const index = store.upsert({ id: "1", username: "a", discriminator: "0042", avatar: null, bot: true });
    expect(store.view(index)).toEqual({ id: "1", username: "a", discriminator: "0042", globalName: null, avatar: null, bot: true });
    const changed = { value: true };
    expect(store.upsert({ id: "1" }, changed)).toBe(index);
    expect(changed.value).toBe(false);
    store.upsert({ id: "1", username: "b", globalName: "Bee", avatar: "abc", bot: false, discriminator: "0" }, changed);
    expect(changed.value).toBe(true);
    expect(store.view(index)).toEqual({ id: "1", username: "b", discriminator: "0", globalName: "Bee", avatar: "abc", bot: false });
    store.upsert({ id: "1", discriminator: "12345", globalName: null });
    expect(store.view(index)).toMatchObject({ discriminator: "12345", globalName: null });
    expect(store.indexOf("1")).toBe(index);
    expect(store.idAt(index)).toBe("1");
    expect(store.indexOf("2")).toBe(-1);
  });

  it("forgets a user when its last reference goes, and reuses the slot", () => {
    const store = new UserStore();
    const a = store.upsert({ id: "1", username: "a" });
    store.ref(a);
    store.ref(a);
    store.unref(a);
    expect(store.size).toBe(1);
    store.unref(a);
    expect(store.size).toBe(0);
    expect(store.indexOf("1")).toBe(-1);
    store.unref(a); // harmless
    expect(store.upsert({ id: "2", username: "b" })).toBe(a);
  });

  it("grows past its initial capacity", () => {
    const store = new UserStore();
    for (let i = 0; i < 5000; i++) store.ref(store.upsert({ id: String(i), username: `u${i}`, discriminator: String(i % 10000).padStart(4, "0") }));
    expect(store.size).toBe(5000);
    expect(store.view(store.indexOf("4321"))).toMatchObject({ username: "u4321", discriminator: "4321" });
  });
});

/** A source of floats in [0, 1), like `Math.random`. */
export type Random = () => number;

/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence
 * on every machine, so generated guilds, scripted play and simulated games are reproducible.
 * The seed is taken as an unsigned 32-bit integer. Not for anything secret.
 */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

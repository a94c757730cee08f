export { type Clock, MAX_TIMER_MS, clampDelay, systemClock } from "./Clock.js";
export { type Random, createSeededRandom } from "./random.js";
export { isRecord } from "./isRecord.js";
export { Secret } from "./Secret.js";

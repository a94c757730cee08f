export { type Clock, MAX_TIMER_MS, clampDelay, systemClock } from "./Clock.js";
export { type Random, createSeededRandom } from "./random.js";
export { isRecord } from "./isRecord.js";
export { Secret } from "./Secret.js";
export { ManualClock } from "./ManualClock.js";
export { SlidingWindow, type SlidingWindowOptions } from "./SlidingWindow.js";
export { RateLimiter, type RateLimiterOptions } from "./RateLimiter.js";
export { splitText, truncateUnits } from "./splitText.js";
export { UtilError, type UtilErrorCode } from "./UtilError.js";

/** Discord's epoch, the first millisecond of 2015, in Unix milliseconds (PROTOCOL.md §8). */
export const DISCORD_EPOCH = 1_420_070_400_000;

/**
 * Builds a snowflake (as Discord sends it: a decimal string) from a Unix time in
 * milliseconds and a 22-bit discriminator (worker, process and increment bits).
 *
 * @example
 * ```ts
 * snowflake(Date.UTC(2020, 8, 1), 1); // "750000000000000001"-like, stable for the same input
 * ```
 */
export function snowflake(ms: number, increment = 0): string {
  const time = BigInt(Math.max(0, Math.floor(ms) - DISCORD_EPOCH));
  return ((time << 22n) | (BigInt(Math.floor(increment)) & 0x3f_ff_ffn)).toString();
}

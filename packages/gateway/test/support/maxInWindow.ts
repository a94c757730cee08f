/** The largest number of the sorted `times` inside any interval of `window` ms. */
export function maxInWindow(times: readonly number[], window: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= window) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

/**
 * Lets a pending timer of this package (a poll, a query timeout, pacing) not keep the process
 * alive, as the package's UDP socket does not either. Harmless for a handle without `unref`
 * (an injected clock's number or object).
 */
export function unrefTimer<T>(handle: T): T {
  if (typeof handle === "object" && handle !== null) (handle as { unref?: () => void }).unref?.();
  return handle;
}

/**
 * Waits for real I/O (loopback datagrams, file reads) while timers are faked: turns the event
 * loop with the real `setImmediate` until `condition` holds, at most `turns` times. Unlike
 * `vi.waitFor` it never advances fake time.
 */
export async function waitUntil(condition: () => boolean, turns = 20_000): Promise<void> {
  for (let turn = 0; turn < turns; turn++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error("waitUntil: the condition never held");
}

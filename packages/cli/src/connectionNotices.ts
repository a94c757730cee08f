/**
 * What the CLI prints about a (re)connection, read from a debug line of the bridge (its own
 * about `GET /gateway/bot`, or a gateway line it forwards as `gateway: …`), or `undefined` for
 * lines it does not show. The gateway has no
 * typed reconnect event yet; this is the one place that reads its debug text.
 */
export function describeReconnect(debug: string): string | undefined {
  // The bridge's own lines about GET /gateway/bot (asked before identifying).
  if (debug.startsWith("GET /gateway/bot") || debug.startsWith("session starts:")) return debug;
  const connecting = /attempt (\d+): connecting to (\S+)/.exec(debug);
  if (connecting !== null) {
    const attempt = Number(connecting[1]) + 1;
    // The first attempt is announced by "connecting to Discord"; show the retries.
    return attempt > 1 ? `attempt ${attempt}: connecting to ${connecting[2]}` : undefined;
  }
  const failed = /attempt (\d+) (failed \([^)]*\)|timed out); next attempt in (\d+) ms/.exec(debug);
  if (failed !== null) return `attempt ${Number(failed[1]) + 1} ${failed[2]}; next attempt in ${seconds(Number(failed[3]))}`;
  const reconnecting = /^gateway: reconnecting in (\d+) ms \(will (resume|identify)\)/.exec(debug);
  if (reconnecting !== null) return `reconnecting in ${seconds(Number(reconnecting[1]))} (will ${reconnecting[2]})`;
  const invalid = /invalid session \((?:not )?resumable\): (resuming|identifying)(?: on a new connection)? in (\d+) ms/.exec(debug);
  if (invalid !== null) return `invalid session; ${invalid[1]} in ${seconds(Number(invalid[2]))}`;
  return undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

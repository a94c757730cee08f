import type { AddressInfo, Server } from "node:net";
import { FakeDiscordError } from "./FakeDiscordError.js";

/**
 * Starts `server` listening on `host:port` (0 picks a free port) and resolves with the port.
 * A failure (e.g. the port is taken) rejects with `FAKE_DISCORD_LISTEN_FAILED`; after a
 * successful start, later server errors are ignored (the fakes report failures per connection).
 */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (cause) {
    throw new FakeDiscordError("FAKE_DISCORD_LISTEN_FAILED", `cannot listen on ${host}:${port}`, { cause });
  }
  server.on("error", () => undefined);
  return (server.address() as AddressInfo).port;
}

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { FakeSampServer, type FakeSampServerOptions } from "../../src/index.js";
import { RawClient } from "./RawClient.js";

/**
 * The set-up the server tests share: before each test a fresh {@link RawClient}, handed to
 * `onClient`; after it that client closed and every server `serve` started stopped. Call it once
 * at the top of a test file; it returns `serve`, which starts a server on a free loopback port.
 */
export function useServers(onClient: (client: RawClient) => void): (options?: FakeSampServerOptions) => Promise<FakeSampServer> {
  let client: RawClient | undefined;
  let servers: FakeSampServer[] = [];
  beforeEach(async () => {
    client = await RawClient.open();
    onClient(client);
  });
  afterEach(async () => {
    client?.close();
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  });
  return async (options = {}) => {
    const server = new FakeSampServer(options);
    servers.push(server);
    await server.start();
    return server;
  };
}

/** A log file path in a new temporary directory (the file does not exist yet). */
export function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), "fake-samp-")), "server_log.txt");
}

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ReconnectingSocket } from "../src/ReconnectingSocket.js";
import type { SocketRetryInfo } from "../src/types.js";
import { MemoryTransport } from "./support/MemoryTransport.js";

const URL = "ws://gateway.test/?v=10&encoding=json";
const sockets: ReconnectingSocket[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  vi.useRealTimers();
});

function setup(connectTimeout = 15_000) {
  const transport = new MemoryTransport();
  const socket = new ReconnectingSocket({ url: URL, transport, random: () => 0.5, backoff: { base: 1000, cap: 8000 }, connectTimeout });
  sockets.push(socket);
  const order: string[] = [];
  const retries: SocketRetryInfo[] = [];
  socket.on("retry", (info) => {
    order.push(`retry ${info.error.code}`);
    retries.push(info);
  });
  socket.on("error", (error) => order.push(`error ${error.code}`));
  return { transport, socket, order, retries };
}

describe("ReconnectingSocket: the retry event", () => {
  it("reports each failed attempt with its number, the backoff delay before the next and the error, before the error event", async () => {
    const { transport, socket, order, retries } = setup();
    transport.mode = "refuse";
    socket.connect();
    await vi.advanceTimersByTimeAsync(0);
    // Full jitter at random() = 0.5: 500, 1000, 2000 ms.
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(retries.map(({ attempt, delay }) => ({ attempt, delay }))).toEqual([
      { attempt: 0, delay: 500 },
      { attempt: 1, delay: 1000 },
      { attempt: 2, delay: 2000 },
    ]);
    expect(retries[0]!.error.code).toBe("SOCKET_CONNECT_FAILED");
    expect(order.slice(0, 2)).toEqual(["retry SOCKET_CONNECT_FAILED", "error SOCKET_CONNECT_FAILED"]);
    expect(socket.state).toBe("waiting");
  });

  it("reports a connect timeout as SOCKET_CONNECT_TIMEOUT with the delay before the next attempt", async () => {
    const { transport, socket, retries } = setup(3000);
    transport.mode = "manual";
    socket.connect();
    await vi.advanceTimersByTimeAsync(2999);
    expect(retries).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 0, delay: 500 });
    expect(retries[0]!.error.code).toBe("SOCKET_CONNECT_TIMEOUT");
  });

  it("is not emitted for a connection that opened and then closed (that is a close event)", async () => {
    const { transport, socket, retries } = setup();
    socket.connect();
    const connection = transport.last.open();
    await vi.advanceTimersByTimeAsync(0);
    connection.drop(1006);
    expect(retries).toEqual([]);
  });
});

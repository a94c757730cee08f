import { Buffer } from "node:buffer";
import type { TransportConnection } from "@nuwani/transport";
import { clampDelay } from "@nuwani/util";
import { SocketError, type SocketErrorCode } from "./SocketError.js";

// Argument checks and small helpers of ReconnectingSocket.

/** The close code of closes the socket starts itself (hello timeout, broken stream). */
export const RESET_CODE = 4000;

export function duration(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new SocketError("SOCKET_INVALID_ARGUMENT", `${name} must be a finite number ≥ ${String(min)}, got ${String(value)}`);
  }
  // Node fires a longer timer at once: longer waits are capped.
  return clampDelay(value);
}

export function checkClose(code: number, reason: string): void {
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
    throw new SocketError("SOCKET_INVALID_ARGUMENT", `close code must be 1000 or 3000–4999, got ${String(code)}`);
  }
  if (typeof reason !== "string" || Buffer.byteLength(reason) > 123) {
    throw new SocketError("SOCKET_INVALID_ARGUMENT", "close reason must be a string of at most 123 bytes");
  }
}

export function closeQuietly(connection: TransportConnection, code: number, reason: string): void {
  try {
    connection.close(code, reason);
  } catch {
    connection.terminate();
  }
}

/** Maps a failed connect to a socket error; `TransportError`s are matched by their code. */
export function connectError(cause: unknown, url: string): SocketError {
  const transportCode = (cause as { code?: unknown } | null)?.code;
  let code: SocketErrorCode = "SOCKET_CONNECT_FAILED";
  switch (transportCode) {
    case "TRANSPORT_INVALID_URL":
      code = "SOCKET_INVALID_URL";
      break;
    case "TRANSPORT_CONNECT_TIMEOUT":
      code = "SOCKET_CONNECT_TIMEOUT";
      break;
    case "TRANSPORT_TLS_ERROR":
      code = "SOCKET_TLS_ERROR";
      break;
    default:
      break;
  }
  const detail = typeof transportCode === "string" ? transportCode : "unknown error";
  return new SocketError(code, `connecting to ${url} failed (${detail})`, { cause });
}

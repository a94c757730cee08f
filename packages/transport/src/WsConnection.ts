import type { IncomingMessage } from "node:http";
// The real setImmediate, deliberately: releasing the first messages is not a timing rule, and
// it must still happen when a test has installed fake timers.
import { clearImmediate, setImmediate } from "node:timers";
import type { RawData, WebSocket } from "ws";
import type { TransportConnection, TransportConnectionState, TransportListener } from "./Transport.js";
import { TransportError } from "./TransportError.js";
import type { Clock } from "@nuwani/util";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;

/** Codes Node and OpenSSL use for certificate verification failures. */
const TLS_VERIFY_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CRL_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CRL_NOT_YET_VALID",
  "CRL_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "ERROR_IN_CRL_LAST_UPDATE_FIELD",
  "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
]);

function isTlsCode(code: string): boolean {
  return TLS_VERIFY_CODES.has(code) || /^ERR_(TLS|SSL|OSSL)_/.test(code);
}

/** A valid close code to send: 1000–1014 except the reserved 1004–1006, or 3000–4999. */
export function isValidCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}

/**
 * The TLS code of a TLS failure, or undefined. OpenSSL record errors surface as a system
 * error `EPROTO` whose message carries the reason ("wrong version number"); they are named
 * the way Node names OpenSSL reasons (`ERR_SSL_WRONG_VERSION_NUMBER`).
 */
function tlsCodeOf(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== "string") return undefined;
  if (isTlsCode(code)) return code;
  if (code !== "EPROTO") return undefined;
  const reason = /SSL routines:[^:]*:([^:]+)/.exec(error.message)?.[1];
  return reason === undefined ? code : `ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
}

/** Maps an error of a connect attempt to a {@link TransportError}. */
function connectError(error: Error, host: string): TransportError {
  const tlsCode = tlsCodeOf(error);
  if (tlsCode !== undefined) {
    return new TransportError("TRANSPORT_TLS_ERROR", `TLS with ${host} failed: ${tlsCode}: ${error.message}`, {
      cause: error,
      tlsCode,
    });
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string") {
    return new TransportError("TRANSPORT_CONNECT_FAILED", `cannot connect to ${host}: ${code}`, { cause: error });
  }
  return new TransportError("TRANSPORT_HANDSHAKE_FAILED", `WebSocket handshake with ${host} failed: ${error.message}`, {
    cause: error,
  });
}

/** Maps an error `ws` reports on an open connection, with the close code `ws` sends for it. */
function connectionError(error: Error): TransportError | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== "string" || !code.startsWith("WS_ERR_")) return undefined;
  if (code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" || code === "WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH") {
    return new TransportError("TRANSPORT_PAYLOAD_TOO_LARGE", error.message, { cause: error, closeCode: 1009 });
  }
  const closeCode = code === "WS_ERR_INVALID_UTF8" ? 1007 : code === "WS_ERR_TOO_MANY_BUFFERED_PARTS" ? 1008 : 1002;
  return new TransportError("TRANSPORT_PROTOCOL_ERROR", error.message, { cause: error, closeCode });
}

type Phase =
  | {
      kind: "connecting";
      resolve: (connection: TransportConnection) => void;
      reject: (error: TransportError) => void;
      timer: unknown;
      signal: AbortSignal | undefined;
    }
  | { kind: "open" }
  | { kind: "failed" }
  | { kind: "closed" };

/** Parameters of one connect attempt. */
export interface WsConnectionAttempt {
  ws: WebSocket;
  url: string;
  host: string;
  listener: TransportListener;
  clock: Clock;
  timeout: number;
  signal: AbortSignal | undefined;
  resolve: (connection: TransportConnection) => void;
  reject: (error: TransportError) => void;
}

/**
 * One `ws` client connection, from the connect attempt to the close. The connect promise
 * settles exactly once; listener calls start only after it resolved and stop after `onClose`.
 * @internal
 */
export class WsConnection implements TransportConnection {
  readonly url: string;
  private readonly ws: WebSocket;
  private readonly host: string;
  private readonly listener: TransportListener;
  private readonly clock: Clock;
  private phase: Phase;
  private release: NodeJS.Immediate | undefined;
  private error: TransportError | undefined;

  constructor(attempt: WsConnectionAttempt) {
    this.ws = attempt.ws;
    this.url = attempt.url;
    this.host = attempt.host;
    this.listener = attempt.listener;
    this.clock = attempt.clock;
    const timer =
      attempt.timeout > 0
        ? this.clock.setTimeout(
            () =>
              this.fail(
                new TransportError(
                  "TRANSPORT_CONNECT_TIMEOUT",
                  `no WebSocket handshake with ${this.host} within ${attempt.timeout} ms`,
                ),
              ),
            attempt.timeout,
          )
        : undefined;
    this.phase = { kind: "connecting", resolve: attempt.resolve, reject: attempt.reject, timer, signal: attempt.signal };
    attempt.signal?.addEventListener("abort", this.handleAbort, { once: true });

    const ws = this.ws;
    ws.on("open", this.handleOpen);
    ws.on("message", this.handleMessage);
    ws.on("error", this.handleError);
    ws.on("close", this.handleClose);
    ws.on("unexpected-response", this.handleUnexpectedResponse);
  }

  get state(): TransportConnectionState {
    const readyState = this.ws.readyState;
    return readyState === OPEN ? "open" : readyState === CLOSING ? "closing" : "closed";
  }

  send(data: string | Uint8Array): void {
    if (this.ws.readyState !== OPEN) {
      throw new TransportError("TRANSPORT_NOT_OPEN", `cannot send: the connection to ${this.host} is ${this.state}`);
    }
    this.ws.send(data);
  }

  close(code = 1000, reason = ""): void {
    if (!isValidCloseCode(code)) {
      throw new TransportError("TRANSPORT_INVALID_ARGUMENT", `invalid close code ${code}`);
    }
    if (Buffer.byteLength(reason) > 123) {
      throw new TransportError("TRANSPORT_INVALID_ARGUMENT", "close reason longer than 123 bytes");
    }
    if (this.ws.readyState === OPEN) this.ws.close(code, reason);
  }

  terminate(): void {
    if (this.ws.readyState !== CONNECTING) this.ws.terminate();
  }

  /** Fails a pending connect attempt (once) and tears the socket down. */
  private fail(error: TransportError): void {
    const phase = this.phase;
    if (phase.kind !== "connecting") return;
    this.phase = { kind: "failed" };
    this.clock.clearTimeout(phase.timer);
    phase.signal?.removeEventListener("abort", this.handleAbort);
    if (this.ws.readyState === CONNECTING || this.ws.readyState === OPEN) this.ws.terminate();
    phase.reject(error);
  }

  private readonly handleAbort = (): void => {
    const reason: unknown = this.phase.kind === "connecting" ? this.phase.signal?.reason : undefined;
    this.fail(new TransportError("TRANSPORT_ABORTED", `connecting to ${this.host} was aborted`, { cause: reason }));
  };

  private readonly handleOpen = (): void => {
    const phase = this.phase;
    if (phase.kind !== "connecting") return;
    this.phase = { kind: "open" };
    this.clock.clearTimeout(phase.timer);
    phase.signal?.removeEventListener("abort", this.handleAbort);
    // ws may deliver messages that arrived with the handshake before the caller's `await`
    // continues; hold the socket until every microtask (the caller included) has run.
    this.ws.pause();
    this.release = setImmediate(this.resumeSocket);
    phase.resolve(this);
  };

  private readonly resumeSocket = (): void => {
    this.release = undefined;
    this.ws.resume();
  };

  // The hot path: one call per message, no allocation beyond the string of a text message.
  private readonly handleMessage = (data: RawData, isBinary: boolean): void => {
    if (isBinary) this.listener.onMessage(data as Buffer, true);
    else this.listener.onMessage((data as Buffer).toString(), false);
  };

  private readonly handleUnexpectedResponse = (_request: unknown, response: IncomingMessage): void => {
    const status = response.statusCode ?? 0;
    response.resume();
    this.fail(
      new TransportError("TRANSPORT_HANDSHAKE_FAILED", `${this.host} answered the WebSocket upgrade with HTTP ${status}`, {
        status,
      }),
    );
  };

  private readonly handleError = (error: Error): void => {
    switch (this.phase.kind) {
      case "connecting":
        this.fail(connectError(error, this.host));
        return;
      case "open": {
        const mapped = connectionError(error);
        if (mapped === undefined) return; // a socket failure: the close (1006) that follows says it
        this.error ??= mapped;
        this.listener.onError(mapped);
        return;
      }
      default:
        return;
    }
  };

  private readonly handleClose = (code: number, reason: Buffer): void => {
    switch (this.phase.kind) {
      case "connecting":
        this.fail(new TransportError("TRANSPORT_CONNECT_FAILED", `the connection to ${this.host} closed during the handshake`));
        return;
      case "open": {
        this.phase = { kind: "closed" };
        if (this.release !== undefined) clearImmediate(this.release);
        this.release = undefined;
        // After a protocol error ws sends the close frame itself but stops reading, so it
        // reports 1006; report the code it sent.
        const error = this.error;
        if (code === 1006 && error?.closeCode !== undefined) this.listener.onClose(error.closeCode, error.message);
        else this.listener.onClose(code, reason.toString());
        return;
      }
      default:
        return;
    }
  };
}

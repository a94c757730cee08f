import { X509Certificate } from "node:crypto";
import { createServer, connect, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCertificate, type TestCertificate } from "../src/index.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Completes a TLS handshake against a server using `certificate`; resolves with the error code, or "ok". */
async function handshake(certificate: TestCertificate, options: { ca?: string; servername?: string; host?: string }): Promise<string> {
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (socket) => socket.end());
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: options.host ?? "127.0.0.1",
      port,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.servername === undefined ? {} : { servername: options.servername }),
    });
    cleanups.push(() => socket.destroy());
    socket.once("secureConnect", () => resolve("ok"));
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe("createTestCertificate", () => {
  it("creates a self-signed certificate for 127.0.0.1 and localhost", async () => {
    const certificate = createTestCertificate();
    const x509 = new X509Certificate(certificate.cert);
    expect(x509.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(x509.subjectAltName).toContain("DNS:localhost");
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(certificate.ca).toBe(certificate.cert);
    expect(x509.checkPrivateKey((await import("node:crypto")).createPrivateKey(certificate.key))).toBe(true);

    expect(await handshake(certificate, { ca: certificate.ca })).toBe("ok");
    expect(await handshake(certificate, { ca: certificate.ca, servername: "localhost" })).toBe("ok");
    expect(await handshake(certificate, {})).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("can have a throwaway CA sign it instead", async () => {
    const certificate = createTestCertificate({ selfSigned: false });
    const leaf = new X509Certificate(certificate.cert);
    const ca = new X509Certificate(certificate.ca);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(await handshake(certificate, { ca: certificate.ca })).toBe("ok");
    expect(await handshake(certificate, {})).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("names only the hosts it was asked for, so other names fail verification", async () => {
    const certificate = createTestCertificate({ hosts: ["example.test"] });
    expect(new X509Certificate(certificate.cert).subjectAltName).toBe("DNS:example.test");
    expect(await handshake(certificate, { ca: certificate.ca, servername: "example.test" })).toBe("ok");
    expect(await handshake(certificate, { ca: certificate.ca })).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });
});

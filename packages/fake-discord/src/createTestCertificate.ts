import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

/** Options of {@link createTestCertificate}. */
export interface TestCertificateOptions {
  /**
   * Host names and IP addresses the certificate is valid for (subjectAltName); the first is
   * also the common name.
   * @defaultValue ["127.0.0.1", "localhost"]
   */
  hosts?: string[];
  /**
   * `true`: the certificate signs itself (an untrusting client reports
   * `DEPTH_ZERO_SELF_SIGNED_CERT`). `false`: a throwaway CA signs it and `ca` is that CA (an
   * untrusting client reports `UNABLE_TO_VERIFY_LEAF_SIGNATURE`).
   * @defaultValue true
   */
  selfSigned?: boolean;
  /**
   * How many days the certificate is valid, from a minute ago.
   * @defaultValue 1
   */
  days?: number;
}

/** A certificate for a TLS test server, all PEM. */
export interface TestCertificate {
  /** The server certificate. */
  cert: string;
  /** Its private key. */
  key: string;
  /** What a client must trust (pass as `ca`): the certificate itself, or its CA. */
  ca: string;
}

interface KeyPair {
  privatePem: string;
  publicPem: string;
}

function generateKeyPair(): KeyPair {
  // node:crypto generates the RSA key natively (fast); forge only builds and signs the cert.
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

function buildCertificate(options: {
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  publicPem: string;
  signingKeyPem: string;
  days: number;
  extensions: unknown[];
}): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(options.publicPem);
  // A positive serial: a leading 01 keeps the high bit clear.
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + options.days * 86_400_000);
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer);
  cert.setExtensions(options.extensions);
  // Signed with node:crypto: forge's JavaScript RSA would take a tenth of a second.
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids["sha256WithRSAEncryption"]!;
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  cert.tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  cert.signature = sign("sha256", der, options.signingKeyPem).toString("binary");
  return forge.pki.certificateToPem(cert);
}

/**
 * Generates a certificate for a `wss://` test server (e.g. `new FakeGateway({ tls })`),
 * valid for 127.0.0.1 and localhost by default. Takes well under a second.
 *
 * @example
 * ```ts
 * const certificate = createTestCertificate();
 * const fake = new FakeGateway({ tls: certificate });
 * // the client trusts certificate.ca
 * ```
 */
export function createTestCertificate(options: TestCertificateOptions = {}): TestCertificate {
  const hosts = options.hosts ?? ["127.0.0.1", "localhost"];
  const days = options.days ?? 1;
  const selfSigned = options.selfSigned ?? true;
  const commonName = hosts[0] ?? "localhost";
  const subject: forge.pki.CertificateField[] = [
    { name: "commonName", value: commonName },
    { name: "organizationName", value: "Nuwani fake Discord" },
  ];
  const altNames = hosts.map((host) => (isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host }));
  const leafKey = generateKeyPair();

  if (selfSigned) {
    const cert = buildCertificate({
      subject,
      issuer: subject,
      publicPem: leafKey.publicPem,
      signingKeyPem: leafKey.privatePem,
      days,
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames },
      ],
    });
    return { cert, key: leafKey.privatePem, ca: cert };
  }

  const caKey = generateKeyPair();
  const caSubject: forge.pki.CertificateField[] = [{ name: "commonName", value: "Nuwani fake Discord test CA" }];
  const ca = buildCertificate({
    subject: caSubject,
    issuer: caSubject,
    publicPem: caKey.publicPem,
    signingKeyPem: caKey.privatePem,
    days,
    extensions: [
      { name: "basicConstraints", critical: true, cA: true },
      { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
    ],
  });
  const cert = buildCertificate({
    subject,
    issuer: caSubject,
    publicPem: leafKey.publicPem,
    signingKeyPem: caKey.privatePem,
    days,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { cert, key: leafKey.privatePem, ca };
}

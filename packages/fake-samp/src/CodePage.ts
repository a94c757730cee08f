import iconv from "iconv-lite";
import { FakeSampError } from "./FakeSampError.js";

type IconvEncoding = Parameters<typeof iconv.encode>[1];

/**
 * A single-byte (or any `iconv-lite`) code page, both directions. SA-MP strings are raw bytes
 * in the server's code page; Node has no single-byte encoder and its `TextDecoder` maps
 * windows-1252's 0x80–0x9F to control characters, hence `iconv-lite`.
 */
export class CodePage {
  /** The encoding name as given, e.g. `"windows-1252"`. */
  readonly encoding: string;
  readonly #codec: IconvEncoding;

  /** @throws {@link FakeSampError} `FAKE_SAMP_UNKNOWN_ENCODING` for a name `iconv-lite` does not know. */
  constructor(encoding: string) {
    if (typeof encoding !== "string" || !iconv.encodingExists(encoding)) {
      throw new FakeSampError("FAKE_SAMP_UNKNOWN_ENCODING", `unknown code page ${JSON.stringify(encoding)}`);
    }
    this.encoding = encoding;
    this.#codec = encoding;
  }

  /** Text → bytes; a character the code page lacks becomes `?`. */
  encode(text: string): Buffer {
    return iconv.encode(text, this.#codec);
  }

  /** Bytes → text. */
  decode(bytes: Uint8Array): string {
    return iconv.decode(bytes, this.#codec);
  }
}

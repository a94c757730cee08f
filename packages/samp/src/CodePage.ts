import iconv from "iconv-lite";
import { SampError } from "./SampError.js";

/** The default code page: what Western SA-MP servers and clients use. */
export const DEFAULT_ENCODING = "windows-1252";

/**
 * The server's code page, both ways. SA-MP and open.mp strings are raw bytes in the code page
 * of the server's players (windows-1252 in the West, windows-1251 for Cyrillic servers, …).
 * Node's `TextDecoder` maps 0x80–0x9F of windows-1252 to C1 controls and Node has no
 * single-byte encoder at all, so both directions go through `iconv-lite`.
 */
export class CodePage {
  /** The encoding's name as configured. */
  readonly encoding: string;

  /**
   * @param encoding - any encoding `iconv-lite` knows (`windows-1252`, `windows-1251`, `cp1250`, `iso-8859-2`, `utf8`, …). @defaultValue `"windows-1252"`
   * @throws {@link SampError} `SAMP_INVALID_ARGUMENT` for an unknown encoding
   */
  constructor(encoding: string = DEFAULT_ENCODING) {
    if (typeof encoding !== "string" || !iconv.encodingExists(encoding)) {
      throw new SampError("SAMP_INVALID_ARGUMENT", `unknown encoding: ${String(encoding).slice(0, 40)}`);
    }
    this.encoding = encoding;
  }

  /** Bytes from the server → text. */
  decode(bytes: Uint8Array): string {
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), this.encoding);
  }

  /** Text → bytes for the server; characters the code page lacks become `?`. */
  encode(text: string): Buffer {
    return iconv.encode(text, this.encoding);
  }

  /** Whether every character of `text` survives {@link CodePage.encode} unchanged. */
  canEncode(text: string): boolean {
    return this.decode(this.encode(text)) === text;
  }
}

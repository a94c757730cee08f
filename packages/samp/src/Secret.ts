const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const REDACTED = "[redacted]";

/**
 * A secret string (the RCON password), kept in a private field: `String()`, template
 * literals, `JSON.stringify`, `util.inspect`/`console.log`, object spread and
 * `structuredClone` all show `[redacted]` or nothing; only {@link Secret.reveal} returns it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Call it only where the value is used (the RCON packet). */
  reveal(): string {
    return this.#value;
  }

  /** Whether the secret is the empty string. */
  get isEmpty(): boolean {
    return this.#value === "";
  }

  /** `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** `[redacted]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** `[redacted]`, for `util.inspect` and `console.log`. */
  [INSPECT](): string {
    return `Secret(${REDACTED})`;
  }

  /** `[redacted]` where a primitive is wanted. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

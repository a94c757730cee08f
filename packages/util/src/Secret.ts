const INSPECT = Symbol.for("nodejs.util.inspect.custom");
const REDACTED = "[redacted]";

/**
 * A secret string (a bot token, an OAuth2 client secret, an RCON password) that shows as
 * `[redacted]` wherever it ends up: `String()`, template literals, `JSON.stringify`,
 * `util.inspect`/`console.log`. The value lives in a private field, so copies of the object
 * holding it (spread, `Object.values`, `structuredClone` — which drops private fields) never
 * carry it either; only {@link Secret.reveal} gives it.
 */
export class Secret {
  readonly #value: string;

  /** Keeps `value`; only {@link Secret.reveal} gives it back. */
  constructor(value: string) {
    this.#value = value;
  }

  /** The value. Call it only where the value is used (the gateway, REST, the RCON packet). */
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

  /** `Secret [redacted]` in `util.inspect` and `console.log`. */
  [INSPECT](): string {
    return `Secret ${REDACTED}`;
  }

  /** `[redacted]` where a primitive is wanted. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  /** Whether `value` is a {@link Secret} holding a value (a `structuredClone` of one holds none). */
  static isSecret(value: unknown): value is Secret {
    return typeof value === "object" && value !== null && #value in value;
  }
}

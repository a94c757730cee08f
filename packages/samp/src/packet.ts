import { SampError } from "./SampError.js";
import type { CodePage } from "./CodePage.js";

/** Length of every request's and reply's header: `SAMP`, 4 address octets, u16 port, opcode. */
export const HEADER_LENGTH = 11;

/** The query opcodes. */
export type QueryOpcode = "i" | "r" | "c" | "d" | "p" | "x";

const MAGIC = Buffer.from("SAMP", "latin1");

/**
 * Builds a request: `SAMP`, the server's IPv4 address as 4 octets, its port (u16 LE), the
 * opcode, then `payload`.
 * @throws {@link SampError} `SAMP_INVALID_ARGUMENT` for an address that is not dotted IPv4 or a bad port
 */
export function buildRequest(address: string, port: number, opcode: QueryOpcode, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const octets = address.split(".").map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255) || !/^[\d.]+$/.test(address)) {
    throw new SampError("SAMP_INVALID_ARGUMENT", "the query protocol needs an IPv4 address", { opcode });
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SampError("SAMP_INVALID_ARGUMENT", "port must be 1–65535", { opcode });
  const packet = Buffer.alloc(HEADER_LENGTH + payload.length);
  MAGIC.copy(packet, 0);
  for (const [index, octet] of octets.entries()) packet[4 + index] = octet;
  packet.writeUInt16LE(port, 8);
  packet[10] = opcode.charCodeAt(0);
  packet.set(payload, HEADER_LENGTH);
  return packet;
}

/**
 * Builds an RCON request: header with `x`, u16 password length, password, u16 command length,
 * command — both in the server's code page. Lengths are exact (open.mp checks them).
 * @throws {@link SampError} `SAMP_INVALID_ARGUMENT` when either part exceeds `maxBytes`
 */
export function buildRconRequest(address: string, port: number, password: Uint8Array, command: Uint8Array, maxBytes = 1024): Buffer {
  if (password.length > maxBytes) throw new SampError("SAMP_INVALID_ARGUMENT", "the RCON password is too long", { opcode: "x" });
  if (command.length === 0 || command.length > maxBytes) {
    throw new SampError("SAMP_INVALID_ARGUMENT", `an RCON command must be 1 to ${maxBytes} bytes`, { opcode: "x" });
  }
  const payload = Buffer.alloc(2 + password.length + 2 + command.length);
  payload.writeUInt16LE(password.length, 0);
  payload.set(password, 2);
  payload.writeUInt16LE(command.length, 2 + password.length);
  payload.set(command, 4 + password.length);
  return buildRequest(address, port, "x", payload);
}

/** Reads a reply front to back; every read is bounds-checked and throws `SAMP_MALFORMED_PACKET`. */
export class PacketReader {
  #offset: number;

  constructor(
    private readonly bytes: Buffer,
    private readonly opcode: QueryOpcode,
    offset = HEADER_LENGTH,
  ) {
    this.#offset = offset;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  #need(count: number, what: string): number {
    if (count < 0 || this.#offset + count > this.bytes.length) {
      throw new SampError("SAMP_MALFORMED_PACKET", `truncated '${this.opcode}' reply: ${what} needs ${count} bytes, ${this.remaining} left`, { opcode: this.opcode });
    }
    const at = this.#offset;
    this.#offset += count;
    return at;
  }

  u8(what: string): number {
    return this.bytes.readUInt8(this.#need(1, what));
  }

  u16(what: string): number {
    return this.bytes.readUInt16LE(this.#need(2, what));
  }

  u32(what: string): number {
    return this.bytes.readUInt32LE(this.#need(4, what));
  }

  i32(what: string): number {
    return this.bytes.readInt32LE(this.#need(4, what));
  }

  bytesOf(count: number, what: string): Buffer {
    const at = this.#need(count, what);
    return this.bytes.subarray(at, at + count);
  }

  /** Fails unless every byte was read: trailing garbage is malformed too. */
  end(): void {
    if (this.remaining !== 0) {
      throw new SampError("SAMP_MALFORMED_PACKET", `'${this.opcode}' reply has ${this.remaining} unexpected trailing bytes`, { opcode: this.opcode });
    }
  }
}

/** The answer to `i`. */
export interface ServerInfo {
  readonly passworded: boolean;
  readonly players: number;
  readonly maxPlayers: number;
  readonly hostname: string;
  readonly gamemode: string;
  /** The language (SA-MP sends the map name when none is set). */
  readonly language: string;
}

/** One entry of a `c` (basic) or `d` (detailed) player list. */
export interface QueriedPlayer {
  /** The player id: present in `d` answers only. */
  readonly id?: number;
  readonly name: string;
  readonly score: number;
  /** Ping in ms: present in `d` answers only. */
  readonly ping?: number;
}

// Longest string the servers send in `i` (open.mp: 63 bytes); anything far beyond is corrupt.
const MAX_INFO_STRING = 1024;

function infoString(reader: PacketReader, codePage: CodePage, what: string): string {
  const length = reader.u32(`${what} length`);
  if (length > MAX_INFO_STRING) {
    throw new SampError("SAMP_MALFORMED_PACKET", `'i' reply: ${what} length ${length} is implausible`, { opcode: "i" });
  }
  return codePage.decode(reader.bytesOf(length, what));
}

/** Parses the body of an `i` reply. @throws {@link SampError} `SAMP_MALFORMED_PACKET` */
export function parseInfo(packet: Buffer, codePage: CodePage): ServerInfo {
  const reader = new PacketReader(packet, "i");
  const passworded = reader.u8("passworded");
  const players = reader.u16("players");
  const maxPlayers = reader.u16("max players");
  const hostname = infoString(reader, codePage, "hostname");
  const gamemode = infoString(reader, codePage, "gamemode");
  const language = infoString(reader, codePage, "language");
  reader.end();
  if (passworded > 1) throw new SampError("SAMP_MALFORMED_PACKET", "'i' reply: passworded must be 0 or 1", { opcode: "i" });
  return { passworded: passworded === 1, players, maxPlayers, hostname, gamemode, language };
}

/** Parses the body of an `r` reply into rule → value. @throws {@link SampError} `SAMP_MALFORMED_PACKET` */
export function parseRules(packet: Buffer, codePage: CodePage): Map<string, string> {
  const reader = new PacketReader(packet, "r");
  const count = reader.u16("rule count");
  const rules = new Map<string, string>();
  for (let index = 0; index < count; index++) {
    const name = codePage.decode(reader.bytesOf(reader.u8("rule name length"), "rule name"));
    const value = codePage.decode(reader.bytesOf(reader.u8("rule value length"), "rule value"));
    rules.set(name, value);
  }
  reader.end();
  return rules;
}

/** Parses the body of a `c` reply. @throws {@link SampError} `SAMP_MALFORMED_PACKET` */
export function parseClientList(packet: Buffer, codePage: CodePage): QueriedPlayer[] {
  const reader = new PacketReader(packet, "c");
  const count = reader.u16("player count");
  const players: QueriedPlayer[] = [];
  for (let index = 0; index < count; index++) {
    const name = codePage.decode(reader.bytesOf(reader.u8("name length"), "name"));
    players.push({ name, score: reader.i32("score") });
  }
  reader.end();
  return players;
}

/** Parses the body of a `d` reply. @throws {@link SampError} `SAMP_MALFORMED_PACKET` */
export function parseDetailedList(packet: Buffer, codePage: CodePage): QueriedPlayer[] {
  const reader = new PacketReader(packet, "d");
  const count = reader.u16("player count");
  const players: QueriedPlayer[] = [];
  for (let index = 0; index < count; index++) {
    const id = reader.u8("id");
    const name = codePage.decode(reader.bytesOf(reader.u8("name length"), "name"));
    const score = reader.i32("score");
    const ping = reader.u32("ping");
    players.push({ id, name, score, ping });
  }
  reader.end();
  return players;
}

/** Parses one RCON reply datagram (u16 length + text). @throws {@link SampError} `SAMP_MALFORMED_PACKET` */
export function parseRconLine(packet: Buffer, codePage: CodePage): string {
  const reader = new PacketReader(packet, "x");
  const text = codePage.decode(reader.bytesOf(reader.u16("line length"), "line"));
  reader.end();
  return text;
}

/** Whether `packet` starts with `SAMP` and is at least a header long. */
export function hasHeader(packet: Buffer): boolean {
  return packet.length >= HEADER_LENGTH && packet.subarray(0, 4).equals(MAGIC);
}

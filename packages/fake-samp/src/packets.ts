// The server half of the "SAMP" query protocol: reading requests and writing replies, byte
// for byte as SA-MP 0.3.7 and open.mp write them. The client package has its own codec;
// this one is written from the servers' side so each can check the other.

/** `"SAMP"`, the first four bytes of every request and reply. */
export const QUERY_MAGIC: Buffer = Buffer.from("SAMP", "latin1");
/** `"SAMP"` + 4 address bytes + u16 port + opcode. Every reply repeats these bytes. */
export const HEADER_LENGTH = 11;
/** A ping request: the header and 4 bytes of the client's choice, echoed. */
export const PING_LENGTH = 15;

/** One entry of a player list reply. */
export interface PacketPlayer {
  readonly id: number;
  readonly name: Buffer;
  readonly score: number;
  readonly ping: number;
}

/** The fields of an `i` reply, strings already encoded and capped. */
export interface PacketInfo {
  readonly passworded: boolean;
  readonly players: number;
  readonly maxPlayers: number;
  readonly hostname: Buffer;
  readonly gamemode: Buffer;
  readonly language: Buffer;
}

/** Whether `datagram` starts with `"SAMP"` and is at least a header long. */
export function isQuery(datagram: Buffer): boolean {
  return datagram.length >= HEADER_LENGTH && datagram.subarray(0, 4).equals(QUERY_MAGIC);
}

/** The opcode character of a query datagram (byte 10). */
export function opcodeOf(datagram: Buffer): string {
  return String.fromCharCode(datagram[10] ?? 0);
}

/** Builds the 11-byte header a client sends (tests and the CLI use it; the fake never needs it). */
export function encodeHeader(opcode: string, address = "127.0.0.1", port = 7777): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  QUERY_MAGIC.copy(header, 0);
  const octets = address.split(".").map((part) => Number(part) & 0xff);
  for (let i = 0; i < 4; i++) header[4 + i] = octets[i] ?? 0;
  header.writeUInt16LE(port & 0xffff, 8);
  header[10] = opcode.charCodeAt(0) & 0xff;
  return header;
}

/** A string capped at `max` bytes (`max` undefined: no cap). */
export function capBytes(bytes: Buffer, max: number): Buffer {
  return bytes.length > max ? bytes.subarray(0, max) : bytes;
}

/** `i`: u8 passworded, u16 players, u16 max players, then three u32-length strings. */
export function encodeInfo(header: Buffer, info: PacketInfo): Buffer {
  const fixed = Buffer.alloc(1 + 2 + 2);
  fixed.writeUInt8(info.passworded ? 1 : 0, 0);
  fixed.writeUInt16LE(info.players & 0xffff, 1);
  fixed.writeUInt16LE(info.maxPlayers & 0xffff, 3);
  return Buffer.concat([header.subarray(0, HEADER_LENGTH), fixed, u32String(info.hostname), u32String(info.gamemode), u32String(info.language)]);
}

/** `r`: u16 count, then (u8 length + name, u8 length + value) pairs; each string capped at 255 bytes. */
export function encodeRules(header: Buffer, rules: readonly (readonly [Buffer, Buffer])[]): Buffer {
  const parts: Buffer[] = [header.subarray(0, HEADER_LENGTH), u16(rules.length)];
  for (const [name, value] of rules) parts.push(u8String(name), u8String(value));
  return Buffer.concat(parts);
}

/** `c`: u16 count, then (u8 length + name, i32 score). */
export function encodeClients(header: Buffer, players: readonly PacketPlayer[]): Buffer {
  const parts: Buffer[] = [header.subarray(0, HEADER_LENGTH), u16(players.length)];
  for (const player of players) {
    const score = Buffer.alloc(4);
    score.writeInt32LE(player.score | 0, 0);
    parts.push(u8String(player.name), score);
  }
  return Buffer.concat(parts);
}

/** `d`: u16 count, then (u8 id, u8 length + name, i32 score, u32 ping). Ids above 255 wrap, as SA-MP's do. */
export function encodeDetailed(header: Buffer, players: readonly PacketPlayer[]): Buffer {
  const parts: Buffer[] = [header.subarray(0, HEADER_LENGTH), u16(players.length)];
  for (const player of players) {
    const numbers = Buffer.alloc(8);
    numbers.writeInt32LE(player.score | 0, 0);
    numbers.writeUInt32LE(player.ping >>> 0, 4);
    parts.push(Buffer.from([player.id & 0xff]), u8String(player.name), numbers);
  }
  return Buffer.concat(parts);
}

/** open.mp's `o`: four u32-length strings (Discord invite, light banner, dark banner, logo). */
export function encodeExtraInfo(header: Buffer, strings: readonly Buffer[]): Buffer {
  return Buffer.concat([header.subarray(0, HEADER_LENGTH), ...strings.map(u32String)]);
}

/** One RCON output line: header + u16 length + text. */
export function encodeRconLine(header: Buffer, line: Buffer): Buffer {
  const text = capBytes(line, 0xffff);
  return Buffer.concat([header.subarray(0, HEADER_LENGTH), u16(text.length), text]);
}

/** What an `x` datagram asks for, as the server reads it. */
export type RconRequest =
  /** Too short, or lengths that do not fit: the server answers nothing. */
  | { readonly kind: "malformed" }
  /** The password does not match: the server answers `Invalid RCON password.` */
  | { readonly kind: "bad-password" }
  /** The command to run (raw bytes in the code page). */
  | { readonly kind: "command"; readonly command: Buffer };

/**
 * Reads an `x` datagram as the given server does.
 *
 * SA-MP checks only that the datagram is long enough for each declared length and compares
 * the password as a C string (up to its first NUL); extra trailing bytes are ignored.
 * open.mp needs the password length to equal its own, and the command length to match the
 * rest of the datagram exactly; a password of another length is a wrong password.
 */
export function readRcon(datagram: Buffer, flavour: "samp" | "openmp", password: Buffer): RconRequest {
  let offset = HEADER_LENGTH;
  if (datagram.length < offset + 2) return { kind: "malformed" };
  const passwordLength = datagram.readUInt16LE(offset);
  offset += 2;
  if (flavour === "openmp") {
    if (passwordLength !== password.length || datagram.length - offset < passwordLength) return { kind: "bad-password" };
    if (!datagram.subarray(offset, offset + passwordLength).equals(password)) return { kind: "bad-password" };
    offset += passwordLength;
    if (datagram.length < offset + 2) return { kind: "malformed" };
    const commandLength = datagram.readUInt16LE(offset);
    offset += 2;
    if (datagram.length - offset !== commandLength) return { kind: "malformed" };
    return { kind: "command", command: datagram.subarray(offset, offset + commandLength) };
  }
  if (datagram.length < offset + passwordLength) return { kind: "malformed" };
  const given = cString(datagram.subarray(offset, offset + passwordLength));
  offset += passwordLength;
  if (!given.equals(cString(password))) return { kind: "bad-password" };
  if (datagram.length < offset + 2) return { kind: "malformed" };
  const commandLength = datagram.readUInt16LE(offset);
  offset += 2;
  if (datagram.length < offset + commandLength) return { kind: "malformed" };
  return { kind: "command", command: cString(datagram.subarray(offset, offset + commandLength)) };
}

/** Builds an `x` request (for tests and the CLI's self-check). */
export function encodeRconRequest(header: Buffer, password: Buffer, command: Buffer): Buffer {
  return Buffer.concat([header.subarray(0, HEADER_LENGTH), u16(password.length), password, u16(command.length), command]);
}

function cString(bytes: Buffer): Buffer {
  const end = bytes.indexOf(0);
  return end === -1 ? bytes : bytes.subarray(0, end);
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value & 0xffff, 0);
  return buffer;
}

function u8String(bytes: Buffer): Buffer {
  const text = capBytes(bytes, 0xff);
  return Buffer.concat([Buffer.from([text.length]), text]);
}

function u32String(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

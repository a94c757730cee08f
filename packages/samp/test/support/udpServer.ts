import { createSocket, type RemoteInfo } from "node:dgram";

/** A tiny scriptable UDP server on 127.0.0.1, port 0, for the client's tests. */
export interface UdpServer {
  readonly port: number;
  /** Every datagram received, in order. */
  readonly received: Buffer[];
  /** Replaces the handler. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export type Handler = (request: Buffer, reply: (data: Buffer) => void, remote: RemoteInfo) => void;

export async function startUdpServer(handler: Handler = () => undefined): Promise<UdpServer> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  let current = handler;
  socket.on("message", (message, remote) => {
    received.push(message);
    current(message, (data) => socket.send(data, remote.port, remote.address), remote);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    received,
    handle: (next) => {
      current = next;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Header (first 11 bytes) of a request, as the server copies it into its answer. */
export const headerOf = (request: Buffer): Buffer => Buffer.from(request.subarray(0, 11));

const u8 = (value: number): Buffer => Buffer.from([value]);
const u16 = (value: number): Buffer => {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
};
const u32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
};
const i32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
};

/** Encodes replies as SA-MP does, with strings already in bytes (the test picks the code page). */
export const reply = {
  info(request: Buffer, info: { passworded?: boolean; players: number; maxPlayers: number; hostname: Buffer; gamemode: Buffer; language: Buffer }): Buffer {
    return Buffer.concat([
      headerOf(request),
      u8(info.passworded === true ? 1 : 0),
      u16(info.players),
      u16(info.maxPlayers),
      u32(info.hostname.length),
      info.hostname,
      u32(info.gamemode.length),
      info.gamemode,
      u32(info.language.length),
      info.language,
    ]);
  },
  rules(request: Buffer, rules: [Buffer, Buffer][]): Buffer {
    return Buffer.concat([headerOf(request), u16(rules.length), ...rules.flatMap(([name, value]) => [u8(name.length), name, u8(value.length), value])]);
  },
  clients(request: Buffer, players: { name: Buffer; score: number }[]): Buffer {
    return Buffer.concat([headerOf(request), u16(players.length), ...players.flatMap((p) => [u8(p.name.length), p.name, i32(p.score)])]);
  },
  detailed(request: Buffer, players: { id: number; name: Buffer; score: number; ping: number }[]): Buffer {
    return Buffer.concat([
      headerOf(request),
      u16(players.length),
      ...players.flatMap((p) => [u8(p.id), u8(p.name.length), p.name, i32(p.score), u32(p.ping)]),
    ]);
  },
  rconLine(request: Buffer, line: Buffer): Buffer {
    return Buffer.concat([headerOf(request), u16(line.length), line]);
  },
};

/** Reads an RCON request: password and command bytes (the test decodes them). */
export function readRcon(request: Buffer): { password: Buffer; command: Buffer } {
  const passwordLength = request.readUInt16LE(11);
  const password = request.subarray(13, 13 + passwordLength);
  const commandLength = request.readUInt16LE(13 + passwordLength);
  const command = request.subarray(15 + passwordLength, 15 + passwordLength + commandLength);
  return { password, command };
}

export const ascii = (text: string): Buffer => Buffer.from(text, "latin1");

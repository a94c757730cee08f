// Reply readers for the tests, written from the protocol description, not from src/.

export class Reader {
  offset = 11;
  constructor(readonly bytes: Buffer) {}
  u8(): number {
    const value = this.bytes.readUInt8(this.offset);
    this.offset += 1;
    return value;
  }
  u16(): number {
    const value = this.bytes.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }
  i32(): number {
    const value = this.bytes.readInt32LE(this.offset);
    this.offset += 4;
    return value;
  }
  u32(): number {
    const value = this.bytes.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }
  take(length: number): Buffer {
    if (this.offset + length > this.bytes.length) throw new Error("past the end");
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  get done(): boolean {
    return this.offset === this.bytes.length;
  }
}

export function readInfo(reply: Buffer) {
  const r = new Reader(reply);
  const info = {
    passworded: r.u8(),
    players: r.u16(),
    maxPlayers: r.u16(),
    hostname: r.take(r.u32()),
    gamemode: r.take(r.u32()),
    language: r.take(r.u32()),
  };
  if (!r.done) throw new Error("trailing bytes");
  return info;
}

export function readRules(reply: Buffer): [string, string][] {
  const r = new Reader(reply);
  const rules: [string, string][] = [];
  for (let n = r.u16(); n > 0; n--) rules.push([r.take(r.u8()).toString("latin1"), r.take(r.u8()).toString("latin1")]);
  if (!r.done) throw new Error("trailing bytes");
  return rules;
}

export function readClients(reply: Buffer): { name: Buffer; score: number }[] {
  const r = new Reader(reply);
  const players = [];
  for (let n = r.u16(); n > 0; n--) players.push({ name: r.take(r.u8()), score: r.i32() });
  if (!r.done) throw new Error("trailing bytes");
  return players;
}

export function readDetailed(reply: Buffer): { id: number; name: Buffer; score: number; ping: number }[] {
  const r = new Reader(reply);
  const players = [];
  for (let n = r.u16(); n > 0; n--) players.push({ id: r.u8(), name: r.take(r.u8()), score: r.i32(), ping: r.u32() });
  if (!r.done) throw new Error("trailing bytes");
  return players;
}

export function readRconLine(reply: Buffer): Buffer {
  const r = new Reader(reply);
  const line = r.take(r.u16());
  if (!r.done) throw new Error("trailing bytes");
  return line;
}

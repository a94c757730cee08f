import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain JavaScript example, as a gamemode would write it, without types; run as written.
import * as example from "../examples/in-process.mjs";

const { main } = example as { main(options: { log(line: string): void }): Promise<{ posted: string[]; shown: string[] }> };

describe("examples/in-process.mjs (README: embedding the bridge in a gamemode)", () => {
  it("runs as written: game echo reaches #echo, a Discord message reaches the player in game", async () => {
    const lines: string[] = [];
    const { posted, shown } = await main({ log: (line) => lines.push(line) });
    expect(posted.join("\n")).toMatch(/Gunther[\s\S]*hello Discord/);
    expect(shown).toEqual([expect.stringMatching(/^\[Discord\] .+: hello game$/)]);
    expect(lines).toHaveLength(2);
  });
});

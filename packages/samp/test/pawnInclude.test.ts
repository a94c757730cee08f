import { describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const include = await readFile(fileURLToPath(new URL("../pawn/nuwani.inc", import.meta.url)), "latin1");
const adapter = await readFile(fileURLToPath(new URL("../src/SampGameServer.ts", import.meta.url)), "utf8");

describe("pawn/nuwani.inc and the adapter agree", () => {
  it("handles every RCON command the adapter sends", () => {
    const sent = [...adapter.matchAll(/`(nuwani_[a-z]+) /g), ...adapter.matchAll(/"(nuwani_[a-z]+)"/g)].map((m) => m[1]!);
    expect(new Set(sent)).toEqual(new Set(["nuwani_pm", "nuwani_msg", "nuwani_announce", "nuwani_mute", "nuwani_unmute"]));
    for (const command of sent) expect(include).toContain(`"${command} "`);
  });

  it("prints the internal echo tags the adapter consumes, with the [nuwani] marker", () => {
    for (const tag of ["nuwani-level", "nuwani-mute", "nuwani-unmute", "nuwani-heartbeat"]) {
      expect(adapter).toContain(`"${tag}"`);
      expect(include).toContain(tag);
    }
    expect(include).toContain('"[nuwani] %s"');
  });

  it("uses the audience names of the DeliveryTarget", () => {
    for (const audience of ["vips", "administrators", "management"]) expect(include).toContain(`"${audience} "`);
  });
});

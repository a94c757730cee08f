import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary directory removed by `cleanup()`. */
export async function tempDir(): Promise<{ path: string; file: (name: string) => string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "nuwani-samp-"));
  return { path, file: (name) => join(path, name), cleanup: () => rm(path, { recursive: true, force: true }) };
}

// Prints which inflate path the socket package takes on this Node version:
// "inflater: native" (node:zlib driven synchronously through its internals) or
// "inflater: window" (the public-API fallback, about 5x the CPU). A Node upgrade that changes
// zlib's internals moves the socket to the fallback without an error; this line makes it show.
//
// It runs the package's own source (packages/socket/src/Inflater.ts, transpiled with the
// workspace's TypeScript) so it needs no build and no export of the internal inflater.
// Exit status 0 either way (both paths are correct); 1 only if the check itself cannot run.
// `--require-native` makes the window path an error.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

const source = new URL("../packages/socket/src/Inflater.ts", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "nuwani-inflater-"));
try {
  const { outputText } = ts.transpileModule(readFileSync(source, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: "Inflater.ts",
  });
  const file = join(dir, "Inflater.mjs");
  writeFileSync(file, outputText);
  const { nativeInflaterWorks } = await import(pathToFileURL(file).href);
  const path = nativeInflaterWorks() ? "native" : "window";
  console.log(`inflater: ${path} (node ${process.version}, zlib ${process.versions.zlib})`);
  if (path !== "native" && process.argv.includes("--require-native")) process.exitCode = 1;
} catch (error) {
  console.log(`inflater: unknown (the check failed: ${error instanceof Error ? error.message : String(error)})`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

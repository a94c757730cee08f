// Fails when the published type declarations import a module a consumer would not have: every
// bare import of dist/*.d.ts and dist/*.d.cts must be a Node built-in (node:…) or a dependency
// that ships its own types. (`ws` does not: its types are @types/ws, which is not a dependency.)
import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** @typedef {{ dependencies?: Record<string, string>; types?: string; typings?: string; exports?: unknown }} PackageJson */
/** @param {string} path @returns {PackageJson} */
const readPackage = (path) => {
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(path, "utf8"));
  return /** @type {PackageJson} */ (parsed);
};

const root = dirname(fileURLToPath(import.meta.url));
const pkg = readPackage(join(root, "package.json"));
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules);
/** @param {string} name */
const shipsTypes = (name) => {
  try {
    const dep = readPackage(join(root, "node_modules", name, "package.json"));
    return Boolean(dep.types ?? dep.typings) || JSON.stringify(dep.exports ?? {}).includes('"types"');
  } catch {
    return false;
  }
};

/** @type {string[]} */
const problems = [];
const files = readdirSync(join(root, "dist")).filter((file) => file.endsWith(".d.ts") || file.endsWith(".d.cts"));
if (files.length === 0) problems.push("no .d.ts in dist (build first)");
for (const file of files) {
  const text = readFileSync(join(root, "dist", file), "utf8");
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"'./][^"']*)["']/g)) {
    const specifier = match[1];
    if (specifier.startsWith("node:") || builtins.has(specifier)) continue;
    const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    if (!dependencies.has(name)) problems.push(`${file} imports "${specifier}", which is not a dependency`);
    else if (!shipsTypes(name) && !dependencies.has(`@types/${name}`)) problems.push(`${file} imports "${specifier}", whose types are not a dependency`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`${problems.join("\n")}\n`);
  process.exit(1);
}
process.stdout.write(`type declarations self-contained (${files.join(", ")})\n`);

// The API reference of every package, from its TSDoc, with TypeDoc.
//
//   node tooling/docs/docs.mjs build            → docs/api/ (all packages, one site; gitignored)
//   node tooling/docs/docs.mjs check [names…]   → per package: undocumented exports, broken
//                                                 {@link}s and TypeScript errors, as errors
//
// Packages are found, not listed: every packages/<dir> with a package.json and a src/index.ts
// (a package without src/index.ts exports no API and is reported as skipped). Both commands
// need the workspace built (packages import each other's dist types): `pnpm docs` and
// `pnpm docs:check` build first. `check` runs TypeDoc once per package so that each one is
// reported on its own, ends with "docs: N of M packages ok", and exits 1 when one is not.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const typedoc = join(dirname(createRequire(join(root, "package.json")).resolve("typedoc/package.json")), "bin", "typedoc");
const PER_PACKAGE_TIMEOUT_MS = 300_000;

/** TypeDoc options shared by both commands (see https://typedoc.org/documents/Options.html). */
const COMMON = [
  "--readme", "none", // the package READMEs are written for GitHub and npm, and link folders
  "--excludePrivate",
  "--excludeInternal", // `@internal` marks what is exported for sibling files, not for users
  // Names re-exported from dependencies (the gateway's discord-api-types) are documented by
  // their own project; their comments are not ours to check.
  "--excludeExternals",
  // Source links need a hosted git remote; a clone (CI's among them) may have none.
  "--disableSources",
  "--validation.notExported", "false",
  "--validation.invalidLink", "true",
  "--validation.notDocumented", "true",
  // Every export and every method a user calls; fields of option and record types are
  // described where the README lists them (and mostly carry TSDoc too), so not required here.
  ...["Enum", "Variable", "Function", "Class", "Interface", "TypeAlias", "Constructor", "Method", "Accessor"].flatMap(
    (kind) => ["--requiredToBeDocumented", kind],
  ),
  "--logLevel", "Warn",
];

function findPackages() {
  const packages = [];
  for (const dir of readdirSync(join(root, "packages")).sort()) {
    const path = join(root, "packages", dir);
    if (!existsSync(join(path, "package.json"))) continue;
    const { name } = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
    packages.push({ name, path, entry: join(path, "src", "index.ts"), tsconfig: join(path, "tsconfig.json") });
  }
  return packages;
}

function runTypedoc(args, options = {}) {
  return spawnSync(process.execPath, [typedoc, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: options.timeout ?? PER_PACKAGE_TIMEOUT_MS,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: options.inherit ? "inherit" : "pipe",
  });
}

const [command, ...names] = process.argv.slice(2);
const all = findPackages();
const unknown = names.filter((name) => !all.some((pkg) => pkg.name === name || relative(root, pkg.path) === name));
if (unknown.length > 0) {
  console.error(`docs: no such package: ${unknown.join(", ")}`);
  process.exit(2);
}
const chosen = names.length === 0 ? all : all.filter((pkg) => names.includes(pkg.name) || names.includes(relative(root, pkg.path)));
const documented = chosen.filter((pkg) => existsSync(pkg.entry));
for (const pkg of chosen) if (!existsSync(pkg.entry)) console.log(`docs: ${pkg.name}: skipped (no src/index.ts, no API)`);

if (command === "build") {
  const result = runTypedoc(
    [
      ...COMMON,
      "--entryPointStrategy", "packages",
      ...documented.flatMap((pkg) => ["--entryPoints", relative(root, pkg.path)]),
      // packageOptions (settable only in a file): each package's entry point and options; the
      // undocumented-export check is `check`'s job, so `build` only writes the site.
      "--options", "tooling/docs/typedoc.json",
      "--name", "Nuwani Discord",
      "--out", "docs/api",
    ],
    { inherit: true, timeout: 20 * 60_000 },
  );
  if (result.status === 0) console.log(`docs: API reference of ${documented.length} packages in docs/api/index.html`);
  process.exit(result.status ?? 1);
} else if (command === "check") {
  let ok = 0;
  for (const pkg of documented) {
    const result = runTypedoc([
      ...COMMON,
      "--entryPointStrategy", "resolve",
      "--entryPoints", relative(root, pkg.entry),
      "--tsconfig", relative(root, pkg.tsconfig),
      "--name", pkg.name,
      "--emit", "none",
      "--treatWarningsAsErrors",
    ]);
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    if (result.status === 0) {
      ok++;
      console.log(`docs: ${pkg.name}: ok`);
    } else {
      const why = result.error ? ` (${result.error.message})` : "";
      const problems = output.split("\n").filter((line) => /\[(warning|error)\]|error TS/.test(line) && !/Found \d+ errors/.test(line));
      console.log(`docs: ${pkg.name}: FAILED${why}, ${problems.length} problem(s)`);
      for (const line of output.split("\n")) console.log(`  ${line}`);
    }
  }
  console.log(`docs: ${ok} of ${documented.length} packages ok`);
  process.exit(ok === documented.length ? 0 : 1);
} else {
  console.error("usage: node tooling/docs/docs.mjs build | check [package…]");
  process.exit(2);
}

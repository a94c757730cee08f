// The size of each package's public surface and of its largest rooms, from the sources.
//
//   node tooling/surface/surface.mjs           → per package: exported names (types included),
//                                                 the largest source file and function
//   node tooling/surface/surface.mjs check     → also fails (exit 1) when a package README's
//                                                 "## Exports" table does not list exactly what
//                                                 src/index.ts exports
//   node tooling/surface/surface.mjs --json    → the same figures as JSON (for closing notes)
//
// Names are counted with the TypeScript compiler's own view of src/index.ts, so `export *`,
// re-exported namespaces and type-only exports all count once each. Functions are every
// function declaration, method, accessor, constructor, arrow function and function expression;
// their size is their line count.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const args = process.argv.slice(2);
// `--root DIR` measures another checkout (an older commit's worktree) with this script.
const rootArg = args.indexOf("--root");
const root = rootArg === -1 ? fileURLToPath(new URL("../..", import.meta.url)) : args[rootArg + 1];
const check = args.includes("check");
const json = args.includes("--json");

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts)$/.test(entry) && !entry.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

function exportedNames(entry) {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const symbol = source && checker.getSymbolAtLocation(source);
  return symbol ? checker.getExportsOfModule(symbol).map((s) => s.getName()).sort() : [];
}

function largestFunction(files) {
  let best = { lines: 0, name: "", file: "" };
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > best.lines) {
          const owner = node.parent && (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent)) ? node.parent.name : undefined;
          const name = node.name ? node.name.getText(source) : ts.isConstructorDeclaration(node) ? "constructor" : owner ? owner.getText(source) : "(anonymous)";
          best = { lines, name, file: relative(root, file) };
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return best;
}

/** The names in the first column of the README's "## Exports" table(s): `name` or `name(args)`. */
function readmeNames(readme) {
  if (!existsSync(readme)) return undefined;
  const text = readFileSync(readme, "utf8");
  const start = text.search(/^## Exports\s*$/m);
  if (start === -1) return undefined;
  const rest = text.slice(start + 1);
  const next = rest.search(/^## /m);
  const section = next === -1 ? rest : rest.slice(0, next);
  const names = new Set();
  for (const line of section.split("\n")) {
    const cell = /^\|([^|]*)\|/.exec(line);
    if (!cell) continue;
    for (const code of cell[1].matchAll(/`([^`]+)`/g)) {
      const name = /^(?:new\s+)?([A-Za-z_$][\w$]*)/.exec(code[1].trim());
      if (name) names.add(name[1]);
    }
  }
  return names;
}

const rows = [];
let failures = 0;
for (const dir of readdirSync(join(root, "packages")).sort()) {
  const path = join(root, "packages", dir);
  const entry = join(path, "src", "index.ts");
  if (!existsSync(join(path, "package.json")) || !existsSync(entry)) continue;
  const { name } = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
  const files = sourceFiles(join(path, "src"));
  const exports = exportedNames(entry);
  let largestFile = { lines: 0, file: "" };
  for (const file of files) {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").length;
    if (lines > largestFile.lines) largestFile = { lines, file: relative(root, file) };
  }
  const row = { name, exports: exports.length, largestFile, largestFunction: largestFunction(files) };
  if (check) {
    const listed = readmeNames(join(path, "README.md"));
    if (listed === undefined) {
      row.problem = "README has no \"## Exports\" table";
    } else {
      const missing = exports.filter((n) => !listed.has(n));
      const extra = [...listed].filter((n) => !exports.includes(n));
      if (missing.length > 0 || extra.length > 0) {
        row.problem = [missing.length ? `not in README: ${missing.join(", ")}` : "", extra.length ? `in README, not exported: ${extra.join(", ")}` : ""]
          .filter(Boolean)
          .join("; ");
      }
    }
    if (row.problem) failures++;
  }
  rows.push(row);
}

if (json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  for (const row of rows) {
    const f = row.largestFunction;
    console.log(
      `${row.name.padEnd(22)} ${String(row.exports).padStart(4)} exports; largest file ${row.largestFile.file} (${row.largestFile.lines} lines); largest function ${f.name} in ${f.file} (${f.lines} lines)${row.problem ? `\n  ✗ ${row.problem}` : ""}`,
    );
  }
  const total = rows.reduce((sum, row) => sum + row.exports, 0);
  console.log(check ? `surface: ${rows.length - failures} of ${rows.length} packages list their exports (${total} names)` : `surface: ${total} names in ${rows.length} packages`);
}
process.exitCode = failures > 0 ? 1 : 0;

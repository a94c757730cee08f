#!/usr/bin/env bash
# The consumer test: what a bot author gets from npm. Packs @nuwani/gateway and @nuwani/rest
# and the workspace packages they need (found from their dependencies), installs only those
# two into a scratch project with plain npm (the internal ones come from the tarballs through
# `overrides`; a dead registry for the @nuwani scope proves none is fetched from a registry),
# compiles tooling/consumer-test/bot.ts strictly as ESM and as CommonJS (module nodenext), and
# runs both against the workspace's fake Discord on 127.0.0.1.
# Needs the workspace built (dist of those packages and of fake-discord) and the npm registry
# for typescript and @types/node. Prints "consumer-test: passed" or "consumer-test: failed (…)".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TYPESCRIPT_VERSION=6.0.3
# The minimum @types/node the packages declare (an optional peer, ">=x.y.z"); the bot is
# compiled against exactly that version.
TYPES_NODE_VERSION=${TYPES_NODE_VERSION:-$(node -p 'require("./packages/gateway/package.json").peerDependencies["@types/node"].replace(/^>=/, "")')}

work=$(mktemp -d "${TMPDIR:-/tmp}/nuwani-consumer-XXXXXX")
if [ -n "${CONSUMER_TEST_KEEP:-}" ]; then echo "consumer-test: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
fail() {
  echo "consumer-test: failed ($1)"
  exit 1
}
if [ "$(pnpm --version 2>/dev/null)" = "12.4.2" ]; then PNPM=(pnpm); else PNPM=(npx -y pnpm@12.4.2); fi

# The workspace packages to pack: gateway, rest and every workspace dependency beneath them.
mapfile -t packages < <(node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs");
  const dirs = new Map();
  for (const dir of readdirSync("packages")) {
    const file = `packages/${dir}/package.json`;
    if (existsSync(file)) dirs.set(JSON.parse(readFileSync(file, "utf8")).name, `packages/${dir}`);
  }
  const wanted = ["@nuwani/gateway", "@nuwani/rest"];
  const seen = new Set();
  while (wanted.length > 0) {
    const name = wanted.pop();
    if (seen.has(name)) continue;
    if (!dirs.has(name)) throw new Error(`${name} is not a workspace package`);
    seen.add(name);
    const pkg = JSON.parse(readFileSync(`${dirs.get(name)}/package.json`, "utf8"));
    for (const [dep, spec] of Object.entries(pkg.dependencies ?? {})) if (spec.startsWith("workspace:")) wanted.push(dep);
  }
  for (const name of seen) console.log(`${name} ${dirs.get(name)}`);
') || fail "could not read the workspace packages"
[ "${#packages[@]}" -ge 2 ] || fail "no packages to pack"

mkdir -p "$work/tarballs" "$work/app"
declare -A tarball
for entry in "${packages[@]}"; do
  name=${entry% *}
  dir=${entry#* }
  [ -d "$dir/dist" ] || fail "$name is not built ($dir/dist is missing)"
  out=$(cd "$dir" && timeout 120 "${PNPM[@]}" pack --pack-destination "$work/tarballs" 2>&1) || fail "pnpm pack $name: $out"
  file=$(printf '%s\n' "$out" | grep -E '\.tgz$' | tail -n1)
  [ -f "$file" ] || file="$work/tarballs/$(basename "$file")"
  [ -f "$file" ] || fail "pnpm pack $name wrote no tarball"
  tarball[$name]=$file
done
echo "consumer-test: packed ${!tarball[*]}"

# The scratch project: only gateway and rest as dependencies; the other internal packages are
# pinned to their tarballs by overrides, and the @nuwani scope has no working registry.
APP_PACKAGE_JSON="$work/app/package.json" node -e '
  const [gateway, rest, ts, typesNode, ...others] = process.argv.slice(1);
  const overrides = Object.fromEntries(others.map((pair) => pair.split("=")).map(([name, file]) => [name, `file:${file}`]));
  const pkg = {
    name: "nuwani-consumer-test",
    version: "0.0.0",
    private: true,
    dependencies: { "@nuwani/gateway": `file:${gateway}`, "@nuwani/rest": `file:${rest}` },
    devDependencies: { typescript: ts, "@types/node": typesNode },
    overrides,
  };
  require("node:fs").writeFileSync(process.env.APP_PACKAGE_JSON, JSON.stringify(pkg, null, 2) + "\n");
' "${tarball[@nuwani/gateway]}" "${tarball[@nuwani/rest]}" "$TYPESCRIPT_VERSION" "$TYPES_NODE_VERSION" \
  $(for name in "${!tarball[@]}"; do [ "$name" = "@nuwani/gateway" ] || [ "$name" = "@nuwani/rest" ] || echo "$name=${tarball[$name]}"; done) \
  2>&1 || fail "could not write package.json"
printf '@nuwani:registry=http://127.0.0.1:9/\nfund=false\naudit=false\nupdate-notifier=false\n' >"$work/app/.npmrc"

(cd "$work/app" && timeout 300 npm install --no-audit --no-fund --ignore-scripts --loglevel=error >"$work/npm.log" 2>&1) \
  || { tail -n 20 "$work/npm.log"; fail "npm install"; }
node -e '
  const lock = require(process.argv[1]);
  const nuwani = Object.entries(lock.packages).filter(([path]) => path.includes("node_modules/@nuwani/"));
  const remote = nuwani.filter(([, entry]) => !String(entry.resolved ?? "").startsWith("file:"));
  if (nuwani.length === 0 || remote.length > 0) {
    console.error("not from the tarballs:", remote.map(([path]) => path).join(", ") || "(no @nuwani packages)");
    process.exit(1);
  }
  console.log(`consumer-test: installed ${nuwani.map(([path]) => path.replace(/.*node_modules\//, "")).join(", ")} from the tarballs`);
' "$work/app/package-lock.json" || fail "an @nuwani package did not come from the tarballs"

# The same bot, compiled as ESM and as CommonJS.
for flavour in esm cjs; do
  mkdir -p "$work/app/$flavour"
  cp tooling/consumer-test/bot.ts tooling/consumer-test/tsconfig.json "$work/app/$flavour/"
  if [ "$flavour" = esm ]; then type=module; else type=commonjs; fi
  printf '{ "type": "%s" }\n' "$type" >"$work/app/$flavour/package.json"
  (cd "$work/app/$flavour" && timeout 180 ../node_modules/.bin/tsc -p tsconfig.json) || fail "tsc ($flavour)"
done
# The packages' declaration files themselves, every import in them resolved (skipLibCheck off;
# exactOptionalPropertyTypes off here only because @types/node's own files fail under it).
(cd "$work/app/cjs" && timeout 180 ../node_modules/.bin/tsc -p tsconfig.json --noEmit --skipLibCheck false --exactOptionalPropertyTypes false) \
  || fail "the declaration files do not check (skipLibCheck false)"
grep -q 'from "@nuwani/gateway"' "$work/app/esm/dist/bot.js" || fail "the ESM build does not import"
grep -q 'require("@nuwani/gateway")' "$work/app/cjs/dist/bot.js" || fail "the CommonJS build does not require"
echo "consumer-test: compiled the bot as ESM and CommonJS (typescript $TYPESCRIPT_VERSION, @types/node $TYPES_NODE_VERSION, strict)"

timeout 120 node tooling/consumer-test/run-against-fake.mjs "esm=$work/app/esm/dist/bot.js" "cjs=$work/app/cjs/dist/bot.js" \
  || fail "a bot did not run against the fake Discord"
echo "consumer-test: passed"

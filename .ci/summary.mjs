// Sums vitest's JSON reports (packages/*/test-results.json) into one line:
// "N passed, N failed, N skipped". Exits 1 when a test or a suite failed, a package's report
// is missing, or no test ran at all.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
let problems = 0;

for (const name of readdirSync("packages").sort()) {
  const dir = join("packages", name);
  if (!existsSync(join(dir, "package.json"))) continue;
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (!pkg.scripts?.test) continue;
  const file = join(dir, "test-results.json");
  if (!existsSync(file)) {
    console.error(`ci: ${pkg.name} wrote no test-results.json`);
    problems++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that fails to load has no failed tests but is a failure all the same.
  const brokenSuites = (report.testResults ?? []).filter(
    (suite) => suite.status === "failed" && (suite.assertionResults ?? []).every((t) => t.status !== "failed"),
  ).length;
  if (brokenSuites > 0) console.error(`ci: ${pkg.name}: ${brokenSuites} test file(s) failed to run`);
  failed += brokenSuites;
  console.error(`ci: ${pkg.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}

console.log(`${passed} passed, ${failed + problems} failed, ${skipped} skipped`);
process.exit(failed + problems > 0 || passed === 0 ? 1 : 0);

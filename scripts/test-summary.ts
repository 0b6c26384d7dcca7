// Adds up the Vitest JSON reports of every workspace into one closing line.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

interface VitestFileResult {
  name: string;
  startTime: number;
  endTime: number;
  /** Set when the file itself failed (it did not load, or a hook threw). */
  message?: string;
  assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
}

interface VitestReport {
  testResults: VitestFileResult[];
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
}

// The root package.json's workspace patterns: a folder, or a folder of folders (`apps/*`).
const patterns = (JSON.parse(readFileSync("package.json", "utf8")) as { workspaces: string[] })
  .workspaces;
const workspaces = patterns.flatMap((pattern) => {
  if (!pattern.endsWith("/*")) return existsSync(pattern) ? [pattern] : [];
  const group = pattern.slice(0, -2);
  return existsSync(group) ? readdirSync(group).map((name) => join(group, name)) : [];
});
const totals = { passed: 0, failed: 0, skipped: 0 };
let missing = 0;
// The hostile-input suite has a time bound of its own (it must stay cheap enough to run always).
const ADVERSARIAL = { folder: "/test/adversarial/", limitSeconds: 180 };
const adversarialFiles: VitestFileResult[] = [];
// Each test script of a workspace writes its own report (scripts/test.sh).
const REPORTS = [
  { script: "test", file: ".test-results.json" },
  { script: "test:adversarial", file: ".test-results-adversarial.json" },
  { script: "test:images", file: ".test-results-images.json" },
];
for (const workspace of workspaces) {
  const pkg = JSON.parse(readFileSync(join(workspace, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  for (const { script, file: name } of REPORTS) {
    if (!pkg.scripts?.[script]) continue;
    const label = script === "test" ? workspace : `${workspace} (${script})`;
    const file = join(workspace, name);
    if (!existsSync(file)) {
      console.log(`${label}: no test report (the run did not finish)`);
      missing++;
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8")) as VitestReport;
    const skipped = report.numPendingTests + report.numTodoTests;
    // A file that fails to load, or a run with no test files, fails without a failed test: count it.
    const failed =
      report.numFailedTests || (report.success ? 0 : Math.max(report.numFailedTestSuites, 1));
    console.log(`${label}: ${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
    for (const line of failures(report)) console.log(`  ✗ ${line}`);
    adversarialFiles.push(...report.testResults.filter((r) => r.name.includes(ADVERSARIAL.folder)));
    totals.passed += report.numPassedTests;
    totals.failed += failed;
    totals.skipped += skipped;
  }
}
/** What failed in a report, a line each, so the closing lines say which test to look at. */
function failures(report: VitestReport): string[] {
  return report.testResults.flatMap((file) => {
    const name = relative(process.cwd(), file.name);
    const tests = file.assertionResults
      .filter((test) => test.status === "failed")
      .map((test) => `${name} > ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    if (tests.length === 0 && file.message) tests.push(`${name}: ${firstLine(file.message)}`);
    return tests;
  });
}

function firstLine(message: string | undefined): string {
  return (message ?? "").replace(/\n[\s\S]*/, "").slice(0, 300);
}

if (adversarialFiles.length > 0) {
  const seconds =
    (Math.max(...adversarialFiles.map((r) => r.endTime)) -
      Math.min(...adversarialFiles.map((r) => r.startTime))) /
    1000;
  const within = seconds <= ADVERSARIAL.limitSeconds;
  console.log(
    `adversarial suite: ${adversarialFiles.length} files in ${seconds.toFixed(1)} s ` +
      `(bound ${ADVERSARIAL.limitSeconds} s${within ? "" : ", exceeded: counted as a failure"})`,
  );
  if (!within) totals.failed++;
}
console.log(
  `Tests: ${totals.passed} passed, ${totals.failed + missing} failed, ${totals.skipped} skipped`,
);
process.exit(totals.failed + missing > 0 || totals.passed === 0 ? 1 : 0);

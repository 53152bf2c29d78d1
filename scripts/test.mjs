// `pnpm test`: makes sure the real services are there (starting a Kafka broker when none answers and
// Java and Maven are present), runs every package's tests (unit + integration) through turbo, prints
// one closing line `N passed, N failed, N skipped`, and stops a broker it started itself.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeKafka } from './testing/probe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const REPORT = '.vitest-report.json';
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'package.json')));
for (const name of packages) rmSync(join(packagesDir, name, REPORT), { force: true });

const kafkaWasUp = await probeKafka();
const up = spawnSync('node', [join(here, 'services.mjs'), 'up'], { stdio: 'inherit' });
if (up.status !== 0) {
  process.stderr.write('[test] some services could not be started; their integration tests are skipped (or fail under IAP_REQUIRE_SERVICES=1)\n');
}
const startedKafka = !kafkaWasUp && (await probeKafka());

const concurrency = process.env.IAP_TEST_CONCURRENCY ?? '1';
const result = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'test', `--concurrency=${concurrency}`, ...process.argv.slice(2), '--', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`],
  { stdio: 'inherit', cwd: root },
);

// The harness's own tests (scripts/testing: fault proxy, PostgreSQL faults, private Kafka). Skipped when
// the run is narrowed to some packages (`pnpm test --filter=...`).
const HARNESS_REPORT = join(here, 'testing', REPORT);
rmSync(HARNESS_REPORT, { force: true });
const narrowed = process.argv.slice(2).some((arg) => arg.startsWith('--filter') || arg.startsWith('-F'));
const harness = narrowed
  ? { status: 0 }
  : spawnSync(
      'pnpm',
      ['exec', 'vitest', 'run', '--config', 'scripts/testing/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${HARNESS_REPORT}`],
      { stdio: 'inherit', cwd: root },
    );

if (startedKafka && process.env.IAP_KEEP_SERVICES !== '1') {
  spawnSync('bash', [join(here, 'kafka.sh'), 'down'], { stdio: 'inherit' });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const reports = packages.map((name) => ({ label: `@iap/${name}`, file: join(packagesDir, name, REPORT) }));
if (!narrowed) reports.push({ label: 'scripts/testing (harness)', file: HARNESS_REPORT });
for (const { label, file } of reports) {
  if (!existsSync(file)) {
    rows.push(`  ${label}: no report (did its tests run?)`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const p = report.numPassedTests ?? 0;
  const f = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  passed += p;
  failed += f;
  skipped += s;
  rows.push(`  ${label}: ${p} passed, ${f} failed, ${s} skipped`);
}
console.log(`\nTest summary by package:\n${rows.join('\n')}`);
const status = (result.status ?? 1) || (harness.status ?? 1);
if (status !== 0 && failed === 0) failed = 1; // a failure outside the reports (build, crash) still counts
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);

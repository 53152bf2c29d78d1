// `pnpm bench`: runs every package's benchmark one after another (never in parallel: they would
// measure each other), then prints one table — for each case ours, the best peer, the floor and the
// ratios — and writes everything to bench/results/latest.json for comparison between commits.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', 'results');
const startedAt = Date.now();

const run = spawnSync('pnpm', ['exec', 'turbo', 'run', 'bench', '--concurrency=1', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.json') && name !== 'latest.json') files.push(path);
  }
  return files;
}

const reports = existsSync(resultsDir)
  ? collect(resultsDir)
      .map((file) => ({ file: relative(root, file), ...JSON.parse(readFileSync(file, 'utf8')) }))
      .filter((r) => Date.parse(r.date) >= startedAt - 1000)
  : [];

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(1));
const rows = [];
const summary = [];
for (const report of reports) {
  const groups = new Map();
  for (const r of report.results) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  for (const [group, cases] of groups) {
    const floor = cases.find((c) => c.role === 'floor');
    const peers = cases.filter((c) => c.role === 'peer');
    const bestPeer = peers.sort((a, b) => b.opsPerSec - a.opsPerSec)[0];
    for (const ours of cases.filter((c) => c.role === 'ours')) {
      const entry = {
        package: report.package,
        group,
        case: ours.name,
        unit: ours.unit,
        ours: ours.opsPerSec,
        bestPeer: bestPeer ? { name: bestPeer.name, opsPerSec: bestPeer.opsPerSec } : null,
        floor: floor ? { name: floor.name, opsPerSec: floor.opsPerSec } : null,
        vsFloor: floor ? ours.opsPerSec / floor.opsPerSec : null,
        vsBestPeer: bestPeer ? ours.opsPerSec / bestPeer.opsPerSec : null,
      };
      summary.push(entry);
      rows.push([
        report.package,
        `${group} :: ${ours.name}`,
        `${fmt(ours.opsPerSec)} ${ours.unit}`,
        bestPeer ? `${fmt(bestPeer.opsPerSec)} (${bestPeer.name})` : '-',
        floor ? fmt(floor.opsPerSec) : '-',
        entry.vsFloor === null ? '-' : `${entry.vsFloor.toFixed(2)}x`,
        entry.vsBestPeer === null ? '-' : `${entry.vsBestPeer.toFixed(2)}x`,
      ]);
    }
  }
}

const header = ['package', 'case', 'ours', 'best peer', 'floor', 'vs floor', 'vs peer'];
const widths = header.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i].length))));
const line = (cells) => cells.map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i]))).join(' | ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-+-')}`);
for (const r of rows) console.log(line(r));

const latest = { date: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`, summary, reports };
writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(latest, null, 2) + '\n');
console.log(`\nwrote ${relative(root, join(resultsDir, 'latest.json'))} (${reports.length} package reports)`);
process.exit(run.status ?? 1);

// `pnpm test`: makes sure the real services are there (starting a Kafka broker when none answers and
// Java and Maven are present), runs every package's tests through turbo, and stops a broker it started.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeKafka } from './testing/probe.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const kafkaWasUp = await probeKafka();
const up = spawnSync('node', [join(here, 'services.mjs'), 'up'], { stdio: 'inherit' });
if (up.status !== 0) {
  process.stderr.write('[test] some services could not be started; their integration tests will be skipped (or fail under IAP_REQUIRE_SERVICES=1)\n');
}
const startedKafka = !kafkaWasUp && (await probeKafka());
const args = ['turbo', 'run', 'test', '--concurrency=1', ...process.argv.slice(2)];
const result = spawnSync('pnpm', ['exec', ...args], { stdio: 'inherit' });
if (startedKafka && process.env.IAP_KEEP_SERVICES !== '1') {
  spawnSync('bash', [join(here, 'kafka.sh'), 'down'], { stdio: 'inherit' });
}
process.exit(result.status ?? 1);

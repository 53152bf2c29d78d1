import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEnvelope } from '@iap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireKafka } from '../../../../scripts/testing/services.js';
import { createKafkaPublisher } from '../../src/index.js';
import { createKafkaKit, waitFor, type KafkaKit } from './support/kafka-kit.js';

const service = await requireKafka();
const fixture = fileURLToPath(new URL('./fixtures/sigterm-consumer.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe.skipIf(!service.available)('graceful shutdown on SIGTERM (child process, real broker)', () => {
  let kit: KafkaKit;
  beforeAll(() => {
    kit = createKafkaKit(service.brokers);
  });
  afterAll(() => kit.cleanup());

  it('stops fetching, finishes the record in hand, commits exactly what was handled, leaves and exits by the signal', async () => {
    const topic = kit.name('sigterm');
    const groupId = kit.name('sigterm-group');
    await kit.createTopics([topic], { partitions: 1, deadLetter: false });
    const events = Array.from({ length: 40 }, (_, n) => createEnvelope({ type: 'order.placed', source: '/orders', data: { n } }));
    const publisher = createKafkaPublisher({ transport: kit.transport });
    await publisher.publish(events.map((e) => ({ id: e.id, destination: topic, headers: {}, envelope: e })));
    await publisher.close();

    const child = spawn(process.execPath, ['--import', 'tsx', fixture, service.brokers.join(','), topic, groupId], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const handledCount = () => stdout.split('\n').filter((l) => l.startsWith('handled ')).length;

    await waitFor(() => handledCount() >= 5, 60_000, `the child to handle 5 records (stderr: ${stderr})`);
    child.kill('SIGTERM');
    const { code, signal } = await exited;

    expect(stdout).toContain('closed\n');
    expect(signal ?? code).toBe('SIGTERM');
    const handled = handledCount();
    expect(handled).toBeLessThan(events.length);
    // everything handled was committed, nothing that was not
    expect(await kit.committedOffset(groupId, topic)).toBe(String(handled));
    const offsets = stdout.split('\n').filter((l) => l.startsWith('handled ')).map((l) => Number(l.slice(8)));
    expect(offsets).toEqual(Array.from({ length: handled }, (_, i) => i));
  });
});

import { ErrorCode } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash32, resolveTableNames } from './table-names.js';

describe('resolveTableNames', () => {
  it('defaults to public and iap_', () => {
    const names = resolveTableNames();
    expect(names.outbox).toBe('"public"."iap_outbox"');
    expect(names.inbox).toBe('"public"."iap_inbox"');
    expect(names.migrations).toBe('"public"."iap_migrations"');
    expect(names.channel).toBe('public_iap_outbox');
  });

  it('uses the schema and prefix everywhere, with an empty prefix allowed', () => {
    const names = resolveTableNames({ schema: 'billing', tablePrefix: '' });
    expect(names.outbox).toBe('"billing"."outbox"');
    expect(names.leaseSequenceLiteral).toBe(`'"billing"."outbox_lease_seq"'`);
  });

  it('derives a stable lock namespace per table set', () => {
    expect(resolveTableNames({ schema: 'a' }).lockNamespace).toBe(resolveTableNames({ schema: 'a' }).lockNamespace);
    expect(resolveTableNames({ schema: 'a' }).lockNamespace).not.toBe(resolveTableNames({ schema: 'b' }).lockNamespace);
    expect(hash32('')).toBe(-2128831035);
  });

  it('keeps the channel a valid identifier for long names', () => {
    const names = resolveTableNames({ schema: 's'.repeat(63), tablePrefix: 'p'.repeat(41) });
    expect(names.channel.length).toBeLessThanOrEqual(63);
    expect(names.channel).toMatch(/^iap_outbox_[0-9a-f]+$/);
  });

  it('rejects anything that is not a plain lowercase identifier with INVALID_OPTIONS', () => {
    for (const schema of ['', 'Public', 'a-b', '1abc', 'a"; drop table x; --', 'x'.repeat(64)]) {
      expect(() => resolveTableNames({ schema })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    }
    for (const tablePrefix of ['A', 'a b', '9x', 'p'.repeat(42)]) {
      expect(() => resolveTableNames({ tablePrefix })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_OPTIONS }));
    }
  });

  it('never lets a quote or other unsafe character through (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (schema, tablePrefix) => {
        try {
          const names = resolveTableNames({ schema, tablePrefix });
          expect(`${names.schema}${names.tablePrefix}`).toMatch(/^[a-z0-9_]*$/);
        } catch (error) {
          expect(error).toMatchObject({ code: ErrorCode.INVALID_OPTIONS });
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

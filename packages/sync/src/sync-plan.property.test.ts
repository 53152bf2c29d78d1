import { isDeepStrictEqual } from 'node:util';
import { IapError } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseInsensitive } from './normalizers.js';
import { defineSyncBoundary, type SyncBoundary } from './sync-boundary.js';
import type { ConflictPolicy, NonOwnerChangePolicy, SyncBoundaryDefinition, SyncFieldDefinition, SyncFieldMapping, SyncRecord } from './sync-boundary-definition.js';
import type { SyncPlan } from './sync-plan.js';

const SEED = 20_251_126;
const RUNS = 400;

/** Values from a small domain so that systems often agree, disagree and collide after normalising. */
const VALUES: readonly unknown[] = ['val-a', 'VAL-A', 'val-b', 1, 2, null, { k: 1 }, [1, 'val-c']];
const valueArb = fc.constantFrom(...VALUES);

type Owner = 'system0' | 'system1' | 'system2' | 'manual' | 'rule';

interface FieldSpec {
  readonly owner: Owner;
  readonly conflict: 'owner-wins' | 'last-writer-wins' | 'manual-review' | 'merge';
  readonly nonOwnerChange: NonOwnerChangePolicy;
  readonly caseInsensitive: boolean;
  /** Per system: 0 = same name, 1 = renamed, 2 = renamed and wrapped in an array. */
  readonly mapping: readonly number[];
}

interface Scenario {
  readonly systemCount: number;
  readonly fields: readonly FieldSpec[];
  /** undefined = first sync; per field: [present, value]. */
  readonly base: readonly (readonly [boolean, unknown])[] | undefined;
  /** Per system, per field: [changed, value, present]. */
  readonly records: readonly (readonly (readonly [boolean, unknown, boolean])[])[];
  readonly modifiedAt: readonly number[];
  /** The owner a rule-owned field gets, read from a non-synced field of system 0's record. */
  readonly hint: number;
}

const fieldSpecArb = fc.record({
  owner: fc.constantFrom<Owner>('system0', 'system1', 'system2', 'manual', 'rule'),
  conflict: fc.constantFrom<FieldSpec['conflict']>('owner-wins', 'last-writer-wins', 'manual-review', 'merge'),
  nonOwnerChange: fc.constantFrom<NonOwnerChangePolicy>('reject', 'accept', 'queue'),
  caseInsensitive: fc.boolean(),
  mapping: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({ systemCount: fc.integer({ min: 2, max: 3 }), fieldCount: fc.integer({ min: 1, max: 6 }) })
  .chain(({ systemCount, fieldCount }) =>
    fc.record({
      systemCount: fc.constant(systemCount),
      fields: fc.array(fieldSpecArb, { minLength: fieldCount, maxLength: fieldCount }),
      base: fc.option(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }).map((roll) => roll > 0), valueArb), { minLength: fieldCount, maxLength: fieldCount }), {
        nil: undefined,
        freq: 5,
      }),
      records: fc.array(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }).map((roll) => roll === 0), valueArb, fc.integer({ min: 0, max: 9 }).map((roll) => roll > 0)), {
          minLength: fieldCount,
          maxLength: fieldCount,
        }),
        { minLength: systemCount, maxLength: systemCount },
      ),
      modifiedAt: fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: systemCount, maxLength: systemCount }),
      hint: fc.integer({ min: -1, max: systemCount - 1 }),
    }),
  );

const systemName = (s: number): string => `system${s}`;
const fieldName = (f: number): string => `field${f}`;

/** A deterministic merge: the largest value by its JSON text. */
const mergeLargest: ConflictPolicy<string> = {
  merge: ({ values }) => Object.values(values).reduce((best, value) => (JSON.stringify(value ?? null) > JSON.stringify(best ?? null) ? value : best)),
};

function wrap(value: unknown): unknown {
  return [value];
}
function unwrap(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

interface Built {
  readonly boundary: SyncBoundary<string>;
  readonly definition: SyncBoundaryDefinition<string>;
  readonly systems: readonly string[];
}

function buildBoundary(scenario: Scenario): Built {
  const systems = Array.from({ length: scenario.systemCount }, (_, s) => systemName(s));
  const fields: Record<string, SyncFieldDefinition<string>> = {};
  const mappings: Record<string, Record<string, SyncFieldMapping>> = {};
  scenario.fields.forEach((spec, f) => {
    const ownerIndex = Number(spec.owner.slice(-1));
    const owner =
      spec.owner === 'manual'
        ? 'manual'
        : spec.owner === 'rule'
          ? (_record: SyncRecord, records: Readonly<Partial<Record<string, SyncRecord>>>) => {
              const hint = records.system0?.hint;
              return typeof hint === 'string' ? hint : 'manual';
            }
          : systemName(ownerIndex % scenario.systemCount);
    fields[fieldName(f)] = {
      owner,
      conflict: spec.conflict === 'merge' ? mergeLargest : spec.conflict,
      nonOwnerChange: spec.nonOwnerChange,
      ...(spec.caseInsensitive ? { normalize: caseInsensitive } : {}),
    };
    systems.forEach((system, s) => {
      const kind = spec.mapping[s]!;
      if (kind === 0) return;
      const mapping: SyncFieldMapping = kind === 1 ? { name: `${fieldName(f)}_in_${system}` } : { name: `${fieldName(f)}_in_${system}`, toCanonical: unwrap, toSystem: wrap };
      (mappings[system] ??= {})[fieldName(f)] = mapping;
    });
  });
  const definition: SyncBoundaryDefinition<string> = { recordType: 'thing', systems, fields, mappings };
  return { boundary: defineSyncBoundary(definition), definition, systems };
}

/** The scenario's records in each system's own names and formats. */
function buildInput(scenario: Scenario, built: Built): { base: SyncRecord | undefined; records: Record<string, SyncRecord>; modifiedAt: Record<string, number> } {
  const base: Record<string, unknown> | undefined = scenario.base === undefined ? undefined : {};
  scenario.base?.forEach(([present, value], f) => {
    if (present) base![fieldName(f)] = value;
  });
  const records: Record<string, SyncRecord> = {};
  const modifiedAt: Record<string, number> = {};
  built.systems.forEach((system, s) => {
    const record: Record<string, unknown> = {};
    scenario.records[s]!.forEach(([changed, value, present], f) => {
      const baseEntry = scenario.base?.[f];
      const canonical = !changed && baseEntry?.[0] === true ? baseEntry[1] : value;
      if (!present) return;
      const spec = scenario.fields[f]!;
      const name = spec.mapping[s] === 0 ? fieldName(f) : `${fieldName(f)}_in_${system}`;
      record[name] = spec.mapping[s] === 2 ? wrap(canonical) : canonical;
    });
    if (s === 0) record.hint = scenario.hint < 0 ? 'manual' : systemName(scenario.hint);
    records[system] = record;
    modifiedAt[system] = scenario.modifiedAt[s]!;
  });
  return { base, records, modifiedAt };
}

/** A field's comparable value in one system: canonical, then normalised. */
function comparable(scenario: Scenario, built: Built, record: SyncRecord, f: number, s: number): unknown {
  const spec = scenario.fields[f]!;
  const name = built.boundary.fieldNameIn(built.systems[s]!, fieldName(f))!;
  const raw = record[name];
  const canonical = spec.mapping[s] === 2 ? unwrap(raw) : raw;
  return spec.caseInsensitive ? caseInsensitive(canonical) : canonical;
}

function applyPatches(records: Record<string, SyncRecord>, plan: SyncPlan<string>): Record<string, SyncRecord> {
  const out: Record<string, SyncRecord> = {};
  for (const [system, record] of Object.entries(records)) out[system] = { ...record, ...plan.patches[system] };
  return out;
}

describe('plan properties (fast-check, seeded)', () => {
  it('applying the patches makes every synced field equal in every system, except those left for manual review', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const plan = built.boundary.plan(input);
        const applied = applyPatches(input.records, plan);
        const queued = new Set(plan.manualReview.map((review) => review.field));
        scenario.fields.forEach((_, f) => {
          if (queued.has(fieldName(f))) return;
          const first = comparable(scenario, built, applied[built.systems[0]!]!, f, 0);
          for (let s = 1; s < built.systems.length; s++) {
            expect(isDeepStrictEqual(comparable(scenario, built, applied[built.systems[s]!]!, f, s), first)).toBe(true);
          }
          // The next base holds the value the systems now share.
          const next = plan.nextBase[fieldName(f)];
          expect(isDeepStrictEqual(scenario.fields[f]!.caseInsensitive ? caseInsensitive(next) : next, first)).toBe(true);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('planning again right after applying (with the next base) gives an empty plan, apart from the same manual reviews', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const plan = built.boundary.plan(input);
        const again = built.boundary.plan({ ...input, base: plan.nextBase, records: applyPatches(input.records, plan) });
        for (const patch of Object.values(again.patches)) expect(patch).toEqual({});
        expect(again.decisions.every((decision) => decision.action === 'manual-review')).toBe(true);
        expect(again.manualReview.map((review) => review.field)).toEqual(plan.manualReview.map((review) => review.field));
        if (plan.manualReview.length === 0) expect(again.empty).toBe(true);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('is deterministic and keeps values out of audit records', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const plan = built.boundary.plan(input);
        expect(built.boundary.plan(structuredClone(input))).toEqual(plan);
        expect(plan.audit).toHaveLength(plan.decisions.length);
        expect(JSON.stringify(plan.audit).toLowerCase()).not.toContain('val-');
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });

  it('never throws anything but an IapError on arbitrary plan input', () => {
    const boundary = defineSyncBoundary({ recordType: 'thing', systems: ['a', 'b'], fields: { x: { owner: 'a', conflict: 'last-writer-wins' }, y: 'b', constructor: 'manual' as const } });
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (base, a, b, modifiedAt) => {
        try {
          boundary.plan({ base, records: { a, b }, modifiedAt } as never);
        } catch (error) {
          expect(IapError.isInstance(error)).toBe(true);
        }
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });

  it('never throws anything but an IapError on arbitrary definitions', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (systems, fields, excluded, mappings) => {
        try {
          defineSyncBoundary({ recordType: 'thing', systems, fields, excluded, mappings } as never);
        } catch (error) {
          expect(IapError.isInstance(error)).toBe(true);
        }
      }),
      { seed: SEED + 4, numRuns: RUNS },
    );
  });
});

/**
 * Random sync boundaries and records for the property tests: 2-3 systems, 1-6 fields with renamed
 * and transformed names, normalisers, every owner kind and every policy, values from a small domain
 * (JSON-representable, so bases can be stored as JSON).
 */
import fc from 'fast-check';
import { caseInsensitive } from '../normalizers.js';
import { defineSyncBoundary, type SyncBoundary } from '../sync-boundary.js';
import type { ConflictPolicy, NonOwnerChangePolicy, SyncBoundaryDefinition, SyncFieldDefinition, SyncFieldMapping, SyncRecord } from '../sync-boundary-definition.js';
import type { SyncPlan } from '../sync-plan.js';

export const SEED = 20_251_126;
export const RUNS = 400;

/** Values from a small domain so that systems often agree, disagree and collide after normalising. */
export const VALUES: readonly unknown[] = ['val-a', 'VAL-A', 'val-b', 1, 2, null, { k: 1 }, [1, 'val-c']];
export const valueArb = fc.constantFrom(...VALUES);

export type Owner = 'system0' | 'system1' | 'system2' | 'manual' | 'rule';

export interface FieldSpec {
  readonly owner: Owner;
  readonly conflict: 'owner-wins' | 'last-writer-wins' | 'manual-review' | 'merge';
  readonly nonOwnerChange: NonOwnerChangePolicy;
  readonly caseInsensitive: boolean;
  /** Per system: 0 = same name, 1 = renamed, 2 = renamed and wrapped in an array. */
  readonly mapping: readonly number[];
}

export interface Scenario {
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

export const fieldSpecArb = fc.record({
  owner: fc.constantFrom<Owner>('system0', 'system1', 'system2', 'manual', 'rule'),
  conflict: fc.constantFrom<FieldSpec['conflict']>('owner-wins', 'last-writer-wins', 'manual-review', 'merge'),
  nonOwnerChange: fc.constantFrom<NonOwnerChangePolicy>('reject', 'accept', 'queue'),
  caseInsensitive: fc.boolean(),
  mapping: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
});

export const scenarioArb: fc.Arbitrary<Scenario> = fc
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

export const systemName = (s: number): string => `system${s}`;
export const fieldName = (f: number): string => `field${f}`;

/** A deterministic merge: the largest value by its JSON text. */
export const mergeLargest: ConflictPolicy<string> = {
  merge: ({ values }) => Object.values(values).reduce((best, value) => (JSON.stringify(value ?? null) > JSON.stringify(best ?? null) ? value : best)),
};

export function wrap(value: unknown): unknown {
  return [value];
}
export function unwrap(value: unknown): unknown {
  return Array.isArray(value) ? (value as unknown[])[0] : value;
}

export interface Built {
  readonly boundary: SyncBoundary<string>;
  readonly definition: SyncBoundaryDefinition<string>;
  readonly systems: readonly string[];
}

export function buildBoundary(scenario: Scenario): Built {
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
export function buildInput(scenario: Scenario, built: Built): { base: SyncRecord | undefined; records: Record<string, SyncRecord>; modifiedAt: Record<string, number> } {
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
export function comparable(scenario: Scenario, built: Built, record: SyncRecord, f: number, s: number): unknown {
  const spec = scenario.fields[f]!;
  const name = built.boundary.fieldNameIn(built.systems[s]!, fieldName(f))!;
  const raw = record[name];
  const canonical = spec.mapping[s] === 2 ? unwrap(raw) : raw;
  return spec.caseInsensitive ? caseInsensitive(canonical) : canonical;
}

export function applyPatches(records: Record<string, SyncRecord>, plan: SyncPlan<string>): Record<string, SyncRecord> {
  const out: Record<string, SyncRecord> = {};
  for (const [system, record] of Object.entries(records)) out[system] = { ...record, ...plan.patches[system] };
  return out;
}

/** Per system, per field: [changed, value, present]; 3 systems x 6 fields, sliced to the scenario. */
export const changesArb = fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }).map((roll) => roll === 0), valueArb, fc.integer({ min: 0, max: 4 }).map((roll) => roll > 0)), { minLength: 6, maxLength: 6 }), {
  minLength: 3,
  maxLength: 3,
});

/** The records after each system changed some fields (a changed field set to a value, or removed), in each system's names and formats. */
export function applyChanges(scenario: Scenario, built: Built, records: Record<string, SyncRecord>, changes: readonly (readonly (readonly [boolean, unknown, boolean])[])[]): Record<string, SyncRecord> {
  const out: Record<string, SyncRecord> = {};
  built.systems.forEach((system, s) => {
    const record: Record<string, unknown> = { ...records[system] };
    scenario.fields.forEach((spec, f) => {
      const [changed, value, present] = changes[s]![f]!;
      if (!changed) return;
      const name = spec.mapping[s] === 0 ? fieldName(f) : `${fieldName(f)}_in_${system}`;
      if (present) record[name] = spec.mapping[s] === 2 ? wrap(value) : value;
      else delete record[name];
    });
    out[system] = record;
  });
  return out;
}

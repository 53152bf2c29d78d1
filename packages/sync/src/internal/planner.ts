import { IapError } from '@iap/core';
import type { SyncRecord } from '../sync-boundary-definition.js';
import type {
  SyncAuditRecord,
  SyncConflict,
  SyncDecision,
  SyncManualReview,
  SyncPlan,
  SyncPlanInput,
} from '../sync-plan.js';
import type { CompiledBoundary, CompiledField } from './compiled-field.js';
import { deepEqual, NestingTooDeepError } from './deep-equal.js';
import { planError } from './errors.js';
import { analyzeField, normalizeValue, readBase, readCanonical, valuesEqual } from './field-analysis.js';
import { resolveOwner } from './owner-rule.js';
import { isSyncedEmpty, isValidSyncedEmptyList, SYNCED_EMPTY_KEY, writeSyncedEmpty } from './synced-empty.js';
import { resolveField, toEpochMs, type DifferingField, type FieldOutcome, type ResolveContext } from './resolve-field.js';

/** Phase-1 verdicts for one field. */
const SAME = 0;
const SAME_WITHOUT_BASE = 1;
const DIFFERS = 2;

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_RECORD: SyncRecord = Object.freeze({});

/** Reusable per-plan working memory, so the hot path allocates nothing per field. */
interface Scratch {
  /** Each system's record, by system index. */
  readonly records: SyncRecord[];
  /** Indexes of fields that differ somewhere. */
  readonly differing: Int32Array;
  /** Indexes of fields all systems agree on but the base lacks. */
  readonly missingBase: Int32Array;
  busy: boolean;
}

/**
 * Plans one record in two phases. Phase 1 (the hot path) walks the precompiled fields and finds the
 * ones that differ anywhere, comparing raw values for plain fields, without allocating. Phase 2 runs
 * only when something differs: it analyses those fields, resolves owners and policies and builds
 * the plan's data.
 */
export class Planner {
  private readonly boundary: CompiledBoundary;
  private readonly shared: Scratch;
  private readonly emptyPatches: Readonly<Record<string, SyncRecord>>;

  constructor(boundary: CompiledBoundary) {
    this.boundary = boundary;
    this.shared = this.createScratch();
    const patches: Record<string, SyncRecord> = {};
    for (const system of boundary.systems) patches[system] = EMPTY_RECORD;
    this.emptyPatches = Object.freeze(patches);
  }

  plan(input: SyncPlanInput<string>): SyncPlan<string> {
    if (typeof input !== 'object' || input === null) {
      throw planError(`cannot plan '${this.boundary.recordType}': plan needs an input object { base?, records, modifiedAt?, recordId? }`, {
        recordType: this.boundary.recordType,
      });
    }
    // A rule or merge function may plan another record of this boundary: give it its own scratch.
    const scratch = this.shared.busy ? this.createScratch() : this.shared;
    scratch.busy = true;
    try {
      return this.planWith(input, scratch);
    } finally {
      // Do not keep the caller's records alive between plans.
      scratch.records.fill(EMPTY_RECORD);
      scratch.busy = false;
    }
  }

  private createScratch(): Scratch {
    const fieldCount = this.boundary.fields.length;
    return {
      records: this.boundary.systems.map(() => EMPTY_RECORD),
      differing: new Int32Array(fieldCount),
      missingBase: new Int32Array(fieldCount),
      busy: false,
    };
  }

  private planWith(input: SyncPlanInput<string>, scratch: Scratch): SyncPlan<string> {
    const { fields, systems } = this.boundary;
    const records = scratch.records;
    this.readRecords(input, records);
    const base = this.readBaseInput(input);
    const recordId = this.readRecordId(input);
    const systemCount = systems.length;
    const fieldCount = fields.length;
    const differing = scratch.differing;
    const missingBase = scratch.missingBase;
    let differingCount = 0;
    let missingCount = 0;
    let f = 0;
    try {
      for (; f < fieldCount; f++) {
        const field = fields[f]!;
        let verdict: number;
        if (field.simple) {
          const names = field.names;
          let reference: unknown = undefined;
          let hasReference = false;
          if (base !== undefined) {
            reference = base[field.name];
            hasReference = reference !== undefined || Object.hasOwn(base, field.name) || isSyncedEmpty(base, field.name);
          }
          let s = 0;
          if (!hasReference) {
            reference = records[0]![names[0]!];
            s = 1;
          }
          verdict = hasReference ? SAME : SAME_WITHOUT_BASE;
          for (; s < systemCount; s++) {
            const value = records[s]![names[s]!];
            if (value !== reference && !deepEqual(value, reference)) {
              verdict = DIFFERS;
              break;
            }
          }
        } else {
          verdict = compareField(field, records, base);
        }
        if (verdict === DIFFERS) differing[differingCount++] = f;
        else if (verdict === SAME_WITHOUT_BASE) missingBase[missingCount++] = f;
      }
    } catch (error) {
      throw this.fieldError(error, fields[f]!, 'a transform, normaliser or equality function');
    }
    if (differingCount === 0 && missingCount === 0 && base !== undefined) {
      return {
        recordType: this.boundary.recordType,
        recordId,
        empty: true,
        patches: this.emptyPatches,
        decisions: EMPTY_LIST,
        conflicts: EMPTY_LIST,
        manualReview: EMPTY_LIST,
        nextBase: base,
        audit: EMPTY_LIST,
      };
    }
    return this.buildPlan(
      input,
      base,
      recordId,
      records.slice(),
      Array.from(differing.subarray(0, differingCount)),
      Array.from(missingBase.subarray(0, missingCount)),
    );
  }

  private readRecords(input: SyncPlanInput<string>, out: SyncRecord[]): void {
    const { systems, recordType } = this.boundary;
    const records = input.records as Readonly<Record<string, unknown>> | undefined;
    if (typeof records !== 'object' || records === null) {
      throw planError(`cannot plan '${recordType}': records must be an object with the current record of every system (${systems.join(', ')})`, {
        recordType,
      });
    }
    for (let s = 0; s < systems.length; s++) {
      const record = records[systems[s]!];
      if (typeof record !== 'object' || record === null) {
        throw planError(`cannot plan '${recordType}': records.${systems[s]!} is missing or not an object; pass the current record of every system (${systems.join(', ')})`, {
          recordType,
          system: systems[s]!,
        });
      }
      out[s] = record as SyncRecord;
    }
  }

  private readBaseInput(input: SyncPlanInput<string>): SyncRecord | undefined {
    const base: unknown = input.base;
    if (base === undefined || base === null) return undefined;
    if (typeof base !== 'object' || Array.isArray(base)) {
      const recordType = this.boundary.recordType;
      throw planError(`cannot plan '${recordType}': base must be the last synced snapshot (an object) or undefined for a first sync`, { recordType });
    }
    if (!isValidSyncedEmptyList(base as SyncRecord)) {
      const recordType = this.boundary.recordType;
      throw planError(`cannot plan '${recordType}': base.${SYNCED_EMPTY_KEY} must be an array of field names (store nextBase as the plan returned it)`, { recordType });
    }
    return base as SyncRecord;
  }

  private readRecordId(input: SyncPlanInput<string>): string | undefined {
    const recordId: unknown = input.recordId;
    if (recordId === undefined || typeof recordId === 'string') return recordId;
    const recordType = this.boundary.recordType;
    throw planError(`cannot plan '${recordType}': recordId must be a string when given`, { recordType });
  }

  /** Wraps anything thrown while planning one field into a `SYNC_PLAN` error naming the field. */
  private fieldError(error: unknown, field: CompiledField, what: string): IapError {
    if (IapError.isInstance(error)) return error;
    const recordType = this.boundary.recordType;
    const details = { recordType, field: field.name };
    if (error instanceof NestingTooDeepError) {
      return planError(`cannot compare field '${field.name}' of '${recordType}': ${error.message}`, details, error);
    }
    return planError(`planning field '${field.name}' of '${recordType}' failed: ${what} threw; see cause`, details, error);
  }

  private guard<T>(field: CompiledField, what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw this.fieldError(error, field, what);
    }
  }

  /** Phase 2: analyse the differing fields, resolve them and build the plan's data. */
  private buildPlan(
    input: SyncPlanInput<string>,
    base: SyncRecord | undefined,
    recordId: string | undefined,
    records: readonly SyncRecord[],
    differing: readonly number[],
    missingBase: readonly number[],
  ): SyncPlan<string> {
    const { fields, systems, recordType } = this.boundary;
    // Per field index: its outcome, or (for fields every system agrees on but the base lacks) the value to record.
    const outcomes = new Map<number, FieldOutcome>();
    const agreedWithoutBase = new Map<number, unknown>();
    const pending: DifferingField[] = [];
    for (const f of differing) {
      const field = fields[f]!;
      const analysis = this.guard(field, 'a transform, normaliser or equality function', () => analyzeField(field, records, base));
      if (analysis.kind === 'unchanged') {
        if (!analysis.hasBase) agreedWithoutBase.set(f, analysis.values[0]);
      } else {
        pending.push(analysis as DifferingField);
      }
    }
    for (const f of missingBase) {
      const field = fields[f]!;
      agreedWithoutBase.set(f, this.guard(field, 'a toCanonical transform', () => readCanonical(field, records[0]!, 0)));
    }

    const context: ResolveContext = {
      recordType,
      systems,
      modifiedAtMs: (s, field) => toEpochMs(input.modifiedAt?.[systems[s]!], recordType, systems[s]!, field),
    };
    // Fields with a fixed owner first: rules then see the record as it will be after this sync.
    for (const analysis of pending) {
      if (analysis.field.ownerKind === 'rule') continue;
      outcomes.set(analysis.field.index, this.guard(analysis.field, 'the merge function', () => resolveField(analysis, analysis.field.ownerSystem, context)));
    }
    const ruled = pending.filter((analysis) => analysis.field.ownerKind === 'rule');
    if (ruled.length > 0) {
      const view = this.ruleView(base, outcomes, agreedWithoutBase, ruled);
      const byName = input.records;
      for (const analysis of ruled) {
        const owner = resolveOwner(analysis.field, view, byName, systems, recordType);
        outcomes.set(analysis.field.index, this.guard(analysis.field, 'the merge function', () => resolveField(analysis, owner, context)));
      }
    }
    return this.assemble(base, recordId, outcomes, agreedWithoutBase);
  }

  /**
   * The canonical record an owner rule sees: values after this sync for fixed-owner fields, the
   * agreed value (or the base while disputed) for rule-owned fields.
   */
  private ruleView(
    base: SyncRecord | undefined,
    outcomes: ReadonlyMap<number, FieldOutcome>,
    agreedWithoutBase: ReadonlyMap<number, unknown>,
    ruled: readonly DifferingField[],
  ): SyncRecord {
    const ruledByIndex = new Map(ruled.map((analysis) => [analysis.field.index, analysis]));
    const view: Record<string, unknown> = {};
    for (const field of this.boundary.fields) {
      const outcome = outcomes.get(field.index);
      const ruledAnalysis = ruledByIndex.get(field.index);
      if (outcome?.hasValue === true) {
        view[field.name] = outcome.value;
      } else if (ruledAnalysis?.kind === 'agreed') {
        view[field.name] = ruledAnalysis.values[ruledAnalysis.changed[0]!];
      } else if (agreedWithoutBase.has(field.index)) {
        view[field.name] = agreedWithoutBase.get(field.index);
      } else if (base !== undefined) {
        const { value, hasBase } = readBase(field, base);
        if (hasBase) view[field.name] = value;
      }
    }
    return view;
  }

  private assemble(
    base: SyncRecord | undefined,
    recordId: string | undefined,
    outcomes: ReadonlyMap<number, FieldOutcome>,
    agreedWithoutBase: ReadonlyMap<number, unknown>,
  ): SyncPlan<string> {
    const { fields, systems, recordType, includeAuditValues } = this.boundary;
    const patches: Record<string, Record<string, unknown>> = {};
    for (const system of systems) patches[system] = {};
    const decisions: SyncDecision<string>[] = [];
    const conflicts: SyncConflict<string>[] = [];
    const manualReview: SyncManualReview<string>[] = [];
    const audit: SyncAuditRecord<string>[] = [];
    const nextBase: Record<string, unknown> = base === undefined ? {} : { ...base };
    let patchCount = 0;

    for (const field of fields) {
      if (agreedWithoutBase.has(field.index)) nextBase[field.name] = agreedWithoutBase.get(field.index);
      const outcome = outcomes.get(field.index);
      if (outcome === undefined) continue;
      const { analysis } = outcome;
      const owner = outcome.owner < 0 ? 'manual' : systems[outcome.owner]!;
      const changedBy = analysis.changed.map((s) => systems[s]!);
      const decision: SyncDecision<string> = {
        field: field.name,
        situation: outcome.situation,
        action: outcome.action,
        policy: outcome.policy,
        owner,
        changedBy,
        source: outcome.source < 0 ? undefined : systems[outcome.source]!,
        patched: outcome.patched.map((s) => systems[s]!),
        reason: outcome.reason,
      };
      decisions.push(decision);
      if (outcome.hasValue) {
        nextBase[field.name] = outcome.value;
        for (const s of outcome.patched) {
          const toSystem = field.toSystem[s];
          patches[systems[s]!]![field.names[s]!] =
            toSystem === undefined ? outcome.value : this.guard(field, 'a toSystem transform', () => toSystem(outcome.value));
          patchCount++;
        }
      }
      const values: Record<string, unknown> = {};
      for (let s = 0; s < systems.length; s++) values[systems[s]!] = analysis.values[s];
      if (outcome.situation === 'conflict' || outcome.situation === 'first-sync') {
        conflicts.push({
          field: field.name,
          situation: outcome.situation,
          base: analysis.base,
          hasBase: analysis.hasBase,
          values,
          changedBy,
          policy: outcome.policy,
          winner: decision.source,
        });
      }
      if (outcome.action === 'manual-review') {
        manualReview.push({ field: field.name, situation: outcome.situation, owner, base: analysis.base, hasBase: analysis.hasBase, values, changedBy });
      }
      const record: SyncAuditRecord<string> = { ...decision, recordType, recordId };
      audit.push(
        includeAuditValues
          ? { ...record, values: { base: analysis.base, hasBase: analysis.hasBase, before: values, after: outcome.hasValue ? outcome.value : undefined } }
          : record,
      );
    }

    writeSyncedEmpty(nextBase, base, fields);

    const finalPatches: Record<string, SyncRecord> = {};
    for (const system of systems) {
      const patch = patches[system]!;
      finalPatches[system] = Object.keys(patch).length === 0 ? EMPTY_RECORD : patch;
    }
    return {
      recordType,
      recordId,
      empty: patchCount === 0 && decisions.length === 0,
      patches: finalPatches,
      decisions,
      conflicts,
      manualReview,
      nextBase,
      audit,
    };
  }
}

/** Phase-1 comparison for fields with transforms, normalisers, custom equality or guarded reads. */
function compareField(field: CompiledField, records: readonly SyncRecord[], base: SyncRecord | undefined): number {
  let reference: unknown = undefined;
  let hasBase = false;
  if (base !== undefined) {
    reference = base[field.name];
    hasBase = (reference !== undefined && !field.ownPropertyReads) || Object.hasOwn(base, field.name) || isSyncedEmpty(base, field.name);
  }
  let start = 0;
  let verdict = SAME;
  if (hasBase) {
    reference = normalizeValue(field, reference);
  } else {
    reference = normalizeValue(field, readCanonical(field, records[0]!, 0));
    start = 1;
    verdict = SAME_WITHOUT_BASE;
  }
  for (let s = start; s < records.length; s++) {
    if (!valuesEqual(field, normalizeValue(field, readCanonical(field, records[s]!, s)), reference)) return DIFFERS;
  }
  return verdict;
}

import type { SyncAction, SyncDecisionPolicy, SyncSituation } from '../sync-plan.js';
import { planError } from './errors.js';
import { normalizeValue, valuesEqual, type FieldAnalysis, type FieldKind } from './field-analysis.js';

/** A field that differs somewhere: the only kind {@link resolveField} decides. */
export type DifferingField = FieldAnalysis & { readonly kind: Exclude<FieldKind, 'unchanged'> };

/** A field's resolution: what to write where and why. Values stay canonical. */
export interface FieldOutcome {
  readonly analysis: FieldAnalysis;
  /** Owner system index, or -1 for `manual`. */
  readonly owner: number;
  readonly situation: SyncSituation;
  readonly action: SyncAction;
  readonly policy: SyncDecisionPolicy;
  /** Winning system index, or -1 for merges and manual review. */
  readonly source: number;
  /** Whether `value` is written (false for manual review). */
  readonly hasValue: boolean;
  readonly value: unknown;
  /** System indexes that receive a patch. */
  readonly patched: readonly number[];
  readonly reason: string;
}

/** What resolving needs besides the field: system names, record type and modification times. */
export interface ResolveContext {
  readonly recordType: string;
  readonly systems: readonly string[];
  /** Modification time of a system's record in epoch ms; throws a `SYNC_PLAN` error when it is missing. */
  modifiedAtMs(system: number, field: string): number;
}

/** Lists names in prose: `crm`, `crm and erp`, `crm, erp and web`. */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'no system';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

function namesOf(systems: readonly string[], indexes: readonly number[]): string {
  return listNames(indexes.map((s) => systems[s]!));
}

function ownerName(systems: readonly string[], owner: number): string {
  return owner < 0 ? 'manual' : systems[owner]!;
}

/** Systems whose normalised value differs from `value`'s normalised form. */
function systemsToPatch(analysis: FieldAnalysis, value: unknown, normalized: boolean): number[] {
  const target = normalized ? value : normalizeValue(analysis.field, value);
  const out: number[] = [];
  for (let s = 0; s < analysis.norms.length; s++) {
    if (!valuesEqual(analysis.field, analysis.norms[s], target)) out.push(s);
  }
  return out;
}

interface Verdict {
  readonly situation: SyncSituation;
  readonly policy: SyncDecisionPolicy;
  readonly why: string;
}

function writeFrom(analysis: FieldAnalysis, owner: number, source: number, action: 'propagate' | 'revert', verdict: Verdict, context: ResolveContext): FieldOutcome {
  const patched = systemsToPatch(analysis, analysis.norms[source], true);
  const target = patched.length === 0 ? 'every system already has it' : `written to ${namesOf(context.systems, patched)}`;
  return {
    analysis,
    owner,
    situation: verdict.situation,
    action,
    policy: verdict.policy,
    source,
    hasValue: true,
    value: analysis.values[source],
    patched,
    reason: `${verdict.why}; ${context.systems[source]!}'s value ${target}`,
  };
}

function queue(analysis: FieldAnalysis, owner: number, verdict: Verdict): FieldOutcome {
  return {
    analysis,
    owner,
    situation: verdict.situation,
    action: 'manual-review',
    policy: verdict.policy,
    source: -1,
    hasValue: false,
    value: undefined,
    patched: [],
    reason: `${verdict.why}; queued for manual review, nothing written`,
  };
}

/** The owner's value wins; a `manual` owner queues the field instead. */
function ownerWins(analysis: FieldAnalysis, owner: number, verdict: Verdict, context: ResolveContext): FieldOutcome {
  if (owner < 0) return queue(analysis, owner, { ...verdict, why: `${verdict.why}; the owner is manual` });
  return writeFrom(analysis, owner, owner, 'propagate', { ...verdict, why: `${verdict.why}; owner ${context.systems[owner]!} wins` }, context);
}

/**
 * Decides one field that differs somewhere: propagate, revert, merge or queue, by the field's
 * owner and policies. Pure apart from calling the field's merge function.
 *
 * @throws IapError `SYNC_PLAN` when `last-writer-wins` lacks a modification time.
 */
export function resolveField(analysis: DifferingField, owner: number, context: ResolveContext): FieldOutcome {
  const { field, changed } = analysis;
  const { systems } = context;
  const changers = namesOf(systems, changed);
  switch (analysis.kind) {
    case 'first-sync': {
      const why = `first sync of '${field.name}': no base and the systems disagree, so the owner (${ownerName(systems, owner)}) decides`;
      return ownerWins(analysis, owner, { situation: 'first-sync', policy: 'owner', why }, context);
    }
    case 'agreed':
      return resolveAgreed(analysis, owner, changers, context);
    case 'conflict':
      return resolveConflict(analysis, owner, changers, context);
  }
}

function resolveAgreed(analysis: FieldAnalysis, owner: number, changers: string, context: ResolveContext): FieldOutcome {
  const { field, changed } = analysis;
  const { systems } = context;
  const first = changed[0]!;
  if (owner < 0) {
    const why = `${changers} changed '${field.name}', which is owned by manual (no owning system)`;
    return writeFrom(analysis, owner, first, 'propagate', { situation: 'changed', policy: 'agreed', why }, context);
  }
  const ownerSystem = systems[owner]!;
  if (changed.includes(owner)) {
    const why = `${changers} changed '${field.name}' and ${ownerSystem} owns it`;
    return writeFrom(analysis, owner, owner, 'propagate', { situation: 'changed', policy: 'owner', why }, context);
  }
  const why = `${changers} changed '${field.name}' but ${ownerSystem} owns it`;
  switch (field.nonOwnerChange) {
    case 'reject':
      return writeFrom(analysis, owner, owner, 'revert', { situation: 'non-owner-change', policy: 'reject', why: `${why}; change rejected (nonOwnerChange: reject)` }, context);
    case 'accept':
      return writeFrom(analysis, owner, first, 'propagate', { situation: 'non-owner-change', policy: 'accept', why: `${why}; change accepted over the owner's value (nonOwnerChange: accept)` }, context);
    case 'queue':
      return queue(analysis, owner, { situation: 'non-owner-change', policy: 'queue', why: `${why} (nonOwnerChange: queue)` });
  }
}

function resolveConflict(analysis: FieldAnalysis, owner: number, changers: string, context: ResolveContext): FieldOutcome {
  const { field } = analysis;
  const why = `${changers} changed '${field.name}' to different values`;
  switch (field.conflict) {
    case 'owner-wins':
      return ownerWins(analysis, owner, { situation: 'conflict', policy: 'owner-wins', why: `${why} (conflict: owner-wins)` }, context);
    case 'manual-review':
      return queue(analysis, owner, { situation: 'conflict', policy: 'manual-review', why: `${why} (conflict: manual-review)` });
    case 'last-writer-wins':
      return lastWriterWins(analysis, owner, why, context);
    case 'merge':
      return merge(analysis, owner, why, context);
  }
}

function lastWriterWins(analysis: FieldAnalysis, owner: number, why: string, context: ResolveContext): FieldOutcome {
  const { field, changed } = analysis;
  const { systems } = context;
  let latest = -1;
  let latestMs = -Infinity;
  let runnerUpMs = -Infinity;
  for (const s of changed) {
    const ms = context.modifiedAtMs(s, field.name);
    if (ms > latestMs) {
      runnerUpMs = latestMs;
      latestMs = ms;
      latest = s;
    } else if (ms > runnerUpMs) {
      runnerUpMs = ms;
    }
  }
  const gapMs = latestMs - runnerUpMs;
  const verdict = { situation: 'conflict', policy: 'last-writer-wins' } as const;
  if (gapMs <= field.clockSkewToleranceMs) {
    const tie = `${why} (conflict: last-writer-wins); their modification times are within the ${field.clockSkewToleranceMs} ms clock-skew tolerance, so the owner decides`;
    return ownerWins(analysis, owner, { ...verdict, why: tie }, context);
  }
  const wrote = `${why} (conflict: last-writer-wins); ${systems[latest]!} wrote last, ${gapMs} ms after the next`;
  return writeFrom(analysis, owner, latest, 'propagate', { ...verdict, why: wrote }, context);
}

function merge(analysis: FieldAnalysis, owner: number, why: string, context: ResolveContext): FieldOutcome {
  const { field, changed } = analysis;
  const { systems } = context;
  const values: Record<string, unknown> = {};
  for (let s = 0; s < systems.length; s++) values[systems[s]!] = analysis.values[s];
  const merged = field.merge!({
    field: field.name,
    base: analysis.base,
    hasBase: analysis.hasBase,
    values,
    changedBy: changed.map((s) => systems[s]!),
    owner: ownerName(systems, owner),
  });
  const patched = systemsToPatch(analysis, merged, false);
  const target = patched.length === 0 ? 'every system already has it' : `written to ${namesOf(systems, patched)}`;
  return {
    analysis,
    owner,
    situation: 'conflict',
    action: 'merge',
    policy: 'merge',
    source: -1,
    hasValue: true,
    value: merged,
    patched,
    reason: `${why} (conflict: merge); the merged value ${target}`,
  };
}

/** Reads a modification time as epoch ms; used by the planner's {@link ResolveContext}. */
export function toEpochMs(value: unknown, recordType: string, system: string, field: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms === 'number' && Number.isFinite(ms)) return ms;
  const problem = value === undefined ? 'is missing' : 'is not a finite epoch-ms number or valid Date';
  throw planError(
    `cannot plan '${recordType}': field '${field}' uses last-writer-wins and two systems changed it, but modifiedAt.${system} ${problem}; pass modifiedAt for every system`,
    { recordType, field, system },
  );
}

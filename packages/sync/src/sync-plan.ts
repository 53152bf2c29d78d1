/**
 * The input and output of {@link SyncBoundary.plan}: a sync plan is plain data (no functions, no
 * class instances of ours), deterministic for the same input.
 */
import type { FieldOwner, SyncRecord } from './sync-boundary-definition.js';

/**
 * What `plan` compares: the last synced snapshot and every system's current record.
 *
 * @example
 * ```ts
 * boundary.plan({ base: snapshot, records: { crm: crmRecord, erp: erpRecord }, modifiedAt: { crm: crmUpdatedAt, erp: erpUpdatedAt }, recordId: 'c-42' });
 * ```
 */
export interface SyncPlanInput<TSystem extends string> {
  /**
   * The last synced snapshot (canonical field names and formats), usually the previous plan's
   * `nextBase`. Omit it for a first sync: every difference is then a conflict settled by the owner.
   */
  readonly base?: SyncRecord | undefined;
  /** Every system's current record, in its own field names and formats. */
  readonly records: Readonly<Record<TSystem, SyncRecord>>;
  /**
   * When each system last modified the record (epoch milliseconds or a Date). Required for the
   * systems involved in a `last-writer-wins` conflict.
   */
  readonly modifiedAt?: Readonly<Partial<Record<TSystem, number | Date>>> | undefined;
  /** The record's id, copied into the plan and its audit records. */
  readonly recordId?: string | undefined;
}

/**
 * Why a field is in the plan:
 * - `changed`: one or more systems changed it to the same value, the owner among them (or the owner
 *   is `manual`);
 * - `non-owner-change`: only systems that do not own the field changed it;
 * - `conflict`: systems changed it to different values;
 * - `first-sync`: there is no base and the systems disagree.
 *
 * @example
 * ```ts
 * const conflicts = plan.decisions.filter((d) => d.situation === 'conflict');
 * ```
 */
export type SyncSituation = 'changed' | 'non-owner-change' | 'conflict' | 'first-sync';

/**
 * What the plan does with a field:
 * - `propagate`: `source`'s value is written to the `patched` systems;
 * - `revert`: a non-owner's change is undone with the owner's value (`source`);
 * - `merge`: a merged value is written to the `patched` systems;
 * - `manual-review`: nothing is written; the field is queued for a person.
 *
 * @example
 * ```ts
 * const toReview = plan.decisions.filter((d) => d.action === 'manual-review');
 * ```
 */
export type SyncAction = 'propagate' | 'revert' | 'merge' | 'manual-review';

/**
 * Which rule produced the decision: a conflict policy, a non-owner-change policy, `owner`
 * (a first sync or a change by the owner) or `agreed` (a change on a field owned by `manual`).
 *
 * @example
 * ```ts
 * const rejected = plan.decisions.filter((d) => d.policy === 'reject');
 * ```
 */
export type SyncDecisionPolicy =
  | 'owner'
  | 'agreed'
  | 'owner-wins'
  | 'last-writer-wins'
  | 'merge'
  | 'manual-review'
  | 'reject'
  | 'accept'
  | 'queue';

/**
 * One field's decision, value-free: what happened, who owns the field, who wins, and why.
 *
 * @example
 * ```ts
 * for (const d of plan.decisions) logger.info({ field: d.field, action: d.action }, d.reason);
 * ```
 */
export interface SyncDecision<TSystem extends string> {
  /** The canonical field name. */
  readonly field: string;
  readonly situation: SyncSituation;
  readonly action: SyncAction;
  readonly policy: SyncDecisionPolicy;
  /** The field's owner for this record (a rule's answer for rule-owned fields). */
  readonly owner: FieldOwner<TSystem>;
  /** Systems whose value differs from the base (every system on a first sync). */
  readonly changedBy: readonly TSystem[];
  /** The system whose value is written, `undefined` for `merge` and `manual-review`. */
  readonly source: TSystem | undefined;
  /** Systems that receive a patch for this field. */
  readonly patched: readonly TSystem[];
  /** A sentence naming the field, the systems and the policy; never a value. */
  readonly reason: string;
}

/**
 * A field that systems changed to different values (or that disagrees on a first sync).
 *
 * @example
 * ```ts
 * for (const c of plan.conflicts) console.log(c.field, c.changedBy, c.winner ?? 'unresolved');
 * ```
 */
export interface SyncConflict<TSystem extends string> {
  readonly field: string;
  readonly situation: 'conflict' | 'first-sync';
  /** The last synced value (canonical), `undefined` when `hasBase` is false. */
  readonly base: unknown;
  readonly hasBase: boolean;
  /** Every system's value, canonical. */
  readonly values: Readonly<Record<TSystem, unknown>>;
  readonly changedBy: readonly TSystem[];
  /** How it was settled (see {@link SyncDecision.policy}). */
  readonly policy: SyncDecisionPolicy;
  /** The winning system, `undefined` when merged or left for manual review. */
  readonly winner: TSystem | undefined;
}

/**
 * A field left for a person to decide: nothing was written to any system.
 *
 * @example
 * ```ts
 * for (const review of plan.manualReview) await reviewQueue.add({ recordId, ...review });
 * ```
 */
export interface SyncManualReview<TSystem extends string> {
  readonly field: string;
  readonly situation: SyncSituation;
  readonly owner: FieldOwner<TSystem>;
  readonly base: unknown;
  readonly hasBase: boolean;
  /** Every system's value, canonical. */
  readonly values: Readonly<Record<TSystem, unknown>>;
  readonly changedBy: readonly TSystem[];
}

/**
 * The values behind an audit record, present only when the boundary's `audit.includeValues` is on.
 *
 * @example
 * ```ts
 * const after = plan.audit[0]?.values?.after; // only with audit.includeValues
 * ```
 */
export interface SyncAuditValues<TSystem extends string> {
  readonly base: unknown;
  readonly hasBase: boolean;
  /** Every system's value before the sync, canonical. */
  readonly before: Readonly<Record<TSystem, unknown>>;
  /** The value written (canonical); `undefined` for manual review. */
  readonly after: unknown;
}

/**
 * One audit record per decision: a {@link SyncDecision} with the record type and id.
 *
 * @example
 * ```ts
 * for (const record of plan.audit) logger.info(record, 'sync decision');
 * ```
 */
export interface SyncAuditRecord<TSystem extends string> extends SyncDecision<TSystem> {
  readonly recordType: string;
  readonly recordId: string | undefined;
  /** Only when asked for (`audit.includeValues`); otherwise absent. */
  readonly values?: SyncAuditValues<TSystem>;
}

/**
 * The result of planning one record: patches per system, decisions, conflicts and the next base.
 *
 * @example
 * ```ts
 * const plan = boundary.plan({ base, records: { crm, erp } });
 * if (!plan.empty) {
 *   await crmClient.update(id, plan.patches.crm);
 *   await erpClient.update(id, plan.patches.erp);
 * }
 * await snapshots.save(id, plan.nextBase);
 * ```
 */
export interface SyncPlan<TSystem extends string> {
  readonly recordType: string;
  readonly recordId: string | undefined;
  /** True when there is nothing to write and nothing to decide. */
  readonly empty: boolean;
  /** Per system, the fields to write (in that system's names and formats). */
  readonly patches: Readonly<Record<TSystem, SyncRecord>>;
  /** One decision per field that needed one, in the boundary's field order. */
  readonly decisions: readonly SyncDecision<TSystem>[];
  /** The fields systems disagreed on, with both values and the base. */
  readonly conflicts: readonly SyncConflict<TSystem>[];
  /** The fields left for a person to decide. */
  readonly manualReview: readonly SyncManualReview<TSystem>[];
  /**
   * The snapshot to pass as `base` next time, once the patches are applied: every synced field with
   * its agreed value (fields under manual review keep their old base). When nothing changed and the
   * base was complete this is the `base` object that was passed in.
   *
   * Fields last synced as empty (`undefined`) are also listed under `SYNCED_EMPTY_KEY`
   * (`$syncedEmpty`), so the snapshot survives a JSON round trip (which drops `undefined`) without
   * those fields being planned as first syncs. Store the whole object.
   */
  readonly nextBase: SyncRecord;
  /** One audit record per decision; values only when the boundary asks for them. */
  readonly audit: readonly SyncAuditRecord<TSystem>[];
}

import type { CompiledBoundary, CompiledField } from './internal/compiled-field.js';
import { compileDefinition } from './internal/compile-definition.js';
import { planError } from './internal/errors.js';
import { resolveOwner } from './internal/owner-rule.js';
import { Planner } from './internal/planner.js';
import type { FieldOwner, SyncBoundaryDefinition, SyncRecord } from './sync-boundary-definition.js';
import type { SyncPlan, SyncPlanInput } from './sync-plan.js';

/**
 * A validated sync boundary for one record type: who owns which field, what is never synced, and
 * how to plan a sync of one record across the systems.
 */
export interface SyncBoundary<TSystem extends string> {
  /** The record type this boundary syncs. */
  readonly recordType: string;
  /** The systems, in the order given (plans list systems in this order). */
  readonly systems: readonly TSystem[];

  /**
   * The owner of a synced field: a system, `manual`, or `undefined` when the field is not synced.
   * A rule-owned field needs the record (canonical names) and, if the rule reads them, the systems'
   * own records.
   *
   * @example
   * ```ts
   * boundary.ownerOf('email'); // 'crm'
   * boundary.ownerOf('status', { status: 'invoiced' }); // 'erp'
   * ```
   * @throws IapError `SYNC_PLAN` when the field is rule-owned and no record is given, or the rule
   * throws or answers something that is not a system nor `manual`.
   */
  ownerOf(field: string, record?: SyncRecord, records?: Readonly<Partial<Record<TSystem, SyncRecord>>>): FieldOwner<TSystem> | undefined;

  /**
   * True when `field` (canonical name) is synced.
   *
   * @example
   * ```ts
   * boundary.isSynced('email'); // true
   * boundary.isSynced('password_hash'); // false (excluded)
   * ```
   */
  isSynced(field: string): boolean;

  /**
   * The synced fields' canonical names, in definition order.
   *
   * @example
   * ```ts
   * boundary.syncedFields(); // ['email', 'name', 'status']
   * ```
   */
  syncedFields(): readonly string[];

  /**
   * The excluded (never synced) field names.
   *
   * @example
   * ```ts
   * boundary.excludedFields(); // ['password_hash']
   * ```
   */
  excludedFields(): readonly string[];

  /**
   * The fields owned by `owner` (a system or `manual`). Rule-owned fields are listed only when a
   * record is given to evaluate the rules with.
   *
   * @example
   * ```ts
   * boundary.fieldsOwnedBy('crm'); // ['email', 'name']
   * ```
   * @throws IapError `SYNC_PLAN` when `owner` is neither a system of the boundary nor `manual`, or a
   * rule fails.
   */
  fieldsOwnedBy(owner: FieldOwner<TSystem>, record?: SyncRecord, records?: Readonly<Partial<Record<TSystem, SyncRecord>>>): readonly string[];

  /**
   * The name a synced field has in a system (after mappings), or `undefined` when the field is not
   * synced or the system is unknown.
   *
   * @example
   * ```ts
   * boundary.fieldNameIn('erp', 'email'); // 'contact_email'
   * ```
   */
  fieldNameIn(system: TSystem, field: string): string | undefined;

  /**
   * Plans the sync of one record: a three-way comparison of every system's record against the last
   * synced snapshot (`base`), settled by owners and policies. Pure and deterministic: the same input
   * gives the same plan, and nothing is written anywhere. Apply `patches` to the systems, then store
   * `nextBase` for the next plan.
   *
   * @example
   * ```ts
   * const plan = boundary.plan({ base, records: { crm: crmRecord, erp: erpRecord }, recordId: 'c-42' });
   * await crm.update(plan.patches.crm);
   * await erp.update(plan.patches.erp);
   * await snapshots.save('c-42', plan.nextBase);
   * ```
   * @throws IapError `SYNC_PLAN` when a system's record is missing, `last-writer-wins` needs a
   * modification time that is missing, or a transform, normaliser, equality, rule or merge function
   * throws (the message names the field; the original error is the `cause`).
   */
  plan(input: SyncPlanInput<TSystem>): SyncPlan<TSystem>;
}

class CompiledSyncBoundary<TSystem extends string> implements SyncBoundary<TSystem> {
  readonly recordType: string;
  readonly systems: readonly TSystem[];
  private readonly compiled: CompiledBoundary;
  private readonly planner: Planner;
  private readonly synced: readonly string[];

  constructor(compiled: CompiledBoundary) {
    this.compiled = compiled;
    this.recordType = compiled.recordType;
    this.systems = Object.freeze([...compiled.systems]) as readonly TSystem[];
    this.synced = Object.freeze(compiled.fields.map((field) => field.name));
    this.planner = new Planner(compiled);
  }

  ownerOf(field: string, record?: SyncRecord, records?: Readonly<Partial<Record<TSystem, SyncRecord>>>): FieldOwner<TSystem> | undefined {
    const compiled = this.compiled.fieldsByName.get(field);
    if (compiled === undefined) return undefined;
    return this.resolveOwnerName(compiled, record, records);
  }

  isSynced(field: string): boolean {
    return this.compiled.fieldsByName.has(field);
  }

  syncedFields(): readonly string[] {
    return this.synced;
  }

  excludedFields(): readonly string[] {
    return Object.freeze([...this.compiled.excluded]);
  }

  fieldsOwnedBy(owner: FieldOwner<TSystem>, record?: SyncRecord, records?: Readonly<Partial<Record<TSystem, SyncRecord>>>): readonly string[] {
    if (owner !== 'manual' && !this.compiled.systems.includes(owner)) {
      throw planError(`fieldsOwnedBy: '${String(owner)}' is neither a system of '${this.recordType}' (${this.compiled.systems.join(', ')}) nor 'manual'`, {
        recordType: this.recordType,
      });
    }
    const out: string[] = [];
    for (const field of this.compiled.fields) {
      if (field.ownerKind === 'rule' && record === undefined) continue;
      if (this.resolveOwnerName(field, record, records) === owner) out.push(field.name);
    }
    return out;
  }

  fieldNameIn(system: TSystem, field: string): string | undefined {
    const index = this.compiled.systems.indexOf(system);
    return index < 0 ? undefined : this.compiled.fieldsByName.get(field)?.names[index];
  }

  plan(input: SyncPlanInput<TSystem>): SyncPlan<TSystem> {
    return this.planner.plan(input) as SyncPlan<TSystem>;
  }

  private resolveOwnerName(field: CompiledField, record: SyncRecord | undefined, records: Readonly<Partial<Record<TSystem, SyncRecord>>> | undefined): FieldOwner<TSystem> {
    if (field.ownerKind === 'rule' && record === undefined) {
      throw planError(`field '${field.name}' of '${this.recordType}' is owned by a rule: pass the record (canonical field names) to resolve its owner`, {
        recordType: this.recordType,
        field: field.name,
      });
    }
    const owner = resolveOwner(field, record ?? {}, (records ?? {}) as Readonly<Record<string, SyncRecord>>, this.compiled.systems, this.recordType);
    return (owner < 0 ? 'manual' : this.compiled.systems[owner]!) as FieldOwner<TSystem>;
  }
}

/**
 * Defines a sync boundary: the systems that share a record type, the owner of every synced field,
 * name and format mappings, exclusions and conflict policies. The definition is validated and
 * precompiled once; plans then run on flat field descriptors.
 *
 * @example
 * ```ts
 * const customer = defineSyncBoundary({
 *   recordType: 'customer',
 *   systems: ['crm', 'erp'],
 *   fields: {
 *     email: { owner: 'crm', normalize: emailAddress },
 *     name: 'crm',
 *     creditLimit: 'erp',
 *     status: { owner: (_record, records) => (records.erp?.invoiced ? 'erp' : 'crm'), conflict: 'last-writer-wins' },
 *   },
 *   excluded: ['password_hash'],
 *   mappings: { erp: { email: 'contact_email', creditLimit: { name: 'credit_limit_cents', toCanonical: (v) => Number(v) / 100, toSystem: (v) => Math.round(Number(v) * 100) } } },
 * });
 * ```
 * @throws IapError `SYNC_DEFINITION` naming the field (or system) when the definition is invalid: a
 * field both excluded and owned, an owner that is not a system, a mapping to a missing field or an
 * unknown system, a mapping with a transform one way only, two fields with the same name in a
 * system, an unknown policy or option.
 */
export function defineSyncBoundary<const TSystem extends string>(definition: SyncBoundaryDefinition<TSystem>): SyncBoundary<TSystem> {
  return new CompiledSyncBoundary<TSystem>(compileDefinition(definition as unknown as SyncBoundaryDefinition<string>));
}

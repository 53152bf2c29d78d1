/**
 * The shapes a sync boundary is defined with: systems, field owners, mappings, exclusions and the
 * policies that settle conflicts. {@link defineSyncBoundary} validates and compiles them.
 */

/**
 * One system's view of a record: field name to value, in that system's own names and formats.
 *
 * @example
 * ```ts
 * const crmRecord: SyncRecord = { email: 'ada@example.com', name: 'Ada' };
 * ```
 */
export type SyncRecord = Readonly<Record<string, unknown>>;

/**
 * The owner of a synced field: a system, or `manual` when a person decides.
 *
 * @example
 * ```ts
 * const owner: FieldOwner<'crm' | 'erp'> = 'manual';
 * ```
 */
export type FieldOwner<TSystem extends string> = TSystem | 'manual';

/**
 * A rule that decides a field's owner from the record, e.g. the ERP owns `status` once an order is
 * invoiced. It must be pure (same input, same answer) and return a system of the boundary or
 * `manual`.
 *
 * While planning, `record` is the canonical record as it will be after this sync for every field
 * with a fixed owner, and the agreed value (or the base, while disputed) for rule-owned fields;
 * `records` are the systems' own records as given to `plan`, so a rule can read fields that are not
 * synced (e.g. the ERP's `invoiced_at`).
 *
 * @example
 * ```ts
 * const statusOwner: OwnerRule<'crm' | 'erp'> = (_record, records) => (records.erp?.invoiced_at ? 'erp' : 'crm');
 * ```
 */
export type OwnerRule<TSystem extends string> = (
  record: SyncRecord,
  records: Readonly<Partial<Record<TSystem, SyncRecord>>>,
) => FieldOwner<TSystem>;

/**
 * What a custom merge function is given: the field, its base and every system's (canonical) value.
 *
 * @example
 * ```ts
 * const merge = ({ values, base }: MergeInput<'crm' | 'erp'>) => values.crm ?? base;
 * ```
 */
export interface MergeInput<TSystem extends string> {
  /** The canonical field name. */
  readonly field: string;
  /** The last synced value, `undefined` when {@link MergeInput.hasBase} is false. */
  readonly base: unknown;
  /** Whether the field has a last synced value. */
  readonly hasBase: boolean;
  /** Every system's value, converted to the canonical format. */
  readonly values: Readonly<Record<TSystem, unknown>>;
  /** The systems whose value differs from the base, in the boundary's system order. */
  readonly changedBy: readonly TSystem[];
  /** The field's owner for this record. */
  readonly owner: FieldOwner<TSystem>;
}

/**
 * Merges the conflicting values of one field into the value every system gets (canonical format).
 *
 * @example
 * ```ts
 * const union: MergeFunction<'crm' | 'erp'> = ({ values }) => [...new Set([...(values.crm as string[]), ...(values.erp as string[])])].sort();
 * ```
 */
export type MergeFunction<TSystem extends string> = (input: MergeInput<TSystem>) => unknown;

/**
 * How a conflict (two systems changed a field to different values since the base) is settled:
 * - `owner-wins`: the owner's value is written everywhere (a `manual` owner queues the field);
 * - `last-writer-wins`: the system that changed the record last (by `plan`'s `modifiedAt`) wins; when
 *   the two latest times are within the clock-skew tolerance it falls back to the owner;
 * - `manual-review`: nothing is written, the field is queued for a person;
 * - `{ merge }`: a custom function computes the value every system gets.
 *
 * @example
 * ```ts
 * fields: { tags: { owner: 'crm', conflict: { merge: union } }, phone: { owner: 'crm', conflict: 'last-writer-wins' } }
 * ```
 */
export type ConflictPolicy<TSystem extends string> =
  | 'owner-wins'
  | 'last-writer-wins'
  | 'manual-review'
  | { readonly merge: MergeFunction<TSystem> };

/**
 * What happens to a change made by a system that does not own the field (when the owner did not
 * change it too):
 * - `reject`: the change is refused and the owner's value is written back to the changing system;
 * - `accept`: the change overwrites the owner's value everywhere (and is reported);
 * - `queue`: nothing is written, the field is queued for manual review.
 *
 * Fields owned by `manual` have no owning system: a change from one side is simply propagated.
 *
 * @example
 * ```ts
 * fields: { email: { owner: 'crm', nonOwnerChange: 'queue' } }
 * ```
 */
export type NonOwnerChangePolicy = 'reject' | 'accept' | 'queue';

/**
 * One synced field: who owns it, how it is compared and how its conflicts are settled.
 *
 * @example
 * ```ts
 * fields: { email: { owner: 'crm', normalize: emailAddress, conflict: 'manual-review', nonOwnerChange: 'reject' } }
 * ```
 */
export interface SyncFieldDefinition<TSystem extends string> {
  /** The owning system, `manual`, or a rule that decides per record. */
  readonly owner: FieldOwner<TSystem> | OwnerRule<TSystem>;
  /**
   * How conflicts on this field are settled.
   * @defaultValue the boundary's `defaults.conflict` (`'owner-wins'`)
   */
  readonly conflict?: ConflictPolicy<TSystem>;
  /**
   * What happens when a system that does not own the field changes it.
   * @defaultValue the boundary's `defaults.nonOwnerChange` (`'reject'`)
   */
  readonly nonOwnerChange?: NonOwnerChangePolicy;
  /**
   * Clock-skew tolerance for `last-writer-wins`, in milliseconds.
   * @defaultValue the boundary's `defaults.clockSkewToleranceMs` (`1000`)
   */
  readonly clockSkewToleranceMs?: number;
  /**
   * Maps a canonical value to the form it is compared in (e.g. {@link emailAddress}). Applied to the
   * base and to every system's value before `equals`.
   * @defaultValue none (values are compared as they are)
   */
  readonly normalize?: (value: unknown) => unknown;
  /**
   * Whether two (normalised) values are equal. Must be symmetric and pure.
   * @defaultValue deep equality (arrays, plain objects, Dates, Maps, Sets, typed arrays; NaN equals NaN)
   */
  readonly equals?: (a: unknown, b: unknown) => boolean;
}

/**
 * How one canonical field appears in one system: under another name and/or in another format.
 * `toCanonical` and `toSystem` must be given together and be inverse to each other (up to the
 * field's equality), so a value written to a system reads back as the value that was written.
 *
 * @example
 * ```ts
 * mappings: { erp: { creditLimit: { name: 'credit_limit_cents', toCanonical: (v) => Number(v) / 100, toSystem: (v) => Math.round(Number(v) * 100) } } }
 * ```
 */
export interface SyncFieldMapping {
  /**
   * The field's name in this system.
   * @defaultValue the canonical field name
   */
  readonly name?: string;
  /** Converts this system's value to the canonical format. */
  readonly toCanonical?: (systemValue: unknown) => unknown;
  /** Converts a canonical value to this system's format. */
  readonly toSystem?: (canonicalValue: unknown) => unknown;
}

/**
 * Boundary-wide defaults for the per-field policies.
 *
 * @example
 * ```ts
 * defaults: { conflict: 'last-writer-wins', nonOwnerChange: 'accept', clockSkewToleranceMs: 5_000 }
 * ```
 */
export interface SyncBoundaryDefaults<TSystem extends string> {
  /**
   * How conflicts are settled when a field does not say.
   * @defaultValue `'owner-wins'`
   */
  readonly conflict?: ConflictPolicy<TSystem>;
  /**
   * What happens to a change by a non-owner when a field does not say.
   * @defaultValue `'reject'`
   */
  readonly nonOwnerChange?: NonOwnerChangePolicy;
  /**
   * Clock-skew tolerance for `last-writer-wins`, in milliseconds: modification times closer than
   * this are treated as equal and the owner wins.
   * @defaultValue `1000`
   */
  readonly clockSkewToleranceMs?: number;
}

/**
 * Options for the audit records of a plan.
 *
 * @example
 * ```ts
 * audit: { includeValues: true } // only where audit records are stored as securely as the data
 * ```
 */
export interface SyncAuditOptions {
  /**
   * Whether audit records carry the values (base, every system's value, the value written).
   * Leave off when audit records go to logs: values may be personal data.
   * @defaultValue `false`
   */
  readonly includeValues?: boolean;
}

/**
 * The definition of a sync boundary for one record type shared by two or more systems.
 *
 * @example
 * ```ts
 * const definition: SyncBoundaryDefinition<'crm' | 'erp'> = {
 *   recordType: 'customer',
 *   systems: ['crm', 'erp'],
 *   fields: { email: 'crm', creditLimit: 'erp', notes: 'manual' },
 *   excluded: ['password_hash'],
 *   mappings: { erp: { email: 'contact_email' } },
 * };
 * ```
 */
export interface SyncBoundaryDefinition<TSystem extends string> {
  /** The record type, e.g. `customer`; named in errors and audit records. */
  readonly recordType: string;
  /** The systems that hold the record (two or more, unique, not `manual`). */
  readonly systems: readonly TSystem[];
  /**
   * The synced fields by canonical name: an owner or owner rule (shorthand) or a full definition.
   * Fields not listed here are not synced.
   */
  readonly fields: Readonly<Record<string, FieldOwner<NoInfer<TSystem>> | OwnerRule<NoInfer<TSystem>> | SyncFieldDefinition<NoInfer<TSystem>>>>;
  /**
   * Canonical names that are never synced, listed so that nobody adds them by mistake: a field both
   * excluded and in `fields` is a definition error.
   * @defaultValue `[]`
   */
  readonly excluded?: readonly string[];
  /**
   * Per system, per canonical field: the field's name in that system (a string) or a full mapping
   * with value transforms.
   * @defaultValue every field has its canonical name and format in every system
   */
  readonly mappings?: { readonly [S in NoInfer<TSystem>]?: Readonly<Record<string, string | SyncFieldMapping>> };
  /** Defaults for the per-field policies. */
  readonly defaults?: SyncBoundaryDefaults<NoInfer<TSystem>>;
  /** Audit record options. */
  readonly audit?: SyncAuditOptions;
}

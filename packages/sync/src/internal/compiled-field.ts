import type { MergeFunction, NonOwnerChangePolicy, OwnerRule } from '../sync-boundary-definition.js';

/** A value conversion or normaliser. */
export type ValueFunction = (value: unknown) => unknown;

/** A field equality function. */
export type EqualsFunction = (a: unknown, b: unknown) => boolean;

/** How a field's owner is given. */
export type OwnerKind = 'system' | 'manual' | 'rule';

/** A conflict policy without its merge function. */
export type ConflictKind = 'owner-wins' | 'last-writer-wins' | 'manual-review' | 'merge';

/**
 * One synced field, precompiled at construction so that planning reads flat arrays indexed by
 * system position and never looks anything up by name. Every instance has the same shape.
 */
export interface CompiledField {
  /** Position in the boundary's field order. */
  readonly index: number;
  /** Canonical name (the base snapshot uses it). */
  readonly name: string;
  /** The field's name in each system, by system index. */
  readonly names: readonly string[];
  /** Per system: converts that system's value to canonical, or undefined for identity. */
  readonly toCanonical: readonly (ValueFunction | undefined)[];
  /** Per system: converts a canonical value to that system's format, or undefined for identity. */
  readonly toSystem: readonly (ValueFunction | undefined)[];
  readonly normalize: ValueFunction | undefined;
  readonly equals: EqualsFunction | undefined;
  /** Some name of this field is also an `Object.prototype` member, so reads must check own properties. */
  readonly ownPropertyReads: boolean;
  /**
   * No transforms, no normaliser, default equality and plain reads: the planner's fast path
   * compares raw values directly.
   */
  readonly simple: boolean;
  readonly ownerKind: OwnerKind;
  /** The owner's system index when `ownerKind` is `system`, else -1. */
  readonly ownerSystem: number;
  readonly ownerRule: OwnerRule<string> | undefined;
  readonly conflict: ConflictKind;
  readonly merge: MergeFunction<string> | undefined;
  readonly nonOwnerChange: NonOwnerChangePolicy;
  readonly clockSkewToleranceMs: number;
}

/** A validated, compiled boundary definition. */
export interface CompiledBoundary {
  readonly recordType: string;
  readonly systems: readonly string[];
  readonly fields: readonly CompiledField[];
  readonly fieldsByName: ReadonlyMap<string, CompiledField>;
  readonly excluded: readonly string[];
  readonly includeAuditValues: boolean;
  /** Some field is owned by a rule. */
  readonly hasRules: boolean;
}

import type {
  MergeFunction,
  NonOwnerChangePolicy,
  OwnerRule,
  SyncBoundaryDefinition,
  SyncFieldDefinition,
} from '../sync-boundary-definition.js';
import type { CompiledBoundary, CompiledField, ConflictKind, OwnerKind, ValueFunction } from './compiled-field.js';
import { SYNC_DEFAULTS } from './defaults.js';
import { definitionError } from './errors.js';
import { SYNCED_EMPTY_KEY } from './synced-empty.js';

const TOP_LEVEL_KEYS = new Set(['recordType', 'systems', 'fields', 'excluded', 'mappings', 'defaults', 'audit']);
const FIELD_KEYS = new Set(['owner', 'conflict', 'nonOwnerChange', 'clockSkewToleranceMs', 'normalize', 'equals']);
const DEFAULTS_KEYS = new Set(['conflict', 'nonOwnerChange', 'clockSkewToleranceMs']);
const MAPPING_KEYS = new Set(['name', 'toCanonical', 'toSystem']);
const AUDIT_KEYS = new Set(['includeValues']);
const CONFLICT_POLICIES = new Set(['owner-wins', 'last-writer-wins', 'manual-review']);
const NON_OWNER_POLICIES = new Set(['reject', 'accept', 'queue']);

interface ResolvedPolicies {
  readonly conflict: ConflictKind;
  readonly merge: MergeFunction<string> | undefined;
  readonly nonOwnerChange: NonOwnerChangePolicy;
  readonly clockSkewToleranceMs: number;
}

interface Mapping {
  readonly name: string;
  readonly toCanonical: ValueFunction | undefined;
  readonly toSystem: ValueFunction | undefined;
}

/** Where a problem is, for error messages and details. */
interface Place {
  readonly recordType: string;
  readonly field?: string;
  readonly system?: string;
}

function fail(place: Place, message: string): never {
  throw definitionError(`invalid sync boundary '${place.recordType}': ${message}`, {
    recordType: place.recordType,
    field: place.field,
    system: place.system,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, what: string, place: Place): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) fail(place, `${what} has an unknown option '${key}' (allowed: ${[...allowed].join(', ')})`);
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Validates a sync boundary definition and compiles it into flat field descriptors.
 *
 * @throws IapError `SYNC_DEFINITION` naming the field (or system) at the first problem found.
 */
export function compileDefinition(definition: SyncBoundaryDefinition<string>): CompiledBoundary {
  if (!isObject(definition)) fail({ recordType: '?' }, `the definition must be an object (got ${describeType(definition)})`);
  const recordType = definition.recordType;
  if (typeof recordType !== 'string' || recordType.trim() === '') {
    fail({ recordType: '?' }, 'recordType must be a non-empty string naming the record type, e.g. "customer"');
  }
  const place: Place = { recordType };
  checkKeys(definition, TOP_LEVEL_KEYS, 'the definition', place);

  const systems = compileSystems(definition.systems, place);
  const defaults = compileDefaults(definition.defaults, place);
  const excluded = compileExcluded(definition.excluded, place);
  const rawFields: unknown = definition.fields;
  if (!isObject(rawFields)) fail(place, `fields must be an object of field name to owner or field definition (got ${describeType(rawFields)})`);
  const fieldNames = Object.keys(rawFields);
  if (fieldNames.length === 0) fail(place, 'fields is empty: a sync boundary needs at least one synced field');
  for (const name of fieldNames) {
    if (excluded.includes(name)) {
      fail({ recordType, field: name }, `field '${name}' is both excluded and owned; remove it from excluded or from fields`);
    }
  }
  const mappings = compileMappings(definition.mappings, systems, new Set(fieldNames), excluded, place);
  const includeAuditValues = compileAudit(definition.audit, place);

  const fields: CompiledField[] = [];
  const fieldsByName = new Map<string, CompiledField>();
  fieldNames.forEach((name, index) => {
    const field = compileField(name, index, rawFields[name], systems, defaults, mappings, recordType);
    fields.push(field);
    fieldsByName.set(name, field);
  });
  checkNameCollisions(fields, systems, excluded, recordType);

  return {
    recordType,
    systems,
    fields,
    fieldsByName,
    excluded,
    includeAuditValues,
    hasRules: fields.some((field) => field.ownerKind === 'rule'),
  };
}

function compileSystems(value: unknown, place: Place): readonly string[] {
  if (!Array.isArray(value)) fail(place, `systems must be an array of two or more system names (got ${describeType(value)})`);
  const systems: string[] = [];
  for (const system of value as unknown[]) {
    if (typeof system !== 'string' || system.trim() === '') fail(place, 'every system name must be a non-empty string');
    if (system === 'manual') fail({ ...place, system }, "'manual' is reserved for fields a person decides; rename the system");
    if (system === '__proto__') fail({ ...place, system }, "'__proto__' cannot name a system");
    if (systems.includes(system)) fail({ ...place, system }, `system '${system}' is listed twice`);
    systems.push(system);
  }
  if (systems.length < 2) fail(place, `a sync boundary needs two or more systems (got ${systems.length})`);
  return systems;
}

function compileExcluded(value: unknown, place: Place): readonly string[] {
  if (value === undefined) return SYNC_DEFAULTS.excluded;
  if (!Array.isArray(value)) fail(place, `excluded must be an array of field names (got ${describeType(value)})`);
  const excluded: string[] = [];
  for (const name of value as unknown[]) {
    if (typeof name !== 'string' || name === '') fail(place, 'every excluded field name must be a non-empty string');
    if (!excluded.includes(name)) excluded.push(name);
  }
  return excluded;
}

function compileDefaults(value: unknown, place: Place): ResolvedPolicies {
  const fallback: ResolvedPolicies = {
    conflict: SYNC_DEFAULTS.conflict,
    merge: undefined,
    nonOwnerChange: SYNC_DEFAULTS.nonOwnerChange,
    clockSkewToleranceMs: SYNC_DEFAULTS.clockSkewToleranceMs,
  };
  if (value === undefined) return fallback;
  if (!isObject(value)) fail(place, `defaults must be an object (got ${describeType(value)})`);
  checkKeys(value, DEFAULTS_KEYS, 'defaults', place);
  return resolvePolicies(value, fallback, 'defaults', place);
}

function resolvePolicies(
  value: Record<string, unknown>,
  fallback: ResolvedPolicies,
  where: string,
  place: Place,
): ResolvedPolicies {
  let conflict = fallback.conflict;
  let merge = fallback.merge;
  const rawConflict = value.conflict;
  if (rawConflict !== undefined) {
    if (typeof rawConflict === 'string' && CONFLICT_POLICIES.has(rawConflict)) {
      conflict = rawConflict as ConflictKind;
      merge = undefined;
    } else if (isObject(rawConflict) && typeof rawConflict.merge === 'function' && Object.keys(rawConflict).length === 1) {
      conflict = 'merge';
      merge = rawConflict.merge as MergeFunction<string>;
    } else {
      fail(place, `${where}: conflict must be 'owner-wins', 'last-writer-wins', 'manual-review' or { merge: function }`);
    }
  }
  let nonOwnerChange = fallback.nonOwnerChange;
  const rawNonOwner = value.nonOwnerChange;
  if (rawNonOwner !== undefined) {
    if (typeof rawNonOwner !== 'string' || !NON_OWNER_POLICIES.has(rawNonOwner)) {
      fail(place, `${where}: nonOwnerChange must be 'reject', 'accept' or 'queue'`);
    }
    nonOwnerChange = rawNonOwner as NonOwnerChangePolicy;
  }
  let clockSkewToleranceMs = fallback.clockSkewToleranceMs;
  const rawTolerance = value.clockSkewToleranceMs;
  if (rawTolerance !== undefined) {
    if (typeof rawTolerance !== 'number' || !Number.isFinite(rawTolerance) || rawTolerance < 0) {
      fail(place, `${where}: clockSkewToleranceMs must be a finite number of milliseconds >= 0`);
    }
    clockSkewToleranceMs = rawTolerance;
  }
  return { conflict, merge, nonOwnerChange, clockSkewToleranceMs };
}

function compileAudit(value: unknown, place: Place): boolean {
  if (value === undefined) return SYNC_DEFAULTS.includeAuditValues;
  if (!isObject(value)) fail(place, `audit must be an object (got ${describeType(value)})`);
  checkKeys(value, AUDIT_KEYS, 'audit', place);
  if (value.includeValues === undefined) return SYNC_DEFAULTS.includeAuditValues;
  if (typeof value.includeValues !== 'boolean') fail(place, 'audit.includeValues must be a boolean');
  return value.includeValues;
}

/** Per system index, per canonical field: the compiled mapping. */
type CompiledMappings = ReadonlyArray<ReadonlyMap<string, Mapping>>;

function compileMappings(
  value: unknown,
  systems: readonly string[],
  fieldNames: ReadonlySet<string>,
  excluded: readonly string[],
  place: Place,
): CompiledMappings {
  const bySystem = systems.map(() => new Map<string, Mapping>());
  if (value === undefined) return bySystem;
  if (!isObject(value)) fail(place, `mappings must be an object of system name to field mappings (got ${describeType(value)})`);
  for (const [system, entries] of Object.entries(value)) {
    const systemIndex = systems.indexOf(system);
    if (systemIndex < 0) {
      fail({ ...place, system }, `mappings name an unknown system '${system}' (the boundary's systems are ${systems.join(', ')})`);
    }
    if (entries === undefined) continue;
    if (!isObject(entries)) fail({ ...place, system }, `mappings.${system} must be an object of canonical field name to mapping`);
    for (const [field, raw] of Object.entries(entries)) {
      const fieldPlace = { ...place, field, system };
      if (!fieldNames.has(field)) {
        if (excluded.includes(field)) {
          fail(fieldPlace, `mappings.${system} maps field '${field}', which is excluded and never synced; remove the mapping`);
        }
        fail(fieldPlace, `mappings.${system} maps field '${field}', which is missing from fields; add it to fields or remove the mapping`);
      }
      bySystem[systemIndex]!.set(field, compileMapping(raw, field, system, fieldPlace));
    }
  }
  return bySystem;
}

function compileMapping(raw: unknown, field: string, system: string, place: Place): Mapping {
  const where = `mappings.${system}.${field}`;
  if (typeof raw === 'string') {
    if (raw === '' || raw === '__proto__') fail(place, `${where} must be a non-empty name other than '__proto__'`);
    return { name: raw, toCanonical: undefined, toSystem: undefined };
  }
  if (!isObject(raw)) fail(place, `${where} must be a field name or { name?, toCanonical?, toSystem? } (got ${describeType(raw)})`);
  checkKeys(raw, MAPPING_KEYS, where, place);
  const name = raw.name ?? field;
  if (typeof name !== 'string' || name === '') fail(place, `${where}.name must be a non-empty string`);
  if (name === '__proto__') fail(place, `${where}.name cannot be '__proto__'`);
  const { toCanonical, toSystem } = raw;
  if (toCanonical !== undefined && typeof toCanonical !== 'function') fail(place, `${where}.toCanonical must be a function`);
  if (toSystem !== undefined && typeof toSystem !== 'function') fail(place, `${where}.toSystem must be a function`);
  if ((toCanonical === undefined) !== (toSystem === undefined)) {
    fail(place, `${where} needs both toCanonical and toSystem (transforms go both ways) or neither`);
  }
  return { name, toCanonical: toCanonical as ValueFunction | undefined, toSystem: toSystem as ValueFunction | undefined };
}

function compileOwner(
  raw: unknown,
  systems: readonly string[],
  place: Place & { field: string },
): { kind: OwnerKind; system: number; rule: OwnerRule<string> | undefined } {
  if (typeof raw === 'function') return { kind: 'rule', system: -1, rule: raw as OwnerRule<string> };
  if (raw === 'manual') return { kind: 'manual', system: -1, rule: undefined };
  if (typeof raw === 'string') {
    const system = systems.indexOf(raw);
    if (system < 0) {
      fail({ ...place, system: raw }, `field '${place.field}' is owned by '${raw}', which is not one of the boundary's systems (${systems.join(', ')}) nor 'manual'`);
    }
    return { kind: 'system', system, rule: undefined };
  }
  return fail(place, `field '${place.field}' needs an owner: a system (${systems.join(', ')}), 'manual' or a rule function (got ${describeType(raw)})`);
}

function compileField(
  name: string,
  index: number,
  raw: unknown,
  systems: readonly string[],
  defaults: ResolvedPolicies,
  mappings: CompiledMappings,
  recordType: string,
): CompiledField {
  const place = { recordType, field: name };
  if (name === '' || name === '__proto__' || name === SYNCED_EMPTY_KEY) fail(place, `'${name}' cannot name a field`);
  const definition: Record<string, unknown> = typeof raw === 'string' || typeof raw === 'function' ? { owner: raw } : (raw as Record<string, unknown>);
  if (!isObject(definition)) fail(place, `field '${name}' must be an owner or a field definition object (got ${describeType(raw)})`);
  checkKeys(definition, FIELD_KEYS, `field '${name}'`, place);
  const owner = compileOwner(definition.owner, systems, place);
  const policies = resolvePolicies(definition, defaults, `field '${name}'`, place);
  const { normalize, equals } = definition as Partial<SyncFieldDefinition<string>>;
  if (normalize !== undefined && typeof normalize !== 'function') fail(place, `field '${name}': normalize must be a function`);
  if (equals !== undefined && typeof equals !== 'function') fail(place, `field '${name}': equals must be a function`);

  const names: string[] = [];
  const toCanonical: (ValueFunction | undefined)[] = [];
  const toSystem: (ValueFunction | undefined)[] = [];
  for (let s = 0; s < systems.length; s++) {
    const mapping = mappings[s]!.get(name);
    names.push(mapping?.name ?? name);
    toCanonical.push(mapping?.toCanonical);
    toSystem.push(mapping?.toSystem);
  }
  const ownPropertyReads = name in Object.prototype || names.some((n) => n in Object.prototype);
  const hasTransforms = toCanonical.some((fn) => fn !== undefined);
  return {
    index,
    name,
    names,
    toCanonical,
    toSystem,
    normalize,
    equals,
    ownPropertyReads,
    simple: !hasTransforms && normalize === undefined && equals === undefined && !ownPropertyReads,
    ownerKind: owner.kind,
    ownerSystem: owner.system,
    ownerRule: owner.rule,
    conflict: policies.conflict,
    merge: policies.merge,
    nonOwnerChange: policies.nonOwnerChange,
    clockSkewToleranceMs: policies.clockSkewToleranceMs,
  };
}

function checkNameCollisions(fields: readonly CompiledField[], systems: readonly string[], excluded: readonly string[], recordType: string): void {
  systems.forEach((system, s) => {
    const seen = new Map<string, string>();
    for (const field of fields) {
      const systemName = field.names[s]!;
      if (excluded.includes(systemName)) {
        fail(
          { recordType, field: field.name, system },
          `field '${field.name}' is mapped to '${systemName}' in ${system}, which is an excluded field and must never be written; map it to another name`,
        );
      }
      const other = seen.get(systemName);
      if (other !== undefined) {
        fail(
          { recordType, field: field.name, system },
          `fields '${other}' and '${field.name}' are both named '${systemName}' in ${system}; map one of them to another name`,
        );
      }
      seen.set(systemName, field.name);
    }
  });
}

import type { ColumnType } from '../column-type.js';
import type { ResolvedParserOptions } from './resolved-options.js';
import { planFromColumnTypes } from './column-type-decoders.js';
import { assignOwn, type RowPlan } from './value-decoders.js';

const MAX_CACHED_TABLES = 1024;

/**
 * Row plans for schemaless messages, from the `columnTypes` option (cached per table) merged over
 * the column types a message names itself (Canal `mysqlType`, wal2json types; cached per table and
 * type signature, both bounded).
 */
export class TablePlans {
  private readonly cache = new Map<string, { readonly types: Readonly<Record<string, ColumnType>>; readonly plan: RowPlan } | undefined>();
  private readonly messagePlans = new Map<string, RowPlan>();

  constructor(private readonly options: ResolvedParserOptions) {}

  /**
   * The plan for a table, or undefined when nothing is known about its columns. Column types a
   * message names itself come as a `signature` (the names and types as one string, the cache key)
   * and a function that maps them, called only when that signature is new.
   */
  planFor(
    database: string | null,
    schema: string | null,
    table: string | null,
    messageTypes?: { readonly signature: string; readonly types: () => Readonly<Record<string, ColumnType>> },
  ): RowPlan | undefined {
    const configured = this.options.hasColumnTypes ? this.configured(database, schema, table) : undefined;
    if (messageTypes === undefined || !this.options.useMessageColumnTypes) return configured?.plan;
    const cacheKey = `${database ?? ''}\u0000${schema ?? ''}\u0000${table ?? ''}\u0000${messageTypes.signature}`;
    let plan = this.messagePlans.get(cacheKey);
    if (plan === undefined) {
      const fromMessage = messageTypes.types();
      plan = planFromColumnTypes(configured === undefined ? fromMessage : assignOwn({}, fromMessage, configured.types));
      if (this.messagePlans.size >= MAX_CACHED_TABLES) this.messagePlans.clear();
      this.messagePlans.set(cacheKey, plan);
    }
    return plan;
  }

  private configured(database: string | null, schema: string | null, table: string | null): { readonly types: Readonly<Record<string, ColumnType>>; readonly plan: RowPlan } | undefined {
    const cacheKey = `${database ?? ''}\u0000${schema ?? ''}\u0000${table ?? ''}`;
    if (this.cache.has(cacheKey)) return this.cache.get(cacheKey);
    const map = this.options.columnTypes;
    const keys = ['*'];
    if (table !== null) {
      keys.push(table);
      if (database !== null) keys.push(`${database}.${table}`);
      if (schema !== null) keys.push(`${schema}.${table}`);
    }
    let merged: Record<string, ColumnType> | undefined;
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(map, key)) continue;
      merged = assignOwn(merged ?? {}, map[key]);
    }
    const entry = merged === undefined ? undefined : { types: merged, plan: planFromColumnTypes(merged) };
    if (this.cache.size >= MAX_CACHED_TABLES) this.cache.clear();
    this.cache.set(cacheKey, entry);
    return entry;
  }
}

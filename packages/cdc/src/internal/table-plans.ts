import type { ColumnType } from '../column-type.js';
import type { ResolvedParserOptions } from './resolved-options.js';
import { assignOwn, planFromColumnTypes, type RowPlan } from './value-decoders.js';

const MAX_CACHED_TABLES = 1024;

/**
 * Row plans for schemaless messages, from the `columnTypes` option (cached per table) merged over
 * the column types a message names itself (Canal `mysqlType`, wal2json types).
 */
export class TablePlans {
  private readonly cache = new Map<string, { readonly types: Readonly<Record<string, ColumnType>>; readonly plan: RowPlan } | undefined>();

  constructor(private readonly options: ResolvedParserOptions) {}

  /** The plan for a table, or undefined when nothing is known about its columns. */
  planFor(database: string | null, schema: string | null, table: string | null, messageTypes?: Readonly<Record<string, ColumnType>>): RowPlan | undefined {
    const configured = this.options.hasColumnTypes ? this.configured(database, schema, table) : undefined;
    const fromMessage = this.options.useMessageColumnTypes ? messageTypes : undefined;
    if (fromMessage === undefined) return configured?.plan;
    return planFromColumnTypes(configured === undefined ? fromMessage : assignOwn({}, fromMessage, configured.types));
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

import type { Row } from '../cdc-value.js';
import type { DecodeContext, Path } from './decode-context.js';
import type { MessageFacts } from './event-factory.js';
import type { JsonObject } from './field-readers.js';
import type { TablePlans } from './table-plans.js';
import type { RowPlan } from './value-decoders.js';

/** Compiled plans of a Debezium `{schema, payload}` schema (cached with the schema text). */
export interface EnvelopePlans {
  /** Envelope: plans of `before` / `after`; flattened rows: the row plan in both. */
  readonly before: RowPlan | undefined;
  readonly after: RowPlan | undefined;
}

/** Everything a format parser gets. */
export interface FormatInput {
  /** The message (the `payload` of a `{schema, payload}` wrapper). */
  readonly message: JsonObject;
  /** Path of `message` from the root (`['payload']` when wrapped). */
  readonly path: Path;
  /** The wrapper's schema, if any. */
  readonly schema: JsonObject | null;
  /** Plans compiled from `schema` (undefined: compile them now). */
  readonly plans: EnvelopePlans | undefined;
  /** The decoded record key (objects only), or null. */
  readonly key: Row | null;
  /**
   * Decodes a schemaless record key again with a table's `columnTypes` plan (set only when the key
   * is a JSON object without a Connect schema), so the key agrees with `before` / `after`.
   */
  readonly decodeKeyWith: ((plan: RowPlan) => Row) | undefined;
  readonly facts: MessageFacts;
  readonly context: DecodeContext;
  readonly tables: TablePlans;
}

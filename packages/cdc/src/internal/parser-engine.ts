import type { CdcFormat } from '../cdc-format.js';
import { CdcParseError, isCdcParseError } from '../cdc-parse-error.js';
import type { Row } from '../cdc-value.js';
import type { ChangeEvent } from '../change-event.js';
import { compileStructFields } from './connect-schema.js';
import { fail, type DecodeContext, type Path } from './decode-context.js';
import { detectFormat } from './detect-format.js';
import { createEvent, createSource, type MessageFacts } from './event-factory.js';
import { has, isJsonObject, type JsonObject } from './field-readers.js';
import type { EnvelopePlans, FormatInput } from './format-input.js';
import { parseAwsDms } from './formats/aws-dms.js';
import { parseCanal } from './formats/canal.js';
import { parseDatastream } from './formats/datastream.js';
import { compileEnvelopePlans, parseDebezium } from './formats/debezium.js';
import { compileFlattenedPlans, parseDebeziumFlattened } from './formats/debezium-flattened.js';
import { parseMaxwell } from './formats/maxwell.js';
import { parseWal2JsonV1, parseWal2JsonV2 } from './formats/wal2json.js';
import { parseText, readInput } from './input-reader.js';
import type { ExactLiterals } from './json-text.js';
import type { ResolvedParserOptions } from './resolved-options.js';
import { SchemaCache, type SchemaEntry } from './schema-cache.js';
import { TablePlans } from './table-plans.js';
import { decodeRow, type RowPlan } from './value-decoders.js';

/** Per-record facts the caller passes with the value. */
export interface RecordMeta {
  readonly key?: unknown;
  readonly topic?: string | undefined;
}

const KEY_PATH: Path = ['<key>'];
const PARSERS: Readonly<Record<CdcFormat, (input: FormatInput) => ChangeEvent[]>> = {
  debezium: parseDebezium,
  'debezium-flattened': parseDebeziumFlattened,
  'aws-dms': parseAwsDms,
  maxwell: parseMaxwell,
  canal: parseCanal,
  'wal2json-v1': parseWal2JsonV1,
  'wal2json-v2': parseWal2JsonV2,
  datastream: parseDatastream,
};

/** A parsed message: the root value, its exact literals, and the schema entry when the cache split it. */
interface ParsedMessage {
  readonly value: unknown;
  readonly exact: ExactLiterals | undefined;
  readonly cached: SchemaEntry | undefined;
}

function isConnectWrapper(value: JsonObject): boolean {
  const keys = Object.keys(value);
  return keys.length === 2 && has(value, 'schema') && has(value, 'payload') && (value.schema === null || isJsonObject(value.schema));
}

/** The parsing pipeline behind `createCdcParser`: input → JSON → format → events. */
export class ParserEngine {
  private readonly tables: TablePlans;
  private readonly schemas: SchemaCache;

  constructor(readonly options: ResolvedParserOptions) {
    this.tables = new TablePlans(options);
    this.schemas = new SchemaCache(options.schemaCacheSize, options.maxDepth);
  }

  /**
   * Parses one record value into its events.
   *
   * @throws CdcParseError and nothing else: unexpected failures are wrapped (reason
   * `invalid-input`, the original as `cause`).
   */
  parse(value: unknown, meta: RecordMeta = {}): ChangeEvent[] {
    const context: DecodeContext = { options: this.options, exact: undefined, format: 'unknown' };
    try {
      return this.parseUnsafe(value, meta, context);
    } catch (error) {
      if (isCdcParseError(error)) throw error;
      throw new CdcParseError({
        format: context.format,
        reason: 'invalid-input',
        path: [],
        problem: 'the message could not be processed (an unexpected internal failure; the original error is the cause)',
        cause: error,
      });
    }
  }

  private parseUnsafe(value: unknown, meta: RecordMeta, context: DecodeContext): ChangeEvent[] {
    const topic = meta.topic ?? null;
    const forced = this.options.format === 'auto' ? undefined : this.options.format;
    const message = this.readMessage(value);
    const decodedKey = this.decodeKey(meta.key, context);
    const key = decodedKey.row;
    if (message === undefined) return [this.tombstone(forced ?? 'debezium', key, topic, null)];
    context.exact = message.exact;
    let root = message.value;
    let schema: JsonObject | null = null;
    let path: Path = [];
    let wrapped = false;
    if (message.cached !== undefined) {
      schema = message.cached.schema;
      path = ['payload'];
      wrapped = true;
    } else if (isJsonObject(root) && isConnectWrapper(root)) {
      schema = root.schema as JsonObject | null;
      root = root.payload;
      path = ['payload'];
      wrapped = true;
    }
    const raw = message.cached === undefined ? message.value : { schema, payload: root };
    if (root === null) return [this.tombstone(forced ?? 'debezium', key, topic, raw)];
    if (!isJsonObject(root)) return fail(context, 'invalid-field', path, 'must be a JSON object (a CDC message)');
    const format = forced ?? detectFormat(root, schema, wrapped, this.options.flattenedFieldPrefix);
    if (format === undefined) {
      return fail(context, 'unknown-format', path, 'the message matches none of the supported formats (debezium, debezium-flattened, aws-dms, maxwell, canal, wal2json-v1, wal2json-v2, datastream)', 'set the format option to parse it as a specific format');
    }
    context.format = format;
    const facts: MessageFacts = { format, topic, raw };
    return PARSERS[format]({
      message: root,
      path,
      schema,
      plans: message.cached === undefined ? undefined : this.cachedPlans(message.cached, format, context),
      key,
      decodeKeyWith: decodedKey.redecode,
      facts,
      context,
      tables: this.tables,
    });
  }

  private cachedPlans(entry: SchemaEntry, format: CdcFormat, context: DecodeContext): EnvelopePlans | undefined {
    if (format !== 'debezium' && format !== 'debezium-flattened') return undefined;
    let plans = entry.plans.get(format);
    if (plans === undefined) {
      plans = format === 'debezium' ? compileEnvelopePlans(entry.schema, context) : compileFlattenedPlans(entry.schema, { context });
      entry.plans.set(format, plans);
    }
    return plans;
  }

  /** Reads and parses the value; undefined for a tombstone (null or empty). */
  private readMessage(value: unknown): ParsedMessage | undefined {
    const input = readInput(value, this.options, []);
    if (input.kind === 'absent') return undefined;
    if (input.kind === 'value') return { value: input.value, exact: undefined, cached: undefined };
    const split = this.schemas.split(input.text);
    if (split !== undefined) {
      try {
        const payload = parseText(split.payloadText, this.options, ['payload'], split.payloadOffset);
        return { value: payload.value, exact: payload.exact, cached: split.entry };
      } catch {
        // report errors against the whole text
      }
    }
    const parsed = parseText(input.text, this.options, []);
    return { value: parsed.value, exact: parsed.exact, cached: undefined };
  }

  /**
   * Decodes a record key: JSON objects (optionally Connect-wrapped) become a row; anything else
   * null. A schemaless object key also comes with `redecode`, to apply a table's column types.
   */
  private decodeKey(key: unknown, context: DecodeContext): { row: Row | null; redecode: ((plan: RowPlan) => Row) | undefined } {
    const none = { row: null, redecode: undefined };
    if (key === undefined || key === null) return none;
    let value: unknown;
    let exact: ExactLiterals | undefined;
    const input = readInput(key, this.options, KEY_PATH);
    if (input.kind === 'absent') return none;
    if (input.kind === 'value') value = input.value;
    else {
      try {
        const parsed = parseText(input.text, this.options, KEY_PATH);
        value = parsed.value;
        exact = parsed.exact;
      } catch {
        return none; // a key that is not JSON (plain string keys) is not decoded
      }
    }
    if (!isJsonObject(value)) return none;
    const keyContext: DecodeContext = { options: context.options, exact, format: context.format };
    if (isConnectWrapper(value)) {
      const schema = value.schema;
      const plan = isJsonObject(schema) && schema.type === 'struct' ? compileStructFields(schema, keyContext, [...KEY_PATH, 'schema']) : undefined;
      if (!isJsonObject(value.payload)) return none;
      const payload = value.payload;
      const row = decodeRow(payload, plan, keyContext, [...KEY_PATH, 'payload']);
      return { row, redecode: plan === undefined ? (tablePlan) => decodeRow(payload, tablePlan, keyContext, [...KEY_PATH, 'payload']) : undefined };
    }
    const object = value;
    return { row: decodeRow(object, undefined, keyContext, KEY_PATH), redecode: (tablePlan) => decodeRow(object, tablePlan, keyContext, KEY_PATH) };
  }

  private tombstone(format: CdcFormat, key: Row | null, topic: string | null, raw: unknown): ChangeEvent {
    return createEvent({ format, topic, raw }, { kind: 'tombstone', key, primaryKey: key === null ? null : Object.keys(key), source: createSource({}) });
  }
}

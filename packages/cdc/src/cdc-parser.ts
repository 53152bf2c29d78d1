import { CdcParseError } from './cdc-parse-error.js';
import type { CdcParserOptions } from './cdc-parser-options.js';
import type { ChangeEvent } from './change-event.js';
import { ParserEngine } from './internal/parser-engine.js';
import { resolveParserOptions } from './internal/resolved-options.js';

/**
 * A record value or key: the bytes (`Uint8Array` / `Buffer`), the text, a value parsed already
 * (plain JSON data; integers beyond 2^53 as `bigint` if you kept them), or `null` (a tombstone).
 * Pass bytes or text for lossless numbers: an already-parsed value has lost them.
 *
 * @example
 * ```ts
 * const value: CdcInput = kafkaMessage.value; // Buffer | null
 * ```
 */
export type CdcInput = Uint8Array | string | object | null;

/** What travels with a record value besides the options. */
export interface CdcRecordMeta {
  /**
   * The record key (same forms as the value). Debezium keys name the primary key columns; they are
   * needed for tombstones and to recognise key-only before images. Keys that are not JSON are
   * ignored.
   */
  readonly key?: CdcInput | undefined;
  /** The Kafka topic (kept on the events; recognises heartbeat topics). */
  readonly topic?: string | undefined;
}

/**
 * The result of {@link safeParseChanges} / {@link CdcParser.safeParse}: never throws.
 *
 * @example
 * ```ts
 * const result: ParseChangesResult = parser.safeParse(value);
 * const events = result.ok ? result.events : [];
 * ```
 */
export type ParseChangesResult = { readonly ok: true; readonly events: ChangeEvent[] } | { readonly ok: false; readonly error: CdcParseError };

/** A parser with its options resolved once (the fast way to parse a stream). */
export interface CdcParser {
  /**
   * Every event of one record value: one for most formats, one per row for Canal, one per change
   * for wal2json v1, none for control records that carry no change (Maxwell bootstrap markers, an
   * empty wal2json transaction).
   *
   * @example
   * ```ts
   * for (const event of parser.parse(message.value, { key: message.key, topic })) apply(event);
   * ```
   * @throws CdcParseError for malformed input; never anything else.
   */
  parse(value: CdcInput, meta?: CdcRecordMeta): ChangeEvent[];
  /**
   * The single event of a record value.
   *
   * @example
   * ```ts
   * const event = parser.parseOne(message.value, { key: message.key });
   * ```
   * @throws CdcParseError (reason `event-count`) when the value holds no event or several.
   */
  parseOne(value: CdcInput, meta?: CdcRecordMeta): ChangeEvent;
  /**
   * {@link CdcParser.parse} as a result union: `{ ok: true, events }` or `{ ok: false, error }`.
   *
   * @example
   * ```ts
   * const result = parser.safeParse(message.value);
   * if (!result.ok) await deadLetter(message, result.error);
   * ```
   */
  safeParse(value: CdcInput, meta?: CdcRecordMeta): ParseChangesResult;
}

function single(events: ChangeEvent[], format: CdcParseError['format']): ChangeEvent {
  if (events.length === 1) return events[0]!;
  throw new CdcParseError({
    format,
    reason: 'event-count',
    path: [],
    problem: `the message holds ${events.length} events, parseChange expects exactly one`,
    hint: 'use parseChanges for multi-row formats (Canal, wal2json v1)',
  });
}

/**
 * Creates a parser. Options are validated here, once; the parser remembers Debezium schemas (see
 * `schemaCacheSize`) so keep one per consumer rather than one per message.
 *
 * @example
 * ```ts
 * const parser = createCdcParser({ decimalMode: 'decimal' });
 * const [event] = parser.parse('{"before":null,"after":{"id":1},"op":"c","source":{"connector":"postgresql"}}');
 * event?.after?.id; // 1
 * ```
 * @throws IapError `INVALID_OPTIONS` naming the invalid option.
 */
export function createCdcParser(options: CdcParserOptions = {}): CdcParser {
  const engine = new ParserEngine(resolveParserOptions(options));
  const parse = (value: CdcInput, meta?: CdcRecordMeta): ChangeEvent[] => engine.parse(value, meta);
  return {
    parse,
    parseOne(value, meta) {
      const events = parse(value, meta);
      return single(events, events[0]?.format ?? (engine.options.format === 'auto' ? 'unknown' : engine.options.format));
    },
    safeParse(value, meta) {
      try {
        return { ok: true, events: parse(value, meta) };
      } catch (error) {
        return { ok: false, error: error as CdcParseError };
      }
    },
  };
}

/** Options of the one-call functions: parser options plus the record's key and topic. */
export interface ParseChangesOptions extends CdcParserOptions, CdcRecordMeta {}

let defaultParser: CdcParser | undefined;
const parsers = new WeakMap<object, CdcParser>();

function parserFor(options: ParseChangesOptions | undefined): CdcParser {
  // options that only carry the record's key / topic use the shared default parser
  const hasConfig = options !== undefined && Object.keys(options).some((name) => name !== 'key' && name !== 'topic' && (options as Record<string, unknown>)[name] !== undefined);
  if (!hasConfig) return (defaultParser ??= createCdcParser());
  let parser = parsers.get(options);
  if (parser === undefined) {
    parser = createCdcParser(options);
    parsers.set(options, parser);
  }
  return parser;
}

function metaOf(options: ParseChangesOptions | undefined): CdcRecordMeta | undefined {
  return options === undefined ? undefined : { key: options.key, topic: options.topic };
}

/**
 * Parses one record value into its events (see {@link CdcParser.parse}). Creates a parser per
 * options object: for a stream, {@link createCdcParser} once and reuse it.
 *
 * @example
 * ```ts
 * const events = parseChanges(canalBytes); // one event per row
 * ```
 * @throws CdcParseError for malformed input; IapError `INVALID_OPTIONS` for invalid options.
 */
export function parseChanges(value: CdcInput, options?: ParseChangesOptions): ChangeEvent[] {
  return parserFor(options).parse(value, metaOf(options));
}

/**
 * Parses a record value that holds exactly one event (see {@link CdcParser.parseOne}).
 *
 * @example
 * ```ts
 * const event = parseChange(record.value, { key: record.key, topic: record.topic });
 * if (event.kind === 'change') console.log(event.operation, event.after);
 * ```
 * @throws CdcParseError (reason `event-count` when there is not exactly one event).
 */
export function parseChange(value: CdcInput, options?: ParseChangesOptions): ChangeEvent {
  return parserFor(options).parseOne(value, metaOf(options));
}

/**
 * {@link parseChanges} as a result union; never throws for bad input.
 *
 * @example
 * ```ts
 * const result = safeParseChanges(record.value);
 * if (result.ok) result.events.forEach(apply);
 * else console.warn(result.error.reason, result.error.path);
 * ```
 * @throws IapError `INVALID_OPTIONS` only for invalid options (a programming error).
 */
export function safeParseChanges(value: CdcInput, options?: ParseChangesOptions): ParseChangesResult {
  return parserFor(options).safeParse(value, metaOf(options));
}

import type { CdcFormat } from '../cdc-format.js';
import { isJsonObject, type JsonObject } from './field-readers.js';
import type { EnvelopePlans } from './format-input.js';
import { closingQuote } from './json-scan.js';
import { parseJsonText } from './json-text.js';

/** A remembered schema: the exact text up to the end of the schema value, the parsed schema, its plans. */
export interface SchemaEntry {
  /** `{"schema": <schema>` exactly as in the message. */
  readonly prefixText: string;
  /** The parsed schema, deeply frozen (it is shared by every message that uses it). */
  readonly schema: JsonObject;
  /** Plans compiled from the schema, per format. */
  readonly plans: Map<CdcFormat, EnvelopePlans>;
}

/** A `{schema, payload}` text split at the payload. */
export interface SchemaSplit {
  readonly entry: SchemaEntry;
  readonly payloadText: string;
  /** Offset of `payloadText` in the message text. */
  readonly payloadOffset: number;
}

const HEAD = /^\s*\{\s*"schema"\s*:\s*/;
const BETWEEN = /\s*,\s*"payload"\s*:\s*/y;

function deepFreeze(root: object): void {
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    Object.freeze(node);
    for (const value of Object.values(node) as unknown[]) if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) stack.push(value);
  }
}

/** End offset (exclusive) of the object or array starting at `start`, skipping strings; -1 if unbalanced. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const close = closingQuote(text, i);
      if (close === -1) return -1;
      i = close;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * Remembers the schema part of Kafka Connect JSON messages (`{"schema": ..., "payload": ...}`),
 * which repeats byte for byte on every message of a topic, so that only the payload is parsed and
 * the schema's decoding plans are compiled once. Matching is exact (the schema
 * text compared byte for byte), most recently used first; anything unusual (schema null, other keys, odd layout) is left
 * to the full parse.
 */
export class SchemaCache {
  private entries: SchemaEntry[] = [];

  constructor(
    private readonly capacity: number,
    private readonly maxDepth: number,
  ) {}

  /** Splits `text` at its payload using a remembered schema, learning the schema on a miss. */
  split(text: string): SchemaSplit | undefined {
    if (this.capacity === 0) return undefined;
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      // slice + === compares with memcmp; String#startsWith walks character by character (~50x slower)
      if (text.length <= entry.prefixText.length || text.slice(0, entry.prefixText.length) !== entry.prefixText) continue;
      const split = this.payloadAfter(text, entry.prefixText.length, entry);
      if (split === undefined) continue;
      if (i > 0) {
        this.entries.splice(i, 1);
        this.entries.unshift(entry);
      }
      return split;
    }
    return this.learn(text);
  }

  private payloadAfter(text: string, schemaEnd: number, entry: SchemaEntry): SchemaSplit | undefined {
    BETWEEN.lastIndex = schemaEnd;
    const between = BETWEEN.exec(text);
    if (between === null) return undefined;
    const payloadOffset = schemaEnd + between[0].length;
    let end = text.length - 1;
    while (end > payloadOffset && /\s/.test(text[end]!)) end--;
    if (text.charCodeAt(end) !== 125 /* } */) return undefined;
    return { entry, payloadText: text.slice(payloadOffset, end), payloadOffset };
  }

  private learn(text: string): SchemaSplit | undefined {
    const head = HEAD.exec(text);
    if (head === null) return undefined;
    const schemaStart = head[0].length;
    if (text.charCodeAt(schemaStart) !== 123 /* { */) return undefined; // schema null or odd: full parse
    const schemaEnd = valueEnd(text, schemaStart);
    if (schemaEnd === -1) return undefined;
    let schema: unknown;
    try {
      schema = parseJsonText(text.slice(schemaStart, schemaEnd), { lossless: true, maxDepth: this.maxDepth }).value;
    } catch {
      return undefined; // the full parse reports the error with its real offset
    }
    if (!isJsonObject(schema)) return undefined;
    deepFreeze(schema);
    const entry: SchemaEntry = { prefixText: text.slice(0, schemaEnd), schema, plans: new Map() };
    const split = this.payloadAfter(text, schemaEnd, entry);
    if (split === undefined) return undefined;
    this.entries.unshift(entry);
    if (this.entries.length > this.capacity) this.entries.length = this.capacity;
    return split;
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonText } from '../internal/json-text.js';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cdc');

/** A fixture as a consumer receives it: the value (text, or the parsed record value), key and topic. */
export interface Fixture {
  readonly name: string;
  /** The file's exact text. */
  readonly text: string;
  /** The record value: the file text for `*.json`, the (lossless) parsed `value` for `*.record.json`. */
  readonly value: string | object | null;
  readonly key: object | null;
  readonly topic: string | undefined;
}

/** Names of every fixture file (`*.json`). */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** Loads a fixture; `*.record.json` wrappers are split into value, key and topic (numbers kept exact). */
export function loadFixture(name: string): Fixture {
  const text = readFileSync(join(FIXTURE_DIR, name), 'utf8');
  if (!name.endsWith('.record.json')) return { name, text, value: text, key: null, topic: undefined };
  const record = parseJsonText(text, { lossless: true, maxDepth: 64 }).value as { topic?: string; key?: object | null; value?: object | null };
  return { name, text, value: record.value ?? null, key: record.key ?? null, topic: record.topic };
}

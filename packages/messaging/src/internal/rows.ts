/** Readers for untyped result rows (drivers differ: `pg` returns int8 as strings, PGlite as numbers). */

function field(row: unknown, name: string): unknown {
  return typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[name] : undefined;
}

/** A numeric column as a number; undefined for NULL or a missing column. */
export function readNumber(row: unknown, name: string): number | undefined {
  const value = field(row, name);
  if (value === null || value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A count column; 0 for NULL or a missing column. */
export function readCount(row: unknown, name: string): number {
  return readNumber(row, name) ?? 0;
}

/** A text (or int8) column as a string; undefined for NULL. */
export function readString(row: unknown, name: string): string | undefined {
  const value = field(row, name);
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

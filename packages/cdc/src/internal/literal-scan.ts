import { closingQuote, numberTokenEnd } from './json-scan.js';
import { literalNeedsText, pathKey, type LiteralTable } from './number-literals.js';

/**
 * Collects, by path, the exact text of every number literal a `number` distorts
 * ({@link literalNeedsText}) in a text that is already known to be valid JSON. A tokenizer that
 * only tracks the path (no values are built, strings are skipped with `indexOf`), so it costs a
 * fraction of a parse.
 */
export function collectExactLiterals(text: string): LiteralTable {
  const table: LiteralTable = new Map();
  const path: (string | number)[] = [];
  const isArray: boolean[] = [];
  let expectKey = false;
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c <= 32) {
      i++; // whitespace
    } else if (c === 34 /* " */) {
      const close = closingQuote(text, i);
      if (close === -1) break;
      if (expectKey) {
        const raw = text.slice(i + 1, close);
        path[path.length - 1] = raw.includes('\\') ? (JSON.parse(text.slice(i, close + 1)) as string) : raw;
        expectKey = false;
      }
      i = close + 1;
    } else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const end = numberTokenEnd(text, i);
      const literal = text.slice(i, end);
      if (literalNeedsText(literal)) table.set(pathKey(path), literal);
      i = end;
    } else {
      if (c === 123 /* { */) {
        isArray.push(false);
        path.push('');
        expectKey = true;
      } else if (c === 91 /* [ */) {
        isArray.push(true);
        path.push(0);
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        isArray.pop();
        path.pop();
      } else if (c === 44 /* , */) {
        const top = path.length - 1;
        if (isArray[top] === true) path[top] = (path[top] as number) + 1;
        else expectKey = true;
      }
      i++;
    }
  }
  return table;
}

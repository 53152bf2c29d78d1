/**
 * Index of the quote that closes the JSON string opening at `open` (escaped quotes skipped), or -1
 * when the string is unterminated. Jumps with `indexOf`, so long strings cost almost nothing.
 */
export function closingQuote(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    if (close === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === 92 /* \ */) backslashes++;
    if ((backslashes & 1) === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

/** End (exclusive) of the number-like token starting at `start`: digits, `.`, `e`, `E`, `+`, `-`. */
export function numberTokenEnd(text: string, start: number): number {
  let end = start + 1;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45)) break;
  }
  return end;
}

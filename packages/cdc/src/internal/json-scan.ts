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

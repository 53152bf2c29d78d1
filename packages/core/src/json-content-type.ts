/**
 * True for JSON media types: `application/json`, `text/json` and any `+json` suffix (parameters
 * ignored). An absent content type counts as JSON (the envelope default).
 *
 * @example
 * ```ts
 * isJsonContentType('application/vnd.acme.order+json; charset=utf-8'); // true
 * isJsonContentType('text/plain'); // false
 * ```
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType === 'application/json') return true;
  const semicolon = contentType.indexOf(';');
  const media = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
}

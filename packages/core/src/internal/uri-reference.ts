// RFC 3986 (Appendix A) grammar, ASCII only: an IRI's other characters must be percent-encoded.
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const SEGMENT = `${PCHAR}*`;
const SEGMENT_NZ = `${PCHAR}+`;
const SEGMENT_NZ_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})+`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const IP_LITERAL = `\\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+)\\]`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?`;
const PATH_ABEMPTY = `(?:/${SEGMENT})*`;
const PATH_ABSOLUTE = `/(?:${SEGMENT_NZ}(?:/${SEGMENT})*)?`;
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:/${SEGMENT})*`;
const PATH_NOSCHEME = `${SEGMENT_NZ_NC}(?:/${SEGMENT})*`;
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;
const TAIL = `(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?`;
const SCHEME = '[A-Za-z][A-Za-z0-9+\\-.]*';
const URI = `${SCHEME}:(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_ROOTLESS}|)${TAIL}`;
const RELATIVE_REF = `(?://${AUTHORITY}${PATH_ABEMPTY}|${PATH_ABSOLUTE}|${PATH_NOSCHEME}|)${TAIL}`;

const ABSOLUTE_URI_RE = new RegExp(`^${URI}$`);
const URI_REFERENCE_RE = new RegExp(`^(?:${URI}|${RELATIVE_REF})$`);

// Sources and schemas repeat from event to event: remember the last good one of each (hot path).
let lastReference = '';
let lastAbsolute = '';

/** True for an RFC 3986 URI-reference: an absolute URI (`urn:acme:orders`) or a relative reference (`/orders`). */
export function isUriReference(value: string): boolean {
  if (value === lastReference && value !== '') return true;
  if (!URI_REFERENCE_RE.test(value)) return false;
  lastReference = value;
  return true;
}

/** True for an RFC 3986 URI with a scheme (`https://schemas.acme.com/order/1`), as CloudEvents `dataschema` requires. */
export function isAbsoluteUri(value: string): boolean {
  if (value === lastAbsolute && value !== '') return true;
  if (!ABSOLUTE_URI_RE.test(value)) return false;
  lastAbsolute = value;
  return true;
}

/**
 * Statement names derived from the statement text (a SHA-1 of it): one text always gets the same
 * name and two texts never share one, also when two copies of this module (its ESM and CJS builds)
 * share a pool; pg refuses a name reused for another text on the same connection. Only the fixed
 * statements of @iap/messaging go through it, so the cache stays small.
 */
import { createHash } from 'node:crypto';

const statementNames = new Map<string, string>();

/** The prepared-statement name of the statement `sql`. */
export function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `iap_messaging_${createHash('sha1').update(sql).digest('hex')}`;
    statementNames.set(sql, name);
  }
  return name;
}

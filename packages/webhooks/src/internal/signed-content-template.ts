/**
 * Signed-content templates such as `{id}.{timestamp}.{body}`: literal text with the placeholders
 * `{body}` (the raw body, at most once), `{timestamp}` (the timestamp exactly as sent), `{id}`,
 * `{method}` and `{url}`. Compiled once; rendering only concatenates the short parts around the body,
 * so the body itself is never copied.
 */
import type { SignedContent } from '../webhook-provider.js';

/** A placeholder other than `{body}`. */
export type TemplateField = 'timestamp' | 'id' | 'method' | 'url';

/** One part of a template; one object shape for all parts keeps rendering monomorphic. */
interface Part {
  readonly literal: string;
  readonly field: TemplateField | undefined;
}

/** A compiled template. */
export interface CompiledTemplate {
  /** The placeholders the template uses (besides `{body}`). */
  readonly fields: ReadonlySet<TemplateField>;
  readonly includesBody: boolean;
  render(values: Readonly<Partial<Record<TemplateField, string>>>): SignedContent;
}

const FIELDS: ReadonlySet<string> = new Set(['timestamp', 'id', 'method', 'url']);

function renderParts(parts: readonly Part[], values: Readonly<Partial<Record<TemplateField, string>>>): string {
  let out = '';
  for (const part of parts) out += part.field === undefined ? part.literal : (values[part.field] ?? '');
  return out;
}

/**
 * Compiles `template`.
 * @throws Error naming the unknown placeholder, a repeated `{body}`, or an unclosed brace.
 */
export function compileTemplate(template: string): CompiledTemplate {
  const before: Part[] = [];
  const after: Part[] = [];
  const fields = new Set<TemplateField>();
  let includesBody = false;
  let index = 0;
  while (index < template.length) {
    const open = template.indexOf('{', index);
    const target = includesBody ? after : before;
    if (open < 0) {
      target.push({ literal: template.slice(index), field: undefined });
      break;
    }
    if (open > index) target.push({ literal: template.slice(index, open), field: undefined });
    const close = template.indexOf('}', open);
    if (close < 0) throw new Error(`unclosed "{" at offset ${open} of the signed-content template`);
    const name = template.slice(open + 1, close);
    if (name === 'body') {
      if (includesBody) throw new Error('the signed-content template uses {body} more than once');
      includesBody = true;
    } else if (FIELDS.has(name)) {
      fields.add(name as TemplateField);
      target.push({ literal: '', field: name as TemplateField });
    } else {
      throw new Error(`unknown placeholder {${name}} in the signed-content template (use {body}, {timestamp}, {id}, {method}, {url})`);
    }
    index = close + 1;
  }
  // A template without placeholders (GitHub's `{body}`) renders to one shared, frozen object.
  const constant: SignedContent | undefined =
    fields.size === 0 ? Object.freeze({ prefix: renderParts(before, {}), includeBody: includesBody, suffix: renderParts(after, {}) }) : undefined;
  return {
    fields,
    includesBody,
    render(values) {
      return constant ?? { prefix: renderParts(before, values), includeBody: includesBody, suffix: renderParts(after, values) };
    },
  };
}

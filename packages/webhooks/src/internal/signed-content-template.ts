/**
 * Signed-content templates such as `{id}.{timestamp}.{body}`: literal text with the placeholders
 * `{body}` (the raw body, at most once), `{timestamp}` (the timestamp exactly as sent), `{id}`,
 * `{method}` and `{url}`. Compiled once; rendering only lists the short parts around the body (the
 * node:crypto engine writes them one by one, without concatenating them), so neither the body nor
 * the parts are copied into an intermediate string.
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

/**
 * Signed content rendered from a template with placeholders. It keeps the rendered parts, so the
 * node:crypto engine writes them straight into its hash input; `prefix` and `suffix` (what other
 * engines and custom code read) are joined on first access.
 */
export class RenderedContent implements SignedContent {
  readonly includeBody: boolean;
  /** The parts before the body, in order. */
  readonly prefixParts: readonly string[];
  /** The parts after the body, in order. */
  readonly suffixParts: readonly string[];
  /** Length of all parts together, in UTF-16 code units. */
  readonly partsLength: number;
  #prefix: string | undefined;
  #suffix: string | undefined;

  constructor(prefixParts: readonly string[], includeBody: boolean, suffixParts: readonly string[]) {
    this.prefixParts = prefixParts;
    this.includeBody = includeBody;
    this.suffixParts = suffixParts;
    let length = 0;
    for (const part of prefixParts) length += part.length;
    for (const part of suffixParts) length += part.length;
    this.partsLength = length;
  }

  get prefix(): string {
    return (this.#prefix ??= this.prefixParts.join(''));
  }

  get suffix(): string {
    return (this.#suffix ??= this.suffixParts.join(''));
  }
}

const FIELDS: ReadonlySet<string> = new Set(['timestamp', 'id', 'method', 'url']);

const NO_PARTS: readonly string[] = Object.freeze([]);

function renderParts(parts: readonly Part[], values: Readonly<Partial<Record<TemplateField, string>>>): readonly string[] {
  if (parts.length === 0) return NO_PARTS;
  const out: string[] = [];
  for (const part of parts) out.push(part.field === undefined ? part.literal : (values[part.field] ?? ''));
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
    fields.size === 0 ? Object.freeze({ prefix: renderParts(before, {}).join(''), includeBody: includesBody, suffix: renderParts(after, {}).join('') }) : undefined;
  return {
    fields,
    includesBody,
    render(values) {
      return constant ?? new RenderedContent(renderParts(before, values), includesBody, renderParts(after, values));
    },
  };
}

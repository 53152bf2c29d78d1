/** A fenced TypeScript block of a Markdown document. */
export interface CodeBlock {
  /** The document, relative to the repository root (`packages/kafka/README.md`). */
  readonly document: string;
  /** 1-based line of the opening fence. */
  readonly fenceLine: number;
  /** 1-based line of the block's first line of code. */
  readonly firstLine: number;
  /** The code, with the fence's indentation removed. */
  readonly code: string;
  /** Why the block is not compiled, from `<!-- not-compiled: reason -->` on the line before the fence. */
  readonly optOut: string | undefined;
}

/** A malformed fence or opt-out marker, reported as a failure of the document. */
export interface MarkdownProblem {
  readonly document: string;
  readonly line: number;
  readonly message: string;
}

const openingFence = /^( {0,3})(`{3,}|~{3,})\s*(ts|typescript)(?:\s.*)?$/;
const anyOpeningFence = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const optOutMarker = /^\s*<!--\s*not-compiled:(.*?)-->\s*$/;

/**
 * The ```ts and ```typescript blocks of a Markdown text, in order, with the opt-out reason of each.
 * Blocks of other languages are skipped whole, so a `ts` fence inside a `md` block is not a block.
 */
export function extractCodeBlocks(document: string, markdown: string): { blocks: CodeBlock[]; problems: MarkdownProblem[] } {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  const problems: MarkdownProblem[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = anyOpeningFence.exec(lines[index]!);
    if (fence === null) continue;
    const [, indent = '', marker = ''] = fence;
    const closing = findClosingFence(lines, index + 1, marker);
    const typeScript = openingFence.test(lines[index]!);
    const marked = optOutMarker.exec(lines[index - 1] ?? '');
    if (marked !== null && !typeScript) {
      problems.push({ document, line: index, message: 'a not-compiled marker stands before a block that is not ```ts' });
    }
    if (closing === undefined) {
      problems.push({ document, line: index + 1, message: `the fence ${marker} opened here is never closed` });
      break;
    }
    if (typeScript) {
      const reason = marked?.[1]?.trim();
      if (marked !== null && (reason === undefined || reason === '')) {
        problems.push({ document, line: index, message: 'a not-compiled marker must give its reason: <!-- not-compiled: why -->' });
      }
      const code = lines.slice(index + 1, closing).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()));
      blocks.push({ document, fenceLine: index + 1, firstLine: index + 2, code: code.join('\n'), optOut: marked === null ? undefined : reason ?? '' });
    }
    index = closing;
  }
  return { blocks, problems };
}

function findClosingFence(lines: readonly string[], from: number, marker: string): number | undefined {
  const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
  for (let index = from; index < lines.length; index++) {
    if (closing.test(lines[index]!)) return index;
  }
  return undefined;
}

/** Whether a block imports anything (a block without imports continues the last one that has them). */
export function hasImports(code: string): boolean {
  return /^\s*import\s/m.test(code);
}

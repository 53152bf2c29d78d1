import { basename, dirname, join } from 'node:path';
import { type CodeBlock, hasImports } from './markdown-code-blocks.js';
import type { DocModule } from './type-check-modules.js';

/** A run of a module's lines that comes from one block of the document. */
interface Segment {
  /** 0-based line of the module where the run starts. */
  readonly moduleLine: number;
  readonly lineCount: number;
  readonly block: CodeBlock;
}

/** A block as the module it is checked as, with where each of its lines stands in the document. */
export interface BlockModule extends DocModule {
  readonly block: CodeBlock;
  /** The block this one continues (it has no imports of its own), if any. */
  readonly continues: CodeBlock | undefined;
  readonly segments: readonly Segment[];
}

/**
 * One module per block that is not opted out. A block without imports continues the last block
 * with imports before it in the same document (it reads as the rest of that example), so it is
 * checked as that block's code followed by its own.
 */
export function blockModules(root: string, blocks: readonly CodeBlock[]): BlockModule[] {
  const modules: BlockModule[] = [];
  let lastWithImports: CodeBlock | undefined;
  for (const block of blocks) {
    if (block.optOut !== undefined) continue;
    const continues = hasImports(block.code) || lastWithImports?.document !== block.document ? undefined : lastWithImports;
    if (hasImports(block.code)) lastWithImports = block;
    const parts = continues === undefined ? [block] : [continues, block];
    const segments: Segment[] = [];
    let moduleLine = 0;
    for (const part of parts) {
      const lineCount = part.code.split('\n').length;
      segments.push({ moduleLine, lineCount, block: part });
      moduleLine += lineCount;
    }
    const home = homeDirectory(root, block.document);
    modules.push({
      fileName: join(home, '.docs-check', `${basename(block.document, '.md')}-line-${block.fenceLine}.mts`),
      text: `${parts.map((part) => part.code).join('\n')}\nexport {};\n`,
      borrowDependencies: !/^(?:packages|examples)\/[^/]+\//.test(block.document),
      block,
      continues,
      segments,
    });
  }
  return modules;
}

/** Where a document's imports resolve from: its package or example, else the document's folder. */
function homeDirectory(root: string, document: string): string {
  const owner = /^((?:packages|examples)\/[^/]+)\//.exec(document)?.[1];
  return join(root, owner ?? dirname(document));
}

/** The document line of a module line: in the continued block or in the block itself. */
export function documentLine(module: BlockModule, line: number): { block: CodeBlock; line: number } {
  const segment = module.segments.find((candidate) => line < candidate.moduleLine + candidate.lineCount);
  if (segment === undefined) return { block: module.block, line: module.block.firstLine + module.block.code.split('\n').length };
  return { block: segment.block, line: segment.block.firstLine + line - segment.moduleLine };
}

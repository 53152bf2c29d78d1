import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of the README is a module of its own that must type-check against the package's
// source (as `@iap/resilience` and `@iap/resilience/postgres`), with the strict settings of the
// package and with `exactOptionalPropertyTypes` off (the default of most users). A snippet that no
// longer compiles is a bug (STYLE.md). A block without imports continues the last block before it
// that has them (its section's quick start), as the README reads.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = join(packageDir, 'node_modules', '.readme-examples');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The ```ts blocks of the README, with the line each starts on. */
function readmeBlocks(): { line: number; code: string }[] {
  const lines = readFileSync(join(packageDir, 'README.md'), 'utf8').split('\n');
  const blocks: { line: number; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1] !== '```') i++;
    const code = lines.slice(start, i + 1).join('\n');
    // a block without imports continues the last example that has them (the section's quick start)
    const continues = /^import /m.test(code) ? undefined : blocks.findLast((b) => /^import /m.test(b.code));
    blocks.push({ line: start + 1, code: continues === undefined ? code : `${continues.code}\n// --- README line ${start + 1}\n${code}` });
    i++;
  }
  return blocks;
}

function typeCheck(files: string[], exactOptionalPropertyTypes: boolean): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    typeRoots: [join(packageDir, 'node_modules', '@types'), join(packageDir, '..', '..', 'node_modules', '@types')],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes,
    skipLibCheck: true,
    noEmit: true,
    noUnusedLocals: false,
    paths: { '@iap/resilience': [join(packageDir, 'src', 'index.ts')], '@iap/resilience/postgres': [join(packageDir, 'src', 'postgres.ts')] },
  };
  const program = ts.createProgram(files, options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.includes(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName.split('/').pop()}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('README code blocks', () => {
  const blocks = readmeBlocks();
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
  const files = blocks.map((block) => {
    const file = join(scratch, `readme-line-${block.line}.mts`);
    writeFileSync(file, `${block.code}\nexport {};\n`);
    return file;
  });

  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it.each([true, false])('every ```ts block type-checks (exactOptionalPropertyTypes: %s)', (exact) => {
    expect(typeCheck(files, exact)).toEqual([]);
  }, 60_000);
});

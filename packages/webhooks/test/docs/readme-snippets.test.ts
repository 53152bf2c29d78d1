import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every ```ts block of the README must compile against the package's sources, as written: a
// snippet that no longer type-checks fails this test. Each block is its own module.
const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

/** The ```ts blocks of a Markdown text, with the line each starts on. */
function typeScriptBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(markdown); match !== null; match = fence.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code: `${match[1]!}\nexport {};\n` });
  }
  return blocks;
}

function compile(files: ReadonlyMap<string, string>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    baseUrl: packageDir,
    paths: { '@iap/webhooks': ['./src/index.ts'], '@iap/webhooks/edge': ['./src/edge.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, version, onError, create) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, version, onError, create) : ts.createSourceFile(name, text, version, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file === undefined ? '' : `${diagnostic.file.fileName.slice(packageDir.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: `;
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  });
}

describe('README code blocks', () => {
  const blocks = typeScriptBlocks(readme);

  it('finds the blocks (a broken fence pattern must not pass vacuously)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
  });

  it('type-check against the sources, each as a module; a broken control block is reported', { timeout: 60_000 }, () => {
    // The control block proves the check can fail; it shares the program to pay for one compilation.
    const control = join(packageDir, 'test/docs', 'control-broken.ts');
    const files = new Map(blocks.map((block) => [join(packageDir, 'test/docs', `readme-line-${block.line}.ts`), block.code]));
    files.set(control, "import { createWebhookDeduplicator } from '@iap/webhooks';\nconst k: string = await createWebhookDeduplicator().run({} as never, () => 1);\nexport {};\n");
    const diagnostics = compile(files);
    expect(diagnostics.filter((message) => !message.startsWith('test/docs/control-broken.ts'))).toEqual([]);
    expect(diagnostics.join('\n')).toMatch(/control-broken\.ts:2: .*not assignable to type 'string'/);
  });
});

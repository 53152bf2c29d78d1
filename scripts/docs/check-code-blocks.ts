// Every ```ts / ```typescript block of the READMEs and guides must compile: each block is a module
// of its own, type-checked strict and NodeNext against the packages' sources, with
// exactOptionalPropertyTypes on and off. A block that is deliberately partial says so with
// `<!-- not-compiled: reason -->` on the line before its fence. A control block that must fail keeps
// the check from passing vacuously. Usage: pnpm docs:check [document.md ...]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blockModules, documentLine } from './block-modules.js';
import { type CodeBlock, extractCodeBlocks, type MarkdownProblem } from './markdown-code-blocks.js';
import { typeCheckModules, type DocModule, type ModuleDiagnostic } from './type-check-modules.js';
import { readWorkspacePackages } from './workspace-packages.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** README.md, packages/*\/README.md, examples/README.md, examples/*\/README.md and docs/**\/*.md. */
function documents(): string[] {
  const found = ['README.md', 'examples/README.md'];
  for (const folder of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      if (entry.isDirectory()) found.push(`${folder}/${entry.name}/README.md`);
    }
  }
  const walk = (folder: string): void => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found.filter((document) => existsSync(join(root, document))).sort();
}

/** Must fail with exactly TS2322 on its third line: proves `@iap/*` and third-party imports resolve to real types. */
const control: DocModule = {
  fileName: join(root, '.docs-check', 'control-must-fail.mts'),
  text: [
    "import { createCircuitBreaker } from '@iap/resilience';",
    "import { Kafka } from 'kafkajs';",
    'const notAString: string = createCircuitBreaker;',
    "export const kafka: Kafka = new Kafka({ brokers: ['127.0.0.1:9092'] });",
    'export { notAString };',
  ].join('\n'),
  borrowDependencies: false,
};

function controlProblem(diagnostics: readonly ModuleDiagnostic[]): string | undefined {
  const got = diagnostics.filter((diagnostic) => diagnostic.fileName === control.fileName);
  const expected = got.filter((diagnostic) => diagnostic.code === 2322 && diagnostic.line === 2);
  if (expected.length === 2 && got.length === 2) return undefined;
  const seen = got.map((diagnostic) => `line ${diagnostic.line + 1} TS${diagnostic.code} ${diagnostic.message}`).join('; ');
  return `the control block must fail with TS2322 on line 3 in both settings and nothing else; got: ${seen === '' ? 'no errors' : seen}`;
}

interface Failure {
  readonly where: string;
  readonly message: string;
}

/** Maps module diagnostics to document lines, one entry per distinct problem. */
function failuresOf(modules: ReturnType<typeof blockModules>, diagnostics: readonly ModuleDiagnostic[]): Failure[] {
  const byFile = new Map(modules.map((module) => [module.fileName, module]));
  const found = new Map<string, { where: string; message: string; settings: Set<boolean> }>();
  for (const diagnostic of diagnostics) {
    const module = byFile.get(diagnostic.fileName);
    if (module === undefined) continue;
    const { block, line } = documentLine(module, diagnostic.line);
    const where = `${block.document}:${line}`;
    const message = `TS${diagnostic.code}: ${diagnostic.message}`;
    const key = `${where}\n${message}`;
    const entry = found.get(key) ?? { where, message, settings: new Set<boolean>() };
    entry.settings.add(diagnostic.exactOptionalPropertyTypes);
    found.set(key, entry);
  }
  return [...found.values()].map(({ where, message, settings }) => ({
    where,
    message: settings.size === 2 ? message : `${message} (only with exactOptionalPropertyTypes: ${String([...settings][0])})`,
  }));
}

function main(): number {
  const started = performance.now();
  const selected = process.argv.slice(2).map((path) => relative(root, resolve(path)));
  const docs = selected.length > 0 ? selected : documents();
  const blocks: CodeBlock[] = [];
  const problems: MarkdownProblem[] = [];
  for (const document of docs) {
    const extracted = extractCodeBlocks(document, readFileSync(join(root, document), 'utf8'));
    blocks.push(...extracted.blocks);
    problems.push(...extracted.problems);
  }
  const modules = blockModules(root, blocks);
  const { diagnostics, global } = typeCheckModules(root, [...modules, control], readWorkspacePackages(root));
  const failures = [
    ...problems.map((problem) => ({ where: `${problem.document}:${problem.line}`, message: problem.message })),
    ...global.map((message) => ({ where: '(compiler)', message })),
    ...failuresOf(modules, diagnostics),
  ];
  const controlFailure = controlProblem(diagnostics);
  if (controlFailure !== undefined) failures.push({ where: control.fileName, message: controlFailure });
  if (blocks.length === 0) failures.push({ where: '(documents)', message: 'no ```ts block found: the extraction is broken' });

  const optedOut = blocks.filter((block) => block.optOut !== undefined);
  const continued = modules.filter((module) => module.continues !== undefined).length;
  console.log(`docs code blocks: ${docs.length} documents, ${blocks.length} blocks, ${modules.length} checked (${continued} continuing an earlier block), ${optedOut.length} opted out, ${failures.length} failures`);
  console.log(`  strict, NodeNext, exactOptionalPropertyTypes on and off; control block ${controlFailure === undefined ? 'failed as it must' : 'DID NOT fail as it must'}; ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const block of optedOut) console.log(`  opted out ${block.document}:${block.fenceLine}: ${block.optOut ?? ''}`);
  for (const failure of failures) console.log(`FAIL ${failure.where}\n  ${failure.message.replaceAll('\n', '\n  ')}`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = main();

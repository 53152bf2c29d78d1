import { join } from 'node:path';
import ts from 'typescript';
import { packageNameOf, type WorkspacePackage } from './workspace-packages.js';

/** A block of a document, as a module of its own that exists only in memory. */
export interface DocModule {
  /** Absolute, unique, ending in `.mts` (always ESM); its directory decides where imports resolve from. */
  readonly fileName: string;
  readonly text: string;
  /** Whether third-party imports that do not resolve from the module's directory may resolve from a package that has the dependency. */
  readonly borrowDependencies: boolean;
}

/** One diagnostic of a module, in one compiler setting. */
export interface ModuleDiagnostic {
  readonly fileName: string;
  /** 0-based line in the module's text. */
  readonly line: number;
  readonly code: number;
  readonly message: string;
  readonly exactOptionalPropertyTypes: boolean;
}

/** The settings of the packages (tsconfig.base.json); `exactOptionalPropertyTypes` is varied. */
function compilerOptions(root: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  };
}

/**
 * Type-checks every module, strict and NodeNext, once with `exactOptionalPropertyTypes` on and once
 * off (the second program reuses the first one's parsed files). `@iap/<pkg>` and its subpaths
 * resolve to the package's sources; anything else resolves as Node would from the module's
 * directory, then (when allowed) from a workspace package that declares the dependency.
 */
export function typeCheckModules(root: string, modules: readonly DocModule[], packages: readonly WorkspacePackage[]): { diagnostics: ModuleDiagnostic[]; global: string[] } {
  const byName = new Map(modules.map((module) => [module.fileName, module]));
  const entries = new Map(packages.flatMap((workspacePackage) => [...workspacePackage.entries]));
  const workspaceNames = new Set(packages.map((workspacePackage) => workspacePackage.name));
  const options = compilerOptions(root);
  const host = ts.createCompilerHost(options, true);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => byName.has(name) || fileExists(name);
  host.readFile = (name) => byName.get(name)?.text ?? readFile(name);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const module = byName.get(name);
    return module === undefined ? getSourceFile(name, languageVersion, onError, shouldCreate) : ts.createSourceFile(name, module.text, languageVersion, true);
  };
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  const resolveOne = (specifier: string, containingFile: string, mode: ts.ResolutionMode, redirected: ts.ResolvedProjectReference | undefined): ts.ResolvedModuleWithFailedLookupLocations => {
    const source = entries.get(specifier);
    if (source !== undefined) return { resolvedModule: { resolvedFileName: source, extension: ts.Extension.Ts, isExternalLibraryImport: false } };
    // an @iap subpath that no package exports must fail, not fall back to a stale dist/
    if (workspaceNames.has(packageNameOf(specifier))) return { resolvedModule: undefined };
    const direct = ts.resolveModuleName(specifier, containingFile, options, host, cache, redirected, mode);
    if (direct.resolvedModule !== undefined || byName.get(containingFile)?.borrowDependencies !== true) return direct;
    for (const owner of packages.filter((candidate) => candidate.dependencies.has(packageNameOf(specifier)))) {
      const borrowed = ts.resolveModuleName(specifier, join(owner.dir, 'docs-check.mts'), options, host, cache, redirected, mode);
      if (borrowed.resolvedModule !== undefined) return borrowed;
    }
    return direct;
  };
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, _options, containingSourceFile) =>
    literals.map((literal) => resolveOne(literal.text, containingFile, ts.getModeForUsageLocation(containingSourceFile, literal, options), redirected));

  const diagnostics: ModuleDiagnostic[] = [];
  const global: string[] = [];
  let oldProgram: ts.Program | undefined;
  for (const exactOptionalPropertyTypes of [true, false]) {
    const program: ts.Program = ts.createProgram({ rootNames: [...byName.keys()], options: { ...options, exactOptionalPropertyTypes }, host, ...(oldProgram === undefined ? {} : { oldProgram }) });
    oldProgram = program;
    for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
      global.push(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    }
    for (const fileName of byName.keys()) {
      const sourceFile = program.getSourceFile(fileName);
      if (sourceFile === undefined) {
        global.push(`${fileName} is not part of the program`);
        continue;
      }
      for (const diagnostic of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
        diagnostics.push({
          fileName,
          line: sourceFile.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line,
          code: diagnostic.code,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
          exactOptionalPropertyTypes,
        });
      }
    }
  }
  return { diagnostics, global };
}

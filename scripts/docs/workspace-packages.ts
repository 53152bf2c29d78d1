import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A package of the workspace (`packages/*`), as the docs checker sees it. */
export interface WorkspacePackage {
  /** `@iap/kafka` */
  readonly name: string;
  /** Absolute directory of the package. */
  readonly dir: string;
  /** Import specifier (`@iap/messaging/postgres`) to the source file that its export is built from. */
  readonly entries: ReadonlyMap<string, string>;
  /** Names of every dependency, peer dependency and dev dependency. */
  readonly dependencies: ReadonlySet<string>;
}

interface PackageJson {
  name?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * The packages under `packages/`, with each `exports` entry mapped to its source: the export's
 * `./dist/<name>.js` (or `.d.ts`, `.cjs`) is built from `src/<name>.ts`.
 *
 * @throws Error when an export has no source file, so a new subpath cannot go unchecked.
 */
export function readWorkspacePackages(root: string): WorkspacePackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      if (manifest.name === undefined) throw new Error(`${dir}/package.json has no name`);
      const dependencies = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
      ]);
      return { name: manifest.name, dir, entries: exportSources(manifest.name, dir, manifest.exports), dependencies };
    });
}

function exportSources(name: string, dir: string, exports: unknown): Map<string, string> {
  const entries = new Map<string, string>();
  if (typeof exports !== 'object' || exports === null) return entries;
  for (const [subpath, target] of Object.entries(exports)) {
    if (subpath === './package.json') continue;
    const built = firstTarget(target);
    const base = built === undefined ? undefined : /^\.\/dist\/(.+?)\.(?:d\.ts|d\.cts|js|cjs|mjs)$/.exec(built)?.[1];
    const source = base === undefined ? undefined : join(dir, 'src', `${base}.ts`);
    if (source === undefined || !existsSync(source)) {
      throw new Error(`${name}: export "${subpath}" (${String(built)}) has no source file src/<name>.ts`);
    }
    entries.set(subpath === '.' ? name : `${name}/${subpath.slice(2)}`, source);
  }
  return entries;
}

/** The first file an export condition tree points at (`types` or `default` of `import`). */
function firstTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target !== 'object' || target === null) return undefined;
  for (const value of Object.values(target)) {
    const found = firstTarget(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The package name of an import specifier: `@scope/name/sub` -> `@scope/name`, `pg/lib` -> `pg`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

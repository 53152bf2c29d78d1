/**
 * What the service reports: progress (one readable line on stdout and, when a parent process started
 * this service with an IPC channel, as the two-services runner does, the same event as a message it can
 * wait for) and the @iap versions it runs.
 */
import { createRequire } from 'node:module';

export interface ServiceReport {
  readonly kind: string;
  readonly [field: string]: string;
}

export function report(line: string, event: ServiceReport): void {
  console.log(line);
  process.send?.(event);
}

/** `name@version` of the given packages as this service resolves them (its own pinned copies). */
export function resolvedVersions(names: readonly string[]): string {
  const require = createRequire(import.meta.url);
  return names.map((name) => `${name}@${(require(`${name}/package.json`) as { version: string }).version}`).join(', ');
}

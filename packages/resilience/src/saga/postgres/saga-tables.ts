import { invalidOptions } from '../saga-errors.js';

/** @internal Quoted, schema-qualified names of the saga tables. */
export interface SagaTables {
  readonly schema: string;
  readonly quotedSchema: string;
  readonly runs: string;
  readonly checkpoints: string;
  readonly migrations: string;
  /** Unqualified prefix for index names. */
  readonly prefix: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

/** @internal Validates the schema and prefix (lower-case SQL identifiers) and builds the table names. */
export function sagaTables(where: string, schema: string, tablePrefix: string): SagaTables {
  if (typeof schema !== 'string' || !IDENTIFIER.test(schema)) {
    throw invalidOptions(where, 'schema must be a lower-case SQL identifier of 1 to 40 characters ([a-z_][a-z0-9_]*)');
  }
  if (typeof tablePrefix !== 'string' || (tablePrefix !== '' && !IDENTIFIER.test(tablePrefix))) {
    throw invalidOptions(where, 'tablePrefix must be empty or a lower-case SQL identifier of at most 40 characters ([a-z_][a-z0-9_]*)');
  }
  const q = (name: string): string => `"${schema}"."${tablePrefix}${name}"`;
  return {
    schema,
    quotedSchema: `"${schema}"`,
    runs: q('saga_runs'),
    checkpoints: q('saga_checkpoints'),
    migrations: q('saga_migrations'),
    prefix: tablePrefix,
  };
}

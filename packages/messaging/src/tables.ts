/**
 * Where @iap/messaging keeps its tables. Every component that touches the same tables (outbox,
 * relay, inbox, migrations) must be given the same values.
 * @example
 * ```ts
 * const tables: MessagingTablesOptions = { schema: 'messaging', tablePrefix: 'billing_' };
 * await migrate(db, tables);
 * const outbox = createOutbox(tables);
 * ```
 */
export interface MessagingTablesOptions {
  /**
   * PostgreSQL schema of the tables; created by `migrate` when missing. Lowercase letters, digits
   * and `_`, starting with a letter or `_`.
   * @defaultValue `'public'`
   */
  schema?: string;
  /**
   * Prefix of every table, sequence and channel name (`<prefix>outbox`, `<prefix>inbox`, ...).
   * Lowercase letters, digits and `_`; may be empty.
   * @defaultValue `'iap_'`
   */
  tablePrefix?: string;
}

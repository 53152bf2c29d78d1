/**
 * Where @iap/messaging keeps its tables. Every component that touches the same tables (outbox,
 * relay, inbox, migrations) must be given the same values.
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

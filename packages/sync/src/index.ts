/**
 * @packageDocumentation
 * @iap/sync: System-of-record sync boundaries: field authority, exclusions, three-way conflict detection and sync plans.
 */

export {};

import type { CdcFormat } from '../cdc-format.js';
import { CdcParseError, type CdcParseReason } from '../cdc-parse-error.js';
import type { ExactLiterals } from './json-text.js';
import type { ResolvedParserOptions } from './resolved-options.js';

/** A path from the root of the message. */
export type Path = readonly (string | number)[];

/** What every decoder needs: the options, the exact literals of the message text, the format for errors. */
export interface DecodeContext {
  readonly options: ResolvedParserOptions;
  /** Exact literal texts of the parsed message, by path (lossless text input only). */
  exact: ExactLiterals | undefined;
  /** The format being parsed (for error messages). */
  format: CdcFormat | 'unknown';
}

/** Throws the {@link CdcParseError} for a problem at `path`. */
export function fail(context: DecodeContext, reason: CdcParseReason, path: Path, problem: string, hint?: string): never {
  throw new CdcParseError({ format: context.format, reason, path, problem, ...(hint === undefined ? {} : { hint }) });
}

/** `[...path, key]`, built only when needed (errors, nested values). */
export function child(path: Path, key: string | number): Path {
  return [...path, key];
}

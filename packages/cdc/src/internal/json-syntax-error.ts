/** Why the JSON layer refused a text. */
export type JsonFailure = 'invalid-json' | 'too-deep';

/**
 * Internal error of the JSON layer: where the text stopped making sense (`offset`, in UTF-16 code
 * units) and the path of the value being read there. Converted to a `CdcParseError` by the parser;
 * never leaves the package.
 */
export class JsonSyntaxError extends Error {
  readonly failure: JsonFailure;
  readonly offset: number;
  readonly path: readonly (string | number)[];

  constructor(failure: JsonFailure, what: string, offset: number, path: readonly (string | number)[]) {
    super(what);
    this.name = 'JsonSyntaxError';
    this.failure = failure;
    this.offset = offset;
    this.path = path;
  }
}

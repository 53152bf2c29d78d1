import { isCdcParseError, type CdcParseError } from '../cdc-parse-error.js';

/** Runs `run` and returns the CdcParseError it throws; throws if it throws nothing or something else. */
export function catchCdcParseError(run: () => unknown): CdcParseError {
  try {
    run();
  } catch (error) {
    if (isCdcParseError(error)) return error;
    throw error;
  }
  throw new Error('expected a CdcParseError');
}

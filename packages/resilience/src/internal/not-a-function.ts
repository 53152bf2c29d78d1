import { ErrorCode, IapError } from '@iap/core';
import { rejection } from './rejection.js';

/**
 * The rejection for `execute(fn)` called with something that is not a function: a programming
 * error, reported as a typed error before any policy counts it as a failure of the dependency.
 */
export function notAFunction(component: string): Promise<never> {
  return rejection(new IapError(ErrorCode.INVALID_OPTIONS, `${component}.execute(fn): fn must be a function that makes the call (got something else)`));
}

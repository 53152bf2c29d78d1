import { ErrorCode, IapError } from '@iap/core';

/** An `INVALID_OPTIONS` error that names the component and the option. */
export function invalidOptions(component: string, message: string): IapError {
  return new IapError(ErrorCode.INVALID_OPTIONS, `invalid ${component} options: ${message}`);
}

/** Throws unless `value` is an integer >= `min`. */
export function checkInteger(component: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw invalidOptions(component, `${name} must be an integer >= ${min}`);
  return value;
}

/** Throws unless `value` is a number > 0 (`Infinity` allowed when `allowInfinity`). */
export function checkPositive(component: string, name: string, value: number, allowInfinity = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw invalidOptions(component, `${name} must be a ${allowInfinity ? '' : 'finite '}number > 0`);
  }
  return value;
}

/** Throws unless `value` is a finite number >= 0. */
export function checkNonNegative(component: string, name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalidOptions(component, `${name} must be a finite number >= 0`);
  return value;
}

/** Throws unless `value` is a number in (0, 1]. */
export function checkRatio(component: string, name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || value > 1) throw invalidOptions(component, `${name} must be a number in (0, 1]`);
  return value;
}

/** Throws unless `value` is a function (or undefined). */
export function checkFunction(component: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw invalidOptions(component, `${name} must be a function`);
}

/** Throws unless `value` is a non-empty string. */
export function checkName(component: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidOptions(component, 'name must be a non-empty string');
  return value;
}

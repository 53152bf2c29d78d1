/** True for a non-empty array of non-empty strings (topic names). */
export function isNameList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.length > 0 && value.every((name) => typeof name === 'string' && name !== '');
}

/** True for a non-empty array of finite delays >= 0 (milliseconds). */
export function isDelayList(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.length > 0 && value.every((delay) => typeof delay === 'number' && Number.isFinite(delay) && delay >= 0);
}

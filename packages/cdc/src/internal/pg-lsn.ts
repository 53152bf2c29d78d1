const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** Parses PostgreSQL's `X/Y` LSN text (`0/16D3220`) into its 64-bit value, or undefined. */
export function parsePgLsn(text: string): bigint | undefined {
  const match = LSN_TEXT.exec(text);
  if (match === null) return undefined;
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`);
}

/** Formats a 64-bit LSN as PostgreSQL's `X/Y` text. */
export function formatPgLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

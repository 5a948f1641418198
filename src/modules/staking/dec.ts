// Cosmos' LegacyDec on the wire: an integer of 10^-18 units written without a point
// ("100000000000000000" is 0.1). Users may also write the decimal form ("0.1").
import { ErrInvalidRequest } from '../../errors/sdk-errors.js';

export const DEC_ONE = 10n ** 18n;

/** Parses either the atomics form or a decimal with at most 18 fraction digits. */
export function parseDec(s: string, field: string): bigint {
  if (/^\d+$/.test(s)) return BigInt(s);
  const m = /^(\d+)\.(\d{1,18})$/.exec(s);
  if (m === null) throw ErrInvalidRequest(`${field} ${JSON.stringify(s)} is not a decimal`);
  const [, whole = '0', frac = ''] = m;
  return BigInt(whole) * DEC_ONE + BigInt(frac.padEnd(18, '0'));
}

/** The atomics form, as the SDK puts LegacyDec in protobuf. */
export const formatDec = (atomics: bigint): string => atomics.toString();

// Gas prices as exact decimals: "0.01" ucmt per gas is 10^16 / 10^18. The fee a tx must offer is
// gas_limit x price, rounded up to a whole ucmt.
const SCALE = 10n ** 18n;

// The fee policy parses the chain's min_gas_price on every tx; the few distinct texts are kept.
const PARSED_MAX = 256;
const parsed = new Map<string, bigint>();

export function parseGasPrice(text: string): bigint {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const price = parseGasPriceUncached(text);
  if (parsed.size < PARSED_MAX) parsed.set(text, price);
  return price;
}

function parseGasPriceUncached(text: string): bigint {
  const m = /^([0-9]+)(?:\.([0-9]{1,18}))?$/.exec(text);
  if (m === null) throw new Error(`${JSON.stringify(text)} is not a decimal like 0.01`);
  return BigInt(m[1] ?? '0') * SCALE + BigInt((m[2] ?? '').padEnd(18, '0'));
}

export function requiredFee(gasLimit: bigint, price: bigint): bigint {
  return (gasLimit * price + SCALE - 1n) / SCALE;
}

/** The price a fee pays per unit of gas, scaled by 10^18 (for ordering proposals). */
export function offeredPrice(fee: bigint, gasLimit: bigint): bigint {
  return gasLimit === 0n ? 0n : (fee * SCALE) / gasLimit;
}

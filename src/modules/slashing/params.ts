// slashing parameters: the SDK's defaults, decimals as strings, validated at genesis.
import { moduleParams } from '../../app/module-params.js';
import { Params } from '../../generated/cybermiles/slashing/v1/slashing.js';
import type { KVReader } from '../../store/types.js';
import { PARAMS_KEY } from './keys.js';
import { DEC_ONE } from './signing.js';

export const DEFAULT_SLASHING_PARAMS: Params = {
  signedBlocksWindow: 100n,
  minSignedPerWindow: '0.5',
  downtimeJailDurationSeconds: 600n,
  slashFractionDoubleSign: '0.05',
  slashFractionDowntime: '0.0001',
};

/** Params with the decimals as LegacyDec atomics. */
export interface SlashingRules {
  readonly window: bigint;
  readonly minSigned: bigint;
  readonly jailSeconds: bigint;
  readonly doubleSign: bigint;
  readonly downtime: bigint;
}

/** A decimal ("0.05") or LegacyDec atomics ("50000000000000000") in 0..1; undefined when neither. */
export function parseFraction(s: string): bigint | undefined {
  let v: bigint;
  if (/^\d+$/.test(s)) v = BigInt(s);
  else {
    const m = /^(\d+)\.(\d{1,18})$/.exec(s);
    if (m === null) return undefined;
    v = BigInt(m[1] ?? '0') * DEC_ONE + BigInt((m[2] ?? '').padEnd(18, '0'));
  }
  return v > DEC_ONE ? undefined : v;
}

export function validateSlashingParams(p: Params): string | undefined {
  if (p.signedBlocksWindow <= 0n) return 'signed_blocks_window must be positive';
  if (p.signedBlocksWindow > 1_000_000n) return 'signed_blocks_window must be at most 1000000';
  for (const [field, value] of [
    ['min_signed_per_window', p.minSignedPerWindow],
    ['slash_fraction_double_sign', p.slashFractionDoubleSign],
    ['slash_fraction_downtime', p.slashFractionDowntime],
  ] as const) {
    if (parseFraction(value) === undefined) return `${field} ${JSON.stringify(value)} is not a decimal in 0..1`;
  }
  if (p.downtimeJailDurationSeconds <= 0n) return 'downtime_jail_duration_seconds must be positive';
  return undefined;
}

export const slashingParams = moduleParams(PARAMS_KEY, Params, DEFAULT_SLASHING_PARAMS, validateSlashingParams);

export function slashingRules(store: KVReader): SlashingRules {
  const p = slashingParams.get(store);
  const f = (s: string): bigint => parseFraction(s) ?? 0n; // validated at genesis
  return {
    window: p.signedBlocksWindow,
    minSigned: f(p.minSignedPerWindow),
    jailSeconds: p.downtimeJailDurationSeconds,
    doubleSign: f(p.slashFractionDoubleSign),
    downtime: f(p.slashFractionDowntime),
  };
}

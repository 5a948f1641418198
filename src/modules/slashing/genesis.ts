// slashing genesis, in the proto3 JSON of cybermiles.slashing.v1.GenesisState: params (fields
// left out take their defaults) and each validator's signing info with its missed indexes.
// Export writes the same shape, so that export and import round-trip.
import { fromBech32 } from '@cosmjs/encoding';
import { GenesisError } from '../../genesis/json.js';
import { initParams, parseGenesis } from '../../genesis/proto-genesis.js';
import { GenesisState, Params, type SigningInfoEntry } from '../../generated/cybermiles/slashing/v1/slashing.js';
import type { KVReader, KVStore } from '../../store/types.js';
import { VALCONS_PREFIX } from '../staking/address.js';
import type { SlashingKeeper } from './keeper.js';
import { missedKey, PRESENT } from './keys.js';
import { DEFAULT_SLASHING_PARAMS, slashingParams } from './params.js';

/** Genesis params with absent (zero-valued) fields defaulted: a patch may give only the window. */
function withDefaults(p: Params | undefined): Params | undefined {
  if (p === undefined) return undefined;
  const d = DEFAULT_SLASHING_PARAMS;
  return {
    signedBlocksWindow: p.signedBlocksWindow === 0n ? d.signedBlocksWindow : p.signedBlocksWindow,
    minSignedPerWindow: p.minSignedPerWindow === '' ? d.minSignedPerWindow : p.minSignedPerWindow,
    downtimeJailDurationSeconds: p.downtimeJailDurationSeconds === 0n ? d.downtimeJailDurationSeconds : p.downtimeJailDurationSeconds,
    slashFractionDoubleSign: p.slashFractionDoubleSign === '' ? d.slashFractionDoubleSign : p.slashFractionDoubleSign,
    slashFractionDowntime: p.slashFractionDowntime === '' ? d.slashFractionDowntime : p.slashFractionDowntime,
  };
}

export async function initSlashingGenesis(k: SlashingKeeper, store: KVStore, state: unknown): Promise<void> {
  const g = parseGenesis(GenesisState.fromJSON, state, 'slashing');
  const p = initParams(store, slashingParams, withDefaults(g.params), 'slashing');
  for (const [i, e] of g.signingInfos.entries()) {
    const at = `app_state.slashing.signing_infos[${i}]`;
    let cons: Uint8Array;
    try {
      const d = fromBech32(e.address);
      if (d.prefix !== VALCONS_PREFIX || d.data.length !== 20) throw new Error(`expected a ${VALCONS_PREFIX} address of 20 bytes`);
      cons = d.data;
    } catch (err) {
      throw new GenesisError(`${at}.address: ${(err as Error).message}`);
    }
    if (k.getSigningInfo(store, cons) !== undefined) throw new GenesisError(`${at}: ${e.address} is listed twice`);
    const missed = new Set<bigint>();
    for (const idx of e.missedIndexes) {
      if (idx < 0n || idx >= p.signedBlocksWindow) throw new GenesisError(`${at}.missed_indexes: ${idx} is outside the window 0..${p.signedBlocksWindow - 1n}`);
      missed.add(idx);
    }
    if (BigInt(missed.size) !== e.missedBlocksCounter) {
      throw new GenesisError(`${at}: missed_blocks_counter ${e.missedBlocksCounter} but ${missed.size} missed indexes`);
    }
    k.setSigningInfo(store, cons, {
      address: e.address,
      startHeight: e.startHeight,
      indexOffset: e.indexOffset,
      jailedUntil: { seconds: e.jailedUntilSeconds, nanos: e.jailedUntilNanos },
      tombstoned: e.tombstoned,
      missedBlocksCounter: e.missedBlocksCounter,
    });
    for (const idx of missed) store.set(missedKey(cons, idx), PRESENT);
  }
}

export async function exportSlashingGenesis(k: SlashingKeeper, store: KVReader): Promise<unknown> {
  const signingInfos: SigningInfoEntry[] = [];
  for await (const { cons, info } of k.iterateSigningInfos(store)) {
    signingInfos.push({
      address: info.address,
      startHeight: info.startHeight,
      indexOffset: info.indexOffset,
      jailedUntilSeconds: info.jailedUntil.seconds,
      jailedUntilNanos: info.jailedUntil.nanos,
      tombstoned: info.tombstoned,
      missedBlocksCounter: info.missedBlocksCounter,
      missedIndexes: await k.missedIndexes(store, cons),
    });
  }
  return GenesisState.toJSON({ params: slashingParams.get(store), signingInfos });
}

// Runs one tx against a cache layer: decode, ante, messages. In FinalizeBlock the ante's writes
// (sequence, fee) stay even when a message fails, as in the SDK, so a failed tx cannot be replayed;
// in CheckTx a tx either passes whole or leaves no trace.
import { TxMsgData } from 'cosmjs-types/cosmos/base/abci/v1beta1/abci';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import { EventManager, makeEvent } from '../events/event.js';
import type { CacheStore } from '../store/types.js';
import { runAnte, type AnteDeps } from '../tx/ante.js';
import { decodeTx, type DecodedTx, type MsgLookup } from '../tx/decode.js';
import { GasKVStore } from '../tx/gas-kv-store.js';
import { InfiniteGasMeter, LimitedGasMeter, type GasMeter } from '../tx/gas.js';
import type { BlockInfo, ExecMode, TxContext } from './module.js';
import { failure, isChainError, type TxOutcome } from './tx-result.js';

export class TxExecutor {
  constructor(
    private readonly lookup: MsgLookup,
    private readonly ante: AnteDeps,
  ) {}

  decode(bytes: Uint8Array): DecodedTx {
    return decodeTx(bytes, this.lookup, this.ante.params);
  }

  async execute(parent: CacheStore, bytes: Uint8Array, block: BlockInfo, mode: ExecMode): Promise<TxOutcome> {
    let tx: DecodedTx;
    try {
      tx = this.decode(bytes);
    } catch (e) {
      if (isChainError(e)) return failure(e, 0n, 0n);
      throw e;
    }
    return this.executeDecoded(parent, tx, block, mode);
  }

  async executeDecoded(parent: CacheStore, tx: DecodedTx, block: BlockInfo, mode: ExecMode): Promise<TxOutcome> {
    const meter: GasMeter = mode === 'simulate' ? new InfiniteGasMeter() : new LimitedGasMeter(tx.gasLimit);
    const anteLayer = parent.branch();
    const anteEvents = new EventManager();
    const anteCtx: TxContext = { store: new GasKVStore(anteLayer, meter), block, events: anteEvents, gas: meter, mode };
    try {
      runAnte(anteCtx, tx, this.ante);
    } catch (e) {
      if (isChainError(e)) return failure(e, tx.gasLimit, meter.consumed());
      throw e;
    }

    const msgLayer = anteLayer.branch();
    const msgEvents = new EventManager();
    const msgCtx: TxContext = { store: new GasKVStore(msgLayer, meter), block, events: msgEvents, gas: meter, mode };
    const responses: Any[] = [];
    try {
      for (const [i, m] of tx.msgs.entries()) {
        msgEvents.emit(
          makeEvent('message', [
            ['action', m.typeUrl],
            ['sender', m.handler.signers(m.msg)[0] ?? ''],
            ['module', m.handler.module],
            ['msg_index', String(i)],
          ]),
        );
        responses.push(await m.handler.handle(msgCtx, m.msg));
      }
    } catch (e) {
      if (!isChainError(e)) throw e;
      // The ante's effects stand in a block; in CheckTx the whole tx is refused.
      if (mode === 'finalize') anteLayer.write();
      return failure(e, tx.gasLimit, meter.consumed(), anteEvents.events());
    }
    msgLayer.write();
    anteLayer.write();
    return {
      code: 0,
      codespace: '',
      log: '',
      data: TxMsgData.encode({ data: [], msgResponses: responses }).finish(),
      gasWanted: tx.gasLimit,
      gasUsed: meter.consumed(),
      events: [...anteEvents.events(), ...msgEvents.events()],
    };
  }
}

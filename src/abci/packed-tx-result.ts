// A tx's ExecTxResult kept as its protobuf bytes from the moment the tx has run until FinalizeBlock
// answers (see finalize-block-encoding.ts packTxResult).
//
// A block's results used to stay objects until the response was encoded at the block's end: about
// ten events a transfer, each an object with an array of attribute objects and their strings, all
// alive across the young generation's collections while the rest of the block ran, so the
// collector copied and promoted them (about 1.9 KB a transfer of the 8 KB a block keeps alive, and
// a seventh of the app's CPU counting the collector's helper threads; bench/PROFILE.md, twelfth
// round). As bytes, a result is one buffer outside the JavaScript heap. The response writer copies
// the bytes as they are; code and gas stay plain fields (the app counts failures, tests read
// them), and the rest decodes from the bytes when read.
import { ExecTxResult, type Event } from 'cosmjs-types/tendermint/abci/types';

export class PackedTxResult implements ExecTxResult {
  constructor(
    /** The ExecTxResult message, encoded (without a field key or length in front). */
    readonly bytes: Uint8Array,
    readonly code: number,
    readonly codespace: string,
    readonly log: string,
    readonly gasWanted: bigint,
    readonly gasUsed: bigint,
  ) {}

  get info(): string {
    return this.#decoded().info;
  }

  get data(): Uint8Array {
    return this.#decoded().data;
  }

  get events(): Event[] {
    return this.#decoded().events;
  }

  /** Decoded afresh on every read: callers outside the ABCI path (tests, tools) read it rarely. */
  #decoded(): ExecTxResult {
    return ExecTxResult.decode(this.bytes);
  }
}

/** The encoded bytes of a packed result; undefined for any other ExecTxResult. */
export function packedBytes(r: ExecTxResult): Uint8Array | undefined {
  return r instanceof PackedTxResult ? r.bytes : undefined;
}

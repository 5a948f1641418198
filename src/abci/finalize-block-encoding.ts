// A Response carrying a ResponseFinalizeBlock, encoded in two passes into one buffer.
//
// cosmjs-types' generic writer records an operation per field, forks for every nested message and
// copies everything again at finish(). A block of 2,000 transfers answers with about 1.7 MB: 16,000
// events and 32,000 attributes, all strings; encoding it that way took 20-45 µs a tx on the main
// thread, as much as a fifth of FinalizeBlock itself. Here a first pass measures every nested
// message and string (in visiting order), and a second writes each field in place. The bytes are
// exactly cosmjs-types' (same fields, same order, defaults omitted alike: see the test beside).
// Validator and consensus-parameter updates, rare and small, still go through cosmjs-types.
//
// A tx's result is usually encoded on its own as soon as the tx has run (packTxResult, see
// packed-tx-result.ts); the response then copies those bytes.
import { Buffer } from 'node:buffer';
import { ValidatorUpdate, type Event, type ExecTxResult, type ResponseFinalizeBlock } from 'cosmjs-types/tendermint/abci/types';
import { ConsensusParams } from 'cosmjs-types/tendermint/types/params';
import { indexes, type IndexEvents } from '../events/index-events.js';
import { int64Size, ProtoWriter, utf8Size, varintSize } from '../util/proto-write.js';
import { Slab } from '../util/slab.js';
import { PackedTxResult, packedBytes } from './packed-tx-result.js';
/** Response.finalize_block is field 21, length-delimited: key 21 << 3 | 2 = 170, two varint bytes. */
const RESPONSE_FINALIZE_BLOCK_KEY = [0xaa, 0x01] as const;

/** Sizes measured by the first pass, read back in the same order by the second. */
interface Sizes {
  readonly lens: number[];
  readonly encoded: Uint8Array[];
  /** Which attributes to mark indexed; undefined keeps each attribute's own flag. */
  readonly only?: IndexEvents | undefined;
}

function indexed(sizes: Sizes, type: string, a: { readonly key: string; readonly index: boolean }): boolean {
  return sizes.only === undefined ? a.index === true : indexes(sizes.only, type, a.key);
}

function stringField(s: string, sizes: Sizes): number {
  const n = utf8Size(s);
  sizes.lens.push(n);
  return 1 + varintSize(n) + n;
}

function eventSize(e: Event, sizes: Sizes): number {
  const at = sizes.lens.push(0) - 1;
  let size = e.type === '' ? 0 : stringField(e.type, sizes);
  for (const a of e.attributes) {
    const aAt = sizes.lens.push(0) - 1;
    let aSize = 0;
    if (a.key !== '') aSize += stringField(a.key, sizes);
    if (a.value !== '') aSize += stringField(a.value, sizes);
    if (indexed(sizes, e.type, a)) aSize += 2;
    sizes.lens[aAt] = aSize;
    size += 1 + varintSize(aSize) + aSize;
  }
  sizes.lens[at] = size;
  return size;
}

/** Size of an ExecTxResult's fields (its own key and length not included). */
function txResultBodySize(r: ExecTxResult, sizes: Sizes): number {
  let size = 0;
  if (r.code !== 0) size += 1 + varintSize(r.code);
  if (r.data.length !== 0) size += 1 + varintSize(r.data.length) + r.data.length;
  if (r.log !== '') size += stringField(r.log, sizes);
  if (r.info !== '') size += stringField(r.info, sizes);
  if (r.gasWanted !== 0n) size += 1 + int64Size(r.gasWanted);
  if (r.gasUsed !== 0n) size += 1 + int64Size(r.gasUsed);
  for (const e of r.events) {
    const n = eventSize(e, sizes);
    size += 1 + varintSize(n) + n;
  }
  if (r.codespace !== '') size += stringField(r.codespace, sizes);
  return size;
}

/** Size of a tx result in the response: already encoded (packed), or measured field by field. */
function txResultSize(r: ExecTxResult, sizes: Sizes): number {
  const packed = packedBytes(r);
  if (packed !== undefined) {
    sizes.encoded.push(packed);
    return packed.length;
  }
  const at = sizes.lens.push(0) - 1;
  const size = txResultBodySize(r, sizes);
  sizes.lens[at] = size;
  return size;
}

function embeddedSize(bytes: Uint8Array, sizes: Sizes): number {
  sizes.encoded.push(bytes);
  return 1 + varintSize(bytes.length) + bytes.length;
}

class Writer extends ProtoWriter {
  #len = 0;
  #enc = 0;
  constructor(
    buf: Uint8Array,
    readonly sizes: Sizes,
  ) {
    super(buf);
  }

  /** The next measured length. */
  nextLen(): number {
    return this.sizes.lens[this.#len++] as number;
  }

  string(key: number, s: string): void {
    this.stringField(key, s, this.nextLen());
  }

  embedded(key: number): void {
    this.bytesField(key, this.sizes.encoded[this.#enc++] as Uint8Array);
  }
}

function writeEvent(key: number, e: Event, w: Writer): void {
  w.byte(key);
  w.varint(w.nextLen());
  if (e.type !== '') w.string(10, e.type);
  for (const a of e.attributes) {
    w.byte(18);
    w.varint(w.nextLen());
    if (a.key !== '') w.string(10, a.key);
    if (a.value !== '') w.string(18, a.value);
    if (indexed(w.sizes, e.type, a)) {
      w.byte(24);
      w.byte(1);
    }
  }
}

function writeTxResultBody(r: ExecTxResult, w: Writer): void {
  if (r.code !== 0) {
    w.byte(8);
    w.varint(r.code);
  }
  if (r.data.length !== 0) w.bytesField(18, r.data);
  if (r.log !== '') w.string(26, r.log);
  if (r.info !== '') w.string(34, r.info);
  if (r.gasWanted !== 0n) {
    w.byte(40);
    w.int64(r.gasWanted);
  }
  if (r.gasUsed !== 0n) {
    w.byte(48);
    w.int64(r.gasUsed);
  }
  for (const e of r.events) writeEvent(58, e, w);
  if (r.codespace !== '') w.string(66, r.codespace);
}

function writeTxResult(r: ExecTxResult, w: Writer): void {
  if (packedBytes(r) !== undefined) {
    w.embedded(18);
    return;
  }
  w.byte(18);
  w.varint(w.nextLen());
  writeTxResultBody(r, w);
}

// Packed results are cut from chunks of 256 KiB, one after another (a block's results share a few
// chunks instead of each taking a buffer, or a slice of Node's 8 KiB pool, of its own); a result
// larger than a chunk gets an array of its own.
const PACK_CHUNK = 256 * 1024;
const packed = new Slab(PACK_CHUNK, PACK_CHUNK);

/**
 * `r` encoded now, as an ExecTxResult whose bytes the response copies (see packed-tx-result.ts),
 * its attributes marked indexed as `only` says (each keeps its own flag when `only` is undefined).
 */
export function packTxResult(r: ExecTxResult, only?: IndexEvents): PackedTxResult {
  const sizes: Sizes = { lens: [], encoded: [], only };
  const n = txResultBodySize(r, sizes);
  const w = new Writer(packed.alloc(n), sizes);
  writeTxResultBody(r, w);
  return new PackedTxResult(w.done(), r.code, r.codespace, r.log, r.gasWanted, r.gasUsed);
}

/** The bytes of `Response.encode({ finalizeBlock: res })`, exactly. */
export function encodeFinalizeBlockResponse(res: ResponseFinalizeBlock): Uint8Array {
  const sizes: Sizes = { lens: [], encoded: [] };
  let body = 0;
  for (const e of res.events) {
    const n = eventSize(e, sizes);
    body += 1 + varintSize(n) + n;
  }
  for (const r of res.txResults) {
    const n = txResultSize(r, sizes);
    body += 1 + varintSize(n) + n;
  }
  for (const v of res.validatorUpdates) body += embeddedSize(ValidatorUpdate.encode(v).finish(), sizes);
  if (res.consensusParamUpdates !== undefined) body += embeddedSize(ConsensusParams.encode(res.consensusParamUpdates).finish(), sizes);
  if (res.appHash.length !== 0) body += 1 + varintSize(res.appHash.length) + res.appHash.length;

  const total = RESPONSE_FINALIZE_BLOCK_KEY.length + varintSize(body) + body;
  const w = new Writer(Buffer.allocUnsafe(total), sizes);
  for (const b of RESPONSE_FINALIZE_BLOCK_KEY) w.byte(b);
  w.varint(body);
  for (const e of res.events) writeEvent(10, e, w);
  for (const r of res.txResults) writeTxResult(r, w);
  for (let i = 0; i < res.validatorUpdates.length; i++) w.embedded(26);
  if (res.consensusParamUpdates !== undefined) w.embedded(34);
  if (res.appHash.length !== 0) w.bytesField(42, res.appHash);
  if (w.pos !== total) throw new Error(`FinalizeBlock response: wrote ${w.pos} bytes, measured ${total}`);
  return w.buf;
}

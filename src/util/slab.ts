// Small byte arrays cut from larger chunks.
//
// Each `new Uint8Array(n)` over 64 bytes (and every Buffer Node's crypto returns, whatever its
// size) is a buffer of its own outside the JavaScript heap: a malloc, an ArrayBuffer object, and
// later a sweep and a free on V8's helper threads, about a microsecond of CPU in all (against
// 0.05 µs for a view into a chunk). A transfer made about fourteen of them (trie paths, node
// hashes and encodings, a sign doc, its digest). A Slab hands out views into a shared chunk
// instead; a chunk is freed once no view into it is alive, so a Slab suits pieces that die, or
// are dropped from a cache, in about the order they were cut (bench/PROFILE.md, twelfth round).
// Not for pieces a cache may keep indefinitely: one such piece keeps its whole chunk alive (new
// trie nodes, which the node cache drops only when they are replaced, made the app's memory grow
// by about 7 MiB a minute in a soak; they get arrays of their own).
//
// The views share their chunk's ArrayBuffer: code reading one must use its byteOffset and
// byteLength (every use of `.buffer` in this code base does), and it must never be transferred to
// another thread (that would detach the whole chunk).
import { latin1Write } from '../store/bytes.js';

export class Slab {
  #chunk = new Uint8Array(0);
  #used = 0;

  /** Pieces over `maxPiece` bytes get arrays of their own. */
  constructor(
    readonly chunkBytes = 64 * 1024,
    readonly maxPiece = chunkBytes >> 3,
  ) {}

  /** `n` zeroed bytes (a fresh chunk is zeroed, and no piece of it is handed out twice). */
  alloc(n: number): Uint8Array {
    if (n > this.maxPiece) return new Uint8Array(n);
    if (this.#used + n > this.#chunk.length) {
      this.#chunk = new Uint8Array(this.chunkBytes);
      this.#used = 0;
    }
    const out = this.#chunk.subarray(this.#used, this.#used + n);
    this.#used += n;
    return out;
  }

  /** A copy of `bytes` in this slab. */
  copy(bytes: Uint8Array): Uint8Array {
    const out = this.alloc(bytes.length);
    out.set(bytes);
    return out;
  }

  /** The bytes of a latin1 string (one byte per code unit, as crypto's 'latin1' digests come). */
  fromLatin1(s: string): Uint8Array {
    const out = this.alloc(s.length);
    latin1Write(out, s);
    return out;
  }
}

// CometBFT 0.38 socket framing: every protobuf message is preceded by its byte length as an
// unsigned protobuf varint (uvarint). (Tendermint 0.19 and npm `abci` used a signed varint; they
// cannot talk to CometBFT 0.38.)

/** Default upper bound for one message; larger frames close the connection. */
export const DEFAULT_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

/** A uvarint encodes at most 64 bits, i.e. at most 10 bytes. */
const MAX_VARINT_BYTES = 10;

export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly length: number,
    readonly maxMessageBytes: number,
  ) {
    super(`ABCI frame of ${length} bytes exceeds the maximum of ${maxMessageBytes} bytes`);
  }
}

export class MalformedFrameError extends Error {
  override readonly name = 'MalformedFrameError';
}

/** Encodes a non-negative safe integer (or any uint64 bigint) as a uvarint. */
export function encodeUvarint(value: number | bigint): Uint8Array {
  let v = typeof value === 'bigint' ? value : BigInt(checkedLength(value));
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`uvarint out of range: ${v}`);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

function checkedLength(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uvarint out of range: ${value}`);
  return value;
}

/** Fast uvarint prefix for a frame length (lengths are always safe integers). */
function encodeLengthPrefix(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length < 0x4000) return Uint8Array.of((length & 0x7f) | 0x80, length >>> 7);
  return encodeUvarint(length);
}

export interface DecodedUvarint {
  /** The value; exact up to 2^53, approximate (but still larger than any sane limit) above. */
  readonly value: number;
  /** Number of bytes the varint occupied. */
  readonly bytes: number;
}

/**
 * Reads a uvarint at `offset`. Returns undefined when `bytes` ends before the varint does.
 * Throws MalformedFrameError for a varint longer than 10 bytes.
 */
export function decodeUvarint(bytes: Uint8Array, offset = 0): DecodedUvarint | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const b = bytes[offset + i];
    if (b === undefined) return undefined;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, bytes: i + 1 };
    scale *= 128;
  }
  throw new MalformedFrameError('uvarint length prefix is longer than 10 bytes');
}

/** Returns the frame (length prefix + message) as one buffer. */
export function encodeFrame(message: Uint8Array): Uint8Array {
  const prefix = encodeLengthPrefix(message.length);
  const out = new Uint8Array(prefix.length + message.length);
  out.set(prefix, 0);
  out.set(message, prefix.length);
  return out;
}

/** Returns the frame as [prefix, message] without copying the message (for batched writes). */
export function frameParts(message: Uint8Array): readonly [Uint8Array, Uint8Array] {
  return [encodeLengthPrefix(message.length), message];
}

/**
 * Incremental decoder for a stream of uvarint-length-prefixed frames. Accepts arbitrary
 * chunking: a frame may span many chunks and a chunk may hold many frames. Unread bytes are
 * kept as a list of chunks and only copied once, when a frame spanning several chunks is
 * complete. A frame that is exactly one whole chunk is returned without copying; any other
 * frame is copied out, so a small frame never pins a large socket buffer in memory.
 *
 * After an error the decoder is unusable (the connection must be closed).
 */
export class FrameDecoder {
  readonly maxMessageBytes: number;
  #chunks: Uint8Array[] = [];
  /** Index of the first chunk with unread bytes. */
  #first = 0;
  /** Read offset inside #chunks[#first]. */
  #head = 0;
  /** Total unread bytes. */
  #buffered = 0;
  /** Length of the frame being assembled, or -1 while its prefix is still being read. */
  #frameLength = -1;
  #failed: Error | undefined;

  constructor(opts: { maxMessageBytes?: number } = {}) {
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Adds a chunk and returns the frames (message bodies, without prefix) it completed, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failed) throw this.#failed;
    const frames: Uint8Array[] = [];
    if (chunk.length === 0) return frames;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    try {
      for (;;) {
        if (this.#frameLength < 0) {
          const prefix = this.#peekVarint();
          if (prefix === undefined) break;
          if (prefix.value > this.maxMessageBytes) {
            throw new FrameTooLargeError(prefix.value, this.maxMessageBytes);
          }
          this.#skip(prefix.bytes);
          this.#frameLength = prefix.value;
        }
        if (this.#buffered < this.#frameLength) break;
        frames.push(this.#take(this.#frameLength));
        this.#frameLength = -1;
      }
    } catch (err) {
      this.#failed = err instanceof Error ? err : new Error(String(err));
      this.#chunks = [];
      throw this.#failed;
    }
    this.#compact();
    return frames;
  }

  #peekVarint(): DecodedUvarint | undefined {
    const first = this.#chunks[this.#first];
    if (first === undefined) return undefined;
    // Fast path: the whole prefix is in the first chunk.
    const fast = decodeUvarint(first, this.#head);
    if (fast !== undefined || this.#first === this.#chunks.length - 1) return fast;
    // Slow path: the prefix spans chunks; gather up to 10 bytes.
    const tmp = new Uint8Array(Math.min(MAX_VARINT_BYTES, this.#buffered));
    let n = 0;
    let offset = this.#head;
    for (let i = this.#first; i < this.#chunks.length && n < tmp.length; i++) {
      const c = this.#chunks[i] as Uint8Array;
      const take = Math.min(c.length - offset, tmp.length - n);
      tmp.set(c.subarray(offset, offset + take), n);
      n += take;
      offset = 0;
    }
    return decodeUvarint(tmp, 0);
  }

  #skip(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const c = this.#chunks[this.#first] as Uint8Array;
      const avail = c.length - this.#head;
      if (n < avail) {
        this.#head += n;
        return;
      }
      n -= avail;
      this.#first++;
      this.#head = 0;
    }
  }

  #take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    this.#buffered -= n;
    const c = this.#chunks[this.#first] as Uint8Array;
    const avail = c.length - this.#head;
    if (n <= avail) {
      const start = this.#head;
      if (n === avail) {
        this.#first++;
        this.#head = 0;
      } else {
        this.#head += n;
      }
      // A frame that is a whole chunk is handed out as is; anything else is copied.
      return start === 0 && n === c.length ? c : c.slice(start, start + n);
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const cur = this.#chunks[this.#first] as Uint8Array;
      const take = Math.min(cur.length - this.#head, n - filled);
      out.set(cur.subarray(this.#head, this.#head + take), filled);
      filled += take;
      if (this.#head + take === cur.length) {
        this.#first++;
        this.#head = 0;
      } else {
        this.#head += take;
      }
    }
    return out;
  }

  /** Drops consumed chunks from the list (amortised O(1) per chunk). */
  #compact(): void {
    if (this.#first === this.#chunks.length) {
      this.#chunks = [];
      this.#first = 0;
    } else if (this.#first > 64 && this.#first * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }
}

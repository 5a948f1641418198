// A module's parameters: kept in state as protobuf under one key, defaulted, validated at genesis.
import type { KVReader, KVStore } from '../store/types.js';
import { memoDecoder } from '../store/decoded-values.js';

export interface ParamsCodec<P> {
  encode(p: P): { finish(): Uint8Array };
  decode(bytes: Uint8Array): P;
}

export interface ModuleParams<P> {
  readonly defaults: Readonly<P>;
  /** Shared between readers (decoded once per stored value): never mutate it. */
  get(store: KVReader): Readonly<P>;
  set(store: KVStore, p: P): void;
  /** What is wrong with the params, or undefined when they are valid. */
  validate(p: P): string | undefined;
}

export function moduleParams<P>(key: Uint8Array, codec: ParamsCodec<P>, defaults: P, validate: (p: P) => string | undefined): ModuleParams<P> {
  // Read on every tx by some modules (fees): decoded once per stored value. Callers never mutate
  // the params they get (the defaults object is shared the same way).
  const decode = memoDecoder((raw: Uint8Array) => codec.decode(raw));
  return {
    defaults,
    validate,
    get: (store) => {
      const raw = store.get(key);
      return raw === undefined ? defaults : decode(raw);
    },
    set: (store, p) => store.set(key, codec.encode(p).finish()),
  };
}

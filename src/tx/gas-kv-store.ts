// A KVStore view that charges gas for every access, as the SDK's gaskv store does.
import type { KeyRange, KVStore } from '../store/types.js';
import { GasCosts, type GasMeter } from './gas.js';

export class GasKVStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    private readonly meter: GasMeter,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    this.meter.consume(GasCosts.readFlat, 'ReadFlat');
    const value = this.parent.get(key);
    this.meter.consume(GasCosts.readPerByte * (key.length + (value?.length ?? 0)), 'ReadPerByte');
    return value;
  }

  has(key: Uint8Array): boolean {
    this.meter.consume(GasCosts.hasFlat, 'Has');
    return this.parent.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.meter.consume(GasCosts.writeFlat, 'WriteFlat');
    this.meter.consume(GasCosts.writePerByte * (key.length + value.length), 'WritePerByte');
    this.parent.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.meter.consume(GasCosts.deleteFlat, 'Delete');
    this.parent.delete(key);
  }

  async *iterate(range: KeyRange): AsyncGenerator<readonly [Uint8Array, Uint8Array]> {
    for await (const entry of this.parent.iterate(range)) {
      this.meter.consume(GasCosts.iterNextFlat, 'IterNextFlat');
      this.meter.consume(GasCosts.readPerByte * (entry[0].length + entry[1].length), 'ReadPerByte');
      yield entry;
    }
  }
}

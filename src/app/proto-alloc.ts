// cosmjs-types' BinaryWriter.finish() allocates its output through the static BinaryWriter.alloc,
// which (cosmjs-types 0.11) builds a NEW 8 KiB slab pool on every call: each encoded message,
// however small, costs an 8 KiB allocation and keeps that whole slab alive for as long as the
// message's bytes live (in a cache layer, an event, a response). Under load that was the largest
// single cost in the app's profile (the allocation itself and the garbage collection after it).
// Exact-size allocation gives the same bytes. Installed once, when the app module loads.
import { BinaryWriter } from 'cosmjs-types/binary';

export function exactAlloc(size: number): Uint8Array {
  return new Uint8Array(size);
}

export function installExactProtoAlloc(): void {
  if (BinaryWriter.alloc !== exactAlloc) BinaryWriter.alloc = exactAlloc;
}

installExactProtoAlloc();

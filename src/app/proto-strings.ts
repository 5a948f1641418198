// cosmjs-types' BinaryReader.string() decodes every protobuf string (addresses, denoms, amounts,
// type URLs: several per transaction, again in every account and balance read) with a JavaScript
// UTF-8 loop that builds an array of char codes and spreads it into String.fromCharCode. In the
// pipeline bench's allocation profile that loop was the largest single source of garbage (6 %).
// Almost all of these strings are ASCII, for which Buffer's native latin1 slice gives the same
// string; anything else still goes through the library's decoder, so every input decodes exactly
// as before, invalid UTF-8 included. Installed once, when the app module loads.
import { BinaryReader } from 'cosmjs-types/binary';
import { utf8Read } from 'cosmjs-types/utf8';
import { latin1 } from '../store/bytes.js';

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/** What BinaryReader.string() returns for these bytes, without the loop for ASCII. */
export function readProtoString(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  return isAscii(bytes) ? latin1(bytes) : utf8Read(bytes, 0, bytes.length);
}

function fastString(this: BinaryReader): string {
  return readProtoString(this.bytes());
}

export function installFastProtoStrings(): void {
  if (BinaryReader.prototype.string !== fastString) BinaryReader.prototype.string = fastString;
}

installFastProtoStrings();

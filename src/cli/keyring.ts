// A test-backend keyring: each key is a JSON file in <home>/keyring holding its mnemonic in the
// clear, like the Cosmos SDK's `--keyring-backend test`. For devnets and testnets only.
import { Bip39, Random, stringToPath } from '@cosmjs/crypto';
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BECH32_PREFIX } from '../modules/auth/address.js';

export const DEFAULT_HD_PATH = "m/44'/118'/0'/0/0";

export interface KeyRecord {
  readonly name: string;
  readonly address: string;
  readonly mnemonic: string;
  readonly hdPath: string;
}

const NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

export async function walletFor(mnemonic: string, hdPath: string): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: BECH32_PREFIX, hdPaths: [stringToPath(hdPath)] });
}

export class Keyring {
  constructor(private readonly dir: string) {}

  private file(name: string): string {
    if (!NAME.test(name)) throw new Error(`key name ${JSON.stringify(name)} must be 1-64 of [a-zA-Z0-9_.-]`);
    return join(this.dir, `${name}.json`);
  }

  async add(name: string, mnemonic?: string, hdPath = DEFAULT_HD_PATH): Promise<KeyRecord> {
    const file = this.file(name);
    if (existsSync(file)) throw new Error(`key ${name} already exists`);
    const words = mnemonic ?? Bip39.encode(Random.getBytes(32)).toString();
    const [account] = await (await walletFor(words, hdPath)).getAccounts();
    if (account === undefined) throw new Error('wallet has no account');
    const record: KeyRecord = { name, address: account.address, mnemonic: words, hdPath };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    return record;
  }

  async show(name: string): Promise<KeyRecord> {
    const file = this.file(name);
    if (!existsSync(file)) throw new Error(`no key named ${name} in ${this.dir}`);
    return JSON.parse(await readFile(file, 'utf8')) as KeyRecord;
  }

  async list(): Promise<KeyRecord[]> {
    if (!existsSync(this.dir)) return [];
    const names = (await readdir(this.dir)).filter((f) => f.endsWith('.json')).sort();
    return Promise.all(names.map((f) => this.show(f.slice(0, -'.json'.length))));
  }

  async wallet(name: string): Promise<DirectSecp256k1HdWallet> {
    const k = await this.show(name);
    return walletFor(k.mnemonic, k.hdPath);
  }
}

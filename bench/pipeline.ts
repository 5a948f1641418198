// The app's own pipeline without consensus: CheckTx (decode, verify, execute on the check state),
// then FinalizeBlock + Commit in blocks, as CometBFT would drive it. Transfers from many accounts,
// pre-signed with libsecp256k1 so that signing is not measured.
// Run: node --import tsx bench/pipeline.ts [--txs 20000] [--accounts 2000] [--block 2000]
// Prints JSON figures (medians where repeated); no assertions.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import secp256k1 from 'secp256k1';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { RequestCheckTx, RequestFinalizeBlock, RequestInitChain } from 'cosmjs-types/tendermint/abci/types';
import { createApp } from '../src/app.js';
import { addressFromPubKey, toAddress } from '../src/modules/auth/address.js';
import { CommitStore } from '../src/store/commit-store.js';
import { secp256k1IsNative } from '../src/tx/secp256k1.js';
import { silentLogger } from '../src/util/logger.js';

const { values } = parseArgs({ options: { txs: { type: 'string' }, accounts: { type: 'string' }, block: { type: 'string' } } });
const TXS = Number(values.txs ?? 20_000);
const ACCOUNTS = Number(values.accounts ?? 2_000);
const BLOCK = Number(values.block ?? 2_000);
const CHAIN_ID = 'bench';

interface Key {
  readonly priv: Uint8Array;
  readonly pub: Uint8Array;
  readonly address: string;
}

function keyOf(i: number): Key {
  const priv = new Uint8Array(createHash('sha256').update(`bench account ${i}`).digest());
  const pub = secp256k1.publicKeyCreate(priv, true);
  return { priv, pub, address: toAddress(addressFromPubKey(pub)) };
}

function signedTransfer(from: Key, accountNumber: bigint, sequence: bigint, to: string): Uint8Array {
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({
      messages: [
        {
          typeUrl: '/cosmos.bank.v1beta1.MsgSend',
          value: MsgSend.encode({ fromAddress: from.address, toAddress: to, amount: [{ denom: 'ucmt', amount: '1' }] }).finish(),
        },
      ],
    }),
  ).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: '/cosmos.crypto.secp256k1.PubKey', value: PubKey.encode({ key: from.pub }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence,
        },
      ],
      fee: { amount: [], gasLimit: 200_000n },
    }),
  ).finish();
  const doc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId: CHAIN_ID, accountNumber }).finish();
  const digest = createHash('sha256').update(doc).digest();
  const { signature } = secp256k1.ecdsaSign(digest, from.priv);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [signature] }).finish();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => keyOf(i));
  const dir = mkdtempSync(join(tmpdir(), 'cybermiles-bench-'));
  const store = await CommitStore.open(dir);
  const { app } = createApp(store, { logger: silentLogger, version: 'bench', checkInvariants: false });
  const appState = { bank: { balances: keys.map((k) => ({ address: k.address, coins: [{ denom: 'ucmt', amount: '1000000000' }] })) } };
  await app.initChain(
    RequestInitChain.fromPartial({
      chainId: CHAIN_ID,
      initialHeight: 1n,
      time: { seconds: 1_700_000_000n, nanos: 0 },
      consensusParams: { block: { maxBytes: 22_020_096n, maxGas: -1n } },
      appStateBytes: Buffer.from(JSON.stringify(appState)),
    }),
  );
  await app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height: 1n, time: { seconds: 1_700_000_001n, nanos: 0 } }));
  await app.commit();

  // Round-robin over senders, so consecutive txs come from different accounts.
  let t0 = performance.now();
  const txs: Uint8Array[] = [];
  for (let i = 0; i < TXS; i++) {
    const s = i % ACCOUNTS;
    const from = keys[s] as Key;
    const to = (keys[(s + 1) % ACCOUNTS] as Key).address;
    txs.push(signedTransfer(from, BigInt(s), BigInt(Math.floor(i / ACCOUNTS)), to));
  }
  const signMs = performance.now() - t0;

  const rss0 = process.memoryUsage().rss;
  const checkRates: number[] = [];
  const finalizeRates: number[] = [];
  const commitMs: number[] = [];
  let failed = 0;
  let height = 2n;
  const totalStart = performance.now();
  for (let start = 0; start < txs.length; start += BLOCK) {
    const block = txs.slice(start, start + BLOCK);
    t0 = performance.now();
    for (const tx of block) {
      const r = await app.checkTx(RequestCheckTx.fromPartial({ tx }));
      if (r.code !== 0) failed++;
    }
    checkRates.push(block.length / ((performance.now() - t0) / 1000));
    t0 = performance.now();
    const res = await app.finalizeBlock(RequestFinalizeBlock.fromPartial({ height, txs: block, time: { seconds: 1_700_000_000n + height, nanos: 0 } }));
    failed += res.txResults.filter((r) => r.code !== 0).length;
    const finalizeMs = performance.now() - t0;
    finalizeRates.push(block.length / (finalizeMs / 1000));
    t0 = performance.now();
    await app.commit();
    commitMs.push(performance.now() - t0);
    height++;
  }
  const totalS = (performance.now() - totalStart) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const out = {
    bench: 'pipeline',
    node: process.version,
    secp256k1Native: secp256k1IsNative,
    txs: TXS,
    accounts: ACCOUNTS,
    txsPerBlock: BLOCK,
    failedTxs: failed,
    presignTxPerSec: Math.round(TXS / (signMs / 1000)),
    checkTxPerSec: Math.round(median(checkRates)),
    finalizeBlockTxPerSec: Math.round(median(finalizeRates)),
    commitMsPerBlock: Math.round(median(commitMs)),
    pipelineTxPerSec: Math.round(TXS / totalS),
    rssGrowthMiB: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

await main();

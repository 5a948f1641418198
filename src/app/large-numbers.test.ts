// An account whose number and sequence are past 2^31, as a long-lived chain will have: cosmjs-types
// 0.11 wrote every 64-bit value from 2^31 to 2^32 - 1 as garbage that reads back as 0, which would
// have reset such an account's sequence to 0 (see src/util/proto-int64.ts). Signed with CosmJS in
// this process (the fix installed), checked, executed and stored by the app, read back through
// the committed store and the Account query.
import { describe, expect, it } from 'vitest';
import { CheckTxType, RequestCheckTx } from 'cosmjs-types/tendermint/abci/types';
import { BASE_ACCOUNT_TYPE } from '../modules/auth/keeper.js';
import { accountQueryData, decodeAccountQuery, genesisAppState, testNodes } from '../testing/app-fixture.js';
import { createTestWallet, msgSendAny, signTx } from '../testing/tx-fixture.js';

const nodes = testNodes();

describe('an account with number and sequence past 2^31', () => {
  it('signs, runs and is stored with them; a replay at sequence 0 is refused', async () => {
    const w = await createTestWallet(2);
    const [from, to] = [w.at(0), w.at(1)];
    const accountNumber = 2n ** 31n + 5n;
    const sequence = 2n ** 31n;
    const appState = genesisAppState([[from.address, 1_000_000n]], {
      modules: {
        auth: { accounts: [{ '@type': BASE_ACCOUNT_TYPE, address: from.address, pub_key: null, account_number: accountNumber.toString(), sequence: sequence.toString() }] },
      },
    });
    const node = await nodes.started(appState);
    expect(node.account(from.address)).toEqual({ accountNumber, sequence });

    const send = (seq: bigint): Promise<Uint8Array> =>
      signTx(w, { messages: [msgSendAny(from.address, to.address, 10n)], signers: [{ account: from, accountNumber, sequence: seq }] });
    const first = await send(sequence);
    expect((await node.app.checkTx(RequestCheckTx.fromPartial({ tx: first, type: CheckTxType.NEW }))).code).toBe(0);
    const res = await node.block(2n, [first]);
    expect(res.txResults[0]?.code).toBe(0);
    expect(node.account(from.address)).toEqual({ accountNumber, sequence: sequence + 1n });
    const queried = decodeAccountQuery(await node.query('/cosmos.auth.v1beta1.Query/Account', accountQueryData(from.address)));
    expect([queried.accountNumber, queried.sequence]).toEqual([accountNumber, sequence + 1n]);

    // What the broken writer would have let through: the sequence read back as 0.
    const replay = await send(0n);
    const refused = await node.app.checkTx(RequestCheckTx.fromPartial({ tx: replay, type: CheckTxType.NEW }));
    expect(refused.code).not.toBe(0);
    expect(refused.log).toMatch(/sequence/);
    const next = await send(sequence + 1n);
    expect((await node.block(3n, [next])).txResults[0]?.code).toBe(0);
    expect(node.balance(to.address)).toBe(20n);
  });
});

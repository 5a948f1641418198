import { beforeAll, describe, expect, it } from 'vitest';
import { genesisAppState, testNodes } from '../testing/app-fixture.js';
import { createTestWallet, msgSendAny, signTx, type TestWallet } from '../testing/tx-fixture.js';
import { makeEvent } from './event.js';
import { indexEventsSetting, markIndexed, parseIndexEvents } from './index-events.js';

describe('parseIndexEvents', () => {
  it('takes event types and type.key pairs, comma-separated', () => {
    expect([...parseIndexEvents('message.sender, transfer.recipient,escrow')]).toEqual(['message.sender', 'transfer.recipient', 'escrow']);
  });

  it.each(['', 'message.', '.sender', 'a.b.c', 'message sender', 'message.sender,,transfer'])('refuses %j with a clear error', (list) => {
    expect(() => parseIndexEvents(list)).toThrow(/--index-events: ".*" is not an event type or type\.key/);
  });
});

describe('indexEventsSetting (the flag, else CYBERMILES_INDEX_EVENTS)', () => {
  it('takes the flag over the environment, the environment when there is no flag', () => {
    expect([...(indexEventsSetting('message.sender', 'transfer') ?? [])]).toEqual(['message.sender']);
    expect([...(indexEventsSetting(undefined, 'transfer,message.action') ?? [])]).toEqual(['transfer', 'message.action']);
  });

  it('indexes everything when neither is set, or the variable is empty (as a compose file passes it)', () => {
    expect(indexEventsSetting(undefined, undefined)).toBeUndefined();
    expect(indexEventsSetting(undefined, '')).toBeUndefined();
    expect(indexEventsSetting(undefined, '  ')).toBeUndefined();
  });

  it('names the variable when its list is wrong, and still refuses an empty flag', () => {
    expect(() => indexEventsSetting(undefined, 'a.b.c')).toThrow(/^CYBERMILES_INDEX_EVENTS: "a\.b\.c" is not an event type/);
    expect(() => indexEventsSetting('', 'transfer')).toThrow(/--index-events: "" is not/);
  });
});

describe('markIndexed', () => {
  const events = [makeEvent('transfer', [['recipient', 'r'], ['sender', 's'], ['amount', '1ucmt']]), makeEvent('message', [['action', 'a'], ['sender', 's']])];

  it('indexes a type.key, or every attribute of a type named alone, and nothing else', () => {
    const marked = markIndexed(events, parseIndexEvents('transfer.recipient,message'));
    expect(marked.map((e) => e.attributes.map((a) => [`${e.type}.${a.key}`, a.index]))).toEqual([
      [['transfer.recipient', true], ['transfer.sender', false], ['transfer.amount', false]],
      [['message.action', true], ['message.sender', true]],
    ]);
    // The events given are left as they were (every attribute indexed, as makeEvent makes them).
    expect(events.every((e) => e.attributes.every((a) => a.index))).toBe(true);
  });
});

describe('an app with --index-events', () => {
  let w: TestWallet;
  beforeAll(async () => {
    w = await createTestWallet(2);
  });
  const nodes = testNodes();

  it("marks only the chosen attributes of FinalizeBlock's tx events; results and app hash are unchanged", async () => {
    const [a, b] = [w.at(0).address, w.at(1).address];
    const genesis = genesisAppState([[a, 1_000_000n], [b, 1_000_000n]]);
    const tx = await signTx(w, { messages: [msgSendAny(a, b, 5n)], signers: [{ account: w.at(0), accountNumber: 0n, sequence: 0n }] });
    const every = await nodes.started(genesis);
    const some = await nodes.started(genesis, { indexEvents: parseIndexEvents('transfer.recipient,message.sender') });
    const [full, narrow] = [await every.block(2n, [tx]), await some.block(2n, [tx])];

    expect(narrow.txResults.map((r) => r.code)).toEqual([0]);
    expect(narrow.appHash).toEqual(full.appHash);
    const indexed = (r: typeof narrow): string[] =>
      (r.txResults[0]?.events ?? []).flatMap((e) => e.attributes.filter((x) => x.index).map((x) => `${e.type}.${x.key}`));
    expect(new Set(indexed(narrow))).toEqual(new Set(['transfer.recipient', 'message.sender']));
    expect(indexed(full).length).toBe((full.txResults[0]?.events ?? []).flatMap((e) => e.attributes).length);
    // The same events and values either way: only the flags differ.
    const strip = (r: typeof narrow): unknown => r.txResults[0]?.events.map((e) => [e.type, e.attributes.map((x) => [x.key, x.value])]);
    expect(strip(narrow)).toEqual(strip(full));
  });
});

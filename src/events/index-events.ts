// Which event attributes the node asks CometBFT to index (`cybermilesd start --index-events`),
// as the SDK's `index-events` in app.toml: by default every attribute (tx_search finds txs by any
// of them); with a list, only the attributes named, each as `type.key`, or every attribute of an
// event type named alone. Indexing is about a third of CometBFT's CPU under load
// (bench/PROFILE.md, eighth round), so a node that answers only some queries can keep those.
//
// Node-local, like the SDK's setting: the index flag is not part of consensus (CometBFT's results
// hash covers a tx result's code, data and gas only), so nodes may differ in it.
import type { Event } from 'cosmjs-types/tendermint/abci/types';

/** The attributes to index: event types (every attribute) and `type.key` pairs. */
export type IndexEvents = ReadonlySet<string>;

const ENTRY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$/;

/** Parses a comma-separated list such as `message.sender,transfer.recipient,escrow`. */
export function parseIndexEvents(list: string, source = '--index-events'): IndexEvents {
  const entries = list.split(',').map((e) => e.trim());
  for (const e of entries) {
    if (!ENTRY.test(e)) throw new Error(`${source}: "${e}" is not an event type or type.key (for example message.sender)`);
  }
  return new Set(entries);
}

/** The environment variable `start` reads when `--index-events` is not given (docker-compose, testnet-run). */
export const INDEX_EVENTS_ENV = 'CYBERMILES_INDEX_EVENTS';

/**
 * What to index: the flag's list if given, else the environment variable's when it holds
 * anything but blanks; undefined (every attribute) otherwise. An empty variable is how a compose
 * file passes "not set".
 */
export function indexEventsSetting(flag: string | undefined, env: string | undefined): IndexEvents | undefined {
  if (flag !== undefined) return parseIndexEvents(flag);
  if (env === undefined || env.trim() === '') return undefined;
  return parseIndexEvents(env, INDEX_EVENTS_ENV);
}

/** Whether `only` indexes attribute `key` of events of `type`. */
export function indexes(only: IndexEvents, type: string, key: string): boolean {
  return only.has(type) || only.has(`${type}.${key}`);
}

/** The events with each attribute's index flag set by `only`. */
export function markIndexed(events: readonly Event[], only: IndexEvents): Event[] {
  return events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: indexes(only, e.type, a.key) })) }));
}

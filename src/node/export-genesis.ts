// `cybermilesd export`: the committed state as a genesis document that a new chain can start from.
// Reads the app's database directly, so the node must be stopped (LevelDB allows one process).
import { createApp } from '../app.js';
import { settleStakeForExport } from '../modules/staking/export.js';
import { CommitStore } from '../store/commit-store.js';
import { silentLogger } from '../util/logger.js';
import { homePaths } from './home.js';
import { readGenesis, type GenesisDoc } from './init-home.js';

export async function exportGenesis(home: string): Promise<GenesisDoc & { exported_height: string }> {
  const paths = homePaths(home);
  let store: CommitStore;
  try {
    store = await CommitStore.open(paths.appDb);
  } catch (e) {
    throw new Error(`cannot open ${paths.appDb}; is the node still running? Stop it first. (${(e as Error).message})`);
  }
  try {
    const { modules, keepers } = createApp(store, { logger: silentLogger, version: 'export', checkInvariants: false });
    const appState: Record<string, unknown> = {};
    for (const m of modules) appState[m.name] = await m.exportGenesis(store);
    // The new chain brings its own validators: stake goes back to its owners (see the function).
    await settleStakeForExport(keepers.staking, store, appState);
    const genesis = await readGenesis(paths.genesis);
    return { ...genesis, app_hash: '', app_state: appState, exported_height: store.lastHeight.toString() };
  } finally {
    await store.close();
  }
}

// auth module adapter. auth has no messages of its own; the ante path uses its keeper.
import type { AppModule } from '../../app/module.js';
import { exportAuthGenesis, initAuthGenesis } from './genesis.js';
import type { AuthKeeper } from './keeper.js';
import { authQueries } from './queries.js';

export function authModule(auth: AuthKeeper): AppModule {
  return {
    name: 'auth',
    msgHandlers: [],
    queries: authQueries(auth),
    invariants: [],
    initGenesis: (store, state) => initAuthGenesis(auth, store, state),
    exportGenesis: (store) => exportAuthGenesis(auth, store),
  };
}

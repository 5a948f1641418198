// Makes a fresh checkout runnable: npm dependencies, the pinned CometBFT, the compiled app.
// Uses only Node built-ins, so it runs before node_modules exists.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const installedMarker = join(root, 'node_modules', '.package-lock.json');
// A node_modules that is a symlink (a git worktree sharing another checkout's) belongs to that
// checkout: installing here would replace the link with a fresh, partial copy.
const sharedModules = existsSync(join(root, 'node_modules')) && lstatSync(join(root, 'node_modules')).isSymbolicLink();
if (!sharedModules && (!existsSync(installedMarker) || mtime(join(root, 'package-lock.json')) > mtime(installedMarker))) {
  // `npm install`, not `npm ci`: npm 11 here writes lock files without other platforms' optional
  // packages (rollup's, esbuild's), which `npm ci` then calls out of sync.
  run('npm', ['install', '--no-audit', '--no-fund']);
}
run('bash', [join(root, 'scripts', 'install-cometbft.sh')]);
run('npx', ['tsc', '-p', 'tsconfig.build.json']);

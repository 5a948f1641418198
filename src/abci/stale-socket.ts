// A unix socket file left behind by a crashed process makes listen() fail with EADDRINUSE.
// Remove it only when nothing answers on it, so a live server is never hijacked.
import { connect } from 'node:net';
import { lstat, unlink } from 'node:fs/promises';

export async function removeStaleUnixSocket(path: string): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined || !st.isSocket()) return false;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) return false;
  await unlink(path);
  return true;
}

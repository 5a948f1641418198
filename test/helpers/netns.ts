// Network namespaces for tests (Linux, root, iproute2): private networks that exist only inside
// this machine, made and removed by the test itself. Addresses are in 10.213.0.0/16 and
// 10.214.0.0/16 and never leave the veth pairs and bridges created here.
//
// - Netns: one node in its own namespace, joined to this one by two veth pairs (P2P and RPC), so
//   that its P2P link can be cut and restored (a partition) while the test still watches it.
// - BridgedHosts: N namespaces on one bridge with a hosts file each, as docker compose gives its
//   services (their own network stack, default ports, peers by service name).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { processAlive } from '../../src/util/process-alive.js';

const exec = promisify(execFile);
const ip = (...args: string[]): Promise<unknown> => exec('ip', args, { timeout: 10_000 });
const quietly = (p: Promise<unknown>): Promise<void> => p.then(() => undefined, () => undefined);

/** Why network namespaces cannot be used here, or undefined when they can. */
export async function netnsSupport(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `cmt-probe-${process.pid}`;
  try {
    await ip('netns', 'add', probe);
  } catch (e) {
    return `'ip netns add' failed: ${(e as Error).message.split('\n')[0] ?? ''}`;
  }
  await quietly(ip('netns', 'del', probe));
  return undefined;
}

/** A /24 (or smaller) third octet under 10.<second>.X.0 that no interface here uses yet. */
async function freeSubnet(second: number): Promise<number> {
  const { stdout } = await exec('ip', ['-4', '-o', 'addr'], { timeout: 10_000 });
  for (let i = 0; i < 100; i++) {
    const candidate = 1 + Math.floor(Math.random() * 254);
    if (!stdout.includes(`10.${second}.${candidate}.`)) return candidate;
  }
  throw new Error(`no free 10.${second}.X.0 subnet`);
}

/**
 * Removes what an earlier test run left behind when it was killed before its cleanup: namespaces
 * named cmt-<pid>-… or cmb-<pid>-… whose process is gone (their veth pairs go with them) and their
 * hosts files. (An empty bridge left behind is harmless: its subnet is simply not chosen again.)
 */
async function sweepStale(): Promise<void> {
  const { stdout } = await exec('ip', ['netns', 'list'], { timeout: 10_000 });
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^cm[tb]-(\d+)-/.exec(name);
    if (m === null || processAlive(Number(m[1]))) continue;
    await quietly(ip('netns', 'del', name));
    await rm(`/etc/netns/${name}`, { recursive: true, force: true });
  }
}

function nsExec(ns: string, ...args: string[]): Promise<unknown> {
  return ip('netns', 'exec', ns, ...args);
}

/** One node's namespace with a P2P link (10.213.X.1 here, .2 there) and an RPC link (.5, .6). */
export class Netns {
  private constructor(
    readonly name: string,
    private readonly links: readonly [string, string],
    readonly hostP2pAddr: string,
    readonly nsP2pAddr: string,
    readonly nsRpcAddr: string,
  ) {}

  static async create(): Promise<Netns> {
    await sweepStale();
    const octet = await freeSubnet(213);
    const tag = `${(process.pid % 10000).toString(36)}${octet.toString(36)}`;
    const ns = new Netns(`cmt-${process.pid}-${octet}`, [`cmp${tag}`, `cmr${tag}`], `10.213.${octet}.1`, `10.213.${octet}.2`, `10.213.${octet}.6`);
    try {
      await ip('netns', 'add', ns.name);
      await nsExec(ns.name, 'ip', 'link', 'set', 'lo', 'up');
      const pairs = [
        [ns.links[0], ns.hostP2pAddr, ns.nsP2pAddr],
        [ns.links[1], `10.213.${octet}.5`, ns.nsRpcAddr],
      ] as const;
      for (const [link, here, there] of pairs) {
        await ip('link', 'add', `${link}h`, 'type', 'veth', 'peer', 'name', `${link}n`);
        await ip('link', 'set', `${link}n`, 'netns', ns.name);
        await ip('addr', 'add', `${here}/30`, 'dev', `${link}h`);
        await ip('link', 'set', `${link}h`, 'up');
        await nsExec(ns.name, 'ip', 'addr', 'add', `${there}/30`, 'dev', `${link}n`);
        await nsExec(ns.name, 'ip', 'link', 'set', `${link}n`, 'up');
      }
    } catch (e) {
      await ns.destroy();
      throw e;
    }
    return ns;
  }

  /** The command prefix that runs a process inside the namespace (ip execs it: same pid). */
  get wrapper(): readonly string[] {
    return ['ip', 'netns', 'exec', this.name];
  }

  /** Takes the namespace's end of the P2P link down: packets to and from the node are lost. */
  async cut(): Promise<void> {
    await nsExec(this.name, 'ip', 'link', 'set', `${this.links[0]}n`, 'down');
  }

  async restore(): Promise<void> {
    await nsExec(this.name, 'ip', 'link', 'set', `${this.links[0]}n`, 'up');
  }

  async destroy(): Promise<void> {
    for (const link of this.links) await quietly(ip('link', 'del', `${link}h`));
    await quietly(ip('netns', 'del', this.name));
  }
}

/**
 * N namespaces on one bridge, host i at 10.214.X.(10+i), each resolving `names` through its own
 * /etc/netns/<ns>/hosts (which `ip netns exec` puts in place of /etc/hosts). This namespace has
 * 10.214.X.1 on the bridge, to reach them.
 */
export class BridgedHosts {
  private constructor(
    private readonly bridge: string,
    readonly namespaces: readonly string[],
    readonly addresses: readonly string[],
    private readonly createdEtcNetns: boolean,
  ) {}

  static async create(names: readonly string[]): Promise<BridgedHosts> {
    await sweepStale();
    const octet = await freeSubnet(214);
    const tag = `${(process.pid % 10000).toString(36)}${octet.toString(36)}`;
    const namespaces = names.map((n) => `cmb-${process.pid}-${octet}-${n}`);
    const addresses = names.map((_, i) => `10.214.${octet}.${10 + i}`);
    const createdEtcNetns = !existsSync('/etc/netns');
    const net = new BridgedHosts(`cmb${tag}`, namespaces, addresses, createdEtcNetns);
    const hosts = ['127.0.0.1 localhost', ...names.map((n, i) => `${addresses[i] ?? ''} ${n}`)].join('\n') + '\n';
    try {
      await ip('link', 'add', net.bridge, 'type', 'bridge');
      await ip('addr', 'add', `10.214.${octet}.1/24`, 'dev', net.bridge);
      await ip('link', 'set', net.bridge, 'up');
      for (const [i, ns] of namespaces.entries()) {
        const link = `${net.bridge}${i}`;
        await ip('netns', 'add', ns);
        await mkdir(`/etc/netns/${ns}`, { recursive: true });
        await writeFile(`/etc/netns/${ns}/hosts`, hosts);
        await ip('link', 'add', `${link}h`, 'type', 'veth', 'peer', 'name', `${link}n`);
        await ip('link', 'set', `${link}n`, 'netns', ns);
        await ip('link', 'set', `${link}h`, 'master', net.bridge);
        await ip('link', 'set', `${link}h`, 'up');
        await nsExec(ns, 'ip', 'addr', 'add', `${addresses[i] ?? ''}/24`, 'dev', `${link}n`);
        await nsExec(ns, 'ip', 'link', 'set', `${link}n`, 'up');
        await nsExec(ns, 'ip', 'link', 'set', 'lo', 'up');
      }
    } catch (e) {
      await net.destroy();
      throw e;
    }
    return net;
  }

  wrapper(i: number): readonly string[] {
    const ns = this.namespaces[i];
    if (ns === undefined) throw new Error(`no namespace ${i}`);
    return ['ip', 'netns', 'exec', ns];
  }

  async destroy(): Promise<void> {
    for (const [i, ns] of this.namespaces.entries()) {
      await quietly(ip('link', 'del', `${this.bridge}${i}h`));
      await quietly(ip('netns', 'del', ns));
      await rm(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
    await quietly(ip('link', 'del', this.bridge));
    if (this.createdEtcNetns && existsSync('/etc/netns') && (await readdir('/etc/netns')).length === 0) await quietly(rmdir('/etc/netns'));
  }
}

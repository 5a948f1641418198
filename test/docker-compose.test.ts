// docker-compose.yml, the Dockerfile and `cybermilesd testnet --docker` must agree: the services
// are the nodes the generator makes, each mounts its generated home where its command says, and
// the generated config.toml files listen where the containers expect and find their peers by
// those service names. No Docker engine runs here, so the compose file is read with a small YAML
// reader; where a Compose implementation is installed (`docker compose` or `docker-compose`),
// its own `config` reads the file too.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NODE_FLAGS } from '../src/node/app-node-flags.js';
import { getTomlString } from '../src/node/config-toml.js';
import { COMETBFT_VERSION } from '../src/node/cometbft-binary.js';
import { DEFAULT_PORTS } from '../src/node/init-home.js';
import { DOCKER_HOME, GENESIS_VALIDATOR_POWER, showNodeId, type TestnetInfo } from '../src/node/testnet.js';
import { CLI } from './helpers/node.js';
import { parseYamlLite, YamlLiteError, type YamlValue } from './helpers/yaml-lite.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VALIDATORS = 4;
/** Where the compose file expects the generated homes, relative to itself. */
const TESTNET_DIR = './testnet-docker';

interface Service {
  build?: YamlValue;
  image?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: string[];
  init?: boolean;
}
interface PrivValidatorKey {
  address: string;
  pub_key: { type: string; value: string };
}
interface GenesisValidator {
  address: string;
  pub_key: { type: string; value: string };
  power: string;
  name: string;
}

/** The first Compose implementation that answers, with the command that runs it. */
async function composeCommand(): Promise<readonly string[] | undefined> {
  for (const cmd of [['docker', 'compose'], ['docker-compose']] as const) {
    try {
      await run(cmd[0], [...cmd.slice(1), 'version'], { timeout: 20_000 });
      return cmd;
    } catch {
      // not installed
    }
  }
  return undefined;
}

const compose = await composeCommand();

describe('yaml-lite (the reader used below)', () => {
  it('reads block mappings, sequences, quoted and flow scalars, and comments', () => {
    const doc = parseYamlLite(
      [
        '# a comment',
        'services:',
        '  a:',
        '    image: x:1 # trailing comment',
        '    command: ["start", "--home", "/h"]',
        '    ports:',
        '      - "127.0.0.1:1:2"',
        "      - '3:4'",
        '    volumes:',
        '    - ./d:/h',
        '    init: true',
        '    n: 30',
        '    list:',
        '      - k: v',
        '        k2: "#not a comment"',
        '      - --flag',
      ].join('\n'),
    );
    expect(doc).toEqual({
      services: {
        a: {
          image: 'x:1',
          command: ['start', '--home', '/h'],
          ports: ['127.0.0.1:1:2', '3:4'],
          volumes: ['./d:/h'],
          init: true,
          n: 30,
          list: [{ k: 'v', k2: '#not a comment' }, '--flag'],
        },
      },
    });
  });

  it('refuses what it does not understand, naming the line', () => {
    expect(() => parseYamlLite('a: &anchor 1\nb: *anchor')).toThrow(YamlLiteError);
    expect(() => parseYamlLite('a: |\n  text')).toThrow(/line 1/);
    expect(() => parseYamlLite('a: 1\na: 2')).toThrow(/duplicate key a/);
    expect(() => parseYamlLite('a:\n\t- 1')).toThrow(/tabs/);
    expect(() => parseYamlLite('a: 1\n---\nb: 2')).toThrow(/documents/);
    expect(() => parseYamlLite("a: [one, 'two']")).toThrow(/JSON/);
  });
});

describe('docker-compose.yml and `cybermilesd testnet --docker`', () => {
  let services: Record<string, Service>;
  let dir: string;
  let info: TestnetInfo;

  beforeAll(async () => {
    const doc = parseYamlLite(await readFile(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services?: Record<string, Service> };
    services = doc.services ?? {};
    dir = await mkdtemp(join(tmpdir(), 'cybermiles-docker-'));
    // The compose file's homes live in ./testnet-docker: generate into a directory of that name.
    await run(process.execPath, [CLI, 'testnet', '--docker', '--validators', String(VALIDATORS), '--output', join(dir, 'testnet-docker')], {
      timeout: 60_000,
    });
    info = JSON.parse(await readFile(join(dir, 'testnet-docker', 'testnet.json'), 'utf8')) as TestnetInfo;
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const home = (i: number): string => join(dir, 'testnet-docker', `node${i}`);

  it('has one service per generated validator, named as the generator names them', () => {
    expect(info.mode).toBe('docker');
    expect(Object.keys(services)).toEqual(info.nodes.map((n) => n.name));
    expect(info.nodes.map((n) => n.host)).toEqual(Object.keys(services));
  });

  it('runs each service from the Dockerfile with `start --home` on its generated home, mounted there', () => {
    info.nodes.forEach((n, i) => {
      const s = services[n.name];
      expect(s, n.name).toBeDefined();
      expect(s?.build).toBe('.');
      expect(s?.image).toBe(services['node0']?.image);
      expect(s?.init).toBe(true);
      expect(s?.command).toEqual(['start', '--home', DOCKER_HOME]);
      // The operator's CYBERMILES_INDEX_EVENTS reaches every node's `start` (empty: index everything).
      expect(s?.environment).toEqual(['CYBERMILES_INDEX_EVENTS=${CYBERMILES_INDEX_EVENTS:-}']);
      expect(s?.volumes).toEqual([`${TESTNET_DIR}/${n.home}:${DOCKER_HOME}`]);
      expect(n.home).toBe(`node${i}`);
    });
  });

  it("publishes node 0's RPC on 26657 and nothing else", () => {
    expect(services['node0']?.ports).toEqual([`127.0.0.1:${DEFAULT_PORTS.rpc}:${DEFAULT_PORTS.rpc}`]);
    expect(info.rpc).toBe(`http://127.0.0.1:${DEFAULT_PORTS.rpc}`);
    for (const name of Object.keys(services).slice(1)) expect(services[name]?.ports).toBeUndefined();
  });

  it('generates configs that listen in the container and find peers by service name', async () => {
    const ids = await Promise.all(info.nodes.map((_, i) => showNodeId(home(i))));
    for (const [i, n] of info.nodes.entries()) {
      const toml = await readFile(join(home(i), 'config', 'config.toml'), 'utf8');
      expect(getTomlString(toml, '', 'moniker')).toBe(n.name);
      // The app and CometBFT share the container: ABCI stays on its loopback.
      expect(getTomlString(toml, '', 'proxy_app')).toBe(`tcp://127.0.0.1:${DEFAULT_PORTS.abci}`);
      expect(getTomlString(toml, 'rpc', 'laddr')).toBe(`tcp://0.0.0.0:${DEFAULT_PORTS.rpc}`);
      expect(getTomlString(toml, 'p2p', 'laddr')).toBe(`tcp://0.0.0.0:${DEFAULT_PORTS.p2p}`);
      const peers = getTomlString(toml, 'p2p', 'persistent_peers').split(',');
      const expected = info.nodes.flatMap((m, j) => (j === i ? [] : [`${ids[j] ?? ''}@${m.name}:${DEFAULT_PORTS.p2p}`]));
      expect(peers).toEqual(expected);
      for (const p of peers) expect(Object.keys(services)).toContain(/@([^:]+):/.exec(p)?.[1]);
      expect(n.node_id).toBe(ids[i]);
    }
  });

  it('gives every home the same genesis, with each home’s validator key at power 10', async () => {
    const texts = await Promise.all(info.nodes.map((_, i) => readFile(join(home(i), 'config', 'genesis.json'), 'utf8')));
    expect(new Set(texts).size).toBe(1);
    const genesis = JSON.parse(texts[0] ?? '{}') as { chain_id: string; validators: GenesisValidator[]; app_state: { bank: { balances: unknown[] } } };
    expect(genesis.chain_id).toBe(info.chain_id);
    // The ten dev accounts and one operator account per validator (it bonds the self-bond).
    expect(genesis.app_state.bank.balances).toHaveLength(10 + info.nodes.length);
    const keys = await Promise.all(
      info.nodes.map(async (_, i) => JSON.parse(await readFile(join(home(i), 'config', 'priv_validator_key.json'), 'utf8')) as PrivValidatorKey),
    );
    expect(genesis.validators).toEqual(
      keys.map((k, i) => ({ address: k.address, pub_key: k.pub_key, power: String(GENESIS_VALIDATOR_POWER), name: `node${i}` })),
    );
  });

  it('builds the pinned CometBFT with pebbledb in the Dockerfile and runs the CLI the compose commands address', async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    const script = await readFile(join(ROOT, 'scripts', 'install-cometbft.sh'), 'utf8');
    expect(dockerfile).toContain(`ARG COMETBFT_VERSION=${COMETBFT_VERSION}`);
    expect(script).toContain(`VERSION="${COMETBFT_VERSION}"`);
    expect(dockerfile).toMatch(/go install -tags pebbledb "github\.com\/cometbft\/cometbft\/cmd\/cometbft@v\$\{COMETBFT_VERSION\}"/);
    // Homes generated on the host use pebbledb when the host's CometBFT has it: so must the image's.
    expect(script).toContain('TAGS="pebbledb"');
    expect(script).toMatch(/go install -tags "\$TAGS" "github\.com\/cometbft\/cometbft\/cmd\/cometbft@v\$VERSION"/);
    expect(dockerfile).toMatch(/^FROM node:20[\w.-]*$/m);
    const entrypoint = ['node', ...APP_NODE_FLAGS, '/app/bin/cybermilesd.js'].map((a) => JSON.stringify(a)).join(', ');
    expect(dockerfile).toContain(`ENTRYPOINT [${entrypoint}]`);
    expect(dockerfile).toContain(`CMD ["start", "--home", "${DOCKER_HOME}"]`);
    expect(dockerfile).toContain(`VOLUME ["${DOCKER_HOME}"]`);
  });

  it.skipIf(compose === undefined)(`is valid for ${compose?.join(' ') ?? 'Compose (not installed here: skipped)'}`, async () => {
    const cmd = compose ?? [];
    const { stdout } = await run(cmd[0] ?? 'docker', [...cmd.slice(1), '-f', join(ROOT, 'docker-compose.yml'), 'config'], { timeout: 60_000 });
    // Compose normalises: absolute volume paths, build contexts, ports with /tcp.
    const normalised = (parseYamlLite(stdout) as unknown as { services: Record<string, { command?: string[]; volumes?: YamlValue[] }> }).services;
    expect(Object.keys(normalised).sort()).toEqual(Object.keys(services).sort());
    for (const [name, s] of Object.entries(services)) {
      const n = normalised[name];
      expect(n?.command).toEqual(s.command);
      // Compose v1 writes "SRC:DST:rw"; v2 the long form { type: bind, source, target }.
      const mounts = (n?.volumes ?? []).map((v: YamlValue) =>
        typeof v === 'string' ? v.replace(/:rw$/, '') : `${String((v as Record<string, YamlValue>)['source'])}:${String((v as Record<string, YamlValue>)['target'])}`,
      );
      expect(mounts).toEqual(s.volumes?.map((v) => `${join(ROOT, v.split(':')[0] ?? '')}:${v.split(':')[1] ?? ''}`));
    }
  });
});

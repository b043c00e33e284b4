// docker-compose.yml, checked without an engine: Debian's docker-compose 1.29.2 (the oldest
// Compose we promise to support) must accept it as it is, with the `scale` profile and with
// deploy/scale.env; the normalized result must publish no host port twice, keep each replica's
// data in its own named volume, point the load balancer at the replicas, and carry a
// healthcheck that tells a running server from a stopped one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { COMPOSE_VARIABLES } from './support/composeProject.js';
import { cleanEnv, startImageCmd, type StartedServer } from './support/imageCmd.js';
import { ensureDebianTool, onPath, run } from './support/processes.js';
import { repoRoot } from './support/repoRoot.js';

interface PortLong { target: number | string; published?: number | string; host_ip?: string; protocol?: string }
interface Service {
  image?: string;
  build?: unknown;
  ports?: (string | PortLong)[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  environment?: Record<string, string | null> | string[];
  healthcheck?: { test?: string[] | string };
  restart?: string;
  profiles?: string[];
  depends_on?: Record<string, unknown> | string[];
  command?: string[] | string;
}
interface ComposeConfig { services: Record<string, Service>; volumes?: Record<string, { name?: string } | null> }

/** Variables the compose file interpolates: unset, so that the developer's shell does not leak in. */
const INTERPOLATED = COMPOSE_VARIABLES;

async function compose(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(['docker-compose', '--project-directory', repoRoot, '-f', join(repoRoot, 'docker-compose.yml'), ...args], {
    env: cleanEnv(INTERPOLATED),
    timeoutMs: 60_000,
  });
}

/** YAML → JSON through the PyYAML that Debian's docker-compose itself depends on. */
async function yamlToJson(yaml: string): Promise<unknown> {
  const script = 'import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)';
  for (const py of ['/usr/bin/python3', 'python3']) {
    if (py.startsWith('/') ? !existsSync(py) : !onPath(py)) continue;
    const r = await run([py, '-c', script], { input: yaml });
    if (r.code === 0) return JSON.parse(r.stdout);
  }
  throw new Error('cannot read the YAML from `docker-compose config`: needs python3 with PyYAML (Debian: python3-yaml)');
}

const normalizedCache = new Map<string, Promise<ComposeConfig>>();

/** The normalized configuration, as the given Compose invocation would run it. */
function normalized(args: string[]): Promise<ComposeConfig> {
  const key = JSON.stringify(args);
  let cfg = normalizedCache.get(key);
  if (!cfg) normalizedCache.set(key, (cfg = readNormalized(args)));
  return cfg;
}

async function readNormalized(args: string[]): Promise<ComposeConfig> {
  const json = await compose([...args, 'config', '--format', 'json']); // Compose v2
  // (1.29.2 answers `--format` with its usage text and exit 0.)
  if (json.code === 0 && json.stdout.trimStart().startsWith('{')) return JSON.parse(json.stdout) as ComposeConfig;
  const yaml = await compose([...args, 'config']); // Compose v1 prints YAML only
  assert.equal(yaml.code, 0, yaml.stderr);
  return (await yamlToJson(yaml.stdout)) as ComposeConfig;
}

/** Host ports a service publishes, as "port/protocol" (any host IP: 0.0.0.0 covers them all). */
function publishedPorts(service: Service): string[] {
  return (service.ports ?? []).flatMap((p) => {
    if (typeof p === 'string') {
      // [ip:]published:target[/proto]; "target" alone publishes nothing fixed.
      const m = /^(?:(?:\[[^\]]+\]|[\d.]+):)?(\d+(?:-\d+)?):\d+(?:-\d+)?(?:\/(\w+))?$/.exec(p);
      return m ? [`${m[1]}/${m[2] ?? 'tcp'}`] : [];
    }
    return p.published === undefined || p.published === '' ? [] : [`${p.published}/${p.protocol ?? 'tcp'}`];
  });
}

function assertNoPortTwice(cfg: ComposeConfig, label: string): void {
  const owner = new Map<string, string>();
  for (const [name, svc] of Object.entries(cfg.services)) {
    for (const port of publishedPorts(svc)) {
      assert.ok(!owner.has(port), `${label}: host port ${port} published by both ${owner.get(port)} and ${name}`);
      owner.set(port, name);
    }
  }
}

function env(svc: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(svc.environment)) {
    for (const kv of svc.environment) {
      const i = kv.indexOf('=');
      if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
    }
  } else {
    for (const [k, v] of Object.entries(svc.environment ?? {})) if (v !== null) out[k] = v;
  }
  return out;
}

/** The named volume mounted at /data (fails on a bind mount: data belongs in a volume). */
function dataVolume(svc: Service, name: string): string {
  for (const v of svc.volumes ?? []) {
    const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
    if (target === '/data') {
      assert.ok(source && !source.startsWith('/') && !source.startsWith('.'), `${name}: /data is a bind mount (${source})`);
      return source;
    }
  }
  assert.fail(`${name}: no volume at /data`);
}

function dependsOn(svc: Service): string[] {
  return Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
}

before(async () => {
  await ensureDebianTool('docker-compose', 'docker-compose');
});

test('docker-compose accepts the file: default, --profile scale, COMPOSE_PROFILES, --env-file deploy/scale.env', async () => {
  const version = await compose(['version', '--short']);
  assert.equal(version.code, 0, version.stderr);
  for (const args of [[], ['--profile', 'scale'], ['--env-file', join(repoRoot, 'deploy/scale.env')]]) {
    const r = await compose([...args, 'config', '-q']);
    assert.equal(r.code, 0, `docker-compose ${args.join(' ')} config -q (version ${version.stdout.trim()}):\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /WARN|variable is not set/i, `warnings for ${args.join(' ') || 'the default'}:\n${r.stderr}`);
  }
  const viaEnv = await run(['docker-compose', '-f', join(repoRoot, 'docker-compose.yml'), 'config', '-q'], {
    env: { ...cleanEnv(INTERPOLATED), COMPOSE_PROFILES: 'scale' },
  });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
});

test('default: one server on port 1234 with a named data volume, restart policy and healthcheck', async () => {
  const cfg = await normalized([]);
  const tandem = cfg.services.tandem;
  assert.ok(tandem, 'service `tandem`');
  assert.equal(tandem.profiles, undefined, '`tandem` runs without a profile');
  assert.ok(tandem.build, '`tandem` is built from the Dockerfile');
  assert.deepEqual(publishedPorts(tandem), ['1234/tcp']);
  assert.equal(tandem.restart, 'unless-stopped');
  assert.ok(tandem.healthcheck?.test, 'healthcheck');
  const vol = dataVolume(tandem, 'tandem');
  assert.ok(cfg.volumes && vol in cfg.volumes, `${vol} is a declared named volume`);
  // Defaults leave the optional settings empty, which the server reads as "not set".
  const e = env(tandem);
  for (const k of ['AUTH_SECRET', 'ALLOWED_ORIGINS', 'REDIS_URL']) assert.equal(e[k], '', k);
  // Services that need a profile are not started by a plain `up`.
  for (const [name, svc] of Object.entries(cfg.services)) {
    if (name !== 'tandem') assert.deepEqual(svc.profiles, ['scale'], `${name} belongs to the scale profile`);
  }
  assertNoPortTwice(cfg, 'default');
});

test('profile scale: Redis, a second replica with its own volume, a load balancer on LB_PORT', async () => {
  for (const [label, args] of [
    ['--profile scale', ['--profile', 'scale']],
    ['--env-file deploy/scale.env', ['--env-file', join(repoRoot, 'deploy/scale.env')]],
  ] as const) {
    const cfg = await normalized([...args]);
    const { tandem, redis, lb } = cfg.services;
    const replica = cfg.services['tandem-2'];
    assert.ok(tandem && redis && lb && replica, `${label}: services tandem, tandem-2, redis, lb`);
    assertNoPortTwice(cfg, label);
    assert.deepEqual(publishedPorts(replica), [], 'the second replica is reached through the load balancer only');
    assert.deepEqual(publishedPorts(redis), [], 'Redis is not published');
    // The shared log of every document: an append-only file, fsynced before each acknowledgement.
    const redisArgs = Array.isArray(redis.command) ? redis.command.join(' ') : redis.command ?? '';
    assert.match(redisArgs, /--appendonly yes\b/);
    assert.match(redisArgs, /--appendfsync always\b/);
    // Bounded, and refusing writes when full rather than evicting a document's log (issue 27).
    assert.match(redisArgs, /--maxmemory \d+[kmg]?b?\b/i);
    assert.match(redisArgs, /--maxmemory-policy noeviction\b/);
    assert.equal(dataVolume(redis, 'redis'), 'redis-data', 'Redis keeps its file in a volume');
    assert.deepEqual(publishedPorts(lb), ['8080/tcp']);
    assert.notEqual(dataVolume(replica, 'tandem-2'), dataVolume(tandem, 'tandem'), 'each replica has its own LevelDB');
    assert.equal(env(replica).REDIS_URL, 'redis://redis:6379');
    assert.ok(replica.healthcheck?.test && replica.restart === 'unless-stopped');
    assert.ok(dependsOn(replica).includes('redis'));
    assert.deepEqual(dependsOn(lb).sort(), ['tandem', 'tandem-2']);
    if (label.includes('env-file')) {
      // deploy/scale.env puts the first replica into the cluster too, behind the balancer.
      assert.equal(env(tandem).REDIS_URL, 'redis://redis:6379');
      assert.equal(env(tandem).TRUST_PROXY, '1');
      assert.ok((tandem.ports ?? []).every((p) => (typeof p === 'string' ? p.startsWith('127.0.0.1:') : p.host_ip === '127.0.0.1')),
        'with the balancer in front, the first replica is published on loopback only');
    }
  }
  const moved = await run(['docker-compose', '-f', join(repoRoot, 'docker-compose.yml'), '--profile', 'scale', 'config'], {
    env: { ...cleanEnv(INTERPOLATED), LB_PORT: '18080' },
  });
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(moved.stdout, /published: 18080|18080:80/, 'LB_PORT moves the load balancer');
});

test('the load balancer config routes by document path to every replica and passes WebSocket upgrades', async () => {
  const cfg = await normalized(['--profile', 'scale']);
  const lb = cfg.services.lb!;
  const mount = (lb.volumes ?? [])
    .map((v) => (typeof v === 'string' ? v.split(':') : [v.source ?? '', v.target ?? '']))
    .find(([, target]) => target?.startsWith('/etc/nginx/'));
  assert.ok(mount?.[0], 'an nginx config is mounted into the load balancer');
  assert.ok(existsSync(mount[0]), `${mount[0]} exists`);
  const conf = readFileSync(mount[0], 'utf8').replace(/#.*$/gm, '');
  assert.match(conf, /hash\s+\$uri\s+consistent\s*;/, 'consistent hash on the path');
  const upstream = [...conf.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`).sort();
  assert.deepEqual(upstream, ['tandem-2:1234', 'tandem:1234'], 'both replicas, on the port the image listens on');
  assert.match(conf, /proxy_http_version\s+1\.1\s*;/);
  assert.match(conf, /proxy_set_header\s+Upgrade\s+\$http_upgrade\s*;/);
  assert.match(conf, /proxy_set_header\s+Connection\s+\$connection_upgrade\s*;/);
  const timeout = /proxy_read_timeout\s+(\d+)([smhd]?)\s*;/.exec(conf);
  assert.ok(timeout, 'proxy_read_timeout');
  const seconds = Number(timeout[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[timeout[2]!]!;
  assert.ok(seconds >= 600, `proxy_read_timeout ${timeout[0]} is too short for long-lived sockets`);
});

test('the compose healthcheck, run as written, exits 0 against the server and 1 once it is down', async (t) => {
  const cfg = await normalized([]);
  const hc = cfg.services.tandem!.healthcheck!.test!;
  const argv = typeof hc === 'string' ? ['/bin/sh', '-c', hc] : hc[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', hc.slice(1).join(' ')] : hc.slice(1);
  assert.ok(argv.length > 0 && (typeof hc === 'string' || hc[0] === 'CMD' || hc[0] === 'CMD-SHELL'), `healthcheck test ${JSON.stringify(hc)}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'tandem-compose-hc-'));
  let server: StartedServer | undefined;
  t.after(async () => {
    await server?.stop('SIGKILL', 2_000);
    await rm(dataDir, { recursive: true, force: true });
  });
  // The service's own environment, as compose would pass it (limits, empty optional settings).
  server = await startImageCmd({ ...env(cfg.services.tandem!), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  const childEnv = { ...process.env, PORT: String(server.port) };
  assert.equal((await run(argv, { env: childEnv, timeoutMs: 10_000 })).code, 0);
  assert.equal((await server.stop('SIGTERM')).code, 0);
  assert.equal((await run(argv, { env: childEnv, timeoutMs: 10_000 })).code, 1);
});

test('every variable the server reads is passed through by compose (or set by the image) and documented', async () => {
  // The server's own list, so that a variable added there without a way to set it in Compose
  // (or a line in the guide) shows up here.
  const source = readFileSync(join(repoRoot, 'server/src/config.ts'), 'utf8');
  const read = new Set([...source.matchAll(/\benv(?:\.|,\s*')([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
  assert.ok(read.size >= 10, `found only ${[...read].join(', ')} in server/src/config.ts`);
  const fromImage = ['PORT', 'HOST', 'DATA_DIR'];
  const passed = new Set(Object.keys(env((await normalized([])).services.tandem!)));
  const guide = readFileSync(join(repoRoot, 'deploy/README-self-hosting.md'), 'utf8');
  for (const name of read) {
    assert.ok(passed.has(name) || fromImage.includes(name), `${name}: not in the environment of the compose service`);
    assert.ok(guide.includes(`\`${name}\``), `${name}: not in the configuration table of deploy/README-self-hosting.md`);
  }
});

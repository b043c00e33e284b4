// Containers and volumes of one test file, named under the run's prefix and removed in its
// `after` (the janitor removes whatever a crash left).
import type { Engine } from './engine.js';
import { waitFor } from './poll.js';

export type Health = 'starting' | 'healthy' | 'unhealthy' | 'none';

export async function health(engine: Engine, container: string): Promise<Health> {
  const out = await engine.must(['inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', container]);
  return out as Health;
}

/** Waits for `healthy`; fails at once on `unhealthy` or an exited container, with its log. */
export async function waitHealthy(engine: Engine, container: string, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  await waitFor(`${container} to turn healthy`, async () => {
    const state = await engine.must(['inspect', '-f', '{{.State.Status}}', container]);
    const h = await health(engine, container);
    if (h === 'unhealthy' || state === 'exited' || state === 'dead') {
      const logs = await engine.docker(['logs', '--tail', '40', container]);
      throw new Error(`${container} is ${state}/${h}\n${logs.stdout}${logs.stderr}`);
    }
    return h === 'healthy';
  }, timeoutMs, 250).catch(async (err: Error) => {
    const logs = await engine.docker(['logs', '--tail', '40', container]);
    throw new Error(`${err.message}\n--- ${container} ---\n${logs.stdout}${logs.stderr}`);
  });
  return Date.now() - t0;
}

/** The host port that `containerPort/tcp` is published on. */
export async function publishedPort(engine: Engine, container: string, containerPort: number): Promise<number> {
  const out = await engine.must(['port', container, `${containerPort}/tcp`]);
  const m = /:(\d+)\s*$/m.exec(out.split('\n')[0] ?? '');
  if (!m) throw new Error(`${container}: ${containerPort}/tcp is not published (${out})`);
  return Number(m[1]);
}

/** The container's address on its (first) network: the host reaches it directly on Linux. */
export async function containerIp(engine: Engine, container: string): Promise<string> {
  const ip = await engine.must(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', container]);
  const first = ip.split(' ').find(Boolean);
  if (!first) throw new Error(`${container} has no IP address`);
  return first;
}

/** VmRSS of the container's main process, in bytes. */
export async function mainRss(engine: Engine, container: string): Promise<number> {
  const status = await engine.must(['exec', container, 'cat', '/proc/1/status']);
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmRSS in /proc/1/status of ${container}`);
  return Number(m[1]) * 1024;
}

/** Names handed out by one test file, removed together. */
export class Scope {
  private readonly containers: string[] = [];
  private readonly volumes: string[] = [];
  private n = 0;

  constructor(private readonly engine: Engine, private readonly label: string) {}

  /** A fresh name under the run's prefix: `<prefix>-<label>-<what>-<n>`. */
  name(what: string): string {
    return `${this.engine.run.prefix}-${this.label}-${what}-${++this.n}`;
  }

  container(name: string): string {
    this.containers.push(name);
    return name;
  }

  volume(name: string): string {
    this.volumes.push(name);
    return name;
  }

  async removeAll(): Promise<void> {
    for (const c of this.containers.splice(0).reverse()) await this.engine.docker(['rm', '-f', '-v', c]);
    for (const v of this.volumes.splice(0)) await this.engine.docker(['volume', 'rm', '-f', v]);
  }
}

// docker-compose.yml run for real by the engine tests, as the self-hosting guide runs it, under a
// project name, volume prefix and loopback ports of the test run's own: nothing of an installation
// on the same engine (its `tandem_data` volume, its ports 1234 and 8080) is touched.
import { join } from 'node:path';
import type { Engine } from './engine.js';
import { cleanEnv } from './imageCmd.js';
import { freePort } from './poll.js';
import { ensureDebianTool, run, type RunResult } from './processes.js';
import { repoRoot } from './repoRoot.js';

/** Variables the compose file interpolates: the developer's shell must not leak in. */
export const COMPOSE_VARIABLES = [
  'TANDEM_PORT', 'LB_PORT', 'TANDEM_IMAGE', 'TANDEM_VOLUME_PREFIX', 'EXTRA_CA_CERTS', 'COMPOSE_PROFILES', 'COMPOSE_FILE',
  'COMPOSE_PROJECT_NAME', 'COMPOSE_PATH_SEPARATOR',
];

export class ComposeProject {
  private constructor(
    private readonly engine: Engine,
    /** Project name and volume prefix: the run's prefix and a label. */
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly envFile: string | undefined,
    readonly tandemPort: number,
    readonly lbPort: number,
  ) {}

  /** A project on the run's image (built once per run: never built by compose here). */
  static async create(engine: Engine, image: string, label: string, opts: { envFile?: string } = {}): Promise<ComposeProject> {
    await ensureDebianTool('docker-compose', 'docker-compose');
    const name = `${engine.run.prefix}${label}`;
    const tandemPort = await freePort();
    const lbPort = await freePort();
    const env = {
      ...cleanEnv(COMPOSE_VARIABLES),
      TANDEM_IMAGE: image,
      TANDEM_VOLUME_PREFIX: name,
      // Shell values win over --env-file ones (deploy/scale.env sets 127.0.0.1:1234 and 8080).
      TANDEM_PORT: `127.0.0.1:${tandemPort}`,
      LB_PORT: `127.0.0.1:${lbPort}`,
    };
    return new ComposeProject(engine, name, env, opts.envFile, tandemPort, lbPort);
  }

  compose(args: readonly string[], timeoutMs = 180_000): Promise<RunResult> {
    const file = ['--project-directory', repoRoot, '-f', join(repoRoot, 'docker-compose.yml'), '-p', this.name];
    const envFile = this.envFile ? ['--env-file', this.envFile] : [];
    return run(['docker-compose', ...file, ...envFile, ...args], { env: this.env, timeoutMs });
  }

  async must(args: readonly string[], timeoutMs?: number): Promise<string> {
    const r = await this.compose(args, timeoutMs);
    if (r.code !== 0) throw new Error(`docker-compose ${args.join(' ')}: exit ${r.code ?? r.signal}\n${r.stderr.slice(-3000)}`);
    return r.stdout.trim();
  }

  /** `up -d` on the image that exists (compose would otherwise build it again). */
  up(): Promise<string> {
    return this.must(['up', '-d', '--no-build']);
  }

  /** The container of one service (its first replica). */
  async container(service: string): Promise<string> {
    const id = (await this.must(['ps', '-q', service])).split('\n')[0];
    if (!id) throw new Error(`${this.name}: no container for ${service}`);
    return id;
  }

  /** The volume the compose file names `<prefix>_<suffix>`. */
  volume(suffix: string): string {
    return `${this.name}_${suffix}`;
  }

  /** Everything this project made still on the engine: containers, networks, volumes. */
  async leftovers(): Promise<string[]> {
    const found: string[] = [];
    const byLabel = `label=com.docker.compose.project=${this.name}`;
    for (const [kind, args] of [
      ['container', ['ps', '-aq', '--filter', byLabel]],
      ['network', ['network', 'ls', '-q', '--filter', byLabel]],
      ['volume', ['volume', 'ls', '-q', '--filter', `name=${this.name}`]],
    ] as const) {
      for (const id of (await this.engine.must([...args])).split('\n').filter(Boolean)) found.push(`${kind} ${id}`);
    }
    return found;
  }

  /** Removes everything (the `after` of every test file that uses a project). */
  async destroy(): Promise<void> {
    await this.compose(['--profile', 'scale', 'down', '-v', '--remove-orphans', '-t', '5']);
  }
}

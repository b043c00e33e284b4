import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot as REPO_ROOT, tempDir } from '../../scripts/testkit/index.mjs';

export { REPO_ROOT };

/** Started the way the README says. E2E_SERVER_ENTRY swaps in another build for experiments. */
const ENTRY = process.env.E2E_SERVER_ENTRY || join(REPO_ROOT, 'server', 'dist', 'main.js');

/**
 * The production server as a child process, on a free port with a temp DATA_DIR. stop() and
 * start() keep port and data, so a restart looks to browsers like the same server coming back.
 */
export class TandemServer {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** `port`: when the server must know it beforehand (PUBLIC_URL with sign-in). */
  static async create(env: Record<string, string> = {}, port?: number): Promise<TandemServer> {
    const server = new TandemServer(port ?? (await freePort()), tempDir('tandem-e2e-'), env);
    await server.start();
    return server;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('server already running');
    const child = spawn(process.execPath, [ENTRY], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await this.waitHealthy(child);
  }

  /** SIGTERM, as an orchestrator would; waits for the process to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }

  /** SIGKILL: a crash, with no flush and no goodbye to the sockets. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || this.child !== child) {
        throw new Error(`server exited with ${child.exitCode} while starting:\n${this.output}`);
      }
      try {
        const res = await fetch(`${this.httpUrl}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50)); // polling a child process, not a page
    }
    throw new Error(`server did not become healthy within 20 s:\n${this.output}`);
  }
}

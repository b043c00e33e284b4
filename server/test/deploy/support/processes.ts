// Child processes for the deployment tests: run a command to completion, find a tool, and obtain
// a Debian package when it is missing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './repoRoot.js';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (never throws for a non-zero exit; `timeoutMs` kills it). */
export function run(
  argv: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) throw new Error('empty argv');
    // stdin only when there is input: a command that exits at once would make writing it fail (EPIPE).
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? repoRoot,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    if (opts.input !== undefined) {
      // A command may exit without reading its input; its exit status tells what happened.
      child.stdin!.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') reject(err);
      });
      child.stdin!.end(opts.input);
    }
  });
}

export function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, bin)));
}

/**
 * Makes sure `bin` is on PATH: installs the Debian package when missing and we are root,
 * otherwise fails saying what to install.
 */
export async function ensureDebianTool(bin: string, pkg: string): Promise<void> {
  if (onPath(bin)) return;
  await aptInstall(pkg, `\`${bin}\` is not on PATH`);
  if (!onPath(bin)) throw new Error(`${pkg} is installed but \`${bin}\` is still not on PATH`);
}

/** Installs a Debian package as root with apt-get; elsewhere fails with `why` and what to install. */
export async function aptInstall(pkg: string, why: string): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new Error(`${why}: install it (Debian/Ubuntu: \`sudo apt-get install -y ${pkg}\`) and run the tests again`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Another apt may be running (another test file installing its tool, a developer): wait for
  // the dpkg lock, and retry while the package lists are locked.
  const apt = async (args: string[]): Promise<RunResult> => {
    for (let attempt = 1; ; attempt++) {
      const r = await run(['apt-get', '-o', 'DPkg::Lock::Timeout=300', ...args], { env, timeoutMs: 600_000 });
      if (r.code === 0 || attempt >= 10 || !/lock/i.test(r.stderr)) return r;
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 3_000));
    }
  };
  const update = await apt(['update']);
  const install = await apt(['install', '-y', '--no-install-recommends', pkg]);
  if (install.code !== 0) {
    throw new Error(
      `could not install ${pkg} (apt-get update: exit ${update.code}; install: exit ${install.code}):\n${install.stderr.slice(-2000)}`,
    );
  }
}

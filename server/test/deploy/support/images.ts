// The images the engine tests need: the base images (pulled, or else built from Debian packages by
// deploy/airgap/build-base-images.sh, and kept between runs) and the project's image, built once
// per run under the run's prefix (removed by the janitor when the run ends).
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from './engine.js';
import { run } from './processes.js';
import { repoRoot } from './repoRoot.js';
import { STATE_DIR, withLock } from './testRun.js';

const AIRGAP = join(repoRoot, 'deploy/airgap/build-base-images.sh');

/**
 * Pulls what is missing; what cannot be pulled (no registry) is built from Debian packages. Says
 * what it did on stdout, as a comment line of the test report.
 */
export async function ensureBaseImages(engine: Engine): Promise<void> {
  return withLock(async () => {
    const list = async () => {
      const r = await run([AIRGAP, '--list'], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`${AIRGAP} --list: exit ${r.code}\n${r.stderr}`);
      return r.stdout.split('\n').filter((l) => l.endsWith(' missing')).map((l) => l.split(' ')[0]!);
    };
    const notes: string[] = [];
    for (const image of await list()) {
      const pulled = await engine.docker(['pull', '-q', image], 180_000);
      notes.push(pulled.code === 0 ? `${image}: pulled` : `${image}: no registry (${pulled.stderr.trim().split('\n').at(-1)})`);
    }
    if ((await list()).length > 0) {
      const t0 = Date.now();
      const built = await run([AIRGAP], { timeoutMs: 10 * 60_000 });
      if (built.code !== 0) throw new Error(`${AIRGAP}: exit ${built.code}\n${built.stdout}\n${built.stderr}`);
      notes.push(`built from Debian packages in ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    const left = await list();
    if (left.length > 0) throw new Error(`base images still missing: ${left.join(', ')}`);
    for (const note of notes) process.stdout.write(`# base images: ${note}\n`);
  });
}

/**
 * The host's extra certificate authorities (a TLS-inspecting proxy's), for the image's npm ci:
 * the Dockerfile's opt-in EXTRA_CA_CERTS. Empty where the host has none.
 */
export function hostExtraCaCerts(): string {
  const dir = '/usr/local/share/ca-certificates';
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.crt'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8').trim())
    .join('\n');
}

export interface ProjectImage {
  readonly tag: string;
  /** Set for the test file that built it (the others found it built). */
  readonly buildMs: number | undefined;
}

/** Layers the build made itself (not found in the cache, not a base image), from its output. */
function newLayers(output: string): string[] {
  const ids: string[] = [];
  for (const step of output.split(/^Step \d+\/\d+ : /m).slice(1)) {
    if (/^FROM\s/i.test(step) || step.includes('---> Using cache')) continue;
    const id = [...step.matchAll(/^ ---> ([0-9a-f]{12,64})$/gm)].at(-1)?.[1];
    if (id) ids.push(id);
  }
  return ids;
}

/** Builds the project's image for this run unless another test file of the run already has. */
export async function projectImage(engine: Engine): Promise<ProjectImage> {
  const tag = `${engine.run.prefix}-tandem:test`;
  return withLock(async () => {
    if ((await engine.docker(['image', 'inspect', tag], 30_000)).code === 0) return { tag, buildMs: undefined };
    const t0 = Date.now();
    // --force-rm: a failed step's container goes too (the classic builder keeps it, unnamed).
    const r = await engine.docker(
      ['build', '--force-rm', '--build-arg', `EXTRA_CA_CERTS=${hostExtraCaCerts()}`, '-t', tag, repoRoot],
      10 * 60_000,
    );
    const buildMs = Date.now() - t0;
    // Recorded even after a failure: the janitor removes what the build left.
    appendFileSync(join(STATE_DIR, 'runs', `${engine.run.prefix}.layers`), newLayers(r.stdout).map((id) => `${id}\n`).join(''));
    if (r.code !== 0) throw new Error(`docker build: exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return { tag, buildMs };
  });
}

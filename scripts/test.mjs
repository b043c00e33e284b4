#!/usr/bin/env node
// `npm test`: every suite — the server's (unit, integration, deployment), the browser end-to-end
// suite, the Docker engine tests and a smoke run of the benchmark harness — then one closing line.
// Each suite obtains what it needs beyond npm (Chromium, docker-compose, a Docker engine) itself.
// The suites run one after another, except the last two: the engine tests mostly wait on image
// builds and containers, and the smoke measures without asserting any timing, so they share the
// machine's two cores without making either flaky (240 s for both, against 340 in turn).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

/** Stages run in turn; the suites of one stage run side by side. */
const stages = [
  [{ name: 'server', cmd: 'npm', args: ['test', '-w', 'server', '--', '--group=main'] }],
  [{ name: 'e2e', cmd: 'npm', args: ['test', '-w', 'e2e'] }],
  [
    { name: 'server-engine', cmd: 'npm', args: ['test', '-w', 'server', '--', '--group=engine'] },
    { name: 'bench-smoke', cmd: process.execPath, args: [join(root, 'scripts', 'bench.mjs'), '--smoke'] },
  ],
]
  .map((stage) => stage.filter((s) => only.length === 0 || only.includes(s.name)))
  .filter((stage) => stage.length > 0);

/**
 * Runs a suite, echoing its output (each line prefixed with the suite's name when it shares its
 * stage with another), and reads its pass/fail counts from the runner's summary.
 */
function run(suite, prefixed) {
  return new Promise((resolve) => {
    const started = Date.now();
    process.stdout.write(`\n=== ${suite.name}${prefixed ? ' (lines marked with its name)' : ''} ===\n`);
    const child = spawn(suite.cmd, suite.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const tee = (stream, target) => {
      let partial = ''; // a prefixed line is written whole, so that two suites' lines never mix
      stream.setEncoding('utf8'); // a character split between two chunks is decoded whole
      stream.on('data', (d) => {
        out += d;
        if (!prefixed) return target.write(d);
        const lines = (partial + d).split('\n');
        partial = lines.pop();
        if (lines.length > 0) target.write(lines.map((l) => `[${suite.name}] ${l}\n`).join(''));
      });
      stream.on('end', () => partial && target.write(`[${suite.name}] ${partial}\n`));
    };
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => {
      const num = (re) => [...out.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
      // node's test runner: "ℹ pass 12"; Playwright: "  12 passed"; the bench smoke: "smoke: N passed, M failed".
      let passed = num(/^ℹ pass (\d+)$/gm) + num(/^\s+(\d+) passed\b/gm) + num(/^smoke: (\d+) passed/gm);
      let failed = num(/^ℹ fail (\d+)$/gm) + num(/^\s+(\d+) failed\b/gm) + num(/^smoke: \d+ passed, (\d+) failed/gm);
      if (code !== 0 && failed === 0) failed = 1; // a suite that died without a summary
      if (code === 0 && passed === 0) passed = 1;
      resolve({ name: suite.name, code, passed, failed, failures: failureLines(out), seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

/**
 * What names the failures in a suite's output, so that the closing summary (often all that a CI
 * log's tail keeps) says which tests failed and why: node's "✖ failing tests:" section, the lines
 * of Playwright's numbered failures and their first error line, the smoke's "ERROR in scenario" lines.
 */
function failureLines(out) {
  const lines = out.split('\n');
  const picked = [];
  let inNodeFailures = false; // node's runner (one per group of files) ends with a "✖ failing tests:" section
  for (const l of lines) {
    if (/^✖ failing tests:/.test(l)) inNodeFailures = true;
    else if (/^(ℹ |=== )/.test(l)) inNodeFailures = false;
    // fast-check's report adds the seed and the error the property hit ("Got error: …"); a test
    // stopped by the runner says why in quotes ('test timed out after …', 'test did not finish …').
    else if (inNodeFailures && /^test at |^\s*✖ |^\s+(\w*Error\b|AssertionError|error:|\{ seed: |Got error: |'test |'Promise )/.test(l)) picked.push(l);
  }
  lines.forEach((l, i) => {
    // Playwright: the failure's first error, or the timeout that stopped it ("Test timeout of 60000ms exceeded.").
    if (/^\s+\d+\) .*›/.test(l)) picked.push(l, ...lines.slice(i + 1, i + 8).filter((x) => /Error|expect\(|Test timeout of/.test(x)).slice(0, 2));
    if (/ERROR in scenario/.test(l)) picked.push(l);
  });
  return [...new Set(picked)].slice(0, 40);
}

const results = [];
for (const stage of stages) results.push(...(await Promise.all(stage.map((suite) => run(suite, stage.length > 1)))));

process.stdout.write('\n=== summary ===\n');
for (const r of results) {
  process.stdout.write(`${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds} s, exit ${r.code})\n`);
  if (r.code !== 0) for (const l of r.failures) process.stdout.write(`  ${l.trim().slice(0, 240)}\n`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);

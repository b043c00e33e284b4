#!/usr/bin/env node
// The operators' CLI: `npm run tandem -- <command>`. It talks to the running server's HTTP API
// (LevelDB admits one process, and the server holds it); only restore-backup opens DATA_DIR
// itself, on a stopped server. Run without arguments for the usage.
import { createReadStream, createWriteStream, readFileSync, renameSync, rmSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readBackup } from '../storage/backup.js';
import { LevelKV } from '../storage/kv/LevelKV.js';

const USAGE = `usage: npm run tandem -- <command> [--url http://host:port] [--token <jwt>]
  list                                  documents (name, title, updated)
  export <name> [--format md|html|json|yjs|txt|docx] [--out file]
  import <name> <file> [--mode replace|append]   .md, .html or .yjs
  versions <name>                       versions, newest first
  comments <name> [--all]               open comment threads (--all: resolved ones too)
  restore <name> <version>              bring a version back as a new change
  delete <name>                         the document, its versions and files
  backup <file>                         a consistent copy of the whole store (server running)
  restore-backup <file> [--data-dir dir] [--force]   into a stopped server's DATA_DIR
The token (an operator's: npm run token -- --doc '*' --mode write) may also come from TANDEM_TOKEN.`;

class CliError extends Error {}

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    format: { type: 'string', default: 'md' },
    out: { type: 'string' },
    mode: { type: 'string', default: 'replace' },
    'data-dir': { type: 'string' },
    force: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
  },
});

const base = (opts.url ?? process.env.TANDEM_URL ?? `http://127.0.0.1:${process.env.PORT ?? 1234}`).replace(/\/+$/, '');
const token = opts.token ?? process.env.TANDEM_TOKEN;
const docPath = (name: string): string => `/api/docs/${encodeURIComponent(name)}`;

async function call(method: string, path: string, body?: { type: string; data: Uint8Array }): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = body.type;
  let res: Response;
  try {
    res = await fetch(base + path, { method, headers, body: body?.data as BodyInit | undefined });
  } catch (err) {
    throw new CliError(`cannot reach the server at ${base} (${(err as Error).cause ?? (err as Error).message}); is it running? (--url)`);
  }
  if (!res.ok) {
    const text = await res.text();
    let reason = text.trim();
    try {
      reason = (JSON.parse(text) as { reason?: string }).reason ?? reason;
    } catch {
      // not JSON: the text is the reason
    }
    throw new CliError(`${res.status}: ${reason}`);
  }
  return res;
}

function arg(i: number, what: string): string {
  const v = positionals[i];
  if (v === undefined) throw new CliError(`missing ${what}\n${USAGE}`);
  return v;
}

const IMPORT_TYPES: Record<string, string> = { '.md': 'text/markdown', '.markdown': 'text/markdown', '.html': 'text/html', '.htm': 'text/html', '.yjs': 'application/vnd.yjs.doc', '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };

async function main(): Promise<void> {
  const command = positionals[0];
  switch (command) {
    case 'list': {
      let cursor: string | null = null;
      do {
        const page = (await (await call('GET', `/api/docs?limit=200${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { documents: Array<{ name: string; title: string; updatedAt: string | null }>; cursor: string | null };
        for (const d of page.documents) process.stdout.write(`${d.name}\t${d.title}\t${d.updatedAt ?? ''}\n`);
        cursor = page.cursor;
      } while (cursor);
      return;
    }
    case 'export': {
      const res = await call('GET', `${docPath(arg(1, '<name>'))}/export?format=${encodeURIComponent(opts.format!)}`);
      const data = Buffer.from(await res.arrayBuffer());
      if (opts.out) createWriteStream(opts.out).end(data);
      else process.stdout.write(data);
      return;
    }
    case 'import': {
      const name = arg(1, '<name>');
      const file = arg(2, '<file>');
      const type = IMPORT_TYPES[extname(file).toLowerCase()];
      if (!type) throw new CliError(`cannot tell the format of ${file}: use .md, .html, .yjs or .docx`);
      await call('PUT', `${docPath(name)}/import?mode=${encodeURIComponent(opts.mode!)}`, { type, data: readFileSync(file) });
      process.stdout.write(`imported ${file} into ${name}\n`);
      return;
    }
    case 'versions': {
      const { versions } = (await (await call('GET', `${docPath(arg(1, '<name>'))}/versions`)).json()) as { versions: Array<{ id: string; name: string | null; createdAt: string; authors: Array<{ name: string }> }> };
      for (const v of versions) process.stdout.write(`${v.id}\t${v.createdAt}\t${v.name ?? ''}\t${v.authors.map((a) => a.name).join(', ')}\n`);
      return;
    }
    case 'comments': {
      type Thread = { id: string; quote: string; resolved: boolean; detached: boolean; comments: Array<{ author: { name: string; verified: boolean }; body: string; createdAt: string }> };
      const { threads } = (await (await call('GET', `${docPath(arg(1, '<name>'))}/comments`)).json()) as { threads: Thread[] };
      for (const t of threads.filter((x) => opts.all || !x.resolved)) {
        const state = [t.resolved ? 'resolved' : 'open', t.detached ? 'detached (the text was deleted)' : ''].filter(Boolean).join(', ');
        process.stdout.write(`${t.id}\t"${t.quote}"\t${state}\n`);
        for (const c of t.comments) process.stdout.write(`\t${c.createdAt}\t${c.author.name}${c.author.verified ? '' : ' (unverified)'}: ${c.body.replace(/\s+/g, ' ')}\n`);
      }
      return;
    }
    case 'restore': {
      const name = arg(1, '<name>');
      const id = arg(2, '<version>');
      const { before } = (await (await call('POST', `${docPath(name)}/versions/${encodeURIComponent(id)}/restore`)).json()) as { before: string | null };
      process.stdout.write(`restored version ${id} of ${name}${before ? ` (the text it replaced is version ${before}: restore that one to undo)` : ''}\n`);
      return;
    }
    case 'delete': {
      const name = arg(1, '<name>');
      await call('DELETE', docPath(name));
      process.stdout.write(`deleted ${name}\n`);
      return;
    }
    case 'backup': {
      const file = arg(1, '<file>');
      const res = await call('GET', '/api/backup');
      const partial = `${file}.partial`;
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(partial));
      // A complete file ends with the end marker: a cut download never looks like a backup.
      let n = 0;
      for await (const _ of readBackup(createReadStream(partial))) n++;
      renameSync(partial, file);
      process.stdout.write(`backed up ${n} entries to ${file}\n`);
      return;
    }
    case 'restore-backup': {
      const file = arg(1, '<file>');
      const raw = opts['data-dir'] ?? process.env.DATA_DIR ?? './data';
      const dir = isAbsolute(raw) ? raw : resolve(root, raw);
      const store = new LevelKV(dir, { sync: true });
      try {
        await store.open();
      } catch (err) {
        throw new CliError(`cannot open ${dir}: ${(err as Error).message} (stop the server first: LevelDB admits one process)`);
      }
      try {
        if (!opts.force && !(await store.isEmpty())) throw new CliError(`${dir} is not empty: add --force to replace everything in it`);
        // Read it whole once first: a damaged file must not leave a half-restored store.
        for await (const _ of readBackup(createReadStream(file)));
        const n = await store.putRaw(readBackup(createReadStream(file)), opts.force);
        process.stdout.write(`restored ${n} entries into ${dir}\n`);
      } finally {
        await store.close();
      }
      return;
    }
    default:
      throw new CliError(command ? `unknown command ${JSON.stringify(command)}\n${USAGE}` : USAGE);
  }
}

main().catch((err: unknown) => {
  if (opts.out) rmSync(`${opts.out}.partial`, { force: true });
  process.stderr.write(`tandem: ${err instanceof CliError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
// Mints an access token for operators:
//   AUTH_SECRET=… npm run token -- --doc <name|prefix*> --mode read|comment|write --ttl 1h [--name "Ada"] [--sub ada@example.com]
import { parseArgs } from 'node:util';
import { isMode } from './access.js';
import { mintToken } from './tokens.js';

function ttlSeconds(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`--ttl must look like 90s, 30m, 1h or 7d, got ${JSON.stringify(text)}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      doc: { type: 'string' },
      mode: { type: 'string', default: 'write' },
      ttl: { type: 'string', default: '1h' },
      name: { type: 'string' },
      sub: { type: 'string' },
    },
  });
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET must be set to the server\'s secret');
  if (!values.doc) throw new Error('--doc <name> is required (a prefix ending in * covers many documents)');
  if (!isMode(values.mode)) throw new Error('--mode must be read, comment or write');
  const token = await mintToken(
    secret,
    { doc: values.doc, mode: values.mode, ...(values.name ? { name: values.name } : {}), ...(values.sub ? { sub: values.sub } : {}) },
    ttlSeconds(values.ttl),
  );
  process.stdout.write(token + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

// @hocuspocus/server 4.7.0 as the benchmark peer, with production defaults.
// STORE_DIR unset: in memory. STORE_DIR set: @hocuspocus/extension-database with
// fetch/store callbacks keeping one file per document (the full encoded state, written
// atomically via rename), the usual way to persist Hocuspocus without a native build.
import { Server } from '@hocuspocus/server';
import { Database } from '@hocuspocus/extension-database';
import { mkdirSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

const storeDir = process.env.STORE_DIR;
const extensions = [];
if (storeDir) {
  mkdirSync(storeDir, { recursive: true });
  const file = (name) => join(storeDir, Buffer.from(name).toString('hex') + '.ydoc');
  extensions.push(new Database({
    fetch: async ({ documentName }) => {
      try {
        return new Uint8Array(await readFile(file(documentName)));
      } catch (err) {
        if (err.code === 'ENOENT') return null;
        throw err;
      }
    },
    store: async ({ documentName, state }) => {
      const f = file(documentName);
      await writeFile(f + '.tmp', state);
      await rename(f + '.tmp', f);
    },
  }));
}

const server = new Server({
  port: Number(process.env.PORT),
  address: process.env.HOST || '127.0.0.1',
  quiet: true,
  extensions,
});
await server.listen();

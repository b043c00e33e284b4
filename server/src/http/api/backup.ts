import type { ApiRequest } from './context.js';
import type { Route } from './router.js';
import { writeBackup } from '../../storage/backup.js';

/** `GET /api/backup`: the whole store from one snapshot, consistent while the server runs. */
async function backup(r: ApiRequest): Promise<void> {
  r.res.writeHead(200, {
    'content-type': 'application/vnd.tandem.backup',
    'content-disposition': `attachment; filename="tandem-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.backup"`,
    'cache-control': 'no-store',
  });
  await writeBackup(r.deps.kv.snapshot(), r.res);
}

export const backupRoutes: Route[] = [{ method: 'GET', path: 'api/backup', access: 'operator', handle: backup }];

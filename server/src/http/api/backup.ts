import { ApiError, type ApiRequest } from './context.js';
import type { Route } from './router.js';
import { writeBackup } from '../../storage/backup.js';

/** `GET /api/backup`: the whole store from one LevelDB snapshot, consistent while the server runs. */
async function backup(r: ApiRequest): Promise<void> {
  const level = r.deps.level;
  if (!level) throw new ApiError(404, 'this server has no LevelDB store to back up');
  r.res.writeHead(200, {
    'content-type': 'application/vnd.tandem.backup',
    'content-disposition': `attachment; filename="tandem-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.backup"`,
    'cache-control': 'no-store',
  });
  await writeBackup(level.snapshot(), r.res);
}

export const backupRoutes: Route[] = [{ method: 'GET', path: 'api/backup', access: 'operator', handle: backup }];

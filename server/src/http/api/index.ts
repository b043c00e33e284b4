import { backupRoutes } from './backup.js';
import { contentRoutes } from './content.js';
import { docRoutes } from './docs.js';
import type { Route } from './router.js';
import { versionRoutes } from './versions.js';

/** Every API route; a new resource adds its file's table here. */
export const apiRoutes: readonly Route[] = [...docRoutes, ...contentRoutes, ...versionRoutes, ...backupRoutes];

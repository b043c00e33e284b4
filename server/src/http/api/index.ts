import { accessRoutes } from './access.js';
import { backupRoutes } from './backup.js';
import { commentRoutes } from './comments.js';
import { contentRoutes } from './content.js';
import { docRoutes } from './docs.js';
import { fileRoutes } from './files.js';
import type { Route } from './router.js';
import { peopleRoutes } from './people.js';
import { searchRoutes } from './search.js';
import { shareRoutes } from './shares.js';
import { versionRoutes } from './versions.js';

/**
 * Every route under /api/ and /files/, in one table (a new resource adds its file's rows here):
 * the authorization-matrix test walks it, so a route cannot exist without its access declared.
 */
export const apiRoutes: readonly Route[] = [...accessRoutes, ...docRoutes, ...contentRoutes, ...versionRoutes, ...fileRoutes, ...shareRoutes, ...peopleRoutes, ...commentRoutes, ...searchRoutes, ...backupRoutes];

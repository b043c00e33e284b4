// Where the repository is, seen from the deployment tests.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the image's WORKDIR (/app) holds the same layout. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the PostgreSQL migrations are (drizzle/pg). Kept at the depth of src/db/client.ts, whose SQLite folder
 * is found the same way, so the path holds in the sources, in dist/src/db and in the CLI bundle beside it.
 */
export const PG_MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle/pg');

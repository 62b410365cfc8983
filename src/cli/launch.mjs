// Loads a TypeScript entry point: compiled from dist/ when `npm run build` (npm's `prepare`) made it after the
// last change to any source, else from the source itself through tsx. An edited checkout never runs a stale build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['src', 'adapters', 'jobs', 'drizzle', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestSource() {
  let newest = 0;
  for (const name of SOURCES) {
    const path = join(root, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    newest = Math.max(newest, stat.mtimeMs);
    if (!stat.isDirectory()) continue;
    for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, mtime(join(entry.parentPath, entry.name)) ?? 0);
    }
  }
  return newest;
}

/** Whether dist/ holds a build of the current sources. */
export function distIsFresh() {
  const built = mtime(join(root, 'dist', '.build-stamp'));
  return built !== undefined && built >= newestSource();
}

/** Entry points the build also bundles (scripts/build.mjs), and where the bundle is. */
const BUNDLES = { 'src/cli/main.ts': 'src/cli-bundle/main.js' };

/**
 * The file that runs for `sourcePath` (relative to the repository, e.g. `src/cli/main.ts`): its bundle or
 * compiled `dist/....js` when the build is fresh, else the `.ts` source with tsx registered to run it.
 */
export async function resolveEntry(sourcePath) {
  if (distIsFresh()) {
    const bundle = BUNDLES[sourcePath] && join(root, 'dist', BUNDLES[sourcePath]);
    return bundle && mtime(bundle) !== undefined ? bundle : join(root, 'dist', sourcePath.replace(/\.ts$/, '.js'));
  }
  const { register } = await import('tsx/esm/api');
  register();
  return join(root, sourcePath);
}

/** Imports the entry point for `sourcePath` (see resolveEntry). */
export async function importEntry(sourcePath) {
  return import(pathToFileURL(await resolveEntry(sourcePath)).href);
}

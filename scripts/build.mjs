// `npm run build` (and npm's `prepare`): compiles src/, adapters/ and jobs/ to dist/ with tsc (type checking is
// `npm run typecheck`'s job), adds what the compiled code finds beside itself (the migrations, the indexing
// thread's entry) and stamps the build. src/cli/launch.mjs runs dist/ only while that stamp is newer than every source.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

function tscPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** The thread entry registers tsx and imports `.ts` sources; compiled, it imports the `.js` files beside it. */
function compiledWorkerEntry(source) {
  const text = source
    .replace(/^\/\/.*\n/, '// Entry of the indexing thread, compiled by scripts/build.mjs from src/db/fts-index-worker.mjs.\n')
    .replace(/^import \{ register \} from 'tsx\/esm\/api';\n/m, '')
    .replace(/^register\(\);\n/m, '')
    .replace(/(import\(\s*'\.{1,2}\/[^']+)\.ts'/g, "$1.js'");
  if (/tsx|\.ts'/.test(text.replace(/^\/\/.*$/gm, ''))) throw new Error('build: src/db/fts-index-worker.mjs changed shape; update scripts/build.mjs');
  return text;
}

/**
 * The `papers` command starts in a fraction of the time from one bundle (a few large files instead of hundreds
 * of modules to resolve and read): dist/src/cli-bundle/, beside dist/src/db so the paths the code finds
 * beside itself (the migrations, the indexing thread) stay the same. Adapters and jobs become chunks loaded only
 * by the commands that run them. Without esbuild, the bin runs dist/src/cli/main.js instead.
 */
async function bundleCli() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    console.warn('build: esbuild is not installed; papers runs dist/src/cli/main.js unbundled.');
    return;
  }
  await esbuild.build({
    entryPoints: [join(dist, 'src', 'cli', 'main.js')],
    outdir: join(dist, 'src', 'cli-bundle'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    chunkNames: 'chunk-[hash]',
    // The native addon loads from node_modules; the indexing thread's module stays the compiled file it spawns beside.
    external: ['better-sqlite3', '*/background-indexer.js'],
    // Bundled CommonJS packages call require(): give the ES module one.
    banner: { js: "import { createRequire as __papersRequire } from 'node:module'; const require = __papersRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

const tsc = tscPath();
if (!tsc) {
  console.warn('build: typescript is not installed (production install?); skipped: the papers command and npm start run the sources through tsx.');
  process.exit(0);
}
const started = Date.now();
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
cpSync(join(root, 'drizzle'), join(dist, 'drizzle'), { recursive: true });
const worker = join('src', 'db', 'fts-index-worker.mjs');
if (existsSync(join(root, worker))) writeFileSync(join(dist, worker), compiledWorkerEntry(readFileSync(join(root, worker), 'utf8')));
await bundleCli();
// Stamped with the start time: a source saved while tsc ran is newer than the build, so it is not trusted.
const stamp = join(dist, '.build-stamp');
writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
utimesSync(stamp, new Date(started), new Date(started));
console.log(`build: dist/ ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// Preload (`node --import ./tests/helpers/record-loads.mjs ...`): appends the URL of every module this process
// loads to the file named by RECORD_LOADS_TO, one a line: ES modules as they resolve (tsx's hooks included,
// they delegate here), CommonJS ones from the require cache at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.RECORD_LOADS_TO;
if (!file) throw new Error('record-loads: set RECORD_LOADS_TO to the file to write');
register('./record-loads-hooks.mjs', import.meta.url, { data: { file } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const urls = Object.keys(cache).map((path) => pathToFileURL(path).href);
  if (urls.length > 0) appendFileSync(file, `${urls.join('\n')}\n`);
});

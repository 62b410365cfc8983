// `npm start`: src/main.ts, compiled from dist/ when the build is fresh, else through tsx (see cli/launch.mjs).
// main.ts starts the bot when it is the process's main module, so it is made that before it is imported.
import { pathToFileURL } from 'node:url';
import { resolveEntry } from './cli/launch.mjs';

const entry = await resolveEntry('src/main.ts');
process.argv[1] = entry;
await import(pathToFileURL(entry).href);

#!/usr/bin/env node
// The `papers` command: the compiled build in dist/ when it is fresh, else the TypeScript sources through tsx.
import { importEntry } from './launch.mjs';

const { main } = await importEntry('src/cli/main.ts');
process.exitCode = await main(process.argv);

// Entry of the indexing thread (see background-indexer.ts): TypeScript sources run through tsx, as in bin.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./fts-index-thread.ts');

import { relearnAcronyms, storedAcronymsVersion } from '../db/acronym-store.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { ACRONYM_EXTRACTOR_VERSION, extractAcronyms } from '../search/acronyms.ts';

/** A text's definitions, each once (a paper that defines an acronym twice counts once). */
export function uniqueDefinitions<T extends { acronym: string; expansion: string }>(defs: T[]): T[] {
  const seen = new Set<string>();
  return defs.filter((d) => {
    const key = `${d.acronym}\u0000${d.expansion}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * When the stored acronym definitions were learned by an older extractor (or before versions were kept),
 * learns them again from every stored abstract, so a database from before an extractor change finds what the
 * new one learns (T2I, 3DGS). Once per extractor version; returns whether it relearned anything.
 */
export function relearnStaleAcronyms(db: Db, logger: Logger): boolean {
  const stored = storedAcronymsVersion(db);
  if (stored !== undefined && stored >= ACRONYM_EXTRACTOR_VERSION) return false;
  const started = Date.now();
  const papers = relearnAcronyms(db, ACRONYM_EXTRACTOR_VERSION, (abstract) => uniqueDefinitions(extractAcronyms(abstract)));
  if (papers > 0) logger.info({ papers, from: stored ?? 1, to: ACRONYM_EXTRACTOR_VERSION, ms: Date.now() - started }, 'acronyms learned again from the stored abstracts');
  return papers > 0;
}

import type { Db } from './client.ts';

/** A definition as the acronyms table keeps it. */
export interface AcronymDefinition {
  acronym: string;
  expansion: string;
}

const STATE = 'acronyms';
const BATCH = 2_000;

/** The extractor version that learned the stored acronyms; undefined before versions were recorded. */
export function storedAcronymsVersion(db: Db): number | undefined {
  const row = db.sqlite.prepare('SELECT version FROM derived_state WHERE name = ?').get(STATE) as { version: number } | undefined;
  return row?.version;
}

/**
 * Learns every stored paper's acronym definitions again with `extract` (one paper's definitions, each once)
 * and records `version`, replacing what an older extractor learned, in one transaction: a reader sees the old
 * table or the new one. Reads the abstracts in batches by row order. Returns how many papers were read.
 */
export function relearnAcronyms(db: Db, version: number, extract: (abstract: string) => AcronymDefinition[]): number {
  const page = db.sqlite.prepare('SELECT seq, abstract FROM papers WHERE seq > ? ORDER BY seq LIMIT ?');
  const record = db.sqlite.prepare(
    'INSERT INTO acronyms (acronym, expansion, count) VALUES (?, ?, 1) ON CONFLICT (acronym, expansion) DO UPDATE SET count = count + 1',
  );
  return db.sqlite.transaction(() => {
    db.sqlite.prepare('DELETE FROM acronyms').run();
    let papers = 0;
    for (let after = -1; ; ) {
      const rows = page.all(after, BATCH) as { seq: number; abstract: string }[];
      for (const row of rows) for (const d of extract(row.abstract)) record.run(d.acronym, d.expansion);
      papers += rows.length;
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.seq;
    }
    db.sqlite.prepare('INSERT INTO derived_state (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version').run(STATE, version);
    return papers;
  })();
}

import type Database from 'better-sqlite3';

/**
 * The search index lives in its own SQLite file beside the database (`<database>-fts`), attached as `fts`.
 * Two files commit independently, so a thread can index papers while another writes them: bulk ingest runs
 * on two cores. The index is contentless (it keeps no copy of the text; rows and snippets come from `papers`).
 */
export function ftsPathFor(databasePath: string): string {
  return databasePath === ':memory:' ? ':memory:' : `${databasePath}-fts`;
}

/** Every file that belongs to a database at `path` (for tests and tools that delete one). */
export function databaseFiles(path: string): string[] {
  return [path, ftsPathFor(path)].flatMap((p) => [p, `${p}-wal`, `${p}-shm`]);
}

/**
 * bm25 column weights (title, abstract, authors, keywords): the title ten times the abstract. The index's
 * own `rank` uses them, and so does search when it calls bm25() itself (SQLite's top-N sort over bm25() is
 * cheaper than FTS5's rank order, which seeks every row it returns again).
 */
export const BM25_WEIGHTS = [10.0, 1.0, 2.0, 4.0] as const;

/**
 * The title vocabulary as a plain table, for spelling correction: reading fts5vocab walks every doclist of
 * the title index (a third of a second at 200,000 papers), this table takes milliseconds. Emptied whenever
 * the index changes and filled again on the next correction (see {@link spellingWords}).
 */
const SPELLING_WORDS_TABLE = 'CREATE TABLE IF NOT EXISTS fts.spelling_words (term TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID';

const SCHEMA = [
  // Porter stemming over unicode61, diacritics folded. contentless_delete lets a changed paper be re-indexed by rowid.
  `CREATE VIRTUAL TABLE fts.papers_fts USING fts5(
     title, abstract, authors, ai_keywords,
     content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')`,
  // Title ten times the abstract; keywords and authors in between. ORDER BY rank uses these weights.
  `INSERT INTO fts.papers_fts(papers_fts, rank) VALUES('rank', 'bm25(${BM25_WEIGHTS.map((w) => w.toFixed(1)).join(', ')})')`,
  // Bulk indexing: fewer, larger segments (measured: hashsize and automerge as tuned in the single-file days).
  "INSERT INTO fts.papers_fts(papers_fts, rank) VALUES('automerge', 16)",
  "INSERT INTO fts.papers_fts(papers_fts, rank) VALUES('hashsize', 16777216)",
  "INSERT INTO fts.papers_fts(papers_fts, rank) VALUES('pgsz', 16000)",
  // Unstemmed title words only (no positions): the vocabulary spelling correction draws on.
  `CREATE VIRTUAL TABLE fts.papers_words USING fts5(
     title, content='', contentless_delete=1, detail='none', tokenize='unicode61 remove_diacritics 2')`,
  "INSERT INTO fts.papers_words(papers_words, rank) VALUES('automerge', 16)",
  "INSERT INTO fts.papers_words(papers_words, rank) VALUES('hashsize', 16777216)",
  "CREATE VIRTUAL TABLE fts.papers_fts_vocab USING fts5vocab(papers_fts, 'row')",
  "CREATE VIRTUAL TABLE fts.papers_words_vocab USING fts5vocab(papers_words, 'row')",
  // Where each stemmed term occurs: spelling correction reads a real word back from one occurrence.
  "CREATE VIRTUAL TABLE fts.papers_fts_instances USING fts5vocab(papers_fts, 'instance')",
  SPELLING_WORDS_TABLE,
  // Everything up to indexed_seq is in the index: committed with the index itself, so never out of step.
  'CREATE TABLE fts.fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_seq INTEGER NOT NULL)',
  'INSERT INTO fts.fts_state (id, indexed_seq) VALUES (1, 0)',
];

/** Attaches the index file as `fts`, creating its tables on first use. Call after the main migrations. */
export function attachFtsIndex(sqlite: Database.Database, databasePath: string): void {
  sqlite.prepare('ATTACH DATABASE ? AS fts').run(ftsPathFor(databasePath));
  const exists = sqlite.prepare("SELECT 1 FROM fts.sqlite_master WHERE name = 'fts_state'").get();
  if (exists) {
    // Index files made before the spelling table: it costs nothing to add (empty, filled on first use).
    if (!sqlite.prepare("SELECT 1 FROM fts.sqlite_master WHERE name = 'spelling_words'").get()) sqlite.exec(SPELLING_WORDS_TABLE);
    // Checked on every open, before this connection writes a paper that could reuse a rowid the index holds.
    if (sqlite.prepare("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_sequence'").get() && isAhead(sqlite)) {
      sqlite.transaction(() => {
        lockIndex(sqlite);
        restartIfAhead(sqlite);
      })();
    }
    return;
  }
  sqlite.pragma('fts.page_size = 16384');
  if (databasePath !== ':memory:') sqlite.pragma('fts.journal_mode = WAL');
  sqlite
    .transaction(() => {
      // Another process may have created it meanwhile: IMMEDIATE holds the write locks before this check.
      if (sqlite.prepare("SELECT 1 FROM fts.sqlite_master WHERE name = 'fts_state'").get()) return;
      for (const statement of SCHEMA) sqlite.exec(statement);
    })
    .immediate();
}

const COLUMNS = 'title, abstract, authors, ai_keywords';

/**
 * A write that changes nothing, first in a transaction: it takes the index file's write lock (waiting for
 * another indexer) before anything is read. Not BEGIN IMMEDIATE, which would lock the papers file too.
 */
function lockIndex(sqlite: Database.Database): void {
  sqlite.prepare('UPDATE fts.fts_state SET indexed_seq = indexed_seq WHERE id = 1').run();
}

function isAhead(sqlite: Database.Database): boolean {
  const from = sqlite.prepare('SELECT indexed_seq FROM fts.fts_state WHERE id = 1').pluck().get() as number;
  const issued = (sqlite.prepare("SELECT seq FROM main.sqlite_sequence WHERE name = 'papers'").pluck().get() as number | undefined) ?? 0;
  return from > issued;
}

/**
 * When the index is ahead of the papers file (the papers file lost commits, or was restored from a backup
 * without its index), its rowids may come to name other papers: empty it, so that it is built again. Call
 * inside a transaction that holds the index file's write lock.
 */
function restartIfAhead(sqlite: Database.Database): void {
  if (!isAhead(sqlite)) return;
  sqlite.exec("INSERT INTO fts.papers_fts(papers_fts) VALUES('delete-all'); INSERT INTO fts.papers_words(papers_words) VALUES('delete-all')");
  sqlite.prepare('DELETE FROM fts.spelling_words').run();
  sqlite.prepare('UPDATE fts.fts_state SET indexed_seq = 0 WHERE id = 1').run();
}

/**
 * Brings the index up to date with `papers`: papers stored since the watermark are indexed in bulk, and
 * papers whose text changed (or that were deleted) since they were indexed are indexed again. Runs on any
 * connection with the index attached (the ingest thread, or inline). Returns how many papers it indexed.
 *
 * Locks: the index transaction writes the index file only, so a thread writing papers meanwhile is not
 * blocked; the processed change records are cleared afterwards in a short transaction of their own, and a
 * crash between the two only means indexing those papers once more (delete by rowid, then insert).
 */
export function indexPending(sqlite: Database.Database): number {
  const { indexed, changes } = sqlite.transaction(() => {
    lockIndex(sqlite);
    restartIfAhead(sqlite);
    const from = sqlite.prepare('SELECT indexed_seq FROM fts.fts_state WHERE id = 1').pluck().get() as number;
    const top = sqlite.prepare('SELECT COALESCE(MAX(seq), 0) FROM main.papers').pluck().get() as number;
    if (top > from) {
      sqlite.prepare(`INSERT INTO fts.papers_fts (rowid, ${COLUMNS}) SELECT seq, ${COLUMNS} FROM main.papers WHERE seq > ? AND seq <= ?`).run(from, top);
      sqlite.prepare('INSERT INTO fts.papers_words (rowid, title) SELECT seq, title FROM main.papers WHERE seq > ? AND seq <= ?').run(from, top);
      sqlite.prepare('UPDATE fts.fts_state SET indexed_seq = ? WHERE id = 1').run(top);
    }
    const changed = sqlite.prepare('SELECT seq, version FROM main.fts_changes WHERE seq <= ?').all(Math.max(top, from)) as { seq: number; version: number }[];
    if (changed.length > 0) reindex(sqlite, changed.map((c) => c.seq));
    if (top > from || changed.length > 0) sqlite.prepare('DELETE FROM fts.spelling_words').run();
    return { indexed: Math.max(0, top - from), changes: changed };
  })();
  if (changes.length > 0) {
    const clear = sqlite.prepare('DELETE FROM main.fts_changes WHERE seq = ? AND version = ?');
    sqlite.transaction(() => {
      for (const c of changes) clear.run(c.seq, c.version);
    })();
  }
  return indexed + changes.length;
}

/** Indexes these papers again from their current text (a deleted paper just leaves the index). */
function reindex(sqlite: Database.Database, seqs: number[]): void {
  const dropFts = sqlite.prepare('DELETE FROM fts.papers_fts WHERE rowid = ?');
  const dropWords = sqlite.prepare('DELETE FROM fts.papers_words WHERE rowid = ?');
  const addFts = sqlite.prepare(`INSERT INTO fts.papers_fts (rowid, ${COLUMNS}) SELECT seq, ${COLUMNS} FROM main.papers WHERE seq = ?`);
  const addWords = sqlite.prepare('INSERT INTO fts.papers_words (rowid, title) SELECT seq, title FROM main.papers WHERE seq = ?');
  for (const seq of seqs) {
    dropFts.run(seq);
    dropWords.run(seq);
    addFts.run(seq);
    addWords.run(seq);
  }
}

/**
 * Every title word (unstemmed, lower case) with how many titles have it. Read from the spelling table, which
 * is filled from the title index's vocabulary when empty (under the index's write lock, so that it matches
 * one state of the index); a connection that cannot write reads the vocabulary directly.
 */
export function spellingWords(sqlite: Database.Database): { term: string; doc: number }[] {
  const read = () => sqlite.prepare('SELECT term, doc FROM fts.spelling_words').all() as { term: string; doc: number }[];
  const stored = read();
  if (stored.length > 0) return stored;
  try {
    sqlite.transaction(() => {
      lockIndex(sqlite);
      if (sqlite.prepare('SELECT 1 FROM fts.spelling_words LIMIT 1').get()) return;
      sqlite.prepare('INSERT INTO fts.spelling_words (term, doc) SELECT term, doc FROM fts.papers_words_vocab').run();
    })();
    return read();
  } catch {
    return sqlite.prepare('SELECT term, doc FROM fts.papers_words_vocab').all() as { term: string; doc: number }[];
  }
}

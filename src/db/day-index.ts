import Database from 'better-sqlite3';
import type { MatchExpression } from '../core/compiled-query.ts';
import type { Paper } from '../core/types.ts';
import { toFtsMatch } from './fts-query.ts';

/**
 * A throwaway in-memory FTS5 index over a handful of papers (a few feed days), with the same tokenizer
 * and columns as the main index. Matching thousands of channel topics against one day's hundred papers
 * here costs microseconds per topic instead of a search over the whole corpus.
 */
export class DayIndex {
  private readonly sqlite: Database.Database;
  private readonly ids: string[] = [];
  private readonly matchStmt: Database.Statement;

  constructor(papers: Paper[]) {
    this.sqlite = new Database(':memory:');
    this.sqlite.exec(
      "CREATE VIRTUAL TABLE day USING fts5(title, abstract, authors, ai_keywords, tokenize='porter unicode61 remove_diacritics 2')",
    );
    const insert = this.sqlite.prepare('INSERT INTO day (rowid, title, abstract, authors, ai_keywords) VALUES (?, ?, ?, ?, ?)');
    this.sqlite.transaction(() => {
      papers.forEach((p, i) => {
        this.ids.push(p.id);
        insert.run(i + 1, p.title, p.abstract, JSON.stringify(p.authors), JSON.stringify(p.aiKeywords));
      });
    })();
    this.matchStmt = this.sqlite.prepare('SELECT rowid FROM day WHERE day MATCH ? ORDER BY rank');
  }

  /** Ids of the papers matching the expression (its text part only: filters are the caller's), best match first. */
  match(expression: MatchExpression): string[] {
    return (this.matchStmt.all(toFtsMatch(expression)) as { rowid: number }[]).map((r) => this.ids[r.rowid - 1]!);
  }

  close(): void {
    this.sqlite.close();
  }
}

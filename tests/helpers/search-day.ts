import { searchServiceOf } from './search-service.ts';
import { readFileSync } from 'node:fs';
import type { SourcePage } from '../../src/core/ports.ts';
import type { Day } from '../../src/core/time.ts';
import type { Db } from '../../src/db/client.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { promised } from '../../src/db/stores.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { silentLogger } from '../../src/logger.ts';
import { mapDailyItem } from '../../src/sources/hf-schema.ts';

/**
 * Ingests recorded feed days (Hugging Face daily-papers JSON) into `db` through the real ingestor, so
 * acronyms are learned from the abstracts as in production, and returns the search stack over them.
 */
export async function ingestRecordedDays(db: Db, days: { day: Day; file: string }[]) {
  const papers = new PapersRepo(db);
  const searchRepo = new SearchRepo(db);
  const source = {
    async fetchDay(day: Day, onPage: (page: SourcePage, index: number) => void | Promise<void>) {
      const entry = days.find((d) => d.day === day);
      const raw = entry ? (JSON.parse(readFileSync(entry.file, 'utf8')) as unknown[]) : [];
      const page: SourcePage = { papers: [], listings: [], skipped: [] };
      raw.forEach((item, rank) => {
        const mapped = mapDailyItem(item, day, rank, 'https://huggingface.co');
        if (mapped.ok) {
          page.papers.push(mapped.paper);
          page.listings.push(mapped.listing);
        }
      });
      if (raw.length > 0) await onPage(page, 0);
      return { pages: raw.length > 0 ? 1 : 0, items: raw.length };
    },
  };
  const ingestor = new Ingestor({ source, papers: promised(papers), acronyms: promised(searchRepo), logger: silentLogger() });
  for (const { day } of days) await ingestor.ingestDay(day);
  return { papers, searchRepo, search: searchServiceOf(searchRepo, papers) };
}

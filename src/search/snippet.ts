import { stemmer } from 'stemmer';

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Stems (Porter, as the index has them) of the words a query looks for. */
export function queryStems(words: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const w of words) out.add(stemmer(w.toLowerCase()));
  return out;
}

/**
 * An excerpt of `text` around the densest run of query words, `maxTokens` words long, with the matching words
 * wrapped in `**` and `…` where it was cut. Words match by Porter stem, as in the index ("models" ~ "model").
 * Cheaper than asking FTS5's snippet() once per row, which re-parses the query and re-tokenises the column.
 */
export function makeSnippet(text: string, stems: ReadonlySet<string>, maxTokens = 24): string {
  const tokens: { start: number; end: number; hit: boolean }[] = [];
  const prefixes = new Set([...stems].map((s) => s.slice(0, 2)));
  for (const m of text.matchAll(TOKEN)) {
    const lower = m[0].toLowerCase();
    const hit = prefixes.has(lower.slice(0, 2)) && stems.has(stemmer(lower));
    tokens.push({ start: m.index, end: m.index + m[0].length, hit });
  }
  if (tokens.length === 0) return '';
  let best = 0;
  let bestHits = -1;
  let hits = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.hit) hits++;
    if (i >= maxTokens && tokens[i - maxTokens]!.hit) hits--;
    const start = Math.max(0, i - maxTokens + 1);
    if (hits > bestHits) {
      bestHits = hits;
      best = start;
    }
  }
  const window = tokens.slice(best, best + maxTokens);
  let out = best > 0 ? '…' : '';
  let cursor = window[0]!.start;
  for (const t of window) {
    out += text.slice(cursor, t.start);
    out += t.hit ? `**${text.slice(t.start, t.end)}**` : text.slice(t.start, t.end);
    cursor = t.end;
  }
  const last = window[window.length - 1]!;
  const tail = best + maxTokens >= tokens.length ? text.slice(last.end) : '…';
  return out + tail;
}

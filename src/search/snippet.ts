import { stemmer } from 'stemmer';

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
  const lower = text.toLowerCase();
  // Offsets carry over only when lower-casing kept every length (it does unless a letter like "İ" grows).
  const source = lower.length === text.length ? lower : text;
  const { starts, ends } = tokenBounds(source);
  if (starts.length === 0) return '';
  const prefixes = new Set([...stems].map((s) => prefixKey(s, 0, s.length)));
  const hits = starts.map((start, i) => {
    if (source === lower) return prefixes.has(prefixKey(lower, start, ends[i]!)) && stems.has(stemmer(lower.slice(start, ends[i])));
    const word = text.slice(start, ends[i]).toLowerCase();
    return prefixes.has(prefixKey(word, 0, word.length)) && stems.has(stemmer(word));
  });
  let best = 0;
  let bestHits = -1;
  let count = 0;
  for (let i = 0; i < starts.length; i++) {
    if (hits[i]) count++;
    if (i >= maxTokens && hits[i - maxTokens]) count--;
    if (count > bestHits) {
      bestHits = count;
      best = Math.max(0, i - maxTokens + 1);
    }
  }
  const last = Math.min(best + maxTokens, starts.length) - 1;
  let out = best > 0 ? '…' : '';
  let cursor = starts[best]!;
  for (let i = best; i <= last; i++) {
    out += text.slice(cursor, starts[i]);
    out += hits[i] ? `**${text.slice(starts[i], ends[i])}**` : text.slice(starts[i], ends[i]);
    cursor = ends[i]!;
  }
  return out + (last === starts.length - 1 ? text.slice(ends[last]) : '…');
}

/** The first two characters of `text[start, end)` as one number: a cheap filter before stemming. */
function prefixKey(text: string, start: number, end: number): number {
  return text.charCodeAt(start) * 65_536 + (end - start > 1 ? text.charCodeAt(start + 1) : 0);
}

const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** Where each word (a run of letters and digits, as FTS5's unicode61 sees them) starts and ends. */
function tokenBounds(text: string): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  let open = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    let word: boolean;
    let width = 1;
    if (c < 128) {
      word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    } else {
      width = c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      word = WORD_CHAR.test(text.slice(i, i + width));
    }
    if (word && open < 0) open = i;
    else if (!word && open >= 0) {
      starts.push(open);
      ends.push(i);
      open = -1;
    }
    i += width - 1;
  }
  return { starts, ends };
}

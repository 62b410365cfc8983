import type { PapersRepo, PaperText } from '../db/papers-repo.ts';
import type { Async } from '../db/stores.ts';
import type { PaperTerms, Term } from '../search/paper-terms.ts';
import { shortTitle } from './taste-ranking.ts';

/** A voted paper as tastes use it: its term vector and what why lines quote. */
export interface VotedTerms {
  terms: Map<string, Term>;
  title: string;
  /** The title as why lines quote it. */
  short: string;
  /** What the terms were made from besides the title. */
  abstract: string;
  keywords: readonly string[];
}

interface VotedEntry {
  /** The epoch the paper was last read at (an ingest starts a new one). */
  epoch: number;
  /** Undefined when the paper is not stored. */
  voted: VotedTerms | undefined;
}

/** What is made from voted papers' terms elsewhere (the taste spaces' rows and lines). */
export interface VotedListener {
  /** The paper at `slot` changed (its text, or it was stored or went). */
  forget(slot: number, paperId: string): void;
  /** Every paper was forgotten. */
  clear(): void;
}

/** Voted papers whose terms are kept; beyond it the cache starts again. */
const MAX_VOTED = 100_000;

/** A voted paper not read yet: no terms, and read at once by the next {@link VotedPapers.freshen}. */
const NOT_READ: VotedEntry = Object.freeze({ epoch: -1, voted: undefined });

/** Whether a paper's stored text is still what a voted paper's terms were made from. */
function sameText(voted: VotedTerms, paper: PaperText): boolean {
  const { aiKeywords } = paper;
  if (voted.title !== paper.title || voted.abstract !== paper.abstract || voted.keywords.length !== aiKeywords.length) return false;
  for (let k = 0; k < aiKeywords.length; k++) if (voted.keywords[k] !== aiKeywords[k]) return false;
  return true;
}

/**
 * The voted papers' terms for the taste cache, each paper at a slot (its place in the arrays that replace
 * lookups by id on the planning path; slots are never reused, so a cached taste's slots stay right). After
 * an ingest ({@link nextEpoch}) each is read again, in one query per taste, before its next use, its terms
 * kept when its text is the same. Reads happen only in {@link freshen} and {@link freshenIds}; {@link at}
 * and {@link of} answer from memory.
 */
export class VotedPapers {
  readonly slotIds: string[] = [];
  private readonly slots = new Map<string, number>();
  private readonly bySlot: (VotedEntry | undefined)[] = [];
  private readonly voted = new Map<string, VotedEntry>();
  private current = 0;

  constructor(
    private readonly papers: Pick<Async<PapersRepo>, 'textsOf'>,
    private readonly vectoriser: PaperTerms,
    private readonly listener: VotedListener,
  ) {}

  /** The current epoch (a taste's state records the epoch its papers were read at). */
  get epoch(): number {
    return this.current;
  }

  /** After an ingest: every paper is read again before its next use. */
  nextEpoch(): void {
    this.current++;
  }

  slotOf(paperId: string): number {
    let slot = this.slots.get(paperId);
    if (slot === undefined) {
      this.slots.set(paperId, (slot = this.slotIds.length));
      this.slotIds.push(paperId);
    }
    return slot;
  }

  /** Whether every paper at `slots` was read in this epoch already (for another taste): then {@link freshen} has nothing to read. */
  fresh(slots: Int32Array): boolean {
    return this.staleOf(slots, true) === undefined;
  }

  /** The ids of the papers at `slots` not read in this epoch (with `first`, only the first found). */
  private staleOf(slots: Int32Array, first = false): string[] | undefined {
    let stale: string[] | undefined;
    for (let e = 0; e < slots.length; e++) {
      const slot = slots[e]!;
      if (this.bySlot[slot]?.epoch === this.current) continue;
      const id = this.slotIds[slot]!;
      const known = this.voted.get(id);
      if (known?.epoch === this.current) this.bySlot[slot] = known;
      else {
        (stale ??= []).push(id);
        if (first) return stale;
      }
    }
    return stale;
  }

  /** Reads again, in one query, the papers at `slots` not read in this epoch (a taste's examples, before it is scored). */
  async freshen(slots: Int32Array): Promise<void> {
    const stale = this.staleOf(slots);
    if (!stale) return;
    const texts = await this.papers.textsOf(stale);
    for (const id of stale) this.bySlot[this.slotOf(id)] = this.read(id, texts.get(id));
  }

  /** Reads again, in one query, the papers of `paperIds` not read in this epoch. */
  async freshenIds(paperIds: readonly string[]): Promise<void> {
    const stale = paperIds.filter((id) => this.voted.get(id)?.epoch !== this.current);
    if (stale.length === 0) return;
    const texts = await this.papers.textsOf(stale);
    for (const id of stale) this.read(id, texts.get(id));
  }

  /** The paper at `slot` as last read (undefined when not stored or not read yet). */
  at(slot: number): VotedTerms | undefined {
    let entry = this.bySlot[slot];
    if (entry?.epoch !== this.current) this.bySlot[slot] = entry = this.entryOf(this.slotIds[slot]!);
    return entry.voted;
  }

  /** The paper as last read (undefined when not stored or not read yet). */
  of(paperId: string): VotedTerms | undefined {
    return this.entryOf(paperId).voted;
  }

  /** This epoch's entry, but for an ingest that ended since the last freshen (then the one read before it, once). */
  private entryOf(paperId: string): VotedEntry {
    return this.voted.get(paperId) ?? NOT_READ;
  }

  /** A paper's entry for this epoch from its stored text (undefined when not stored), its terms kept when the text is the same. */
  private read(paperId: string, paper: PaperText | undefined): VotedEntry {
    const entry = this.voted.get(paperId);
    const kept = paper && entry?.voted && sameText(entry.voted, paper) ? entry.voted : undefined;
    const voted = kept ?? (paper ? { terms: this.vectoriser.termsOf(paper), title: paper.title, short: shortTitle(paper.title), abstract: paper.abstract, keywords: paper.aiKeywords } : undefined);
    if (entry) {
      // Its text changed, or it was stored or went: the rows and lines made from it go.
      if (voted !== entry.voted) this.listener.forget(this.slotOf(paperId), paperId);
      entry.epoch = this.current;
      entry.voted = voted;
      return entry;
    }
    if (this.voted.size >= MAX_VOTED) {
      // Forgotten papers could not be told changed: what was made from them goes too.
      this.voted.clear();
      this.listener.clear();
    }
    const fresh = { epoch: this.current, voted };
    this.voted.set(paperId, fresh);
    return fresh;
  }
}

import type { Day } from './time.ts';
import type { DigestLayout } from './types.ts';

/** A paper as shown to people: everything a renderer (Slack, Discord, CLI) needs, nothing platform-specific. */
export interface PaperView {
  id: string;
  title: string;
  /** Hugging Face paper page. */
  url: string;
  arxivUrl: string;
  pdfUrl: string;
  codeUrl: string | null;
  projectUrl: string | null;
  thumbnail: string | null;
  authors: string[];
  upvotes: number;
  githubStars: number | null;
  /** One-line summary: HF's ai_summary, otherwise the abstract's first sentences cut at a word boundary. */
  summary: string;
  /** Search snippet with matches wrapped in `**`, when this view comes from a search. */
  snippet?: string;
  /** The channel topic this paper matched, when a topic selected it. */
  matchedTopic?: string;
  /** Where the paper comes from, when it is not our own store (e.g. found by Hugging Face's search, new to us). */
  badge?: string;
  /** Why a digest picked it, in one line, when the channel's taste ranked the digest: `matched "diffusion" · ▲ 151 · like "SaRA…", which 3 of you liked`. */
  why?: string;
}

/** A digest ready to render: one channel, one feed day. */
export interface DigestView {
  feedDay: Day;
  /** The heading, when not the platform's usual one for a channel (a person's alerts: "Your papers for …"). */
  title?: string;
  papers: PaperView[];
  /** How many more papers qualified than are shown (over every covered day, `from` to the feed day), and where to see them. */
  overflow?: { count: number; url: string; from?: Day };
  /**
   * Feed days since the channel's last digest that this one does not cover (beyond the catch-up limit of
   * `limit` days): named, never skipped in silence.
   */
  missed?: { from: Day; to: Day; days: number; limit: number; url: string };
  /** Shown instead of papers when nothing qualified and the channel asked for a notice. */
  notice?: string;
  /** Said above the papers when the digest covers a different day than asked (e.g. an empty day's fallback). */
  note?: string;
  /** How the channel wants it posted (absent: `digest`, one message split into parts when long). */
  layout?: DigestLayout;
}

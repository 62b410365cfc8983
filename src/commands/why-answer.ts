import type { PaperDecision } from '../core/decisions.ts';
import type { Channel, Paper } from '../core/types.ts';
import type { RecordedDigest } from '../db/decisions-repo.ts';
import type { Stores } from '../db/stores.ts';
import { quoteTopic } from '../select/taste-ranking.ts';

const quoteList = (topics: string[]) => topics.map(quoteTopic).join(', ');
const fixed = (n: number) => n.toFixed(2);

/** The score parts of a qualifying paper, in words. */
function scoreParts(d: PaperDecision, digest: RecordedDigest): string {
  const upvotes = `▲ ${d.upvotes} upvotes when planned (listed on ${d.day})`;
  if (d.momentum === undefined || d.taste === undefined) return `${upvotes}; ranked by each covered day's upvotes`;
  const taste = digest.decisions?.taste;
  const from = taste ? ` (taught by ${taste.votes} vote${taste.votes === 1 ? '' : 's'} on ${taste.papers} paper${taste.papers === 1 ? '' : 's'})` : '';
  return `${upvotes}; score ${fixed(d.momentum + d.taste)} = upvote momentum ${fixed(d.momentum)} + taste ${fixed(d.taste)}${from}`;
}

function reason(d: PaperDecision, digest: RecordedDigest): string {
  const decisions = digest.decisions!;
  const on = `the digest of ${digest.feedDay}`;
  const matched = d.topic !== undefined ? `topic ${quoteTopic(d.topic)} matched` : undefined;
  const scope = decisions.days.length === 1 ? 'that day' : `over the ${decisions.days.length} days it covered`;
  const rank = `rank ${d.rank} of ${decisions.qualified} ${scope}`;
  switch (d.decision) {
    case 'posted':
      return `Picked for ${on} because ${matched ?? 'it ranked among the top papers (this channel has no topics)'}: ${rank} (top ${decisions.topN} are posted); ${scoreParts(d, digest)}.`;
    case 'overflow':
      return `Not posted: beyond the top ${decisions.topN} in ${on}: ${rank}${matched ? `, though ${matched}` : ''}; ${scoreParts(d, digest)}.`;
    case 'low':
      return `Not posted: below the minimum upvotes in ${on}: it had ▲ ${d.upvotes} and this channel asks for at least ${decisions.minUpvotes}.`;
    case 'off-topic':
      return `Not posted: no topic matched in ${on}. The channel's topics then were ${quoteList(decisions.topics)}.`;
    case 'delivered':
      return `Left out of ${on}: already posted here before, and a paper is posted to a channel once.`;
  }
}

/** The channel's state when it stops digests from coming. */
function stopped(channel: Channel): string | undefined {
  if (channel.health === 'failing') return `Digests here are paused because posting failed${channel.healthReason ? ` (${channel.healthReason})` : ''}: fix access, then /papers resume posts the missed papers.`;
  if (channel.paused) return 'Digests here are paused (/papers resume starts them again), so no digest has considered it yet.';
  return undefined;
}

/**
 * Why a paper was or was not posted in a channel, from the delivery ledger and the planner's recorded
 * decisions only: every sentence names the digest (its feed day) whose record it comes from, and when no
 * record says, the answer says that instead of guessing.
 */
export async function explainPaper(paper: Paper, channel: Channel, records: Stores['decisions']): Promise<string[]> {
  const lines: string[] = [];
  const [ledger, digests] = await Promise.all([records.ledger(channel.id, paper.id), records.mentioning(channel.id, paper.id)]);
  const find = (digest: RecordedDigest) => digest.decisions?.papers.find((p) => p.paperId === paper.id);

  if (ledger) {
    const picked = digests.find((d) => d.deliveryId === ledger.deliveryId);
    const decision = picked && find(picked);
    const unknown = picked?.error ? `its recorded decisions cannot be read (${picked.error})` : 'no decision about it was recorded with that digest';
    const why = decision && picked ? reason(decision, picked) : `Picked for the digest of ${ledger.feedDay} (${unknown}, so its ranking is not known).`;
    if (ledger.status === 'sent') lines.push(`Posted here on ${ledger.feedDay}${ledger.lastError ? ` (unconfirmed: ${ledger.lastError})` : ''}. ${why}`);
    else if (ledger.status === 'failed') lines.push(`${why} But its delivery failed (${ledger.lastError ?? 'no reason recorded'}); it goes out again, looking first, with the channel's next digest.`);
    else lines.push(`${why} Not posted yet: the delivery is ${ledger.status}${ledger.attempts > 0 ? ` after ${ledger.attempts} attempt${ledger.attempts === 1 ? '' : 's'}` : ''}${ledger.lastError ? ` (last error: ${ledger.lastError})` : ''}.`);
    const later = digests.find((d) => d.feedDay > ledger.feedDay && find(d)?.decision === 'delivered');
    if (later) lines.push(`The digest of ${later.feedDay} left it out again: already posted on ${ledger.feedDay}.`);
    return lines;
  }

  const unreadable = digests.find((d) => d.error !== undefined);
  for (const digest of digests) {
    const decision = find(digest);
    if (!decision) continue;
    if (decision.decision === 'posted' && digest.status === 'failed') {
      lines.push(`${reason(decision, digest)} But the delivery failed (${digest.lastError ?? 'no reason recorded'}) and nothing was posted, so it went back to the pool.`);
      const state = stopped(channel);
      if (state) lines.push(state);
      return lines;
    }
    if (decision.decision === 'delivered') {
      const earlier = digests.find((d) => d.feedDay < digest.feedDay && find(d)?.decision === 'posted');
      lines.push(earlier ? `Left out of the digest of ${digest.feedDay}: already posted on ${earlier.feedDay}.` : reason(decision, digest));
      return lines;
    }
    lines.push(reason(decision, digest));
    return lines;
  }
  if (unreadable) return [`The recorded decisions of the digest of ${unreadable.feedDay} cannot be read (${unreadable.error}), so I cannot say why without guessing.`];

  const [listed, coverage] = await Promise.all([records.listingDays(paper.id), records.coverage(channel.id)]);
  const state = stopped(channel);
  if (listed.length === 0) return [`Not posted: it was not on the Daily Papers feed on any day we have (it is stored from a search), and digests post only papers of the feed.`];
  const days = listed.length === 1 ? listed[0]! : `${listed[0]} to ${listed[listed.length - 1]}`;
  if (coverage.digests === 0 || !coverage.last) return [`Listed on ${days}, but no digest has been planned here yet.`, ...(state ? [state] : [])];
  if (listed[listed.length - 1]! > coverage.last) {
    return [`Listed on ${days}, after this channel's last digest (of ${coverage.last}): not on the feed on any day a digest here covered yet.`, state ?? "The channel's next digest will consider it."];
  }
  if ((await records.undecidedSince(channel.id, listed[0]!)) > 0) return [`Listed on ${days}, when this channel's digests were planned before their decisions were recorded, so I cannot say why without guessing.`];
  return [`Not posted: it was not on the feed on any day a digest here covered. It was listed on ${days}; digests here covered ${coverage.first} to ${coverage.last} (days beyond the catch-up limit are named in the digest, not covered).`];
}

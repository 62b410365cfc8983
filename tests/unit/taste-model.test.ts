import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { DigestDecisions } from '../../src/core/decisions.ts';
import { openDb } from '../../src/db/client.ts';
import { voteKey, VotesRepo, type Vote } from '../../src/db/votes-repo.ts';
import { readStoredDecisions, writeStoredDecisions } from '../../src/db/stored-decisions.ts';
import { silentLogger } from '../../src/logger.ts';
import { PaperTerms } from '../../src/search/paper-terms.ts';
import { DigestPlanner } from '../../src/select/digest-planner.ts';
import type { DigestPick } from '../../src/select/select-papers.ts';
import { fitTaste, netsOf, TasteSpace } from '../../src/select/taste-model.ts';
import { CosineRows } from '../../src/select/taste-rows.ts';
import { rankByTaste, rankScored, shortTitle, whyLine } from '../../src/select/taste-ranking.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const vote = (paperId: string, userId: string, value: 1 | -1): Vote => ({ paperId, userId, value, source: 'button', updatedAt: '2025-03-17T10:00:00.000Z' });

const diffusionA = makePaper({ id: '2501.00001', title: 'Latent diffusion models for image synthesis', abstract: 'Denoising diffusion in a latent space synthesises high-resolution images.' });
const diffusionB = makePaper({ id: '2501.00002', title: 'Denoising diffusion probabilistic models', abstract: 'Image synthesis by reversing a diffusion process that adds noise step by step.' });
const theory = makePaper({ id: '2501.00003', title: 'Scaling laws for neural language models', abstract: 'Loss follows power laws in model size, dataset size and compute.' });
const agents = makePaper({ id: '2501.00004', title: 'Web agents that browse with tools', abstract: 'Agents call browsing tools to answer questions on the web.' });
const video = makePaper({ id: '2501.00005', title: 'Video diffusion with latent denoising', abstract: 'A latent diffusion model generates video by denoising frames.' });
const papers = [diffusionA, diffusionB, theory, agents, video];
const byId = new Map(papers.map((p) => [p.id, p]));
const vectoriser = new PaperTerms();
const termsOf = (id: string) => {
  const p = byId.get(id);
  return p ? vectoriser.termsOf(p) : undefined;
};

describe('fitting a channel taste', () => {
  it('learns nothing without votes, or from votes that cancel out', () => {
    expect(fitTaste([])).toBeUndefined();
    expect(fitTaste([vote(theory.id, 'U1', 1), vote(theory.id, 'U2', -1)])).toBeUndefined();
  });

  it('counts each paper once with its ups, downs and net, strongest pull first', () => {
    const taste = fitTaste([vote(theory.id, 'U1', -1), vote(diffusionA.id, 'U1', 1), vote(diffusionA.id, 'U2', 1), vote(diffusionB.id, 'U3', 1)])!;
    expect(taste.papers.map((p) => [p.paperId, p.up, p.down, p.net])).toEqual([
      [diffusionA.id, 2, 0, 2],
      [diffusionB.id, 1, 0, 1],
      [theory.id, 0, 1, -1],
    ]);
    expect(taste).toMatchObject({ votes: 4, people: 3, weight: 0.75 });
  });
});

describe('the taste space of a set of candidates', () => {
  const space = new TasteSpace(papers, vectoriser);
  const taste = fitTaste([vote(diffusionA.id, 'U1', 1), vote(diffusionB.id, 'U2', 1), vote(theory.id, 'U3', -1)])!;

  it('scores papers like the liked ones above the rest, and like the disliked one below zero', () => {
    const scores = space.evaluate(taste, termsOf).scores;
    expect(scores[4]).toBeGreaterThan(0.05);
    expect(scores[4]).toBeGreaterThan(scores[3]!);
    expect(scores[2]).toBeLessThan(0);
  });

  it('names the strongest positive and negative terms in the words the papers use', () => {
    const { positive, negative } = space.terms(taste, termsOf);
    expect(positive.map((t) => t.word)).toContain('diffusion');
    expect(negative.map((t) => t.word)).toEqual(expect.arrayContaining(['scaling', 'laws']));
    expect(positive.every((t) => t.weight > 0) && negative.every((t) => t.weight < 0)).toBe(true);
  });

  it('scores each paper, and names its nearest liked paper, exactly as evaluating the whole collection does', () => {
    const tastes = [taste, fitTaste([vote(video.id, 'U1', 1), vote(agents.id, 'U2', -1), vote(agents.id, 'U3', -1), vote('2501.09999', 'U4', 1)])!];
    for (const t of tastes) {
      const whole = space.evaluate(t, termsOf);
      const scorer = space.scorer(t, termsOf);
      expect(papers.map((_, i) => scorer.score(i))).toEqual([...whole.scores]);
      expect(papers.map((_, i) => scorer.nearestLiked(i))).toEqual([...whole.liked]);
    }
  });

  it('scores and names the nearest liked paper from flat cosine rows exactly as evaluating the whole collection does', () => {
    const tastes = [taste, fitTaste([vote(video.id, 'U1', 1), vote(agents.id, 'U2', -1), vote(agents.id, 'U3', -1), vote('2501.09999', 'U4', 1)])!];
    const slotIds: string[] = [];
    // One row to start with: the rows grow as slots arrive, keeping those computed.
    const rows = new CosineRows(papers.length, (slot) => space.similarities(slotIds[slot]!, termsOf), 1);
    const at = Int32Array.from(papers, (_, i) => i);
    for (const t of tastes) {
      const whole = space.evaluate(t, termsOf);
      const slots = Int32Array.from(t.examples, (ex) => (slotIds.includes(ex.paperId) ? slotIds.indexOf(ex.paperId) : slotIds.push(ex.paperId) - 1));
      const rowTaste = { slots, nets: netsOf(t) };
      const scores = new Float64Array(papers.length).fill(7);
      rows.score(rowTaste, at, papers.length, scores, rows.total(rowTaste));
      expect([...scores]).toEqual([...whole.scores]);
      expect(papers.map((_, i) => rows.nearestLiked(rowTaste, i))).toEqual([...whole.liked]);
    }
  });

  it('finds the liked paper most like a candidate', () => {
    const nearest = space.evaluate(taste, termsOf).liked;
    expect(taste.examples[nearest[4]!]!.paperId).toBe(diffusionA.id);
    expect(nearest[3]).toBe(-1);
    expect(nearest[2]).toBe(-1);
  });
});

describe('re-ranking by momentum and taste', () => {
  const pick = (paper: (typeof papers)[number], upvotes: number, feedDay = '2025-03-18'): DigestPick => ({ paper: { ...paper, upvotes }, feedDay, rank: 0 });

  it('keeps the order when taste says nothing and upvotes tie, and is the same every time', () => {
    const picks = [pick(agents, 10), pick(theory, 10), pick(video, 10)];
    const once = rankByTaste(picks, () => 0, '2025-03-18', 0.75).map((r) => r.pick.paper.id);
    expect(once).toEqual([agents.id, theory.id, video.id]);
    expect(rankByTaste(picks, () => 0, '2025-03-18', 0.75).map((r) => r.pick.paper.id)).toEqual(once);
  });

  it('lifts a liked-looking paper over more upvoted ones, and weighs upvotes by days on the feed', () => {
    const taste = new Map([[video.id, 0.3], [agents.id, 0], [theory.id, -0.1]]);
    const ranked = rankByTaste([pick(theory, 150), pick(agents, 120), pick(video, 25)], (p) => taste.get(p.paper.id)!, '2025-03-18', 0.75);
    expect(ranked.map((r) => r.pick.paper.id)).toEqual([video.id, agents.id, theory.id]);
    expect(ranked[0]!.parts).toMatchObject({ taste: 0.75 });
    const aged = rankByTaste([pick(agents, 100, '2025-03-14'), pick(video, 40)], () => 0, '2025-03-18', 0.75);
    expect(aged.map((r) => r.pick.paper.id)).toEqual([video.id, agents.id]);
  });

  it('orders only the top N when asked, as the first N of the full order, equal scores in today\'s order', () => {
    const values = [0.3, 0.1, 0.3, 0.9, 0.1, 0.3, 0, 0.9, 0.5];
    const full = rankScored(Float64Array.from(values), Float64Array.from(values, (v) => v / 2), 0.5).order;
    expect(full).toEqual([3, 7, 8, 0, 2, 5, 1, 4, 6]);
    for (const topN of [0, 1, 3, 4, 8]) expect(rankScored(Float64Array.from(values), Float64Array.from(values, (v) => v / 2), 0.5, topN).order).toEqual(full.slice(0, topN));
  });

  it('says why in one line', () => {
    expect(whyLine({ ...pick(video, 151), topic: 'diffusion' }, { paperId: '2409.06633', title: 'SaRA: High-Efficient Diffusion Model Fine-tuning', up: 3 })).toBe(
      'matched "diffusion" · ▲ 151 · like "SaRA…", which 3 of you liked',
    );
    expect(whyLine(pick(video, 7))).toBe('▲ 7');
    expect(shortTitle('A very long title about denoising diffusion models for video generation')).toBe('A very long title about denoising…');
  });
});

describe('stored decisions', () => {
  const decisions: DigestDecisions = {
    days: ['2025-03-17', '2025-03-18'],
    topics: ['diffusion'],
    topN: 1,
    minUpvotes: 5,
    taste: { votes: 3, papers: 3 },
    qualified: 2,
    papers: [
      { paperId: video.id, decision: 'posted', day: '2025-03-18', upvotes: 25, rank: 1, topic: 'diffusion', momentum: 0.612, taste: 0.75 },
      { paperId: diffusionA.id, decision: 'overflow', day: '2025-03-17', upvotes: 9, rank: 2, topic: 'diffusion', momentum: 0.5, taste: 0.1 },
      { paperId: agents.id, decision: 'low', day: '2025-03-18', upvotes: 2 },
      { paperId: theory.id, decision: 'off-topic' },
      { paperId: diffusionB.id, decision: 'delivered' },
    ],
  };

  it('read back exactly what was written, as short tuples and id lists', () => {
    const json = writeStoredDecisions(decisions);
    expect(json).toContain(`["${agents.id}","u",1,2]`);
    expect(json).toContain(`"t":"${theory.id}","d":"${diffusionB.id}"`);
    expect(readStoredDecisions(json)).toEqual({ decisions });
  });

  it('are refused with the reason when malformed', () => {
    expect(readStoredDecisions('{')).toEqual({ error: 'stored digest decisions are not JSON' });
    expect(readStoredDecisions(JSON.stringify({ v: 1, days: ['2025-03-17'], topics: [], topN: 5, min: 0, q: 0, c: [['x', 't', 0, 1]] }))).toMatchObject({ error: expect.stringContaining('c.0.1') });
    expect(readStoredDecisions(JSON.stringify({ v: 1, days: [], topics: [], topN: 5, min: 0, q: 0, c: [['x', 'p', 3, 1]] }))).toMatchObject({ error: expect.stringContaining('day 3') });
  });
});

describe('a planner with votes to read', () => {
  const { db, path, cleanup } = createTestDb('taste-model');
  const ctx = createContext(loadConfig({}), silentLogger(), { db });
  afterAll(cleanup);
  ctx.papers.upsertPage(papers.map((p, i) => ({ ...p, upvotes: 50 - i * 10 })), papers.map((p, rank) => ({ paperId: p.id, feedDay: '2025-03-18', rank, upvotes: 50 - rank * 10 })));
  const target = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' };
  const channel = ctx.channels.enrol(target, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }).channel;
  const now = new Date('2025-03-18T15:00:00Z');
  const withoutVotes = new DigestPlanner({ papers: ctx.stores.papers, channels: ctx.stores.channels, deliveries: ctx.stores.deliveries, search: ctx.search });

  it('plans exactly as without votes while the channel has none (the identity ranking)', async () => {
    expect(await ctx.planner.plan(channel, now)).toEqual(await withoutVotes.plan(channel, now));
  });

  it('re-ranks once votes arrive, each pick saying why, and again as soon as they change', async () => {
    ctx.votes.cast(target, diffusionA.id, 'U1', 1);
    ctx.votes.cast(target, theory.id, 'U2', -1);
    expect(VotesRepo.versionOf(ctx.votes.forChannel(target))).toBe(ctx.votes.version(target));
    expect(ctx.votes.versions().get(voteKey(target))).toBe(ctx.votes.version(target));
    const plan = await ctx.planner.plan(channel, now);
    expect(plan.picks.map((p) => p.paper.id)).toEqual([diffusionA.id, diffusionB.id, video.id, agents.id, theory.id]);
    expect(plan.view.papers[2]!.why).toBe(`▲ 10 · like "${shortTitle(diffusionA.title)}", which one of you liked`);
    expect(plan.view.papers[0]!.why).toBe('▲ 50 · one of you liked it');
    expect(await ctx.planner.planMany([channel], now)).toEqual([plan]);
    ctx.votes.cast(target, diffusionA.id, 'U1', -1);
    const changed = await ctx.planner.plan(channel, now);
    expect(changed.picks[0]!.paper.id).toBe(agents.id);
    expect(changed.view.papers.some((p) => p.why?.includes('liked'))).toBe(false);
    ctx.votes.resetChannel(target);
    expect(await ctx.planner.plan(channel, now)).toEqual(await withoutVotes.plan(channel, now));
    expect(await ctx.planner.planMany([channel], now)).toEqual([await withoutVotes.plan(channel, now)]);
  });

  it('plans after an ingest exactly as a planner that kept nothing, also when a voted paper\'s text changed', async () => {
    ctx.votes.cast(target, diffusionA.id, 'U1', 1);
    ctx.votes.cast(target, agents.id, 'U2', -1);
    const fresh = () => new DigestPlanner({ papers: ctx.stores.papers, channels: ctx.stores.channels, deliveries: ctx.stores.deliveries, search: ctx.search, votes: ctx.stores.votes });
    const before = await ctx.planner.planMany([channel], now);
    expect(await ctx.planner.planMany([channel], now)).toEqual(before);
    expect(before).toEqual(await fresh().planMany([channel], now));
    ctx.papers.upsertPage([{ ...agents, title: 'Latent diffusion agents', abstract: 'Denoising diffusion in a latent space, for agents.', upvotes: 20 }], []);
    ctx.planner.invalidate();
    const after = await ctx.planner.plan(channel, now, { record: true });
    expect(after).toEqual(await fresh().plan(channel, now, { record: true }));
    expect(after.view.papers.map((p) => p.why)).not.toEqual(before[0]!.view.papers.map((p) => p.why));
    ctx.papers.upsertPage([{ ...agents, upvotes: 20 }], []);
    ctx.planner.invalidate();
    ctx.votes.resetChannel(target);
  });

  it('plans after an ingest that moved only upvotes, or changed the text of a voted paper of an earlier day, exactly as a planner that kept nothing', async () => {
    const older = makePaper({ id: '2501.00006', title: 'Agents that plan with latent diffusion', abstract: 'Web agents plan their browsing with a latent diffusion model.' });
    ctx.papers.upsertPage([{ ...older, upvotes: 30 }], [{ paperId: older.id, feedDay: '2025-03-17', rank: 0, upvotes: 30 }]);
    ctx.votes.cast(target, older.id, 'U1', 1);
    ctx.votes.cast(target, theory.id, 'U2', -1);
    const fresh = () => new DigestPlanner({ papers: ctx.stores.papers, channels: ctx.stores.channels, deliveries: ctx.stores.deliveries, search: ctx.search, votes: ctx.stores.votes });
    ctx.planner.invalidate();
    const before = await ctx.planner.planMany([channel], now);
    expect(before).toEqual(await fresh().planMany([channel], now));
    expect(before[0]!.view.papers.some((p) => p.why?.includes('liked'))).toBe(true);
    const today = (upvotes: number[]) => papers.map((p, i) => ({ ...p, upvotes: upvotes[i]! }));
    const listings = (upvotes: number[]) => papers.map((p, rank) => ({ paperId: p.id, feedDay: '2025-03-18', rank, upvotes: upvotes[rank]! }));
    // Upvotes that keep today's order, then upvotes that change it: each time the plans are a fresh planner's.
    for (const upvotes of [[50, 40, 31, 20, 10], [12, 40, 31, 60, 10]]) {
      ctx.papers.upsertPage(today(upvotes), listings(upvotes));
      ctx.planner.invalidate();
      expect(await ctx.planner.planMany([channel], now)).toEqual(await fresh().planMany([channel], now));
      expect(await ctx.planner.plan(channel, now, { record: true })).toEqual(await fresh().plan(channel, now, { record: true }));
    }
    const liked = (await ctx.planner.planMany([channel], now))[0]!.view.papers.map((p) => p.why);
    ctx.papers.upsertPage([{ ...older, title: 'Scaling laws, planned: a study', abstract: 'Loss follows power laws in compute.', upvotes: 30 }], []);
    ctx.planner.invalidate();
    const after = await ctx.planner.planMany([channel], now);
    expect(after).toEqual(await fresh().planMany([channel], now));
    expect(after[0]!.view.papers.map((p) => p.why)).not.toEqual(liked);
    ctx.papers.upsertPage(today([50, 40, 30, 20, 10]), listings([50, 40, 30, 20, 10]));
    ctx.planner.invalidate();
    ctx.votes.resetChannel(target);
  });

  it('sees votes another process casts (another connection to the same database) at the next plan', async () => {
    const other = openDb(path);
    try {
      new VotesRepo(other).cast(target, video.id, 'U5', -1);
      expect((await ctx.planner.plan(channel, now)).picks.at(-1)!.paper.id).toBe(video.id);
      new VotesRepo(other).resetChannel(target);
      expect(await ctx.planner.plan(channel, now)).toEqual(await withoutVotes.plan(channel, now));
    } finally {
      other.close();
    }
  });
});

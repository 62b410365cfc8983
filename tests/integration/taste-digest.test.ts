import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasteHarness, NEXT_DAY, nextDayPapers, WORKSPACE, type TasteHarness } from './taste-harness.ts';

let h: TasteHarness;
const LATENT_DIFFUSION = '2112.10752';
const DDPM = '2006.11239';
const SCALING_LAWS = '2001.08361';
const target = (channelId: string) => ({ platform: 'slack', workspaceId: WORKSPACE, channelId });
const slackText = (channelId: string) =>
  h.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.body.channel === channelId)
    .map((c) => JSON.stringify(c.body.blocks));

beforeAll(async () => {
  h = await createTasteHarness('taste-digest');
  await h.ingestFixtureDay();
  // Two channels with the same topics: the recorded day's digest posts its two diffusion papers and its scaling-law paper.
  for (const channelId of ['CVOTED', 'CQUIET']) {
    expect((await h.command(channelId, 'subscribe diffusion')).kind).not.toBe('error');
    expect((await h.command(channelId, 'subscribe "scaling laws"')).kind).not.toBe('error');
    expect(await h.digest(channelId)).toMatchObject({ outcome: 'created', papers: 3 });
    expect(h.ctx.deliveries.forChannel(h.channel(channelId).id, 1)[0]!.paperIds.sort()).toEqual([SCALING_LAWS, DDPM, LATENT_DIFFUSION].sort());
  }
  // On its posted papers, two people like the two diffusion papers, one dislikes the scaling-law paper.
  h.ctx.votes.cast(target('CVOTED'), LATENT_DIFFUSION, 'U1', 1);
  h.ctx.votes.cast(target('CVOTED'), LATENT_DIFFUSION, 'U2', 1);
  h.ctx.votes.cast(target('CVOTED'), DDPM, 'U2', 1);
  h.ctx.votes.cast(target('CVOTED'), SCALING_LAWS, 'U3', -1);
  h.seedDay(NEXT_DAY, nextDayPapers());
  h.setNow(`${NEXT_DAY}T15:00:00Z`);
});

afterAll(async () => {
  await h?.close();
});

describe('the taste a channel teaches by its votes', () => {
  it("ranks the next day's diffusion papers first in the channel that voted, the next day's order unchanged elsewhere", async () => {
    await h.digest('CVOTED');
    await h.digest('CQUIET');
    const [voted] = h.ctx.deliveries.forChannel(h.channel('CVOTED').id, 1);
    const [quiet] = h.ctx.deliveries.forChannel(h.channel('CQUIET').id, 1);
    expect(voted).toMatchObject({ feedDay: NEXT_DAY, status: 'sent' });
    expect(voted!.paperIds).toEqual(['2503.11006', '2503.11007', '2503.11001']);
    expect(quiet!.paperIds).toEqual(['2503.11001', '2503.11006', '2503.11007']);
  });

  it('says in the digest why each pick was made, naming the liked paper it resembles and how many liked it', () => {
    const posted = slackText('CVOTED').at(-1)!;
    expect(posted).toContain('matched \\"diffusion\\" · ▲ 40 · like \\"High-Resolution Image Synthesis with…\\", which 2 of you liked');
    expect(slackText('CQUIET').at(-1)!).not.toContain('of you liked');
    const [voted] = h.ctx.deliveries.forChannel(h.channel('CVOTED').id, 1);
    expect(voted!.view!.papers.map((p) => p.why)).toEqual([
      'matched "diffusion" · ▲ 40 · like "High-Resolution Image Synthesis with…", which 2 of you liked',
      'matched "diffusion" · ▲ 25 · like "High-Resolution Image Synthesis with…", which 2 of you liked',
      'matched "scaling laws" · ▲ 180',
    ]);
  });

  it('plans the same digest every time from the same votes', async () => {
    const channel = h.channel('CVOTED');
    const a = await h.ctx.planner.plan(channel, new Date(`${NEXT_DAY}T15:00:00Z`), { feedDay: NEXT_DAY });
    h.ctx.planner.invalidate();
    const b = await h.ctx.planner.plan(channel, new Date(`${NEXT_DAY}T15:00:00Z`), { feedDay: NEXT_DAY });
    expect(b.picks.map((p) => p.paper.id)).toEqual(a.picks.map((p) => p.paper.id));
    expect(b.view).toEqual(a.view);
  });

  it("shows a paper's new code link after an ingest that changed nothing else about it, with and without a taste", async () => {
    const at = new Date(`${NEXT_DAY}T15:00:00Z`);
    const plans = async () => Promise.all(['CVOTED', 'CQUIET'].map((c) => h.ctx.planner.plan(h.channel(c), at, { feedDay: NEXT_DAY })));
    const before = await plans();
    // Planned twice, so that the views made the first time are what the second plan reuses.
    expect((await plans()).map((p) => p.view)).toEqual(before.map((p) => p.view));
    h.seedDay(NEXT_DAY, nextDayPapers().map((p) => (p.id === '2503.11006' ? { ...p, githubRepo: 'openai/consistency' } : p)));
    const after = await plans();
    for (const [i, plan] of after.entries()) {
      const view = plan.view.papers.find((p) => p.id === '2503.11006')!;
      expect(view.codeUrl).toBe('https://github.com/openai/consistency');
      expect(view.why).toBe(before[i]!.view.papers.find((p) => p.id === '2503.11006')!.why);
    }
    expect(after[0]!.view.papers[0]!.why).toContain('of you liked');
    h.seedDay(NEXT_DAY, nextDayPapers());
  });

  it('shows with /papers taste what the channel taught: its strongest terms and the papers voted on, with counts', async () => {
    const text = await h.text('CVOTED', 'taste');
    expect(text).toContain('4 votes by 3 people on 3 papers.');
    expect(text).toMatch(/More like: [^\n]*diffusion/);
    expect(text).toMatch(/Less like: [^\n]*laws/);
    expect(text).toContain(`▲ 2 ▼ 0  High-Resolution Image Synthesis with Latent Diffusion Models (${LATENT_DIFFUSION})`);
    expect(text).toContain(`▲ 0 ▼ 1  Scaling Laws for Neural Language Models (${SCALING_LAWS})`);
    expect(await h.text('CQUIET', 'taste')).toContain('No one has voted here yet');
    const bad = await h.command('CVOTED', 'taste everything');
    expect(bad).toMatchObject({ kind: 'error', usage: expect.stringContaining('/papers taste reset') });
  });

  it('forgets with /papers taste reset, only for someone who may manage the channel, and says how many votes went', async () => {
    const refused = await h.command('CVOTED', 'taste reset', { canManage: false, userId: 'U9' });
    expect(refused).toMatchObject({ kind: 'error', message: expect.stringContaining('nothing was changed') });
    expect(h.ctx.votes.forChannel(target('CVOTED'))).toHaveLength(4);
    expect(await h.text('CVOTED', 'taste reset')).toContain('Forgot 4 votes cast in this channel.');
    expect(h.ctx.votes.forChannel(target('CVOTED'))).toHaveLength(0);
    expect(await h.text('CVOTED', 'taste')).toContain('No one has voted here yet');
    const plan = await h.ctx.planner.plan(h.channel('CVOTED'), new Date(`${NEXT_DAY}T15:00:00Z`), { feedDay: NEXT_DAY });
    expect(plan.picks.map((p) => p.paper.id)).toEqual(['2503.11001', '2503.11006', '2503.11007']);
    expect(plan.view.papers.some((p) => p.why !== undefined)).toBe(false);
  });

  it('takes the Discord option form of taste reset', async () => {
    h.ctx.votes.cast({ platform: 'discord', workspaceId: 'G1', channelId: '900000000000000123' }, DDPM, 'U1', 1);
    const reply = await h.app.command({ platform: 'discord', workspaceId: 'G1', channelId: '900000000000000123', userId: 'U1', name: 'taste', text: '', options: { reset: true }, canManage: true });
    expect(reply).toMatchObject({ kind: 'text', lines: [expect.stringContaining('Forgot 1 vote cast')] });
  });
});

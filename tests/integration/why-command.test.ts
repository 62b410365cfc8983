import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasteHarness, FIXTURE_DAY, NEXT_DAY, nextDayPapers, type TasteHarness } from './taste-harness.ts';

let h: TasteHarness;
const LATENT_DIFFUSION = '2112.10752';
const DDPM = '2006.11239';
const DEEPSEEK = '2501.12948';
const GAUSSIAN_SPLATTING = '2308.04079';
const NEXT_DAY_TOP = '2503.11001';

beforeAll(async () => {
  h = await createTasteHarness('why-command');
  await h.ingestFixtureDay();
  expect((await h.command('CTOPIC', 'subscribe diffusion')).kind).not.toBe('error');
  expect((await h.command('CMIN', 'settings min-upvotes=100')).kind).not.toBe('error');
  for (const channelId of ['CTOP', 'CFAIL', 'CPAUSE']) expect((await h.command(channelId, 'schedule 09:00')).kind).not.toBe('error');
  for (const channelId of ['CTOPIC', 'CMIN', 'CTOP', 'CPAUSE']) await h.digest(channelId);
  h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
  await h.digest('CFAIL');
  expect((await h.command('CPAUSE', 'pause')).kind).not.toBe('error');

  h.seedDay(NEXT_DAY, nextDayPapers());
  h.setNow(`${NEXT_DAY}T15:00:00Z`);
  await h.digest('CTOP');
  expect((await h.command('CLATE', 'schedule 09:00')).kind).not.toBe('error');
  await h.digest('CLATE');
});

afterAll(async () => {
  await h?.close();
});

describe('/papers why, from the ledger and the recorded decisions', () => {
  it('says a paper was posted on its day because a topic matched, with its rank and score parts', async () => {
    const text = await h.text('CTOPIC', `why ${LATENT_DIFFUSION}`);
    expect(text).toContain(`Posted here on ${FIXTURE_DAY}.`);
    expect(text).toContain('because topic "diffusion" matched: rank 1 of 2 that day (top 5 are posted)');
    expect(text).toContain(`▲ 127 upvotes when planned (listed on ${FIXTURE_DAY})`);
  });

  it('says no topic matched, naming the topics', async () => {
    const text = await h.text('CTOPIC', `why https://huggingface.co/papers/${DEEPSEEK}`);
    expect(text).toContain(`Not posted: no topic matched in the digest of ${FIXTURE_DAY}. The channel's topics then were "diffusion".`);
  });

  it('says a paper was below the minimum upvotes, with its upvotes and the minimum', async () => {
    const text = await h.text('CMIN', `why arXiv:${DDPM}v2`);
    expect(text).toContain(`Not posted: below the minimum upvotes in the digest of ${FIXTURE_DAY}: it had ▲ 27 and this channel asks for at least 100.`);
  });

  it('says a paper was beyond the top N, with its rank among the papers that qualified that day', async () => {
    const text = await h.text('CTOP', `why https://arxiv.org/abs/${GAUSSIAN_SPLATTING}`);
    // The newest digest that considered it answers: the next day's, which covered both days.
    expect(text).toContain(`Not posted: beyond the top 5 in the digest of ${NEXT_DAY}: rank 7 of 21 over the 2 days it covered; ▲ 176 upvotes when planned (listed on ${FIXTURE_DAY})`);
    expect(await h.text('CMIN', `why ${GAUSSIAN_SPLATTING}`)).toContain(`Not posted: beyond the top 5 in the digest of ${FIXTURE_DAY}: rank 6 of 11 that day`);
  });

  it('says a paper was already posted on its day when a later digest covered it again', async () => {
    const text = await h.text('CTOP', `why ${DEEPSEEK}`);
    expect(text).toContain(`Posted here on ${FIXTURE_DAY}.`);
    expect(text).toContain(`The digest of ${NEXT_DAY} left it out again: already posted on ${FIXTURE_DAY}.`);
  });

  it('says a delivery failed, and why, and that its papers went back to the pool', async () => {
    const text = await h.text('CFAIL', `why ${DEEPSEEK}`);
    expect(text).toContain(`Picked for the digest of ${FIXTURE_DAY}`);
    expect(text).toContain('But the delivery failed (channel_not_found) and nothing was posted, so it went back to the pool.');
  });

  it('says digests are paused after a failed post, for a paper listed since', async () => {
    const text = await h.text('CFAIL', `why ${NEXT_DAY_TOP}`);
    expect(text).toContain('Digests here are paused because posting failed');
  });

  it('says the channel is paused, for a paper listed after its last digest', async () => {
    const text = await h.text('CPAUSE', `why ${NEXT_DAY_TOP}`);
    expect(text).toContain(`Listed on ${NEXT_DAY}, after this channel's last digest (of ${FIXTURE_DAY})`);
    expect(text).toContain('Digests here are paused (/papers resume starts them again)');
  });

  it('says a paper was not on the feed on any day a digest here covered', async () => {
    const text = await h.text('CLATE', `why ${DEEPSEEK}`);
    expect(text).toContain(`Not posted: it was not on the feed on any day a digest here covered. It was listed on ${FIXTURE_DAY}; digests here covered ${NEXT_DAY} to ${NEXT_DAY}`);
  });

  it('says a paper is unknown when it is not stored', async () => {
    const text = await h.text('CTOP', 'why 2999.00001');
    expect(text).toContain('Paper 2999.00001 is unknown here');
  });

  it('answers garbage or nothing with a clear message and the usage', async () => {
    expect(await h.command('CTOP', 'why hello world')).toMatchObject({ kind: 'error', message: '"hello world" is not an arXiv id or a paper\'s arxiv.org or huggingface.co/papers link.', usage: expect.stringContaining('/papers why <arXiv id or link>') });
    expect(await h.command('CTOP', 'why')).toMatchObject({ kind: 'error', message: expect.stringContaining('Tell me which paper') });
    expect(await h.command('CTOP', `why ${'x'.repeat(5000)}`)).toMatchObject({ kind: 'error' });
  });

  it('says a channel that gets no digests has considered nothing', async () => {
    expect(await h.text('CNEVER', `why ${DEEPSEEK}`)).toContain('This channel gets no digests, so no digest here has considered it.');
  });

  it('says so, instead of guessing, when the recorded decisions cannot be read', async () => {
    h.ctx.db.sqlite.prepare('UPDATE deliveries SET decisions = ? WHERE channel_id = ?').run(`{"v":9,"t":"${DEEPSEEK} ${LATENT_DIFFUSION}"}`, h.channel('CTOPIC').id);
    const text = await h.text('CTOPIC', `why ${DEEPSEEK}`);
    expect(text).toContain(`The recorded decisions of the digest of ${FIXTURE_DAY} cannot be read (stored digest decisions are invalid at v`);
    expect(text).toContain('so I cannot say why without guessing');
    expect(await h.text('CTOPIC', `why ${LATENT_DIFFUSION}`)).toContain(`Posted here on ${FIXTURE_DAY}. Picked for the digest of ${FIXTURE_DAY} (its recorded decisions cannot be read`);
  });

  it('takes the Discord option form and lets anyone ask', async () => {
    const reply = await h.app.command({ platform: 'discord', workspaceId: 'G1', channelId: '900000000000000999', userId: 'U1', name: 'why', text: '', options: { id: `https://arxiv.org/pdf/${DEEPSEEK}v1` }, canManage: false });
    expect(reply).toMatchObject({ kind: 'text', lines: [expect.stringContaining('This channel gets no digests')] });
    expect((await h.command('CTOPIC', `why ${LATENT_DIFFUSION}`, { canManage: false })).kind).toBe('text');
  });
});

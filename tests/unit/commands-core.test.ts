import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCommandText } from '../../adapters/slack/slack-command-text.ts';
import { createCommandCore, type CommandCore } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const NOW = new Date('2025-03-12T15:00:00Z');
const TODAY = '2025-03-12';

let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let core: CommandCore;
const changed: Channel[] = [];
let channelSeq = 0;

function request(overrides: Partial<CommandRequest> = {}): CommandRequest {
  return { platform: 'slack', workspaceId: 'T1', channelId: 'C-default', userId: 'U1', name: 'help', text: '', canManage: true, ...overrides };
}

/** A request in a channel no other test uses. */
function freshChannel(): string {
  channelSeq += 1;
  return `C${channelSeq}`;
}

function run(text: string, overrides: Partial<CommandRequest> = {}): Promise<CommandReply> {
  return core.handle(request({ ...parseCommandText(text), ...overrides }));
}

function textOf(reply: CommandReply): string {
  switch (reply.kind) {
    case 'text':
      return [reply.title ?? '', ...reply.lines].join('\n');
    case 'papers':
      return [reply.title, reply.note ?? '', ...reply.papers.map((p) => p.title)].join('\n');
    case 'digest':
      return [reply.title, reply.digest.note ?? '', reply.digest.notice ?? '', ...reply.digest.papers.map((p) => p.title)].join('\n');
    case 'error':
      return `${reply.message}\n${reply.usage ?? ''}`;
  }
}

function channelOf(channelId: string) {
  return ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId });
}

beforeAll(() => {
  testDb = createTestDb('commands-core');
  ctx = createContext(loadConfig({ DEFAULT_TIMEZONE: 'UTC', DEFAULT_DIGEST_TIME: '09:00' }), silentLogger(), {
    db: testDb.db,
    clock: { now: () => NOW },
  });
  const papers = [
    makePaper({ id: '2503.00001', title: 'Diffusion models for protein design', upvotes: 90, publishedAt: '2025-03-10' }),
    makePaper({ id: '2503.00002', title: 'Scaling laws for diffusion transformers', upvotes: 40, publishedAt: '2025-03-09' }),
    makePaper({ id: '2502.00003', title: 'An old diffusion survey', upvotes: 5, publishedAt: '2025-01-20' }),
    makePaper({ id: '2503.00004', title: 'Reinforcement learning for theorem proving', upvotes: 70, publishedAt: '2025-03-11' }),
    ...Array.from({ length: 7 }, (_, i) => makePaper({
        id: `2503.1000${i}`,
        title: `Graph neural network study ${i}`,
        abstract: `We study graph neural networks${' at length'.repeat(i)}.`,
        upvotes: 10 + i,
        publishedAt: '2025-03-01',
      })),
  ];
  ctx.papers.upsertPage(papers, [
    { paperId: '2503.00001', feedDay: TODAY, rank: 0, upvotes: 90 },
    { paperId: '2503.00004', feedDay: TODAY, rank: 1, upvotes: 70 },
    { paperId: '2503.00002', feedDay: TODAY, rank: 2, upvotes: 40 },
  ]);
  core = createCommandCore({ ctx, schedules: { channelChanged: async (c) => void changed.push(c) } });
});

afterAll(() => {
  ctx?.close();
  testDb?.cleanup();
});

beforeEach(() => {
  changed.length = 0;
});

describe('parseCommandText', () => {
  it('splits the subcommand from the rest of the text', () => {
    expect(parseCommandText('  Subscribe  diffusion models ')).toEqual({ name: 'subscribe', text: 'diffusion models' });
    expect(parseCommandText('')).toEqual({ name: '', text: '' });
  });
});

describe('search', () => {
  it('finds the papers that match in relevance order (bm25 blended with upvotes: 90 and 40 upvotes above a shorter title with 5), visible only to the caller', async () => {
    const reply = await run('search diffusion');
    expect(reply.kind).toBe('papers');
    if (reply.kind !== 'papers') return;
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.papers.map((p) => p.id)).toEqual(['2503.00001', '2503.00002', '2502.00003']);
    expect(reply.papers.map((p) => p.id)).not.toContain('2503.00004');
    expect(reply.shareable).toBe(true);
    expect(reply.papers.every((p) => p.url === `https://huggingface.co/papers/${p.id}`)).toBe(true);
  });

  it('reads the typed query option the way Discord sends it', async () => {
    const reply = await core.handle(request({ name: 'search', text: '', options: { query: 'theorem proving' } }));
    expect(reply.kind === 'papers' && reply.papers.map((p) => p.id)).toEqual(['2503.00004']);
  });

  it('pages on with a cursor when there are more results', async () => {
    const first = await run('search graph neural');
    expect(first.kind).toBe('papers');
    if (first.kind !== 'papers') return;
    expect(first.papers).toHaveLength(5);
    expect(first.more).toEqual({ command: 'search', text: 'graph neural', cursor: '5' });
    const second = await core.handle(request({ name: 'search', text: first.more!.text, cursor: first.more!.cursor }));
    expect(second.kind === 'papers' && second.papers).toHaveLength(2);
    const ids = [...first.papers, ...(second.kind === 'papers' ? second.papers : [])].map((p) => p.id);
    expect(new Set(ids).size).toBe(7);
  });

  it('answers an empty query with the usage instead of throwing', async () => {
    const reply = await run('search   ');
    expect(reply).toMatchObject({ kind: 'error', message: expect.stringContaining('what to search') });
    expect(reply.kind === 'error' && reply.usage).toContain('/papers search <query>');
  });

  it('answers an operator-only query with a helpful error', async () => {
    const reply = await run('search since:2025-01-01');
    expect(reply).toMatchObject({ kind: 'error', message: expect.stringContaining('nothing to look for') });
  });

  it('says so when nothing matches', async () => {
    const reply = await run('search zzzqqqxxy');
    expect(reply.kind).toBe('text');
    expect(textOf(reply)).toMatch(/No paper matches/);
  });
});

describe('subscribe, topics, unsubscribe', () => {
  it('enrols the channel in the caller\'s time zone, tells the scheduler, and shows last week\'s matches', async () => {
    const channelId = freshChannel();
    const reply = await run('subscribe diffusion', { channelId, userTimeZone: 'Europe/Berlin' });
    expect(reply.kind).toBe('papers');
    if (reply.kind !== 'papers') return;
    expect(reply.note).toContain('Added the topic "diffusion"');
    expect(reply.note).toContain('enrolled for digests: daily at 09:00 (Europe/Berlin)');
    expect(reply.papers.map((p) => p.id).sort()).toEqual(['2503.00001', '2503.00002']);
    expect(reply.papers.every((p) => p.matchedTopic === 'diffusion')).toBe(true);
    const channel = channelOf(channelId)!;
    expect(channel.schedule).toEqual({ time: '09:00', cadence: 'daily', weekday: null, timeZone: 'Europe/Berlin' });
    expect(ctx.channels.topics(channel.id).map((t) => t.query)).toEqual(['diffusion']);
    expect(changed.map((c) => c.id)).toEqual([channel.id]);
  });

  it('lists subscribed topics, numbered', async () => {
    const channelId = freshChannel();
    await run('subscribe diffusion', { channelId });
    await run('subscribe "theorem proving"', { channelId });
    const reply = await run('topics', { channelId });
    expect(reply.kind).toBe('text');
    expect(textOf(reply)).toContain('1. diffusion');
    expect(textOf(reply)).toContain('2. "theorem proving"');
    expect(textOf(reply)).toContain('daily at 09:00 (UTC)');
  });

  it('does not add the same topic twice, and says nothing changed', async () => {
    const channelId = freshChannel();
    await run('subscribe diffusion', { channelId });
    const again = await run('subscribe  diffusion ', { channelId });
    expect(textOf(again)).toContain('already follows "diffusion"; nothing changed');
    expect(ctx.channels.topics(channelOf(channelId)!.id)).toHaveLength(1);
  });

  it('reports a topic with no recent matches in words', async () => {
    const channelId = freshChannel();
    const reply = await run('subscribe "old diffusion survey"', { channelId });
    expect(reply.kind).toBe('text');
    expect(textOf(reply)).toContain('matched no papers in the last 7 days');
  });

  it.each([
    ['an operator-only topic', 'subscribe since:2025-01-01 -diffusion', /nothing to look for/],
    ['an empty topic', 'subscribe', /which topic/],
    ['a 5,000-character topic', `subscribe ${'word '.repeat(1000)}`, /under 200/],
  ])('refuses %s with the usage and changes nothing', async (_label, text, message) => {
    const channelId = freshChannel();
    const reply = await run(text, { channelId });
    expect(reply.kind).toBe('error');
    expect(textOf(reply)).toMatch(message);
    expect(reply.kind === 'error' && reply.usage).toContain('/papers subscribe <topic>');
    expect(channelOf(channelId)).toBeUndefined();
    expect(changed).toHaveLength(0);
  });

  it('removes topics by number, by name and all at once', async () => {
    const channelId = freshChannel();
    for (const t of ['diffusion', 'theorem proving', 'graph neural', 'protein']) await run(`subscribe ${t}`, { channelId });
    const id = channelOf(channelId)!.id;
    expect(textOf(await run('unsubscribe 2', { channelId }))).toContain('Removed the topic "theorem proving"');
    expect(textOf(await core.handle(request({ channelId, name: 'unsubscribe', text: '', options: { topic: 'GRAPH neural' } })))).toContain(
      'Removed the topic "graph neural"',
    );
    expect(ctx.channels.topics(id).map((t) => t.query)).toEqual(['diffusion', 'protein']);
    expect(textOf(await run('unsubscribe all', { channelId }))).toContain('Removed all 2 topics');
    expect(ctx.channels.topics(id)).toHaveLength(0);
  });

  it('explains an unknown topic or number and lists the real ones', async () => {
    const channelId = freshChannel();
    await run('subscribe diffusion', { channelId });
    const byName = await run('unsubscribe robotics', { channelId });
    expect(byName).toMatchObject({ kind: 'error', message: expect.stringContaining('does not follow "robotics"') });
    expect(byName.kind === 'error' && byName.usage).toContain('1. diffusion');
    expect(await run('unsubscribe 9', { channelId })).toMatchObject({ kind: 'error', message: expect.stringContaining('no topic number 9') });
  });
});

describe('schedule', () => {
  it('enrols and sets time, cadence, day and zone from text', async () => {
    const channelId = freshChannel();
    const reply = await run('schedule 7:45 weekly fri america/new_york', { channelId });
    expect(textOf(reply)).toContain('every Friday at 07:45 (America/New_York)');
    expect(channelOf(channelId)!.schedule).toEqual({ time: '07:45', cadence: 'weekly', weekday: 5, timeZone: 'America/New_York' });
    expect(changed).toHaveLength(2);
    expect(changed.at(-1)!.schedule.time).toBe('07:45');
  });

  it('reads typed options and defaults the zone to the caller\'s', async () => {
    const channelId = freshChannel();
    await core.handle(request({ channelId, name: 'schedule', text: '', options: { time: '18:00', cadence: 'weekdays' }, userTimeZone: 'Asia/Tokyo' }));
    expect(channelOf(channelId)!.schedule).toEqual({ time: '18:00', cadence: 'weekdays', weekday: null, timeZone: 'Asia/Tokyo' });
  });

  it('says what changed from and to', async () => {
    const channelId = freshChannel();
    await run('schedule 09:00', { channelId });
    const reply = await run('schedule 10:30 weekdays UTC', { channelId });
    expect(textOf(reply)).toContain('changed from daily at 09:00 (UTC) to on weekdays (Monday to Friday) at 10:30 (UTC)');
  });

  it.each([
    ['25:99', /not a time of day/],
    ['13pm', /not a time of day/],
    ['09:00 Mars/Olympus', /not a time zone I know/],
    ['09:00 weekly', /need a day/],
    ['09:00 fortnightly', /neither a cadence .* nor a time zone/],
  ])('refuses "%s" with the right form', async (args, message) => {
    const channelId = freshChannel();
    const reply = await run(`schedule ${args}`, { channelId });
    expect(reply).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
    expect(reply.kind === 'error' && reply.usage).toContain('/papers schedule [time]');
    expect(channelOf(channelId)).toBeUndefined();
  });

  it('refuses a bad cadence option', async () => {
    const reply = await core.handle(request({ channelId: freshChannel(), name: 'schedule', text: '', options: { time: '09:00', cadence: 'hourly' } }));
    expect(reply).toMatchObject({ kind: 'error', message: expect.stringContaining('not a cadence') });
  });
});

describe('settings', () => {
  it('changes settings and says what changed', async () => {
    const channelId = freshChannel();
    await run('subscribe diffusion', { channelId });
    const reply = await run('settings top=3 min-upvotes=20 empty=notice', { channelId });
    expect(textOf(reply)).toContain('Papers per digest: 5 -> 3.');
    expect(textOf(reply)).toContain('Minimum upvotes: 0 -> 20.');
    expect(textOf(reply)).toContain('post nothing -> post a short notice');
    expect(channelOf(channelId)).toMatchObject({ topN: 3, minUpvotes: 20, emptyBehaviour: 'notice' });
    expect(changed.at(-1)!.topN).toBe(3);
  });

  it('reads typed options', async () => {
    const channelId = freshChannel();
    await core.handle(request({ channelId, name: 'settings', text: '', options: { top: 10, min_upvotes: 0, empty: 'skip' } }));
    expect(channelOf(channelId)).toMatchObject({ topN: 10, minUpvotes: 0, emptyBehaviour: 'skip' });
  });

  it.each([
    ['top=0', /between 1 and 10/],
    ['top=11', /between 1 and 10/],
    ['min-upvotes=-1', /between 0 and/],
    ['empty=maybe', /skip or notice/],
    ['colour=blue', /no setting called "colour"/],
    ['top', /name=value/],
  ])('refuses %s with the right form', async (args, message) => {
    const channelId = freshChannel();
    const reply = await run(`settings ${args}`, { channelId });
    expect(reply).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
    expect(reply.kind === 'error' && reply.usage).toContain('/papers settings');
    expect(channelOf(channelId)).toBeUndefined();
  });

  it('shows the current settings without arguments', async () => {
    const channelId = freshChannel();
    await run('schedule 08:15', { channelId });
    const reply = await run('settings', { channelId, canManage: false });
    expect(textOf(reply)).toContain('Papers per digest: up to 5');
    expect(textOf(reply)).toContain('daily at 08:15 (UTC)');
  });
});

describe('pause and resume', () => {
  it('pauses and resumes a channel, telling the scheduler each time', async () => {
    const channelId = freshChannel();
    await run('subscribe diffusion', { channelId });
    changed.length = 0;
    expect(textOf(await run('pause', { channelId }))).toContain('Paused digests');
    expect(channelOf(channelId)!.paused).toBe(true);
    expect(textOf(await run('pause', { channelId }))).toContain('already paused');
    expect(textOf(await run('resume', { channelId }))).toContain('Resumed digests in this channel: posted daily at 09:00');
    expect(channelOf(channelId)!.paused).toBe(false);
    expect(changed.map((c) => c.paused)).toEqual([true, false]);
  });

  it('clears a failing channel on resume and says why it had stopped', async () => {
    const channelId = freshChannel();
    await run('subscribe diffusion', { channelId });
    ctx.channels.markFailing(channelOf(channelId)!.id, 'not_in_channel');
    const reply = await run('resume', { channelId });
    expect(textOf(reply)).toContain('Cleared the earlier delivery problem (not_in_channel)');
    expect(channelOf(channelId)).toMatchObject({ paused: false, health: 'ok' });
  });

  it('says there is nothing to pause in a channel that gets no digests', async () => {
    const channelId = freshChannel();
    expect(textOf(await run('pause', { channelId }))).toContain('nothing to pause');
    expect(channelOf(channelId)).toBeUndefined();
  });
});

describe('permissions', () => {
  it.each(['subscribe diffusion', 'unsubscribe all', 'schedule 09:00', 'settings top=3', 'pause', 'resume'])(
    'refuses "%s" to a caller who may not manage the channel, changing nothing',
    async (text) => {
      const channelId = freshChannel();
      const reply = await run(text, { channelId, canManage: false });
      expect(reply).toMatchObject({ kind: 'error', message: expect.stringContaining("can't change this channel's digest settings") });
      expect(channelOf(channelId)).toBeUndefined();
      expect(changed).toHaveLength(0);
    },
  );

  it.each(['search diffusion', 'today', 'topics', 'help'])('lets anyone run "%s"', async (text) => {
    const reply = await run(text, { channelId: freshChannel(), canManage: false });
    expect(reply.kind).not.toBe('error');
  });
});

describe('today, help and unknown commands', () => {
  it('previews the next digest of a channel that is not enrolled with default settings', async () => {
    const reply = await run('today', { channelId: freshChannel() });
    expect(reply.kind).toBe('digest');
    if (reply.kind !== 'digest') return;
    expect(reply.digest.feedDay).toBe(TODAY);
    expect(reply.digest.papers.map((p) => p.id)).toEqual(['2503.00001', '2503.00004', '2503.00002']);
    expect(reply.digest.note).toContain('gets no digests yet');
  });

  it('previews only the papers matching the channel\'s topics', async () => {
    const channelId = freshChannel();
    await run('subscribe theorem proving', { channelId });
    const reply = await run('today', { channelId });
    expect(reply.kind === 'digest' && reply.digest.papers.map((p) => [p.id, p.matchedTopic])).toEqual([['2503.00004', 'theorem proving']]);
  });

  it('names the command a near miss probably meant, and runs nothing', async () => {
    const reply = await run('subscirbe diffusion');
    expect(reply).toMatchObject({ kind: 'error', message: 'There is no "subscirbe" command. Did you mean /papers subscribe?' });
    expect(reply.kind === 'error' && reply.usage).toContain('/papers subscribe <topic>');
    expect(await run('serach diffusion')).toMatchObject({ kind: 'error', message: 'There is no "serach" command. Did you mean /papers search?' });
  });

  it('runs words that are no command as a search of everything typed, and says so', async () => {
    const reply = await run('diffusion models');
    const search = await run('search diffusion models');
    expect(reply.kind).toBe('papers');
    if (reply.kind !== 'papers' || search.kind !== 'papers') return;
    expect(reply.note).toMatch(/^There is no "diffusion" command, so this is a search for "diffusion models"/);
    expect(reply.papers.map((p) => p.id)).toEqual(search.papers.map((p) => p.id));
  });

  it('answers a bare /papers with help listing every command and the syntax', async () => {
    const text = textOf(await run(''));
    for (const name of ['search', 'today', 'subscribe', 'unsubscribe', 'topics', 'schedule', 'settings', 'pause', 'resume', 'help']) {
      expect(text).toContain(`/papers ${name}`);
    }
    expect(text).toContain('author:name');
  });

  it('turns an unexpected failure into an error reply instead of throwing', async () => {
    const broken = createCommandCore({
      ctx,
      planner: { plan: () => { throw new Error('planner exploded'); } },
      schedules: { channelChanged: async () => {} },
    });
    const reply = await broken.handle(request({ name: 'today', channelId: freshChannel() }));
    expect(reply).toMatchObject({ kind: 'error', message: expect.stringContaining('Something went wrong') });
  });
});

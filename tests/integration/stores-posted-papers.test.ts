import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgPostedPapersStore } from '../../src/db/pg/posted-papers-store.ts';
import { PostedPapersRepo } from '../../src/db/posted-papers-repo.ts';
import { promised, type Stores } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

const target = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' };

async function channel(backend: Backend, platform: string, workspaceId: string, channelId: string): Promise<number> {
  await rawSql(backend, 'INSERT INTO channels (platform, workspace_id, channel_id) VALUES (?, ?, ?)', [platform, workspaceId, channelId]);
  const [row] = await rawSql(backend, 'SELECT id FROM channels WHERE platform = ? AND workspace_id = ? AND channel_id = ?', [platform, workspaceId, channelId]);
  return Number(row!.id);
}

let day = 10;

async function digest(backend: Backend, channelId: number, id: string, status: string, posted: [paperId: string, messageId: string | null][]): Promise<void> {
  await rawSql(backend, 'INSERT INTO deliveries (id, channel_id, feed_day, status) VALUES (?, ?, ?, ?)', [id, channelId, `2025-01-${++day}`, status]);
  for (const [paperId, messageId] of posted) {
    await rawSql(backend, 'INSERT INTO delivered_papers (channel_id, paper_id, delivery_id, message_id) VALUES (?, ?, ?, ?)', [channelId, paperId, id, messageId]);
  }
}

describe.each(BACKENDS)('the posted papers store on %s', (name) => {
  let backend: Backend;
  let store: Stores['postedPapers'];

  beforeAll(async () => {
    backend = await openBackend(name, `stores-posted-${name}`);
    store = backend.name === 'sqlite' ? promised(new PostedPapersRepo(backend.db)) : new PgPostedPapersStore(backend.pg);
    const c1 = await channel(backend, 'slack', 'T1', 'C1');
    const elsewhere = await channel(backend, 'slack', 'T2', 'C1');
    const discord = await channel(backend, 'discord', 'T1', 'C1');
    await digest(backend, c1, 'd-sent', 'sent', [['2501.00010', 'm1'], ['2501.00002', 'm1'], ['Zeta.1', 'm1'], ['alpha.1', 'm1'], ['2501.00003', 'm2'], ['2501.00004', null]]);
    await digest(backend, c1, 'd-pending', 'pending', [['2501.00020', 'm3']]);
    await digest(backend, c1, 'd-failed', 'failed', [['2501.00021', 'm4']]);
    await digest(backend, elsewhere, 'd-other-workspace', 'sent', [['2501.00030', 'm1']]);
    await digest(backend, discord, 'd-other-platform', 'sent', [['2501.00031', 'm1']]);
  });
  afterAll(() => backend.close());

  it("answers the papers a sent digest of the channel shows at a message, ordered by paper id (binary order)", async () => {
    expect(await store.papersAt(target, 'm1')).toEqual(['2501.00002', '2501.00010', 'Zeta.1', 'alpha.1']);
    expect(await store.papersAt(target, 'm2')).toEqual(['2501.00003']);
  });

  it('shows nothing for a message of a pending or failed digest, of another channel, or no digest at all', async () => {
    expect(await store.papersAt(target, 'm3')).toEqual([]);
    expect(await store.papersAt(target, 'm4')).toEqual([]);
    expect(await store.papersAt({ ...target, channelId: 'C9' }, 'm1')).toEqual([]);
    expect(await store.papersAt(target, 'no-such-message')).toEqual([]);
  });

  it('tells apart channels of the same id in another workspace or on another platform', async () => {
    expect(await store.papersAt({ ...target, workspaceId: 'T2' }, 'm1')).toEqual(['2501.00030']);
    expect(await store.papersAt({ ...target, platform: 'discord' }, 'm1')).toEqual(['2501.00031']);
  });
});

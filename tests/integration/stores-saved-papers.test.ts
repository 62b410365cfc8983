import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgSavedPapersStore } from '../../src/db/pg/saved-papers-store.ts';
import { SavedPapersRepo } from '../../src/db/saved-papers-repo.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

const ada = { platform: 'slack', workspaceId: 'T1', userId: 'U1' };
const sameIdElsewhere = { platform: 'discord', workspaceId: 'T1', userId: 'U1' };

describe.each(BACKENDS)('the saved papers store on %s', (name) => {
  let backend: Backend;
  let saved: Async<SavedPapersRepo>;

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-saved');
    saved = backend.name === 'sqlite' ? promised(new SavedPapersRepo(backend.db)) : new PgSavedPapersStore(backend.pg);
  });
  afterAll(() => backend?.close());

  it('keeps one entry when a paper is saved twice, and says whether it was new', async () => {
    expect(await saved.save(ada, '2501.00001')).toBe(true);
    expect(await saved.save(ada, '2501.00001')).toBe(false);
    expect(await saved.has(ada, '2501.00001')).toBe(true);
    expect(await saved.has(sameIdElsewhere, '2501.00001')).toBe(false);
    expect(await saved.size(ada)).toBe(1);
  });

  it('takes a paper off the list once', async () => {
    expect(await saved.unsave(ada, '2501.00001')).toBe(true);
    expect(await saved.unsave(ada, '2501.00001')).toBe(false);
    expect(await saved.has(ada, '2501.00001')).toBe(false);
    expect(await saved.size(ada)).toBe(0);
  });

  it('lists newest first, a page at a time, saves of the same millisecond in the order they were made', async () => {
    const reader = { platform: 'slack', workspaceId: 'T1', userId: 'U2' };
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const at = id === 'b' ? '2025-01-02T00:00:00.000Z' : '2025-01-01T00:00:00.000Z';
      await rawSql(backend, "INSERT INTO saved_papers (platform, workspace_id, user_id, paper_id, saved_at) VALUES ('slack', 'T1', 'U2', ?, ?)", [id, at]);
    }
    const ids = async (options: { limit: number; offset?: number }) => (await saved.list(reader, options)).map((s) => s.paperId);
    expect(await ids({ limit: 10 })).toEqual(['b', 'e', 'd', 'c', 'a']);
    expect(await ids({ limit: 2, offset: 1 })).toEqual(['e', 'd']);
    expect(await ids({ limit: 2, offset: 10 })).toEqual([]);
    expect(await ids({ limit: -1, offset: 3 })).toEqual(['c', 'a']);
    expect((await saved.list(reader, { limit: 1 }))[0]).toEqual({ paperId: 'b', savedAt: '2025-01-02T00:00:00.000Z' });
    expect(await saved.size(reader)).toBe(5);
  });

  it('records when a paper was saved, to the millisecond', async () => {
    const before = new Date().toISOString();
    await saved.save(ada, '2501.00002');
    const [entry] = await saved.list(ada, { limit: 1 });
    expect(entry!.savedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entry!.savedAt >= before.slice(0, 19)).toBe(true);
  });

  it('saves once when one person saves one paper from several connections at once', async () => {
    const reader = { platform: 'slack', workspaceId: 'T9', userId: 'U9' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => saved.save(reader, 'race')));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await saved.size(reader)).toBe(1);
  });
});

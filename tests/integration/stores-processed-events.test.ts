import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgProcessedEventsStore } from '../../src/db/pg/processed-events-store.ts';
import { ProcessedEventsRepo } from '../../src/db/processed-events-repo.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

describe.each(BACKENDS)('the processed events store on %s', (name) => {
  let backend: Backend;
  let events: Async<ProcessedEventsRepo>;

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-events');
    events = backend.name === 'sqlite' ? promised(new ProcessedEventsRepo(backend.db)) : new PgProcessedEventsStore(backend.pg);
  });
  afterAll(() => backend?.close());

  it('says an event is new the first time only, and records when it was seen', async () => {
    const at = new Date('2025-03-01T10:00:00.123Z');
    expect(await events.firstSeen('Ev1', at)).toBe(true);
    expect(await events.firstSeen('Ev1', new Date('2025-03-01T10:05:00Z'))).toBe(false);
    expect(await rawSql(backend, 'SELECT seen_at FROM processed_events WHERE event_id = ?', ['Ev1'])).toEqual([{ seen_at: '2025-03-01T10:00:00.123Z' }]);
  });

  it('forgets events seen before a moment, and counts them', async () => {
    await events.firstSeen('Ev2', new Date('2025-03-02T00:00:00Z'));
    await events.firstSeen('Ev3', new Date('2025-03-03T00:00:00Z'));
    expect(await events.forgetBefore(new Date('2025-03-02T00:00:00Z'))).toBe(1);
    expect(await events.forgetBefore(new Date('2025-03-02T00:00:00Z'))).toBe(0);
    expect(await events.firstSeen('Ev1', new Date('2025-03-04T00:00:00Z'))).toBe(true);
    expect(await events.firstSeen('Ev2', new Date('2025-03-04T00:00:00Z'))).toBe(false);
  });

  it('counts an event once when several connections record it at once', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => events.firstSeen('Ev-race', new Date())));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });
});

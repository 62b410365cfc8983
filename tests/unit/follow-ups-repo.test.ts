import { afterAll, describe, expect, it } from 'vitest';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { FollowUpsRepo } from '../../src/db/follow-ups-repo.ts';
import { createTestDb } from '../helpers/db.ts';

const { db, cleanup } = createTestDb('follow-ups-repo');
afterAll(cleanup);
const followUps = new FollowUpsRepo(db);
const { channel } = new ChannelsRepo(db).enrol({ platform: 'slack', workspaceId: 'T1', channelId: 'C1' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });

describe('the follow-ups ledger', () => {
  it('lets one caller claim a follow-up, once per channel, paper and event', () => {
    expect(followUps.claim(channel.id, '2501.00001', 'code', 'acme/x')).toBe(true);
    expect(followUps.claim(channel.id, '2501.00001', 'code', 'acme/x')).toBe(false);
    expect(followUps.claim(channel.id, '2501.00001', 'surge', '10->200')).toBe(true);
    followUps.markSent(channel.id, '2501.00001', 'code', '1700000000.000100');
    expect(followUps.claim(channel.id, '2501.00001', 'code', 'acme/x')).toBe(false);
    expect(followUps.get(channel.id, '2501.00001', 'code')).toMatchObject({ status: 'sent', messageId: '1700000000.000100', attempts: 1, detail: 'acme/x' });
  });

  it('hands a rate-limited follow-up to the next run, and never a failed one', () => {
    followUps.claim(channel.id, '2501.00002', 'code', 'acme/y');
    followUps.markPending(channel.id, '2501.00002', 'code', 'rate limited');
    expect(followUps.claim(channel.id, '2501.00002', 'code', 'acme/y')).toBe(true);
    expect(followUps.get(channel.id, '2501.00002', 'code')).toMatchObject({ status: 'sending', attempts: 2 });
    followUps.markFailed(channel.id, '2501.00002', 'code', 'Slack answered 500');
    expect(followUps.claim(channel.id, '2501.00002', 'code', 'acme/y')).toBe(false);
  });

  it('gives up a follow-up a stopped process left mid-post, unconfirmed, without offering it again', () => {
    followUps.claim(channel.id, '2501.00003', 'code', 'acme/z');
    expect(followUps.expireSending(60_000)).toBe(0);
    expect(followUps.expireSending(60_000, Date.now() + 120_000)).toBe(2);
    expect(followUps.get(channel.id, '2501.00003', 'code')).toMatchObject({ status: 'failed', lastError: expect.stringContaining('unconfirmed') });
    expect(followUps.claim(channel.id, '2501.00003', 'code', 'acme/z')).toBe(false);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createCoreHarness } from '../helpers/command-core.ts';

const h = createCoreHarness({ label: 'channel-recording' });
afterAll(() => h.close());

describe('who enrolled a channel and who last changed it', () => {
  it('records the enrolling user as enrolledBy and every later changer as changedBy', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 08:00', { channelId, userId: 'UENROL' });
    expect(h.channelOf(channelId)).toMatchObject({ enrolledBy: 'UENROL', changedBy: 'UENROL' });

    await h.run('settings top=3', { channelId, userId: 'USETTINGS' });
    expect(h.channelOf(channelId)).toMatchObject({ enrolledBy: 'UENROL', changedBy: 'USETTINGS' });

    await h.run('pause', { channelId, userId: 'UPAUSE' });
    expect(h.channelOf(channelId)!.changedBy).toBe('UPAUSE');
    await h.run('resume', { channelId, userId: 'URESUME' });
    expect(h.channelOf(channelId)!.changedBy).toBe('URESUME');
    await h.run('schedule 10:00', { channelId, userId: 'USCHEDULE' });
    expect(h.channelOf(channelId)).toMatchObject({ enrolledBy: 'UENROL', changedBy: 'USCHEDULE' });
  });

  it('records who added and removed topics', async () => {
    const channelId = h.freshChannel();
    const id = (await h.run('schedule 08:00', { channelId, userId: 'UENROL' }), h.channelOf(channelId)!.id);
    h.ctx.channels.addTopic(id, 'diffusion', 'UADDER');
    expect(h.channelOf(channelId)!.changedBy).toBe('UADDER');
    await h.run('unsubscribe diffusion', { channelId, userId: 'UREMOVER' });
    expect(h.channelOf(channelId)).toMatchObject({ enrolledBy: 'UENROL', changedBy: 'UREMOVER' });
  });

  it('does not record a reader who only looked at the settings', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 08:00', { channelId, userId: 'UENROL' });
    await h.run('settings', { channelId, userId: 'UREADER', canManage: false });
    await h.run('topics', { channelId, userId: 'UREADER' });
    expect(h.channelOf(channelId)!.changedBy).toBe('UENROL');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';

const h = createCoreHarness({ label: 'commands-platform-wording' });
afterAll(() => h.close());

describe("each platform's help shows its own syntax", () => {
  it("shows Discord's typed options on Discord", async () => {
    const help = textOf(await h.core.handle(h.request({ platform: 'discord', name: 'help' })));
    expect(help).toContain('/papers schedule time:09:00 cadence:weekly');
    expect(help).toContain('/papers settings top:5 min_upvotes:20 empty:notice');
    expect(help).toContain('/papers search query:<words>');
    expect(help).toContain('/papers unsubscribe topic:<topic | number | all>');
    expect(help).not.toContain('[daily | weekdays');
    expect(help).not.toContain('top=N');
  });

  it("shows Slack's typed text on Slack", async () => {
    const help = textOf(await h.run('help'));
    expect(help).toContain('/papers schedule [time] [daily | weekdays | weekly <day>] [time zone]');
    expect(help).toContain('/papers settings [top=N] [min-upvotes=N] [empty=skip|notice]');
    expect(help).toContain('/papers search <query>');
    expect(help).not.toContain('time:09:00');
    expect(help).not.toContain('query:<words>');
  });

  it("answers a bad schedule on Discord with Discord's form", async () => {
    const reply = await h.core.handle(h.request({ platform: 'discord', channelId: h.freshChannel(), name: 'schedule', options: { time: '25:99' } }));
    expect(reply.kind === 'error' && reply.usage).toContain('/papers schedule time:09:00 cadence:weekly');
    const slack = await h.run('schedule 25:99', { channelId: h.freshChannel() });
    expect(slack.kind === 'error' && slack.usage).toContain('/papers schedule [time]');
  });

  it("names each platform's own permission in a refusal", async () => {
    const discord = await h.core.handle(h.request({ platform: 'discord', channelId: h.freshChannel(), name: 'pause', canManage: false }));
    expect(textOf(discord)).toContain('Manage Channels permission');
    expect(textOf(await h.run('pause', { channelId: h.freshChannel(), canManage: false }))).toContain('only admins and owners');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../adapters/discord/command-definitions.ts';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';

const harness = createCoreHarness({ label: 'settings-layout' });
afterAll(() => harness.close());

describe('the layout setting', () => {
  it('changes the layout from Slack text and says what changed', async () => {
    const channelId = harness.freshChannel();
    const reply = await harness.run('settings layout=thread', { channelId });
    expect(reply).toMatchObject({ kind: 'text', title: 'Settings updated' });
    expect(textOf(reply)).toContain('Layout: digest (one message) -> thread (a header, one reply per paper in its thread).');
    expect(harness.channelOf(channelId)?.layout).toBe('thread');
    expect(textOf(await harness.run('settings', { channelId }))).toContain('Layout: thread');
  });

  it('changes the layout from the Discord option', async () => {
    const channelId = harness.freshChannel();
    const reply = await harness.core.handle(harness.request({ platform: 'discord', channelId, name: 'settings', text: '', options: { layout: 'papers' } }));
    expect(textOf(reply)).toContain('-> papers (one message per paper, each its own thread)');
    expect(harness.channelOf(channelId, 'discord')?.layout).toBe('papers');
  });

  it('refuses an unknown layout with a clear message and changes nothing', async () => {
    const channelId = harness.freshChannel();
    await harness.run('settings layout=thread', { channelId });
    const reply = await harness.run('settings layout=carousel', { channelId });
    expect(reply.kind).toBe('error');
    expect(textOf(reply)).toContain('layout must be digest, thread, papers, not "carousel".');
    expect(harness.channelOf(channelId)?.layout).toBe('thread');
  });

  it('offers the layout choices on the Discord settings subcommand', () => {
    const command = commandDefinitions()[0] as { options?: { name: string; options?: { name: string; choices?: { value: string }[] }[] }[] };
    const settings = command.options!.find((o) => o.name === 'settings')!;
    expect(settings.options!.find((o) => o.name === 'layout')!.choices!.map((c) => c.value)).toEqual(['digest', 'thread', 'papers']);
  });
});

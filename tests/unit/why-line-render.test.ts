import { describe, expect, it } from 'vitest';
import { paperEmbed } from '../../adapters/discord/discord-embeds.ts';
import { paperBlocks } from '../../adapters/slack/slack-blocks.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { makePaper } from '../helpers/papers.ts';

const why = 'matched "diffusion" · ▲ 151 · like "SaRA…", which 3 of you liked';
const view = { ...toPaperView(makePaper({ title: 'Video diffusion' }), { matchedTopic: 'diffusion' }), why };

describe("a pick's why line", () => {
  it('is a small context line on Slack, standing in for the matched-topic line', () => {
    const contexts = paperBlocks(view).filter((b) => b.type === 'context');
    expect(JSON.stringify(contexts)).toContain('like \\"SaRA…\\", which 3 of you liked');
    expect(JSON.stringify(contexts)).not.toContain('Matched topic');
    expect(JSON.stringify(paperBlocks({ ...view, why: undefined }))).toContain('Matched topic: diffusion');
  });

  it('is the embed footer on Discord, standing in for the topic', () => {
    expect(paperEmbed(view).footer?.text).toBe(why);
    expect(paperEmbed({ ...view, why: undefined }).footer?.text).toBe('Topic: diffusion');
  });
});

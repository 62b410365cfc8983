import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, renderDigest as renderDiscordDigest, renderReply as renderDiscordReply, type DiscordMessage } from '../../adapters/discord/discord-embeds.ts';
import { paperVoteRow, parseVoteCustomId } from '../../adapters/discord/discord-vote-buttons.ts';
import { renderDigest as renderSlackDigest, renderReply as renderSlackReply, renderSharedPaper, SLACK_LIMITS, type SlackButton, type SlackMessage } from '../../adapters/slack/slack-blocks.ts';
import { decodeVoteValue, encodeVoteValue } from '../../adapters/slack/slack-vote-buttons.ts';
import { reactionMeaning } from '../../adapters/slack/slack-votes.ts';
import type { CommandReply } from '../../src/core/commands.ts';
import type { PaperView } from '../../src/core/views.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { makePaper } from '../helpers/papers.ts';

const views: PaperView[] = Array.from({ length: 10 }, (_, i) =>
  toPaperView(makePaper({ id: `2503.1234${i}`, title: `Paper ${i} ${'long title words '.repeat(20)}`, githubRepo: 'o/r', aiSummary: 'word '.repeat(500) })),
);
const digest = { feedDay: '2025-03-12', papers: views, overflow: { count: 3, url: 'https://huggingface.co/papers/date/2025-03-12' } };
const search: CommandReply = { kind: 'papers', visibility: 'ephemeral', title: 'Results', papers: views.slice(0, 5), shareable: true, more: { command: 'search', text: 'graph', cursor: '5' } };

/** The vote buttons of each paper's actions block, as `[action_id, value]`. */
function slackVotes(messages: SlackMessage[]): [string, string][][] {
  const out: [string, string][][] = [];
  for (const m of messages) {
    for (const b of m.blocks) {
      if (b.type !== 'actions') continue;
      const votes = (b.elements as SlackButton[]).filter((e) => /^papers_(vote|save)/.test(e.action_id)).map((e): [string, string] => [e.action_id, e.value ?? '']);
      if (votes.length > 0) out.push(votes);
    }
  }
  return out;
}

function slackButtons(messages: SlackMessage[]): SlackButton[] {
  return messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])));
}

describe('Slack vote buttons', () => {
  it('puts 👍 👎 🔖 on every paper of a 10-paper digest, within Block Kit limits', () => {
    const messages = renderSlackDigest(digest);
    expect(slackVotes(messages)).toEqual(views.map((v) => [['papers_vote_up', `p:${v.id}`], ['papers_vote_down', `p:${v.id}`], ['papers_save', `p:${v.id}`]]));
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      for (const b of m.blocks) if (b.type === 'actions') expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
    }
    for (const b of slackButtons(messages)) {
      expect(b.action_id.length).toBeLessThanOrEqual(255);
      expect((b.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
    }
    expect(slackButtons(messages).filter((b) => b.action_id === 'papers_vote_up').every((b) => b.text.text.startsWith('👍'))).toBe(true);
  });

  it('marks buttons shown to one person (search, preview) as listed, and gives a shared paper 🔖 alone, since no vote counts there', () => {
    expect(slackVotes(renderSlackReply(search)).flat().every(([, value]) => value.startsWith('l:'))).toBe(true);
    expect(slackVotes(renderSlackReply({ kind: 'digest', visibility: 'ephemeral', title: 'Preview', digest })).flat().every(([, value]) => value.startsWith('l:'))).toBe(true);
    expect(slackVotes([renderSharedPaper(views[0]!, 'U1')])).toEqual([[['papers_save', `l:${views[0]!.id}`]]]);
  });

  it('reads back only the values it makes', () => {
    expect(decodeVoteValue(encodeVoteValue('posted', '2503.00001'))).toEqual({ origin: 'posted', paperId: '2503.00001' });
    expect(decodeVoteValue('l:hep-th/9901001')).toEqual({ origin: 'listed', paperId: 'hep-th/9901001' });
    for (const bad of [undefined, '', 'p:', 'q:2503.00001', 'p:2503 00001', `p:${'1'.repeat(41)}`, '{"c":"search"}']) expect(decodeVoteValue(bad)).toBeUndefined();
  });

  it('maps thumbs and bookmark reactions (any skin tone) to votes and saves, and nothing else', () => {
    expect(['+1', 'thumbsup', '+1::skin-tone-4', '-1', 'thumbsdown', 'bookmark', 'tada', 'heart'].map(reactionMeaning)).toEqual(['up', 'up', 'up', 'down', 'down', 'save', undefined, undefined]);
  });

  it('shows preformatted replies as code blocks, split within the section limit', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `  title = {{Entry ${i} & <more>}},`);
    const messages = renderSlackReply({ kind: 'text', visibility: 'ephemeral', title: 'BibTeX', lines, preformatted: true });
    const sections = messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : [])));
    expect(sections.length).toBeGreaterThan(1);
    expect(sections.every((s) => s.startsWith('```') && s.endsWith('```') && s.length <= SLACK_LIMITS.sectionText)).toBe(true);
    expect(sections.join('')).toContain('Entry 299 &amp; &lt;more&gt;');
  });
});

function discordIds(message: DiscordMessage): string[] {
  return (message.components ?? []).flatMap((r) => r.components.flatMap((c) => ('custom_id' in c ? [c.custom_id] : [])));
}

function expectDiscordLimits(messages: DiscordMessage[]): void {
  for (const m of messages) {
    expect((m.components ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.actionRows);
    for (const row of m.components ?? []) expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
    const ids = discordIds(m);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length <= DISCORD_LIMITS.customId)).toBe(true);
    expect((m.embeds ?? []).length).toBeLessThanOrEqual(5);
  }
}

describe('Discord vote buttons', () => {
  it('posts a 10-paper digest as two messages, each with one row per kind of button and 👍 👎 🔖 for every paper', () => {
    const messages = renderDiscordDigest(digest);
    expect(messages).toHaveLength(2);
    expectDiscordLimits(messages);
    const ids = messages.flatMap(discordIds);
    for (const v of views) expect(ids).toEqual(expect.arrayContaining([`papers:vote:up:p:${v.id}`, `papers:vote:down:p:${v.id}`, `papers:save:${v.id}`]));
    const [links, up, down, save, extras] = messages[1]!.components!;
    expect(links!.components.map((c) => c.label.split('.')[0])).toEqual(['6', '7', '8', '9', '10']);
    expect([up, down, save].map((r) => r!.components[0]!.label)).toEqual(['👍 #6', '👎 #6', '🔖 #6']);
    expect(extras!.components[0]!.label).toBe('See 3 more on Hugging Face');
  });

  it('fits five search results with Share, votes and More in one message, and ten in two', () => {
    const [message, ...rest] = renderDiscordReply(search).messages;
    expect(rest).toHaveLength(0);
    expectDiscordLimits([message!]);
    expect(message!.components!.map((r) => r.components[0]!.label)).toEqual(['Share 1', '👍 #1', '👎 #1', '🔖 #1', 'More results']);
    expect(discordIds(message!).filter((id) => id.startsWith('papers:vote:') || id.startsWith('papers:save:'))).toHaveLength(15);
    const ten = renderDiscordReply({ ...search, papers: views }).messages;
    expect(ten).toHaveLength(2);
    expectDiscordLimits(ten);
  });

  it('gives a message of one paper one row of 👍 More like this, 👎 Less like this, 🔖 Save', () => {
    expect(paperVoteRow('2503.00001', 'posted')!.components.map((c) => [c.label, 'custom_id' in c ? c.custom_id : ''])).toEqual([
      ['👍 More like this', 'papers:vote:up:p:2503.00001'],
      ['👎 Less like this', 'papers:vote:down:p:2503.00001'],
      ['🔖 Save', 'papers:save:2503.00001'],
    ]);
  });

  it('reads back only the custom ids it makes', () => {
    expect(parseVoteCustomId('papers:vote:down:l:2503.00001')).toEqual({ kind: 'vote', choice: 'down', origin: 'listed', paperId: '2503.00001' });
    expect(parseVoteCustomId('papers:save:hep-th/9901001')).toEqual({ kind: 'save', paperId: 'hep-th/9901001' });
    for (const bad of ['papers:vote:up:p:', 'papers:vote:maybe:p:2503.00001', 'papers:vote:up:z:2503.00001', `papers:save:${'1'.repeat(41)}`, 'papers:save:a b']) {
      expect(parseVoteCustomId(bad)).toBeUndefined();
    }
  });

  it('shows preformatted replies as code blocks within 2,000 characters', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `  title = {{Entry ${i} \`\`\` _x_}},`);
    const { messages } = renderDiscordReply({ kind: 'text', visibility: 'ephemeral', title: 'BibTeX', lines, preformatted: true });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.content!.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
      expect(m.content!.match(/```/g)).toHaveLength(2);
    }
    expect(messages[0]!.content!.startsWith('**BibTeX**\n```\n')).toBe(true);
  });
});

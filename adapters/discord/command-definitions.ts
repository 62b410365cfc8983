import { SlashCommandBuilder } from '@discordjs/builders';
import { InteractionContextType, type RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { CADENCES, EMPTY_BEHAVIOURS, MAX_MIN_UPVOTES, MAX_TOP, WEEKDAYS, weekdayName } from '../../src/commands/command-args.ts';
import { DIGEST_LAYOUTS } from '../../src/core/types.ts';

/** The one application command; every feature is a subcommand of it. */
export const COMMAND_NAME = 'papers';


/** The `/papers` command tree, built with discord.js builders: the single source of truth for registration. */
export const papersCommand = new SlashCommandBuilder()
  .setName(COMMAND_NAME)
  .setDescription("Today's trending research papers from Hugging Face Daily Papers")
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('search')
      .setDescription('Search papers (words, "phrases", -exclude, author:name, since:YYYY-MM-DD, upvotes:>N)')
      .addStringOption((o) => o.setName('query').setDescription('What to look for').setRequired(true).setMaxLength(200)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('similar')
      .setDescription('Papers like one paper, by the words of its title, abstract and keywords')
      .addStringOption((o) => o.setName('id').setDescription('An arXiv id, or its arxiv.org or huggingface.co/papers link').setRequired(true).setMaxLength(200)),
  )
  .addSubcommand((sub) => sub.setName('today').setDescription("Preview today's digest for this channel"))
  .addSubcommand((sub) =>
    sub
      .setName('subscribe')
      .setDescription('Add a topic: papers matching it are picked for this channel')
      .addStringOption((o) => o.setName('topic').setDescription('A search query, e.g. "diffusion" or author:hinton').setRequired(true).setMaxLength(200)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('unsubscribe')
      .setDescription('Remove a topic from this channel')
      .addStringOption((o) => o.setName('topic').setDescription("One of the channel's topics, its number, or all").setRequired(true).setAutocomplete(true).setMaxLength(200)),
  )
  .addSubcommand((sub) => sub.setName('topics').setDescription("List this channel's topics and settings"))
  .addSubcommand((sub) =>
    sub
      .setName('schedule')
      .setDescription('When the digest is posted in this channel')
      .addStringOption((o) => o.setName('time').setDescription('Local time: 21:30, 9:30pm or 9am. Name nothing at all to see the schedule').setMinLength(3).setMaxLength(10))
      .addStringOption((o) =>
        o
          .setName('cadence')
          .setDescription('How often (left out: unchanged; daily for a new channel)')
          .addChoices(...CADENCES.map((c) => ({ name: c, value: c }))),
      )
      .addStringOption((o) =>
        o
          .setName('weekday')
          .setDescription('Day of the week, for weekly (left out: unchanged)')
          .addChoices(...WEEKDAYS.map((d, i) => ({ name: weekdayName(i + 1), value: d.slice(0, 3) }))),
      )
      .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone, e.g. Europe/Berlin (left out: unchanged)').setAutocomplete(true).setMaxLength(64)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('settings')
      .setDescription('How many papers, minimum upvotes, empty days, and the layout (digest, thread, papers)')
      .addIntegerOption((o) => o.setName('top').setDescription(`Papers per digest (1-${MAX_TOP})`).setMinValue(1).setMaxValue(MAX_TOP))
      .addIntegerOption((o) => o.setName('min_upvotes').setDescription('Only papers with at least this many upvotes').setMinValue(0).setMaxValue(MAX_MIN_UPVOTES))
      .addStringOption((o) =>
        o
          .setName('empty')
          .setDescription('On a day with no papers: skip, or post a notice')
          .addChoices(...EMPTY_BEHAVIOURS.map((e) => ({ name: e, value: e }))),
      )
      .addStringOption((o) =>
        o
          .setName('layout')
          .setDescription('One message (digest), a header and a thread (thread), or one post per paper (papers)')
          .addChoices(...DIGEST_LAYOUTS.map((l) => ({ name: l, value: l }))),
      ),
  )
  .addSubcommand((sub) => sub.setName('pause').setDescription("Pause this channel's digest"))
  .addSubcommand((sub) => sub.setName('resume').setDescription("Resume this channel's digest"))
  .addSubcommand((sub) =>
    sub
      .setName('follow')
      .setDescription('Follow a topic or author yourself: matching papers come to you by direct message')
      .addStringOption((o) => o.setName('topic').setDescription('A search query, e.g. "diffusion" or author:hinton').setMaxLength(200))
      .addStringOption((o) => o.setName('time').setDescription('When your alerts come each day: 08:00, 9:30pm or 9am').setMinLength(3).setMaxLength(10))
      .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone for your alerts, e.g. Europe/Berlin').setAutocomplete(true).setMaxLength(64)),
  )
  .addSubcommand((sub) => sub.setName('following').setDescription('List the topics and authors you follow yourself'))
  .addSubcommand((sub) =>
    sub
      .setName('unfollow')
      .setDescription('Stop following one of your own topics')
      .addStringOption((o) => o.setName('topic').setDescription('One of your topics, its number (see following), or all').setRequired(true).setMaxLength(200)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('saved')
      .setDescription('Your reading list (papers you saved with 🔖), only to you')
      .addStringOption((o) =>
        o
          .setName('action')
          .setDescription('list (default), bibtex, or remove one paper')
          .addChoices({ name: 'list', value: 'list' }, { name: 'bibtex', value: 'bibtex' }, { name: 'remove', value: 'remove' }),
      )
      .addStringOption((o) => o.setName('id').setDescription('With remove: the arXiv id or link of the paper').setMaxLength(200)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('why')
      .setDescription('Why a paper was posted in this channel, or why not')
      .addStringOption((o) => o.setName('id').setDescription('An arXiv id, or its arxiv.org or huggingface.co/papers link').setRequired(true).setMaxLength(200)),
  )
  .addSubcommand((sub) =>
    sub
      .setName('taste')
      .setDescription("What this channel's votes taught its digest")
      .addBooleanOption((o) => o.setName('reset').setDescription('Forget every vote of this channel (needs Manage Channels)')),
  )
  .addSubcommand((sub) => sub.setName('help').setDescription('How to use /papers'));

/** The JSON body for a bulk overwrite (`PUT /applications/{app}/commands`). */
export function commandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return [papersCommand.toJSON()];
}

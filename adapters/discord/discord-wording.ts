import type { CommandWording } from '../../src/core/commands.ts';
import { SETTINGS_MEANING } from '../../src/commands/command-wording.ts';

/** The commands as Discord users write them (named options), and Discord's rule for who manages a channel. */
export const DISCORD_WORDING: CommandWording = {
  searchUsage: '/papers search query:<words>\ne.g. /papers search query:"diffusion models" -video since:2025-01-01',
  similarUsage: '/papers similar id:<arXiv id or link>\ne.g. /papers similar id:2106.09685  or  /papers similar id:https://huggingface.co/papers/2106.09685',
  subscribeUsage: '/papers subscribe topic:<topic>\ne.g. /papers subscribe topic:"diffusion models" OR "flow matching"',
  unsubscribeUsage: '/papers unsubscribe topic:<topic | number | all>\nThe numbers are those /papers topics shows.',
  scheduleUsage:
    '/papers schedule time:09:00 cadence:weekly weekday:monday timezone:Europe/Berlin\n' +
    'e.g. /papers schedule time:9:30pm  or  /papers schedule cadence:weekdays  or  /papers schedule timezone:Asia/Kolkata\n' +
    'Times: 21:30, 9:30pm or 9am. Every option is optional: only what you name changes; the rest of the schedule stays as it is.',
  settingsUsage: `/papers settings top:5 min_upvotes:20 empty:notice\n${SETTINGS_MEANING.replace('min-upvotes', 'min_upvotes')}`,
  followUsage:
    '/papers follow topic:<topic | author:name>\ne.g. /papers follow topic:"diffusion models"  or  /papers follow topic:author:"Yann LeCun"\n' +
    '/papers follow time:08:00 timezone:Europe/Berlin: when your alerts come (daily; only what you name changes)',
  unfollowUsage: '/papers unfollow topic:<topic | number | all>\nThe numbers are those /papers following shows.',
  whyUsage: '/papers why id:<arXiv id or link>\ne.g. /papers why id:2106.09685  or  /papers why id:https://huggingface.co/papers/2106.09685',
  tasteUsage: '/papers taste [reset:True]\n/papers taste reset:True forgets every vote of this channel (needs Manage Channels).',
  startHint: 'Start with /papers subscribe topic:<topic> or /papers schedule time:<time>.',
  whoMayManage: 'Changing digest settings needs the Manage Channels permission.',
};

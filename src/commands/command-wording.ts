import type { CommandRequest, CommandWording, WordingKey } from '../core/commands.ts';

/** The most papers a digest may list (`top`). */
export const MAX_TOP = 10;
/** The highest `min-upvotes` a channel may set. */
export const MAX_MIN_UPVOTES = 100_000;

/** What each digest setting means, in any platform's syntax. */
export const SETTINGS_MEANING =
  `top: papers per digest, 1 to ${MAX_TOP}; min-upvotes: leave out papers with fewer upvotes (0 or more); ` +
  `empty: when nothing qualifies, post nothing (skip) or a short note (notice); ` +
  `layout: one message (digest), a header with one thread reply per paper (thread), or one message per paper, each its own thread (papers). ` +
  `Only what you name changes.`;

/**
 * The typed-text form of every platform-worded text: what a platform whose users type `/papers <words>` reads
 * (Slack, a webhook). An adapter with other syntax or permissions supplies its own {@link CommandWording}.
 */
export const TYPED_WORDING: CommandWording = {
  searchUsage: '/papers search <query>\ne.g. /papers search "diffusion models" -video since:2025-01-01',
  similarUsage: '/papers similar <arXiv id or link>\ne.g. /papers similar 2106.09685  or  /papers similar https://huggingface.co/papers/2106.09685',
  subscribeUsage: '/papers subscribe <topic>\ne.g. /papers subscribe "diffusion models" OR "flow matching"',
  unsubscribeUsage: '/papers unsubscribe <topic | number | all>\nThe numbers are those /papers topics shows.',
  scheduleUsage:
    '/papers schedule [time] [daily | weekdays | weekly <day>] [time zone]\n' +
    'e.g. /papers schedule 09:30 weekdays Europe/Berlin  or  /papers schedule 8am weekly monday  or  /papers schedule Asia/Kolkata\n' +
    'Times: 21:30, 9:30pm or 9am. Only what you name changes; the rest of the schedule stays as it is.',
  settingsUsage: `/papers settings [top=N] [min-upvotes=N] [empty=skip|notice] [layout=digest|thread|papers]\n${SETTINGS_MEANING}`,
  followUsage:
    '/papers follow <topic | author:name>\ne.g. /papers follow "diffusion models"  or  /papers follow author:"Yann LeCun"\n' +
    '/papers follow time <HH:MM> [time zone]: when your alerts come (daily; only what you name changes)',
  unfollowUsage: '/papers unfollow <topic | number | all>\nThe numbers are those /papers following shows.',
  whyUsage: '/papers why <arXiv id or link>\ne.g. /papers why 2106.09685  or  /papers why https://huggingface.co/papers/2106.09685',
  tasteUsage: '/papers taste [reset]\n/papers taste reset forgets every vote of this channel (only people who may change its settings).',
  startHint: 'Start with /papers subscribe <topic> or /papers schedule <time>.',
  whoMayManage: 'Only the people this platform lets manage the channel can change digest settings.',
};

/** The request's adapter wording of `key`, or the typed-text form. */
export function worded(req: Pick<CommandRequest, 'wording'>, key: WordingKey): string {
  return req.wording?.[key] ?? TYPED_WORDING[key];
}

/** A command's usage: fixed text, or a platform-worded text. */
export type Usage = string | { wording: WordingKey };

export function usageText(usage: Usage, req: Pick<CommandRequest, 'wording'>): string {
  return typeof usage === 'string' ? usage : worded(req, usage.wording);
}

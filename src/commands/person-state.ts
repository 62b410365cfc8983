import type { CommandRequest } from '../core/commands.ts';
import type { Channel, Schedule } from '../core/types.ts';
import type { ChannelKey } from '../db/channels-repo.ts';
import { defaultSchedule, describeSchedule, findChannel } from './channel-state.ts';
import type { CommandEnv } from './command.ts';

/**
 * The caller's personal alerts row: a `person` channel row whose `channelId` is their user id, in the
 * workspace that scopes their id (`userScope`). Its topics are their follows; the digest path (planner,
 * outbox, ledger, scheduler, deliver jobs) treats it as a channel whose messages go to their DMs.
 */
export function personKey(req: Pick<CommandRequest, 'platform' | 'workspaceId' | 'userScope' | 'userId'>): ChannelKey {
  return { platform: req.platform, workspaceId: req.userScope ?? req.workspaceId, channelId: req.userId, kind: 'person' };
}

export async function findPerson(req: CommandRequest, env: CommandEnv): Promise<Channel | undefined> {
  const found = await env.ctx.stores.channels.find(personKey(req));
  return found?.kind === 'person' ? found : undefined;
}

/** A new person's alerts come daily at the digest time of the channel they follow from, else at the default time in their zone. */
async function firstSchedule(req: CommandRequest, env: CommandEnv): Promise<Schedule> {
  const here = await findChannel(req, env);
  return here ? { time: here.schedule.time, cadence: 'daily', weekday: null, timeZone: here.schedule.timeZone } : defaultSchedule(req, env);
}

export async function ensurePerson(req: CommandRequest, env: CommandEnv): Promise<Channel> {
  return (await env.channels.enrol(personKey(req), await firstSchedule(req, env), req.userId)).channel;
}

/**
 * Keeps a person's schedule in step with their follows: paused with none, so no job runs for them. A
 * `follow` (`turnOn`) turns alerts back on, also after their DMs were refused (`wasFailing`: the papers held
 * back go out now); an `unfollow` never does.
 */
export async function settlePerson(person: Channel, env: CommandEnv, by: string, turnOn: boolean): Promise<{ person: Channel; wasFailing: boolean }> {
  const follows = (await env.ctx.stores.channels.topicQueries(person.id)).length > 0;
  if (turnOn && follows && person.paused) return { person: (await env.channels.resume(person.id, by)).channel, wasFailing: person.health === 'failing' };
  if (!follows && !person.paused) return { person: await env.channels.update(person.id, { paused: true }, by), wasFailing: false };
  return { person, wasFailing: false };
}

/** "by direct message daily at 09:00 (Europe/Berlin)". */
export function describeAlerts(person: Channel): string {
  return `by direct message ${describeSchedule(person.schedule)}`;
}

/** Why a person's alerts are not coming, in words, when their DMs were refused. */
export function failingLine(person: Channel, followUsage: string): string | undefined {
  if (person.health !== 'failing') return undefined;
  return `Your alerts are paused: your direct messages could not be reached (${person.healthReason ?? 'refused'}). Allow direct messages from the bot, then follow anything again (${followUsage.split('\n')[0]}) to turn them back on.`;
}

import type { Clock } from '../core/ports.ts';
import type { Platform } from '../core/types.ts';
import type { ChannelsStore, DeliveriesStore } from '../db/stores.ts';
import type { Logger } from '../logger.ts';
import type { DigestPlanner } from '../select/digest-planner.ts';
import type { CatalogueFreshness } from './catalogue-freshness.ts';

/** What running a channel's digest ended with. */
export type DigestOutcome =
  | { outcome: 'created'; deliveryId: string; status: 'pending' | 'skipped'; papers: number }
  | { outcome: 'exists'; deliveryId: string; status: string }
  | { outcome: 'paused' | 'gone' | 'nothing-ingested' };

/** What the digest use case needs from the runner that takes its jobs. */
export interface DigestPorts {
  /** Hands a delivery to its platform's deliver queue (`fresh`: just written, no earlier job to clear). */
  enqueueDelivery: (platform: Platform, deliveryId: string, options: { fresh: boolean }) => Promise<void>;
  /** Drops the schedule of a channel that no longer exists. */
  removeSchedule: (channelId: number) => Promise<void>;
}

/** Runs one channel's digest (see {@link createDigestRunner}). */
export type RunDigest = (channelId: number, trigger: string) => Promise<DigestOutcome>;

export interface DigestRunnerDeps extends DigestPorts {
  channels: ChannelsStore;
  deliveries: DeliveriesStore;
  planner: DigestPlanner;
  freshness: CatalogueFreshness;
  clock: Clock;
  logger: Logger;
}

/** The heading of a person's alerts, in their direct messages. */
export function personalTitle(feedDay: string): string {
  return `Your papers for ${feedDay} matching your follows`;
}

/**
 * The digest use case: a channel's failed digests that kept their papers go out again (looking first); then
 * its digest is planned and written to the outbox (delivery + selection in one transaction, one open
 * delivery per channel and feed day) and handed to delivery. Running it again for the same day finds the
 * existing row and hands it on only if it is unfinished, so a second run posts nothing new. An empty digest
 * is recorded as `skipped` or posted as a notice, per the channel's setting.
 */
export function createDigestRunner(deps: DigestRunnerDeps): RunDigest {
  return async function runDigest(channelId: number, trigger: string): Promise<DigestOutcome> {
    const found = await deps.channels.forDigest(channelId);
    if (!found) {
      await deps.removeSchedule(channelId);
      return { outcome: 'gone' };
    }
    const { channel, topics, reopenable } = found;
    if (channel.paused) return { outcome: 'paused' };
    // A person's alerts are their follows only: with none, nothing (never the day's top papers).
    if (channel.kind === 'person' && topics.length === 0) return { outcome: 'paused' };
    for (const reopened of reopenable ? await deps.deliveries.reopenFailed(channel.id) : []) {
      deps.logger.info({ channelId: channel.id, deliveryId: reopened.id }, 'an earlier failed digest goes out again (looking first for what is already showing)');
      await deps.enqueueDelivery(channel.platform, reopened.id, { fresh: false });
    }
    await deps.freshness.ensureFresh();
    const plan = await deps.planner.plan(channel, deps.clock.now(), { record: true, topics });
    if (plan.days.length === 0) {
      deps.logger.info({ channelId: channel.id }, 'no papers ingested yet: digest skipped without a record');
      return { outcome: 'nothing-ingested' };
    }
    const status = plan.empty && channel.emptyBehaviour === 'skip' ? 'skipped' : 'pending';
    const { delivery, created } = await deps.deliveries.createDigest({
      channelId: channel.id,
      feedDay: plan.feedDay,
      picks: plan.picks.map((p) => ({ paperId: p.paper.id, topic: p.topic ?? null })),
      view: channel.kind === 'person' ? { ...plan.view, title: personalTitle(plan.feedDay) } : plan.view,
      status,
      ...(plan.decisions ? { decisions: plan.decisions } : {}),
    });
    if (delivery.status === 'pending' || delivery.status === 'sending') await deps.enqueueDelivery(channel.platform, delivery.id, { fresh: created });
    if (!created) return { outcome: 'exists', deliveryId: delivery.id, status: delivery.status };
    deps.logger.info({ channelId: channel.id, deliveryId: delivery.id, papers: plan.picks.length, status, trigger }, 'digest planned');
    return { outcome: 'created', deliveryId: delivery.id, status, papers: plan.picks.length };
  };
}

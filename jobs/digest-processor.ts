import type { Job } from 'bullmq';
import type { Clock } from '../src/core/ports.ts';
import type { Platform } from '../src/core/types.ts';
import type { ChannelsRepo } from '../src/db/channels-repo.ts';
import type { DeliveriesRepo } from '../src/db/deliveries-repo.ts';
import type { Logger } from '../src/logger.ts';
import type { DigestPlanner } from '../src/select/digest-planner.ts';
import type { DigestJobData } from './queues.ts';

export type DigestOutcome =
  | { outcome: 'created'; deliveryId: string; status: 'pending' | 'skipped'; papers: number }
  | { outcome: 'exists'; deliveryId: string; status: string }
  | { outcome: 'paused' | 'gone' | 'nothing-ingested' };

export interface DigestDeps {
  channels: ChannelsRepo;
  deliveries: DeliveriesRepo;
  planner: DigestPlanner;
  clock: Clock;
  logger: Logger;
  /** Called before planning: drops planner caches another process made stale (an ingest elsewhere). */
  refreshPlanner: () => Promise<void>;
  enqueueDelivery: (platform: Platform, deliveryId: string, options: { fresh: boolean }) => Promise<void>;
  removeSchedule: (channelId: number) => Promise<void>;
}

/**
 * Plans a channel's digest and writes it to the outbox (delivery + selection in one transaction, unique
 * per channel and feed day), then enqueues its delivery. Running it again for the same day finds the
 * existing row and re-enqueues it only if it is unfinished, so a second run posts nothing new.
 * An empty digest is recorded as `skipped` or posted as a notice, per the channel's setting.
 */
export function createDigestProcessor(deps: DigestDeps) {
  return async (job: Job<DigestJobData>): Promise<DigestOutcome> => {
    const channel = deps.channels.get(job.data.channelId);
    if (!channel) {
      await deps.removeSchedule(job.data.channelId);
      return { outcome: 'gone' };
    }
    if (channel.paused) return { outcome: 'paused' };
    for (const reopened of deps.deliveries.reopenFailed(channel.id)) {
      deps.logger.info({ channelId: channel.id, deliveryId: reopened.id }, 'an earlier failed digest goes out again (looking first for what is already showing)');
      await deps.enqueueDelivery(channel.platform, reopened.id, { fresh: false });
    }
    await deps.refreshPlanner();
    const plan = deps.planner.plan(channel, deps.clock.now());
    if (plan.days.length === 0) {
      deps.logger.info({ channelId: channel.id }, 'no papers ingested yet: digest skipped without a record');
      return { outcome: 'nothing-ingested' };
    }
    const status = plan.empty && channel.emptyBehaviour === 'skip' ? 'skipped' : 'pending';
    const { delivery, created } = deps.deliveries.createDigest({
      channelId: channel.id,
      feedDay: plan.feedDay,
      picks: plan.picks.map((p) => ({ paperId: p.paper.id, topic: p.topic ?? null })),
      view: plan.view,
      status,
    });
    if (delivery.status === 'pending' || delivery.status === 'sending') await deps.enqueueDelivery(channel.platform, delivery.id, { fresh: created });
    if (!created) return { outcome: 'exists', deliveryId: delivery.id, status: delivery.status };
    deps.logger.info({ channelId: channel.id, deliveryId: delivery.id, papers: plan.picks.length, status, trigger: job.data.trigger }, 'digest planned');
    return { outcome: 'created', deliveryId: delivery.id, status, papers: plan.picks.length };
  };
}

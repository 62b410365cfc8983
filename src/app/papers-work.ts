import type { AppContext } from '../context.ts';
import { noMetrics, type Metrics } from '../core/metrics.ts';
import type { ChatPlatform, Clock, FreshnessSignal, ScheduleSync } from '../core/ports.ts';
import type { Channel, Platform } from '../core/types.ts';
import type { Logger } from '../logger.ts';
import { ChannelService } from './channel-service.ts';
import { createDeliverer, type Deliverer } from './deliverer.ts';
import { createDigestRunner, type DigestPorts, type RunDigest } from './digest-runner.ts';
import { createFollowUps, type FollowUpReport } from './follow-ups.ts';

/** An unfinished delivery and the platform whose deliver queue takes it. */
export interface UnfinishedDelivery {
  deliveryId: string;
  platform: Platform;
}

/**
 * The bot's background work as use cases: what a job runner is handed instead of repositories. It plans
 * and records digests, delivers them, finds what a crash left unfinished, and keeps channels and their
 * schedules in step; the runner only brings the queues (the ports) and the chat platforms.
 */
export interface PapersWork {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Where the work reports what it did (deliveries, queue depths and failures). */
  readonly metrics: Metrics;
  /** Channels that should have a digest schedule: enrolled, not paused, not failing. */
  scheduledChannels(): Promise<Channel[]>;
  /** The channel service (changes with their schedule updates) on the runner's schedules. */
  channelService(schedules: ScheduleSync): ChannelService;
  /** The digest use case on the runner's ports. */
  digestRunner(ports: DigestPorts): RunDigest;
  /** The delivery use case; a channel the platform refuses for good goes through `channels`. */
  deliverer(channels: ChannelService): Deliverer;
  /**
   * Deliveries left pending or sending for at least `idleMs` (a runner died between the outbox write and
   * the enqueue), with their platform. Those whose channel was removed are failed here, not returned.
   */
  unfinishedDeliveries(idleMs: number): Promise<UnfinishedDelivery[]>;
  /** Connects the catalogue's caches to the signal every process shares. */
  connectFreshness(signal: FreshnessSignal): void;
  /**
   * Says once, on the given platforms, what changed about papers already posted (code released, upvotes
   * surged): the follow-ups use case (src/app/follow-ups.ts), run after each ingest.
   */
  followUps(platforms: Partial<Record<Platform, ChatPlatform>>): Promise<FollowUpReport>;
}

/** Builds the background work on a context (the composition root's), reporting to `metrics` when given. */
export function createPapersWork(ctx: AppContext, options: { metrics?: Metrics } = {}): PapersWork {
  const metrics = options.metrics ?? noMetrics;
  const followUps = createFollowUps({ followUps: ctx.stores.followUps, deliveries: ctx.stores.deliveries, clock: ctx.clock, logger: ctx.logger });
  return {
    logger: ctx.logger,
    clock: ctx.clock,
    metrics,
    scheduledChannels: () => ctx.stores.channels.list({ activeOnly: true }),
    channelService: (schedules) => new ChannelService(ctx.stores.channels, schedules),
    digestRunner: (ports) => createDigestRunner({ ...ports, channels: ctx.stores.channels, deliveries: ctx.stores.deliveries, planner: ctx.planner, freshness: ctx.freshness, clock: ctx.clock, logger: ctx.logger }),
    deliverer: (channelService) => createDeliverer({ deliveries: ctx.stores.deliveries, channels: ctx.stores.channels, channelService, logger: ctx.logger, metrics }),
    async unfinishedDeliveries(idleMs) {
      const { channels, deliveries } = ctx.stores;
      const out: UnfinishedDelivery[] = [];
      for (const delivery of await deliveries.unfinished({ idleMs })) {
        const channel = await channels.get(delivery.channelId);
        if (channel) out.push({ deliveryId: delivery.id, platform: channel.platform });
        else await deliveries.markFailed(delivery.id, 'channel removed');
      }
      return out;
    },
    connectFreshness: (signal) => ctx.freshness.connect(signal),
    followUps: (platforms) => followUps.run(platforms),
  };
}

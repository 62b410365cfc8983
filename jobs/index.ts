/**
 * Queues, schedulers and workers (BullMQ). Chat platforms are injected; nothing here imports an adapter.
 *
 * Queues (all under `QUEUE_PREFIX`):
 * - `maintenance`: the ingest scheduler (`INGEST_CRON`, UTC) and the outbox sweep (every 5 minutes).
 * - `digest`: one job scheduler per enrolled, unpaused channel (`channel-<id>`, cron + IANA zone);
 *   `papers digest --run-now` adds the same jobs by hand.
 * - `deliver-slack`, `deliver-discord`: one job per outbox row, job id = delivery id.
 *
 * Rate limits: each platform's deliver queue has a BullMQ limiter shared by every worker process (Slack
 * 10/s for the workspace, Discord 40/s, under its global 50/s). Slack posts to one channel are spaced by
 * a Redis slot reservation per channel, 1 s apart (jobs wait as delayed jobs, holding no worker), and
 * gated on the previous post's answer + 1 s, so the platform never sees two posts closer than a second;
 * a 429 pauses that platform's queue for its retry-after (`worker.rateLimit`) and puts the job back.
 */
export { Jobs, openJobs, type OpenJobsOptions, type StartWorkersOptions } from './jobs-runtime.ts';
export { openDigestTrigger } from './enqueue-digests.ts';
export { SCHEDULER_IDS, type JobsTuning, type DeepPartial } from './queues.ts';
export { RedisUnreachableError } from './redis-connection.ts';
export type { IngestRunner } from './maintenance.ts';
export type { RepeatRule } from './digest-scheduler.ts';

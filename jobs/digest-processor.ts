import type { Job } from 'bullmq';
import type { DigestOutcome, RunDigest } from '../src/app/digest-runner.ts';
import type { DigestJobData } from './queues.ts';

export type { DigestOutcome } from '../src/app/digest-runner.ts';

/** The digest queue's processor: one job, one run of the digest use case (src/app). */
export function createDigestProcessor(runDigest: RunDigest) {
  return (job: Job<DigestJobData>): Promise<DigestOutcome> => runDigest(job.data.channelId, job.data.trigger);
}

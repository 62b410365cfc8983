import type { Job } from 'bullmq';
import { createDigestRunner, type DigestOutcome, type DigestRunnerDeps } from '../src/app/digest-runner.ts';
import type { DigestJobData } from './queues.ts';

export type { DigestOutcome } from '../src/app/digest-runner.ts';

/** The digest queue's processor: one job, one run of the digest use case (src/app). */
export function createDigestProcessor(deps: DigestRunnerDeps) {
  const runDigest = createDigestRunner(deps);
  return (job: Job<DigestJobData>): Promise<DigestOutcome> => runDigest(job.data.channelId, job.data.trigger);
}

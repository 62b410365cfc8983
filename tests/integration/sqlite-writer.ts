// A second process writing the outbox of a shared SQLite file (tests/integration/sqlite-processes.test.ts):
// `node --import tsx tests/integration/sqlite-writer.ts <file> <first channel> <last channel>`. Each channel's
// digest is written, attempted, a part recorded and marked sent, as the digest and deliver jobs do; prints a
// JSON line {created, errors} at the end.
import { openDb } from '../../src/db/client.ts';
import { DeliveriesRepo } from '../../src/db/deliveries-repo.ts';

const [path, first, last] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const deliveries = new DeliveriesRepo(openDb(path));
let created = 0;
const errors: string[] = [];
for (let round = 0; round < 3; round++) {
  for (let channelId = first; channelId <= last; channelId++) {
    try {
      const { delivery, created: made } = deliveries.createDigest({ channelId, feedDay: '2025-03-17', picks: [{ paperId: '2503.00001' }, { paperId: '2503.00002' }], view: { feedDay: '2025-03-17', papers: [] }, status: 'pending' });
      if (made) created++;
      deliveries.beginAttempt(delivery.id);
      deliveries.recordPosted(delivery.id, 1 + (process.pid % 2), `m-${process.pid}`);
      deliveries.markSent(delivery.id, [`m-${process.pid}`]);
    } catch (error) {
      errors.push(String(error));
    }
  }
}
process.stdout.write(`${JSON.stringify({ created, errors: errors.slice(0, 5), errorCount: errors.length })}\n`);

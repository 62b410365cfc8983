import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { createTokenCipher } from '../../src/core/token-cipher.ts';
import { createPgStores } from '../../src/db/pg/pg-stores.ts';
import type { Stores } from '../../src/db/stores.ts';
import { silentLogger } from '../../src/logger.ts';
import { ChannelService } from '../../src/app/channel-service.ts';
import { noScheduleSync } from '../../src/core/ports.ts';
import { createTestDb } from '../helpers/db.ts';
import { createTestPg } from '../helpers/pg-database.ts';

let pg: Awaited<ReturnType<typeof createTestPg>>;
let sqlite: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let pgStores: Stores;

beforeAll(async () => {
  pg = await createTestPg('stores-assembly');
  sqlite = createTestDb('stores-assembly');
  const key = Buffer.alloc(32, 3).toString('base64');
  ctx = createContext(loadConfig({ TOKEN_ENCRYPTION_KEY: key }), silentLogger(), { db: sqlite.db });
  pgStores = createPgStores(pg.db, { cipher: createTokenCipher(Buffer.alloc(32, 3)) });
});
afterAll(async () => {
  ctx?.close();
  sqlite?.cleanup();
  await pg?.cleanup();
});

describe('the stores of each dialect', () => {
  it('offer the same stores (their methods are checked by the compiler against the same contracts)', () => {
    expect(Object.keys(pgStores).sort()).toEqual(Object.keys(ctx.stores).sort());
  });

  it('run a use case the same way: a channel enrolled, paused and resumed through the channel service', async () => {
    for (const stores of [ctx.stores, pgStores]) {
      const service = new ChannelService(stores.channels, noScheduleSync);
      const { channel } = await service.enrol({ platform: 'chat', workspaceId: 'W1', channelId: 'C1' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }, 'U1');
      await service.update(channel.id, { paused: true }, 'U1');
      const { channel: resumed } = await service.resume(channel.id, 'U2');
      expect({ paused: resumed.paused, changedBy: resumed.changedBy, enrolledBy: resumed.enrolledBy }).toEqual({ paused: false, changedBy: 'U2', enrolledBy: 'U1' });
    }
  });
});

import type pg from 'pg';

/** A connection inside a transaction: what a store method's several statements run on. */
export type PgTx = pg.PoolClient;

/**
 * Runs `work` in one transaction on one pooled connection: committed when it resolves, rolled back when it
 * throws (the error passes through). `isolation` defaults to READ COMMITTED; a serialization failure is not
 * retried here.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: PgTx) => Promise<T>, isolation?: 'REPEATABLE READ' | 'SERIALIZABLE'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The SQL rule (SQLite and PostgreSQL alike) of a failed delivery `d` that can go out again: it kept its
 * papers (a failure that may have posted some of it) and its channel has no open round of that day.
 */
const HOLDS_PAPERS = 'EXISTS (SELECT 1 FROM delivered_papers p WHERE p.delivery_id = d.id)';
const NO_OPEN_ROUND = "NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.channel_id = d.channel_id AND o.feed_day = d.feed_day AND o.status <> 'failed')";
export const REOPENABLE_FAILED = `d.status = 'failed' AND ${HOLDS_PAPERS} AND ${NO_OPEN_ROUND}`;

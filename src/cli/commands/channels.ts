import type { Command } from 'commander';
import type { Channel, Schedule } from '../../core/types.ts';
import type { DigestRecord } from '../../app/operator-app.ts';
import type { CliRuntime } from '../runtime.ts';
import { weekdayName } from '../../commands/command-args.ts';

/** `09:00 daily Europe/Berlin`, `18:30 weekdays UTC`, `08:00 Mon America/New_York`. */
function describeSchedule(s: Schedule): string {
  const when = s.cadence === 'weekly' ? weekdayName(s.weekday ?? 1).slice(0, 3) : s.cadence;
  return `${s.time} ${when} ${s.timeZone}`;
}

function health(c: Channel): string {
  if (c.health === 'failing') return `failing (${c.healthReason ?? 'unknown'}), paused`;
  return c.paused ? 'ok, paused' : 'ok';
}

function lastDigest(d: DigestRecord | null): string {
  if (!d) return 'never';
  const papers = d.paperIds.length === 1 ? '1 paper' : `${d.paperIds.length} papers`;
  return `${d.feedDay} ${d.status} (${papers})`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/**
 * `papers channels [--json]`: every enrolled channel with its platform, schedule, topics, last digest and
 * health, and each person's personal alerts (their DMs, their follows as topics).
 */
export function registerChannels(program: Command, runtime: CliRuntime): void {
  program
    .command('channels')
    .description('List enrolled channels: platform, schedule, topics, last digest, health')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const overview = await (await runtime.app()).channels();
      if (options.json) {
        const out = overview.map(({ channel, topics, lastDelivery }) => ({
          ...channel,
          topics,
          lastDelivery: lastDelivery ? { ...lastDelivery, view: undefined } : null,
        }));
        runtime.io.out(JSON.stringify(out, null, 2));
        return;
      }
      if (overview.length === 0) {
        runtime.io.out('No channels enrolled yet: run /papers subscribe <topic> (or /papers today) in a Slack or Discord channel.');
        return;
      }
      const rows = [['ID', 'PLATFORM', 'CHANNEL', 'SCHEDULE', 'LAST DIGEST', 'HEALTH', 'TOPICS']];
      for (const { channel: c, topics: list, lastDelivery } of overview) {
        rows.push([
          String(c.id),
          c.platform,
          c.kind === 'person' ? `DMs of ${c.channelId} (alerts)` : `${c.workspaceId}/${c.channelId}`,
          describeSchedule(c.schedule),
          lastDigest(lastDelivery),
          health(c),
          list.length > 0 ? list.join(' | ') : '(top papers)',
        ]);
      }
      runtime.io.out(table(rows));
    });
}

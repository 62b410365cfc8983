import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';

function line(msg: unknown[]): { text: string; err?: unknown } {
  const err = msg.find((m) => m instanceof Error);
  const text = msg.filter((m) => !(m instanceof Error)).map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return { text: text || (err instanceof Error ? err.message : ''), err };
}

/** Bolt and the Slack SDKs log through this: our pino logger, under `component: slack`. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  const log = (method: 'debug' | 'info' | 'warn' | 'error') => (...msg: unknown[]) => {
    const { text, err } = line(msg);
    child[method](err ? { err } : {}, text);
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

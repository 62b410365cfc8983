import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger, resolveLogFormat, type LoggerOptions } from '../../src/logger.ts';

function capture(options: LoggerOptions = {}): { lines: () => string[]; logger: ReturnType<typeof createLogger> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ destination, ...options }), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

/** `[2026-12-02 09:30:00.123] INFO: message {"field":1}` */
const READABLE = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL): /;

/** A process that logs two lines through the config's logger, as `npm start` and the CLI build theirs. */
const LOGGING_SCRIPT = [
  "import { loadConfig } from './src/config.ts';",
  "import { createConfigLogger } from './src/logger.ts';",
  'const logger = createConfigLogger(loadConfig(process.env));',
  "logger.info({ port: 3000 }, 'http server listening');",
  "logger.warn({ queue: 'digest' }, 'queue error');",
].join('\n');

const hasScript = existsSync('/usr/bin/script') && spawnSync('/usr/bin/script', ['--version']).status === 0;

/** Runs the logging script; `terminal`: under a pseudo-terminal (util-linux `script`), else with stdout and stderr piped. */
function runLogging(env: NodeJS.ProcessEnv, terminal: boolean): string {
  const fullEnv = { ...process.env, LOG_LEVEL: 'info', NO_COLOR: '1', ...env };
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', LOGGING_SCRIPT];
  if (!terminal) return spawnSync(node[0]!, node.slice(1), { cwd: process.cwd(), env: fullEnv, encoding: 'utf8' }).stderr;
  const command = node.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  return execFileSync('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: process.cwd(), env: fullEnv, encoding: 'utf8' }).replace(/\r/g, '');
}

describe('log lines for people and for machines', () => {
  it('writes one readable line per record: time, level word, message, then the fields', () => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.info({ port: 3000, platforms: ['slack'] }, 'papers bot running');
    logger.child({ component: 'jobs' }).warn({ queue: 'digest' }, 'queue error');
    const [first, second] = lines();
    expect(lines()).toHaveLength(2);
    expect(first).toMatch(READABLE);
    expect(first).toContain('INFO: papers bot running {"port":3000,"platforms":["slack"]}');
    expect(second).toContain('WARN: queue error {"component":"jobs","queue":"digest"}');
    expect(first).not.toMatch(/"level"|"time"|papers-bot/);
    expect(first).not.toContain('\u001b[');
  });

  it('writes one JSON object per line with numeric levels and epoch times when asked for json', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.info({ port: 3000 }, 'papers bot running');
    const [line] = lines();
    expect(JSON.parse(line!)).toMatchObject({ level: 30, msg: 'papers bot running', port: 3000, app: 'papers-bot', time: expect.any(Number) });
  });

  it('chooses readable lines on a terminal and JSON elsewhere when left to auto', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    const onTerminal = capture({ terminal: true });
    onTerminal.logger.info('hello');
    expect(onTerminal.lines()[0]).toMatch(READABLE);
    const inPipe = capture();
    inPipe.logger.info('hello');
    expect(JSON.parse(inPipe.lines()[0]!)).toMatchObject({ msg: 'hello' });
  });

  it('reads LOG_FORMAT as auto, json or pretty, auto by default, and names a bad value', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT/);
  });

  it('prints JSON lines from a process whose output is piped, readable ones with LOG_FORMAT=pretty', () => {
    const piped = runLogging({}, false).split('\n').filter(Boolean);
    expect(piped).toHaveLength(2);
    expect(JSON.parse(piped[0]!)).toMatchObject({ level: 30, msg: 'http server listening', port: 3000 });
    const forced = runLogging({ LOG_FORMAT: 'pretty' }, false).split('\n').filter(Boolean);
    expect(forced[0]).toMatch(READABLE);
    expect(forced[1]).toContain('WARN: queue error {"queue":"digest"}');
  }, 30_000);

  it.skipIf(!hasScript)('prints readable lines on a real terminal, JSON there with LOG_FORMAT=json', () => {
    const onTerminal = runLogging({}, true).split('\n').filter(Boolean);
    expect(onTerminal).toHaveLength(2);
    expect(onTerminal[0]).toMatch(READABLE);
    expect(onTerminal[0]).toContain('INFO: http server listening {"port":3000}');
    const json = runLogging({ LOG_FORMAT: 'json' }, true).split('\n').filter(Boolean);
    expect(JSON.parse(json[1]!)).toMatchObject({ level: 40, msg: 'queue error', queue: 'digest' });
  }, 30_000);
});

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const guard = pathToFileURL(resolve('src/process-guard.ts')).href;
const logger = pathToFileURL(resolve('src/logger.ts')).href;

/** Runs `body` in a fresh Node process (ESM, tsx loader); resolves with its exit code and output. */
function runNode(body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

const failures = `
  setTimeout(() => { throw new Error('boom in a timer'); }, 10);
  setTimeout(() => { void Promise.reject(new Error('rejected and forgotten')); }, 20);
  setTimeout(() => { process.stdout.write('still serving\\n'); process.exit(0); }, 150);
`;

describe('process guard', () => {
  it('logs an uncaught exception and an unhandled rejection with their stacks, and the process keeps running', async () => {
    const { code, stdout, stderr } = await runNode(`
      const { installProcessGuard } = await import(${JSON.stringify(guard)});
      const { createLogger } = await import(${JSON.stringify(logger)});
      installProcessGuard(createLogger({ level: 'info' }));
      ${failures}
    `);
    expect(code).toBe(0);
    expect(stdout).toBe('still serving\n');
    const lines = stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; err: { message: string; stack: string } });
    expect(lines.map((l) => [l.level, l.msg, l.err.message])).toEqual([
      [50, 'uncaught exception; still running', 'boom in a timer'],
      [50, 'unhandled promise rejection; still running', 'rejected and forgotten'],
    ]);
    expect(lines.every((l) => l.err.stack.includes('Error: '))).toBe(true);
  });

  it('is needed: without it the same failure ends the process', async () => {
    const { code, stdout } = await runNode(failures);
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
  });
});

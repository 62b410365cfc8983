import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { execForm, healthcheckCommand, instructions, parseDockerfile, stageEnv } from '../helpers/dockerfile.ts';

// js-yaml comes with eslint's config loader (a dev dependency); the bot itself reads no YAML.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: { path: string; required: boolean }[];
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const stages = parseDockerfile('Dockerfile');
const runtime = stages.at(-1)!;
const compose = yaml.load(readFileSync('compose.yaml', 'utf8')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const dataDir = '/app/data';

describe('the Dockerfile', () => {
  it('builds in one stage with dev dependencies and runs in another with production ones only', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(stages.every((s) => /^node:20[.-]/.test(s.from))).toBe(true);
    expect(instructions(stages[0]!, 'RUN').join('\n')).toMatch(/npm ci[\s\S]*npm run build[\s\S]*npm prune --omit=dev/);
    const copies = instructions(runtime, 'COPY');
    expect(copies.filter((c) => !c.startsWith('--from=build '))).toEqual([]);
    expect(copies).toContain('--from=build /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(instructions(runtime, 'RUN').join('\n')).not.toMatch(/npm (ci|install)/);
  });

  it('runs as the unprivileged node user, with the database on a volume', () => {
    expect(instructions(runtime, 'USER')).toEqual(['node']);
    expect(instructions(runtime, 'VOLUME').map(execForm)).toEqual([[dataDir]]);
    const env = stageEnv(runtime);
    expect(env.NODE_ENV).toBe('production');
    expect(loadConfig({ DATABASE_URL: env.DATABASE_URL }).databasePath).toBe(`${dataDir}/papers.db`);
    expect(instructions(runtime, 'RUN').join('\n')).toContain(`chown node:node ${dataDir}`);
    expect(instructions(runtime, 'EXPOSE')).toEqual([env.PORT]);
  });

  it('checks health on /healthz and starts with the command npm start runs', () => {
    const [check] = instructions(runtime, 'HEALTHCHECK');
    expect(check).toMatch(/--interval=\d+s/);
    expect(healthcheckCommand(check!).join(' ')).toContain('/healthz');
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(instructions(runtime, 'CMD').map(execForm)).toEqual([start.split(' ')]);
  });

  it('keeps local state, secrets and build output out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) expect(ignored).toContain(entry);
    expect(ignored).toContain('!.env.example');
    // Every path the runtime stage copies exists in the repository (so a checkout builds).
    for (const copy of instructions(runtime, 'COPY')) {
      for (const source of copy.split(/\s+/).slice(1, -1)) {
        const path = source.replace(/^\/app\//, '');
        if (!['node_modules', 'dist'].includes(path)) expect(existsSync(path), path).toBe(true);
      }
    }
  });
});

describe('compose.yaml', () => {
  const { bot, redis } = compose.services;

  it('runs the bot built from the Dockerfile beside Redis, with settings from .env', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'redis']);
    expect(bot!.build).toBe('.');
    expect(bot!.env_file).toEqual([{ path: '.env', required: false }]);
    expect(bot!.environment!.REDIS_URL).toBe('redis://redis:6379');
    expect(loadConfig({ REDIS_URL: bot!.environment!.REDIS_URL, DATABASE_URL: bot!.environment!.DATABASE_URL }).databasePath).toBe(`${dataDir}/papers.db`);
    expect(bot!.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(bot!.ports).toEqual(['${PORT:-3000}:${PORT:-3000}']);
  });

  it('keeps the database and the queues on named volumes, Redis appending to disk', () => {
    expect(bot!.volumes).toEqual([`papers-data:${dataDir}`]);
    expect(redis!.image).toMatch(/^redis:\d/);
    expect(redis!.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(redis!.volumes).toEqual(['redis-data:/data']);
    expect(redis!.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['papers-data', 'redis-data']);
  });
});

describe('compose.postgres.yaml', () => {
  const pgCompose = yaml.load(readFileSync('compose.postgres.yaml', 'utf8')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
  const { bot, worker, postgres } = pgCompose.services;

  it('points the bot and its workers at one PostgreSQL, started healthy first, with the same Redis', () => {
    const url = bot!.environment!.DATABASE_URL!;
    expect(loadConfig({ DATABASE_URL: url, REDIS_URL: 'redis://redis:6379' }).database).toMatchObject({ dialect: 'postgres' });
    expect(worker!.environment).toEqual({ REDIS_URL: compose.services.bot!.environment!.REDIS_URL, DATABASE_URL: url });
    expect(worker!.command).toEqual(['node', 'src/cli/bin.mjs', 'worker']);
    expect(existsSync('src/cli/bin.mjs')).toBe(true);
    expect(worker!.image).toBe(compose.services.bot!.image);
    for (const service of [bot!, worker!]) expect(service.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(postgres!.healthcheck!.test).toEqual(['CMD', 'pg_isready', '-U', 'papers', '-d', 'papers']);
    expect(Object.keys(pgCompose.volumes)).toEqual(['postgres-data']);
  });
});

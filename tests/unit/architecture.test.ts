import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imports, sources } from '../helpers/source-imports.ts';

const root = process.cwd();

function offenders(files: string[], forbidden: RegExp): string[] {
  return files.flatMap((f) => imports(f).filter((i) => forbidden.test(i)).map((i) => `${f} imports ${i}`));
}

describe('ports and adapters', () => {
  const core = sources('src').filter((f) => f !== join('src', 'main.ts'));

  it('keeps the core free of chat SDKs, queues, adapters and jobs', () => {
    expect(offenders(core, /^(@slack\/|discord\.js|@discordjs\/|discord-api-types|bullmq|ioredis)|\/adapters\/|\/jobs\//)).toEqual([]);
  });

  it('keeps each adapter to its own platform SDK', () => {
    expect(offenders(sources('adapters/slack'), /^(discord\.js|@discordjs\/|discord-api-types|bullmq)|\/discord\//)).toEqual([]);
    expect(offenders(sources('adapters/discord'), /^(@slack\/|bullmq)|\/slack\//)).toEqual([]);
  });

  it('gives the jobs their platforms injected: no adapter or chat SDK imports', () => {
    expect(offenders(sources('jobs'), /^(@slack\/|discord\.js|@discordjs\/)|\/adapters\//)).toEqual([]);
  });

  it('reads the environment in one place only', () => {
    const readers = [...core, ...sources('adapters'), ...sources('jobs')].filter((f) => /process\.env\b/.test(readFileSync(join(root, f), 'utf8')));
    // The config reads it; the CLI's entry point hands the process's environment to it, as src/main.ts does.
    expect(readers.sort()).toEqual([join('src', 'cli', 'main.ts'), join('src', 'config.ts')]);
  });
});

describe('platform rendering lives in the adapters', () => {
  const wire = /type: '(section|header|context|actions|divider|mrkdwn|plain_text|button)'|\baction_id\b|\bcustom_id\b|\b(type|style|flags): \d|EPHEMERAL|ButtonStyle|ComponentType|MessageFlags/;

  it('keeps src/format to neutral views: no platform SDK imports, no Block Kit or embed wire constants in src', () => {
    expect(offenders(sources('src/format'), /^(@slack\/|discord\.js|@discordjs\/|discord-api-types)/)).toEqual([]);
    expect(sources('src').filter((f) => wire.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });
});

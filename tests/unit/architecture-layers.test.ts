import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imports, sources, sourceText } from '../helpers/source-imports.ts';

/** The repository path a relative specifier points at, e.g. `src/db/channels-repo.ts`; packages stay as they are. */
function target(file: string, specifier: string): string {
  return specifier.startsWith('.') ? normalize(join(dirname(file), specifier)) : specifier;
}

function offenders(files: string[], forbidden: (to: string) => boolean): string[] {
  return files.flatMap((f) => imports(f).map((s) => target(f, s)).filter(forbidden).map((to) => `${f} imports ${to}`));
}

describe('layers', () => {
  it('keeps src/core to itself: no other module of ours, no node:http', () => {
    const outside = (to: string) => to === 'node:http' || (to.includes('/') && !to.startsWith('src/core/') && !/^(luxon|@vvo\/tzdb)$/.test(to) && !to.startsWith('node:'));
    expect(offenders(sources('src/core'), outside)).toEqual([]);
  });

  it('keeps storage free of query semantics: src/db never imports src/search', () => {
    expect(offenders(sources('src/db'), (to) => to.startsWith('src/search/'))).toEqual([]);
  });

  it('hands adapters the app only: no repository, context or job in adapters/', () => {
    expect(offenders(sources('adapters'), (to) => to.startsWith('src/db/') || to === 'src/context.ts' || to.startsWith('jobs/'))).toEqual([]);
  });

  it('lets only the composition root build the app and the adapters', () => {
    const composers = [...sources('src'), ...sources('adapters'), ...sources('jobs')].filter((f) =>
      /\bcreate(PapersApp|SlackAdapter|DiscordAdapter)\(/.test(sourceText(f).replace(/export function create\w+\(/g, '')),
    );
    expect(composers).toEqual([join('src', 'main.ts')]);
  });

  it('keeps the context private: only the composition root, the app and the command use cases it runs see it', () => {
    const users = [...sources('src'), ...sources('adapters'), ...sources('jobs')].filter((f) => imports(f).some((s) => target(f, s) === 'src/context.ts'));
    // src/context-pg.ts is the context's PostgreSQL half, built on the same services.
    const allowed = [join('src', 'main.ts'), join('src', 'context-pg.ts')];
    expect(users.filter((f) => !allowed.includes(f) && !f.startsWith('src/app/') && !f.startsWith('src/commands/'))).toEqual([]);
  });

  it('has use cases read and write through the async stores, never a synchronous repository', () => {
    const direct = /\bctx\.(papers|channels|deliveries|votes|saved|processedEvents|postedPapers|followUps|decisions|installations)\b/;
    const users = [...sources('src/app'), ...sources('src/commands'), ...sources('jobs'), ...sources('adapters')].filter((f) => direct.test(sourceText(f)));
    expect(users).toEqual([]);
  });

  it('hands entry points use cases, not storage: jobs/ and the CLI import no repository', () => {
    expect(offenders([...sources('jobs'), ...sources('src/cli')], (to) => to.startsWith('src/db/') || to === 'src/context.ts')).toEqual([]);
  });

  it('treats the CLI as an entry point: it imports no adapter and no job (src/main.ts composes those)', () => {
    expect(offenders(sources('src/cli'), (to) => to.startsWith('adapters/') || to.startsWith('jobs/'))).toEqual([]);
  });

  it('leaves platform wording to the adapters: the core, the app and the commands name no platform outside comments', () => {
    const code = (f: string) => sourceText(f).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const files = ['src/core', 'src/app', 'src/commands', 'src/select', 'src/format', 'src/search'].flatMap((d) => sources(d));
    expect(files.filter((f) => /slack|discord/i.test(code(f)))).toEqual([]);
  });

  it('keeps the application layer free of platforms and queues', () => {
    expect(offenders(sources('src/app'), (to) => /^(@slack\/|discord\.js|@discordjs\/|discord-api-types|bullmq|ioredis)/.test(to) || to.startsWith('adapters/') || to.startsWith('jobs/'))).toEqual([]);
  });
});

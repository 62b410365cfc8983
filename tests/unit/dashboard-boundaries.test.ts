import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imports, sources, sourceText } from '../helpers/source-imports.ts';

const target = (file: string, specifier: string) => (specifier.startsWith('.') ? normalize(join(dirname(file), specifier)) : specifier);

describe('the web dashboard as an entry point', () => {
  it('asks the dashboard app and never touches storage, the context, a job or an adapter', () => {
    const offenders = sources('src/web').flatMap((f) =>
      imports(f)
        .map((s) => target(f, s))
        .filter((to) => to.startsWith('src/db/') || to === 'src/context.ts' || to.startsWith('jobs/') || to.startsWith('adapters/') || to.startsWith('src/commands/'))
        .map((to) => `${f} imports ${to}`),
    );
    expect(offenders).toEqual([]);
  });

  it('loads nothing from the internet: no absolute URL in a script, stylesheet or link tag of its own', () => {
    const external = sources('src/web').filter((f) => /<(script|link)[^>]+(src|href)="https?:/i.test(sourceText(f)) || /@import|url\(\s*['"]?https?:/i.test(sourceText(f)));
    expect(external).toEqual([]);
  });

  it('builds HTML only through the escaping template tag (no raw markup from strings)', () => {
    const raw = sources('src/web').filter((f) => /new Html\(/.test(sourceText(f)) && !f.endsWith('html.ts'));
    expect(raw).toEqual([]);
  });
});

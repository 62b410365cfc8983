import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();

/** The TypeScript and .mjs sources below `dir`, as repository paths. */
export function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** A source file's text. */
export const sourceText = (file: string): string => readFileSync(join(root, file), 'utf8');

/** Every specifier a file imports: static imports, re-exports and dynamic `import()`. */
export function imports(file: string): string[] {
  const text = sourceText(file);
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

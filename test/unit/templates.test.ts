import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const views = fileURLToPath(new URL('../../views', import.meta.url));

function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? templates(full) : full.endsWith('.hbs') ? [full] : [];
  });
}

describe('templates', () => {
  it('print nothing unescaped but the layouts’ page body', () => {
    // Triple-stash writes HTML as it is: only the layouts may, for the page they wrap.
    const unescaped = templates(views).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\{\{\{\s*([^}]*)\}\}\}/g)].map((m) => `${path.relative(views, file)}: {{{${m[1]}}}}`),
    );
    expect(unescaped.sort()).toEqual(['layouts/embed.hbs: {{{body}}}', 'layouts/main.hbs: {{{body}}}']);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const views = fileURLToPath(new URL('../../views', import.meta.url));
const src = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string, extension: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, extension) : full.endsWith(extension) ? [full] : [];
  });
}

describe('templates', () => {
  it('print nothing unescaped but the layouts’ page body', () => {
    // Triple-stash writes HTML as it is: only the layouts may, for the page they wrap.
    const unescaped = files(views, '.hbs').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\{\{\{\s*([^}]*)\}\}\}/g)].map((m) => `${path.relative(views, file)}: {{{${m[1]}}}}`),
    );
    expect(unescaped.sort()).toEqual(['layouts/embed.hbs: {{{body}}}', 'layouts/main.hbs: {{{body}}}']);
  });

  it('are handed ready HTML by one module alone, which escapes every text', () => {
    // A SafeString prints as it is through `{{…}}` too: only the results ranking makes one.
    const makers = files(src, '.ts').filter((file) => /SafeString\(/.test(readFileSync(file, 'utf8')));
    expect(makers.map((file) => path.relative(src, file))).toEqual(['web/views/ranking.ts']);
  });
});

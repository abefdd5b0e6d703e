import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { viewEngine } from '../../src/web/view-engine.js';
import { tempDir } from '../helpers/database.js';

describe('the view engine', () => {
  let views: ReturnType<typeof tempDir>;
  const file = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(views.dir, name)), { recursive: true });
    writeFileSync(path.join(views.dir, name), text);
  };
  const engine = () =>
    viewEngine({
      defaultLayout: 'main',
      layoutsDir: path.join(views.dir, 'layouts'),
      partialsDir: path.join(views.dir, 'partials'),
      helpers: { shout: (text: unknown) => String(text).toUpperCase() },
    });
  const render = (engineOf: ReturnType<typeof engine>, view: string, locals: object) =>
    new Promise<string>((resolve, reject) => engineOf(path.join(views.dir, view), locals, (error, html) => (error ? reject(error) : resolve(html!))));

  beforeEach(() => {
    views = tempDir();
    file('layouts/main.hbs', '<main>{{{body}}}</main>\n');
    file('layouts/embed.hbs', '<div class="embed">{{{body}}}</div>');
    file('partials/greeting.hbs', '<b>{{shout name}}</b>');
    file('page.hbs', '  <p>{{> greeting}} & {{name}}</p>\n');
  });
  afterEach(() => views.remove());

  it('renders a page with its partials and helpers into the default layout, or the one named', async () => {
    const pages = engine();
    expect(await render(pages, 'page.hbs', { name: 'Ana <i>' })).toBe('<main><p><b>ANA &lt;I&gt;</b> & Ana &lt;i&gt;</p></main>');
    expect(await render(pages, 'page.hbs', { name: 'Ana', layout: 'embed' })).toBe('<div class="embed"><p><b>ANA</b> & Ana</p></div>');
  });

  it('keeps compiled templates when Express caches views, and reads them again otherwise', async () => {
    const pages = engine();
    expect(await render(pages, 'page.hbs', { name: 'Ana', cache: true })).toContain('Ana');
    file('page.hbs', '<p>changed</p>');
    file('partials/greeting.hbs', 'changed');
    expect(await render(pages, 'page.hbs', { name: 'Ana', cache: true })).toBe('<main><p><b>ANA</b> & Ana</p></main>');
    expect(await render(pages, 'page.hbs', { name: 'Ana' })).toBe('<main><p>changed</p></main>');
  });

  it('hands a template error to Express rather than throwing', async () => {
    file('broken.hbs', '{{#if}}');
    await expect(render(engine(), 'broken.hbs', {})).rejects.toThrow();
    await expect(render(engine(), 'missing.hbs', {})).rejects.toThrow(/ENOENT/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

type Template = Handlebars.TemplateDelegate;
type Callback = (error: Error | null, html?: string) => void;

export interface ViewEngineOptions {
  layoutsDir: string;
  /** Partials are named by their file name, without `.hbs`. */
  partialsDir: string;
  defaultLayout: string;
  helpers: Record<string, Handlebars.HelperDelegate>;
}

/**
 * Express's view engine: a Handlebars page rendered into its layout (the
 * `layout` local names one in `layoutsDir`; the default otherwise), with the
 * partials of `partialsDir`.
 *
 * When Express caches views (production), templates and partials are compiled
 * once and kept; otherwise they are read again on every render, so an edit
 * shows at once. Rendering is synchronous: express-handlebars, used before,
 * listed the partials directory and resolved every path again through a chain
 * of promises on each render.
 */
export function viewEngine(settings: ViewEngineOptions) {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(settings.helpers);
  const compile = (file: string) => handlebars.compile(readFileSync(file, 'utf8').trim());
  const kept = new Map<string, Template>();
  const template = (file: string, cache: boolean): Template => {
    let found = cache ? kept.get(file) : undefined;
    if (!found) {
      found = compile(file);
      if (cache) kept.set(file, found);
    }
    return found;
  };
  let keptPartials: Record<string, Template> | undefined;
  const partials = (cache: boolean): Record<string, Template> => {
    if (cache && keptPartials) return keptPartials;
    const found = Object.fromEntries(
      readdirSync(settings.partialsDir)
        .filter((name) => name.endsWith('.hbs'))
        .map((name) => [name.slice(0, -'.hbs'.length), compile(path.join(settings.partialsDir, name))]),
    );
    if (cache) keptPartials = found;
    return found;
  };

  return (file: string, options: object, callback: Callback): void => {
    const locals = options as Record<string, unknown>;
    let html: string;
    try {
      const cache = locals.cache === true;
      const runtime = { partials: partials(cache) };
      const body = template(file, cache)(locals, runtime);
      const layout = typeof locals.layout === 'string' ? locals.layout : settings.defaultLayout;
      html = template(path.join(settings.layoutsDir, `${layout}.hbs`), cache)({ ...locals, body }, runtime);
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    callback(null, html);
  };
}

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The shape of the code (STYLE.md): data flows one way, request → service →
 * repository → domain, so no module of src/ imports, even by a chain, one
 * that imports it back, and nothing under src/web/ reaches into src/db/.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** Every src/ file a file imports (static, type-only, re-exported or dynamic), as paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.relative(SRC, path.resolve(path.dirname(file), specifier)).replace(/\.js$/, '.ts'))
    .filter((target) => !target.startsWith('..') && target.endsWith('.ts'));
}

const graph = new Map(sourceFiles(SRC).map((file) => [path.relative(SRC, file), importsOf(file)]));

/** Strongly connected groups of more than one file, or a file that imports itself: the import cycles. */
function cycles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
}

describe('the shape of the code', () => {
  it('reads every file of src/', () => {
    expect(graph.get('app.ts')).toContain('read-model/read-model.ts');
    expect(graph.get('cli/main.ts')).toContain('config.ts');
  });

  it('has no import cycle among the files of src/', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps src/web/ from importing src/db/: routes, middleware and view-models go through services', () => {
    const intoDb = [...graph].flatMap(([file, imports]) => (file.startsWith('web/') ? imports.filter((target) => target.startsWith('db/')).map((target) => `${file} → ${target}`) : []));
    expect(intoDb).toEqual([]);
  });
});

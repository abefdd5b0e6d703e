import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/domain/locale.js';
import { tempDir } from '../helpers/app.js';
import { inLanguage, PAGE_TYPES, prepareVisitors } from './support/pages.js';
import { writeReport } from './support/report.js';
import { startSite, type Site } from './support/site.js';

/*
 * Every page type, in every language, fetched over HTTP as a browser gets it,
 * passes the Nu HTML Checker (vnu.jar, needs Java) with zero errors. The JVM
 * is slow to start: all pages go to one run.
 */

const VNU = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')), 'build/dist/vnu.jar');

function javaMissing(): boolean {
  const probe = process.env.PATH?.split(path.delimiter).some((dir) => {
    try {
      return createRequire(import.meta.url)('node:fs').statSync(path.join(dir, 'java')).isFile();
    } catch {
      return false;
    }
  });
  if (probe) return false;
  // eslint-disable-next-line no-console
  console.warn('HTML validity: skipped, no `java` on PATH (the Nu HTML Checker needs a Java runtime)');
  return true;
}

interface VnuMessage {
  type: string;
  subType?: string;
  url: string;
  message: string;
  lastLine?: number;
  extract?: string;
}

describe.skipIf(javaMissing())('valid HTML (Nu HTML Checker)', () => {
  let site: Site;
  const folder = tempDir();
  const files = new Map<string, string>();
  let messages: VnuMessage[] = [];
  /** Errors found, by page type (all three languages). */
  const report: Record<string, number> = {};

  beforeAll(async () => {
    site = await startSite();
    const visitors = await prepareVisitors(site);
    for (const type of PAGE_TYPES) {
      const api = await request.newContext({ baseURL: site.base, storageState: visitors[type.visitor] });
      for (const locale of LOCALES) {
        const res = await api.get(inLanguage(type.path, locale));
        expect(res.status(), `${type.path} in ${locale}`).toBe(type.status);
        const file = path.join(folder.dir, `${type.name.replace(/\W+/g, '-')}.${locale}.html`);
        writeFileSync(file, await res.text());
        files.set(file, `${type.name} (${locale})`);
      }
      await api.dispose();
    }
    const run = await promisify(execFile)('java', ['-jar', VNU, '--format', 'json', '--stdout', ...files.keys()], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => error);
    // vnu exits non-zero when it finds errors; its JSON report is on standard output either way.
    messages = (JSON.parse(run.stdout ?? '{"messages": []}') as { messages: VnuMessage[] }).messages;
  }, 180_000);
  afterAll(async () => {
    writeReport('html-validity', report);
    await site?.close();
    folder.remove();
  });

  it.each(PAGE_TYPES.map((type) => [type.name] as const))('%s', (name) => {
    const errors = messages
      .filter((m) => m.type === 'error' || m.type === 'non-document-error' || m.subType === 'fatal')
      .filter((m) => files.get(decodeURIComponent(new URL(m.url).pathname))?.startsWith(`${name} (`))
      .map((m) => `${files.get(decodeURIComponent(new URL(m.url).pathname))} line ${m.lastLine}: ${m.message} ${m.extract ?? ''}`);
    report[name] = errors.length;
    expect(errors).toEqual([]);
  });

  it('checked every page', () => {
    expect(files.size).toBe(PAGE_TYPES.length * LOCALES.length);
    const unattributed = messages.filter((m) => !files.has(decodeURIComponent(new URL(m.url).pathname)));
    expect(unattributed).toEqual([]);
  });
});

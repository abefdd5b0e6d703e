import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ElectionPackage } from '../../src/formats/election-package.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

/** A fresh copy of a fixture package, safe to change in a test. */
export function loadFixture(name: 'small-election.json' | 'demo-election.json'): ElectionPackage {
  return JSON.parse(readFileSync(fixture(name), 'utf8')) as ElectionPackage;
}

export function fixtureText(name: 'small-election.json' | 'demo-election.json'): string {
  return readFileSync(fixture(name), 'utf8');
}

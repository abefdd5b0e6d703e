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

/** The small fixture with twenty distinct faults, each in a different place. */
export function packageWithTwentyFaults(): unknown {
  const pkg = loadFixture('small-election.json') as unknown as Record<string, any>;
  pkg.format = 'concordo.election/2';
  pkg.election.slug = 'Vila Pequena';
  pkg.election.date = '2028-02-30';
  pkg.election.country = 'Brasil';
  pkg.statements[1].scale = 9;
  pkg.election.name = { 'pt-BR': 'Eleição', fr: 'Élection' };
  pkg.election.colour = 'blue';
  pkg.topics.push({ slug: 'ambiente', name: 'De novo' });
  pkg.statements[1].topic = 'saude';
  pkg.statements[3].text = '   ';
  pkg.statements[3].scale = 3.5;
  pkg.statements.push({ id: 's2', topic: 'contas', text: 'Repetida' });
  delete pkg.races[1].district;
  pkg.parties[0].number = '71';
  pkg.candidates[0].answers.s1.value = 9;
  pkg.candidates[0].answers.s9 = { value: 2 };
  pkg.candidates[1].race = 'governador';
  pkg.candidates[2].party = 'px';
  pkg.candidates[2].profile.links = ['javascript:alert(1)'];
  pkg.candidates[3].ballotNumber = '71-002';
  pkg.candidates[3].answers.s3.value = 4;
  return pkg;
}

/** What an organizer reading English is told about each of those faults. */
export const TWENTY_FAULTS = [
  'format: must be "concordo.election/1"',
  'election.slug: must be an id of lowercase letters, digits and hyphens',
  'election.date: must be a date written YYYY-MM-DD',
  'election.country: must be a two-letter country code such as BR',
  'election.name.fr: unknown language “fr” (use pt-BR, es or en)',
  'election.colour: unknown key “colour”',
  'topics[2].slug: “ambiente” is already used at topics[0]',
  'statements[1].topic: no topic has the id “saude”',
  'statements[1].scale: must be at most 7 (got 9)',
  'statements[3].text: must not be empty',
  'statements[3].scale: must be a whole number',
  'statements[4].id: “s2” is already used at statements[1]',
  'races[1].district: is required',
  'parties[0].number: must be of type number (got "71")',
  // s1 has the election's 5-point scale, s3 its own 3-point scale.
  'candidates[0].answers.s1.value: 9 is outside the 1–5 scale',
  'candidates[0].answers.s9: no statement has the id “s9”',
  'candidates[1].race: no race has the id “governador”',
  'candidates[2].party: no party has the id “px”',
  'candidates[2].profile.links[0]: must be an http or https address',
  'candidates[3].ballotNumber: must be digits only',
  'candidates[3].answers.s3.value: 4 is outside the 1–3 scale',
] as const;

import { describe, expect, it } from 'vitest';
import {
  describePackageError,
  formatPath,
  parsePackageText,
  validatePackage,
} from '../../src/formats/election-package.js';
import { translate } from '../../src/i18n.js';
import { loadFixture } from '../helpers/packages.js';

const english = (key: string, params: Record<string, string | number>) => translate('en', key, params);

function faultLines(input: unknown): string[] {
  const result = validatePackage(input);
  if (result.ok) return [];
  return result.errors.map((error) => describePackageError(error, english)).sort();
}

/** The small fixture with twenty distinct faults, each in a different place. */
function packageWithTwentyFaults(): unknown {
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

describe('election package validation', () => {
  it('accepts the fixtures', () => {
    expect(validatePackage(loadFixture('small-election.json')).ok).toBe(true);
  });

  it('names every one of twenty faults with its place', () => {
    expect(faultLines(packageWithTwentyFaults())).toEqual(
      [
        'format: must be "concordo.election/1"',
        'election.slug: must be an id of lowercase letters, digits and hyphens',
        'election.date: must be a date written YYYY-MM-DD',
        'election.country: must be a two-letter country code such as BR',
        'statements[1].scale: must be at most 7 (got 9)',
        'election.name.fr: unknown language “fr” (use pt-BR, es or en)',
        'election.colour: unknown key “colour”',
        'topics[2].slug: “ambiente” is already used at topics[0]',
        'statements[1].topic: no topic has the id “saude”',
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
      ].sort(),
    );
  });

  it('reports a duplicate candidate id and a duplicate ballot number in a race', () => {
    const pkg = loadFixture('small-election.json');
    pkg.candidates[3]!.id = 'ana';
    pkg.candidates[3]!.ballotNumber = '71001';
    expect(faultLines(pkg)).toEqual([
      'candidates[3].ballotNumber: “71001” is already used at candidates[2]',
      'candidates[3].id: “ana” is already used at candidates[0]',
    ]);
  });

  it('reports a JSON syntax error with its line and column', () => {
    const result = parsePackageText('{\n  "format": "concordo.election/1",\n  "election": }\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(describePackageError(result.errors[0]!, english)).toBe('the file is not valid JSON (line 3, column 15)');
  });

  it('reports a missing section and a wrong top-level type', () => {
    expect(faultLines({ format: 'concordo.election/1' })).toEqual([
      'candidates: is required',
      'election: is required',
      'parties: is required',
      'races: is required',
      'statements: is required',
      'topics: is required',
    ]);
    expect(faultLines([])).toEqual(['must be of type object (got [])']);
  });

  it('writes paths the way an organizer reads them', () => {
    expect(formatPath(['candidates', 12, 'answers', 's07', 'value'])).toBe('candidates[12].answers.s07.value');
    expect(formatPath(['candidates', 0, 'answers', 'a b'])).toBe('candidates[0].answers["a b"]');
  });
});

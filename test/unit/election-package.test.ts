import { describe, expect, it } from 'vitest';
import {
  describePackageError,
  formatPath,
  parsePackageText,
  validatePackage,
} from '../../src/formats/election-package.js';
import { translate } from '../../src/i18n.js';
import { loadFixture, packageWithTwentyFaults, TWENTY_FAULTS } from '../helpers/packages.js';

const english = (key: string, params: Record<string, string | number>) => translate('en', key, params);

function faultLines(input: unknown): string[] {
  const result = validatePackage(input);
  if (result.ok) return [];
  return result.errors.map((error) => describePackageError(error, english)).sort();
}

describe('election package validation', () => {
  it('accepts the fixtures', () => {
    expect(validatePackage(loadFixture('small-election.json')).ok).toBe(true);
  });

  it('names every one of twenty faults with its place', () => {
    expect(faultLines(packageWithTwentyFaults())).toEqual([...TWENTY_FAULTS].sort());
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

  it('refuses a NUL character in any text, naming its place', () => {
    const pkg = loadFixture('small-election.json');
    pkg.candidates[1]!.profile = { ...pkg.candidates[1]!.profile, bio: 'antes\u0000depois' };
    const result = parsePackageText(JSON.stringify(pkg));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => describePackageError(e, english))).toEqual(['candidates[1].profile.bio: holds a NUL character (\\u0000), which no text may contain']);
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

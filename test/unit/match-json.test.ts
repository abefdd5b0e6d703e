import { describe, expect, it } from 'vitest';
import { NumberParts } from '../../src/read-model/match-parts.js';

const scores = new NumberParts('', 4096);
const text = (value: number) => Buffer.from(scores.part(value)).toString();

describe('numbers in the match API’s answer', () => {
  it('writes each number as JSON.stringify does, also when two numbers share a place in the table', () => {
    // 0 and 4096/4099 fall in the same place of the table: each must still be written as itself.
    const sharing = [0, 4096 / 4099, 0, 4096 / 4099];
    const others = [100, 62.5, 100 / 3, 58.333333333333336, 1e-7, 5e-324, 12.5, 99.99999999999999, -0];
    for (const value of [...sharing, ...others, ...others.reverse()]) expect(text(value)).toBe(JSON.stringify(value));
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findChainBreak, GENESIS_HASH, historyHash, type ChainedEntry } from '../../src/domain/history-chain.js';

function chain(count: number): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const content = {
      seq,
      candidate: `c${seq}`,
      statement: 's01',
      oldValue: 2,
      newValue: 4,
      oldJustification: null,
      newJustification: `razão ${seq}`,
      changedAt: `2028-09-0${seq}T10:00:00.000Z`,
      actor: 'candidate',
    };
    const hash = historyHash(prevHash, content);
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

describe('history hash chain', () => {
  it('hashes the previous hash and the entry as a JSON array (anyone can recompute it)', () => {
    const entry = chain(1)[0]!;
    const expected = createHash('sha256')
      .update(JSON.stringify([GENESIS_HASH, 1, 'c1', 's01', 2, 4, null, 'razão 1', '2028-09-01T10:00:00.000Z', 'candidate']))
      .digest('hex');
    expect(entry.hash).toBe(expected);
  });

  it('holds for an untouched chain', () => {
    expect(findChainBreak(chain(5))).toBeNull();
    expect(findChainBreak([])).toBeNull();
  });

  it('finds an edited entry, a removed entry and a re-linked forgery', () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, newValue: 1 };
    expect(findChainBreak(edited)).toEqual({ seq: 3, reason: 'hash does not match content' });

    const removed = chain(5);
    removed.splice(1, 1);
    expect(findChainBreak(removed)).toEqual({ seq: 3, reason: 'expected entry 2' });

    // Recomputing the edited entry's own hash does not help: the next link breaks.
    const forged = chain(5);
    const changed = { ...forged[2]!, newValue: 1 };
    forged[2] = { ...changed, hash: historyHash(changed.prevHash, changed) };
    expect(findChainBreak(forged)).toEqual({ seq: 4, reason: 'previous hash does not match' });
  });
});

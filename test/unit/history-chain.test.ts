import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findChainBreak, GENESIS_HASH, historyHash, textSha256, type VerifiableEntry } from '../../src/domain/history-chain.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A chain of `count` entries, each changing c<seq>'s answer to s01 from 2 (no justification) to 4 with "razão <seq>". */
function chain(count: number): VerifiableEntry[] {
  const entries: VerifiableEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const content = {
      seq,
      candidate: `c${seq}`,
      statement: 's01',
      old: { answered: true, value: 2, textSha256: null },
      new: { answered: true, value: 4, textSha256: sha256(`razão ${seq}`) },
      changedAt: `2028-09-0${seq}T10:00:00.000Z`,
      actor: 'candidate',
    };
    const hash = historyHash(prevHash, content);
    entries.push({ ...content, prevHash, hash, oldText: null, newText: { text: `razão ${seq}`, redacted: false } });
    prevHash = hash;
  }
  return entries;
}

describe('history hash chain', () => {
  it('hashes the previous hash and the entry, texts by their SHA-256, as a JSON array (anyone can recompute it)', () => {
    const entry = chain(1)[0]!;
    const expected = sha256(
      JSON.stringify([GENESIS_HASH, 1, 'c1', 's01', true, 2, null, true, 4, sha256('razão 1'), '2028-09-01T10:00:00.000Z', 'candidate']),
    );
    expect(entry.hash).toBe(expected);
    expect(textSha256('razão 1')).toBe(sha256('razão 1'));
  });

  it('holds for an untouched chain', () => {
    expect(findChainBreak(chain(5))).toBeNull();
    expect(findChainBreak([])).toBeNull();
  });

  it('tells "no answer" from "not answered": the chain commits to which', () => {
    const entries = chain(2);
    entries[1] = { ...entries[1]!, old: { answered: false, value: null, textSha256: null } };
    expect(findChainBreak(entries)).toEqual({ seq: 2, code: 'hash' });
  });

  it('finds an edited entry, a removed entry and a re-linked forgery', () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, new: { ...edited[2]!.new, value: 1 } };
    expect(findChainBreak(edited)).toEqual({ seq: 3, code: 'hash' });

    const removed = chain(5);
    removed.splice(1, 1);
    expect(findChainBreak(removed)).toEqual({ seq: 3, code: 'sequence', expected: 2 });

    // Recomputing the edited entry's own hash does not help: the next link breaks.
    const forged = chain(5);
    const changed = { ...forged[2]!, new: { ...forged[2]!.new, value: 1 } };
    forged[2] = { ...changed, hash: historyHash(changed.prevHash, changed) };
    expect(findChainBreak(forged)).toEqual({ seq: 4, code: 'previous_hash' });
  });

  it('holds when a redaction removed words, and finds words changed, lost or deleted without one', () => {
    const redacted = chain(3);
    redacted[1] = { ...redacted[1]!, newText: { text: null, redacted: true } };
    expect(findChainBreak(redacted)).toBeNull();

    const changed = chain(3);
    changed[1] = { ...changed[1]!, newText: { text: 'razão trocada', redacted: false } };
    expect(findChainBreak(changed)).toEqual({ seq: 2, code: 'text_changed', side: 'new' });

    const deleted = chain(3);
    deleted[1] = { ...deleted[1]!, newText: { text: null, redacted: false } };
    expect(findChainBreak(deleted)).toEqual({ seq: 2, code: 'text_removed', side: 'new' });

    const lost = chain(3);
    lost[2] = { ...lost[2]!, newText: null };
    expect(findChainBreak(lost)).toEqual({ seq: 3, code: 'text_missing', side: 'new' });
  });
});

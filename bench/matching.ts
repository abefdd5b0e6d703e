/*
 * In-process cost of matching one voter against a large race: 2,000
 * candidates × 40 statements on a 5-point scale, all answered, every method.
 * Run with `npm run bench:matching` (also part of `npm run bench`). Prints
 * nanoseconds per candidate and milliseconds per race (median of many runs
 * after a warm-up).
 */
import { pathToFileURL } from 'node:url';
import { seededRandom } from '../src/domain/fairness.js';
import { answerPairs, matchCandidates, METHODS, type Method } from '../src/domain/matching.js';

export interface MatchingFigures {
  method: Method;
  candidates: number;
  statements: number;
  msPerRace: number;
  p99MsPerRace: number;
  nsPerCandidate: number;
}

export function benchMatching(input: { candidates?: number; statements?: number; runs?: number } = {}): MatchingFigures[] {
  const candidates = input.candidates ?? 2000;
  const statements = input.statements ?? 40;
  const runs = input.runs ?? 400;
  const random = seededRandom(2028);
  const scales = new Uint8Array(statements).fill(5);
  const topics = Uint16Array.from({ length: statements }, (_, s) => s % 4);
  const values = Uint8Array.from({ length: candidates * statements }, () => 1 + Math.floor(random() * 5));
  // The answers in pairs, made once per race snapshot by the read model, as the service does.
  const matrix = { candidateCount: candidates, values, pairs: answerPairs({ candidateCount: candidates, values }, statements) };
  const voter = {
    values: Uint8Array.from({ length: statements }, () => 1 + Math.floor(random() * 5)),
    weights: Uint8Array.from({ length: statements }, () => 1 + Math.floor(random() * 2)),
  };
  return METHODS.map((method) => {
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const start = process.hrtime.bigint();
      const outcome = matchCandidates(
        { scales, topics, topicCount: 4 },
        matrix,
        voter,
        { method, missing: 'penalty', minAnswers: 5, random: seededRandom(run) },
      );
      const elapsed = Number(process.hrtime.bigint() - start);
      if (!outcome.ok || outcome.results.length !== candidates) throw new Error('unexpected outcome');
      if (run >= runs / 8) times.push(elapsed);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const p99 = times[Math.floor(times.length * 0.99)]!;
    return { method, candidates, statements, msPerRace: median / 1e6, p99MsPerRace: p99 / 1e6, nsPerCandidate: median / candidates };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figures of benchMatching()) {
    process.stdout.write(
      `${figures.method.padEnd(10)} ${figures.msPerRace.toFixed(3)} ms per race (p99 ${figures.p99MsPerRace.toFixed(3)} ms), ${figures.nsPerCandidate.toFixed(0)} ns per candidate\n`,
    );
  }
}

/*
 * In-process cost of matching one voter against a large race: 2,000
 * candidates × 40 statements on a 5-point scale, all answered, every method.
 * Run with `npm run bench:matching`. Prints nanoseconds per candidate and
 * milliseconds per race (median of many runs after a warm-up).
 */
import { seededRandom } from '../src/domain/fairness.js';
import { matchCandidates, METHODS } from '../src/domain/matching.js';

const candidates = 2000;
const statements = 40;
const random = seededRandom(2028);
const scales = new Uint8Array(statements).fill(5);
const topics = Uint16Array.from({ length: statements }, (_, s) => s % 4);
const values = Uint8Array.from({ length: candidates * statements }, () => 1 + Math.floor(random() * 5));
const voter = {
  values: Uint8Array.from({ length: statements }, () => 1 + Math.floor(random() * 5)),
  weights: Uint8Array.from({ length: statements }, () => 1 + Math.floor(random() * 2)),
};

for (const method of METHODS) {
  const times: number[] = [];
  for (let run = 0; run < 400; run += 1) {
    const start = process.hrtime.bigint();
    const outcome = matchCandidates(
      { scales, topics, topicCount: 4 },
      { candidateCount: candidates, values },
      voter,
      { method, missing: 'penalty', minAnswers: 5, random: seededRandom(run) },
    );
    const elapsed = Number(process.hrtime.bigint() - start);
    if (!outcome.ok || outcome.results.length !== candidates) throw new Error('unexpected outcome');
    if (run >= 50) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const p99 = times[Math.floor(times.length * 0.99)]!;
  process.stdout.write(
    `${method.padEnd(10)} ${(median / 1e6).toFixed(3)} ms per race (p99 ${(p99 / 1e6).toFixed(3)} ms), ${(median / candidates).toFixed(0)} ns per candidate\n`,
  );
}

import type { Db } from '../db/client.js';
import { systemClock } from '../domain/clock.js';
import type { Translator } from '../i18n.js';
import { generateElection, MIN_CANDIDATES } from '../services/generate.js';
import type { CliIo } from './io.js';

/** `generate --candidates N [--statements K] [--slug S] [--seed N]`: a synthetic national election. */
export interface GenerateOptions {
  candidates?: string | undefined;
  statements?: string | undefined;
  slug?: string | undefined;
  seed?: string | undefined;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Checks the options, writes the election with progress on standard error, and returns the exit code. */
export async function generateCommand(db: Db, options: GenerateOptions, at: { io: CliIo; t: Translator }): Promise<number> {
  const { io, t } = at;
  if (options.candidates === undefined) {
    io.stderr(`${t('cli.missingArgument', { name: '--candidates <number>' })}\n`);
    return 2;
  }
  const candidates = wholeNumber(options.candidates, { option: '--candidates', min: MIN_CANDIDATES, max: 5_000_000 }, at);
  const statements = wholeNumber(options.statements ?? '40', { option: '--statements', min: 1, max: 200 }, at);
  const seed = wholeNumber(options.seed ?? '2028', { option: '--seed', min: 0, max: 0xffffffff }, at);
  const slug = options.slug ?? 'national-2028';
  if (!SLUG.test(slug)) {
    io.stderr(`${t('cli.generate.badSlug', { value: slug })}\n`);
    return 2;
  }
  if (candidates === null || statements === null || seed === null) return 2;

  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  let reported = -1;
  const outcome = await generateElection({ db, clock: systemClock }, { candidates, statements, slug, seed }, (progress) => {
    // About a hundred lines for any size.
    const percent = Math.floor((100 * progress.candidates) / progress.total);
    if (percent === reported) return;
    reported = percent;
    io.stderr(`${t('cli.generate.progress', { ...progress, seconds: seconds() })}\n`);
  });
  if (!outcome.ok) {
    io.stderr(`${t('cli.generate.exists', { election: slug })}\n`);
    return 1;
  }
  const { summary } = outcome;
  io.stdout(
    `${t('cli.generate.done', {
      election: summary.slug,
      races: summary.races,
      smallest: summary.smallestRace,
      largest: summary.largestRace.size,
      largestRace: summary.largestRace.slug,
      parties: summary.parties,
      topics: summary.topics,
      statements: summary.statements,
      candidates: summary.candidates,
      answers: summary.answers,
      seconds: seconds(),
      // maxRSS is in KiB.
      memory: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
  return 0;
}

function wholeNumber(value: string, rule: { option: string; min: number; max: number }, at: { io: CliIo; t: Translator }): number | null {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(number) && number >= rule.min && number <= rule.max) return number;
  at.io.stderr(`${at.t('cli.generate.badNumber', { option: rule.option, min: rule.min, max: rule.max, value })}\n`);
  return null;
}

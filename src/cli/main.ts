import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.js';
import { backupSqlite, createDb, databaseKind, type Db } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import { systemClock } from '../domain/clock.js';
import { describePackageError } from '../formats/election-package.js';
import { localeFromEnvironment, translator, type Translator } from '../i18n.js';
import { seedDemo } from '../services/demo.js';
import { ADMIN_SETUP_PATH, createAdmin } from '../services/auth.js';
import { COMMAND_LINE, inviteCandidates } from '../services/invitations.js';
import { electionId } from '../services/elections.js';
import { runRosterJob, startRosterJob } from '../services/roster-jobs.js';
import { RosterFileError } from '../formats/tse-roster.js';
import { describeRollCallError } from '../formats/roll-calls.js';
import { importRollCalls } from '../services/roll-call-import.js';
import { createMailer } from '../services/mailer.js';
import { verifyDatabase } from '../services/verify.js';
import { generateCommand } from './generate.js';
import type { CliIo } from './io.js';
import {
  exportElectionPackage,
  importElectionPackage,
  packageText,
  type ImportOutcome,
} from '../services/election-packages.js';

/** Where a command writes; tests pass their own. */
const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

class UsageError extends Error {}

/** Faults (and unmatched ids) listed one by one; a file wrong on every row would otherwise fill the terminal. */
const MAX_LISTED_FAULTS = 100;

/** Runs one command line (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const t = translator(localeFromEnvironment(io.env));
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'migrate':
        return await withDb(io, async (db) => {
          const applied = await migrateToLatest(db);
          io.stdout(`${t('cli.migrated', { count: applied.length })}\n`);
          return 0;
        });
      case 'seed-demo':
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          return reportImport(await seedDemo({ db, clock: systemClock }), { io, t, file: 'fixtures/demo-election.json' });
        });
      case 'import': {
        const { positionals } = parse(rest, {}, t);
        const file = positionals[0];
        if (!file) throw new UsageError(t('cli.missingArgument', { name: '<package.json>' }));
        let source: string;
        try {
          source = await readFile(file, 'utf8');
        } catch (error) {
          io.stderr(`${t('cli.fileUnreadable', { file, reason: (error as NodeJS.ErrnoException).code ?? String(error) })}\n`);
          return 1;
        }
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          return reportImport(await importElectionPackage({ db, clock: systemClock }, { source, actor: 'cli' }), {
            io,
            t,
            file,
          });
        });
      }
      case 'export': {
        const { positionals, values } = parse(rest, { out: { type: 'string' } }, t);
        const slug = positionals[0];
        if (!slug) throw new UsageError(t('cli.missingArgument', { name: '<election>' }));
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          const pkg = await exportElectionPackage({ db }, slug);
          if (!pkg) {
            io.stderr(`${t('cli.noSuchElection', { election: slug })}\n`);
            return 1;
          }
          const text = packageText(pkg);
          if (typeof values.out === 'string') {
            await writeFile(values.out, text, 'utf8');
            io.stderr(`${t('cli.exported', { file: values.out })}\n`);
          } else {
            io.stdout(text);
          }
          return 0;
        });
      }
      case 'import-tse': {
        const { positionals, values } = parse(rest, { election: { type: 'string' } }, t);
        const file = positionals[0];
        if (!file) throw new UsageError(t('cli.missingArgument', { name: '<csv>' }));
        if (!values.election) throw new UsageError(t('cli.missingArgument', { name: '--election <slug>' }));
        const election = values.election;
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          const id = await electionId(db, election);
          if (id === null) {
            io.stderr(`${t('cli.noSuchElection', { election })}\n`);
            return 1;
          }
          // One roster import at a time per election, this one or one from the import page.
          const started = await startRosterJob({ db, clock: systemClock }, { electionId: id, actor: 'cli' });
          if (!started.ok) {
            io.stderr(`${t('cli.tse.running', { election, actor: started.running.actor, at: started.running.createdAt })}\n`);
            return 1;
          }
          try {
            const outcome = await runRosterJob(
              { db, clock: systemClock },
              {
                jobId: started.jobId,
                election,
                file,
                actor: 'cli',
                onProgress: (processed, total) => io.stderr(`${t('cli.tse.progress', { processed, total })}\n`),
              },
            );
            if (!outcome.ok) {
              io.stderr(`${t('cli.noSuchElection', { election })}\n`);
              return 1;
            }
            const { summary } = outcome;
            const { rejections: _rejections, ...counts } = summary;
            io.stdout(`${t('cli.tse.summary', counts)}\n`);
            for (const r of summary.rejections) io.stdout(`  ${t('cli.tse.rejected', { line: r.line, reason: t(`tse.reject.${r.reason}`, r.params) })}\n`);
            return 0;
          } catch (error) {
            if (!(error instanceof RosterFileError)) throw error;
            io.stderr(`${t(`tse.file.${error.code}`, { ...error.params, line: error.line, file })}\n`);
            return 1;
          }
        });
      }
      case 'import-votes': {
        const { positionals, values } = parse(rest, { election: { type: 'string' } }, t);
        const [votesFile, linksFile] = positionals;
        if (!votesFile) throw new UsageError(t('cli.missingArgument', { name: '<votes.csv>' }));
        if (!linksFile) throw new UsageError(t('cli.missingArgument', { name: '<links.csv>' }));
        if (!values.election) throw new UsageError(t('cli.missingArgument', { name: '--election <slug>' }));
        const election = values.election;
        const files: Array<{ name: string; content: Buffer }> = [];
        for (const file of [votesFile, linksFile]) {
          try {
            files.push({ name: file, content: await readFile(file) });
          } catch (error) {
            io.stderr(`${t('cli.fileUnreadable', { file, reason: (error as NodeJS.ErrnoException).code ?? String(error) })}\n`);
            return 1;
          }
        }
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          const outcome = await importRollCalls({ db, clock: systemClock }, { election, votes: files[0]!, links: files[1]!, actor: 'cli' });
          if (!outcome.ok && outcome.problem === 'no_election') {
            io.stderr(`${t('cli.noSuchElection', { election })}\n`);
            return 1;
          }
          if (!outcome.ok) {
            io.stderr(`${t('cli.votes.failed', { count: outcome.errors.length })}\n`);
            for (const error of outcome.errors.slice(0, MAX_LISTED_FAULTS)) io.stderr(`  ${describeRollCallError(error, t)}\n`);
            if (outcome.errors.length > MAX_LISTED_FAULTS) io.stderr(`  ${t('cli.votes.more', { count: outcome.errors.length - MAX_LISTED_FAULTS })}\n`);
            return 1;
          }
          const { summary } = outcome;
          io.stdout(`${t('cli.votes.summary', { rollCalls: summary.rollCalls, created: summary.rollCallsCreated, votes: summary.votes, links: summary.links })}\n`);
          if (summary.unmatched.length > 0) {
            io.stdout(`${t('cli.votes.unmatched', { count: summary.unmatched.length, rows: summary.unmatchedRows })}\n`);
            for (const miss of summary.unmatched.slice(0, MAX_LISTED_FAULTS)) {
              io.stdout(`  ${t('cli.votes.unmatchedId', { id: miss.officialId, rows: miss.rows, line: miss.firstLine })}\n`);
            }
            if (summary.unmatched.length > MAX_LISTED_FAULTS) io.stdout(`  ${t('cli.votes.more', { count: summary.unmatched.length - MAX_LISTED_FAULTS })}\n`);
          }
          return 0;
        });
      }
      case 'invite': {
        const { positionals, values } = parse(rest, { candidate: { type: 'string' }, print: { type: 'boolean' } }, t);
        const election = positionals[0];
        if (!election) throw new UsageError(t('cli.missingArgument', { name: '<election>' }));
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          const config = loadConfig(io.env);
          const mailer = createMailer({ config, db, clock: systemClock, logger: pino({ level: 'error' }, pino.destination(2)) });
          const outcome = await inviteCandidates({ db, clock: systemClock, config, mailer }, { election, candidate: values.candidate, by: COMMAND_LINE });
          // With SMTP, the invitations go out before the command ends (a running server would send them too).
          await mailer.deliverPending();
          if (!outcome.ok) {
            io.stderr(`${outcome.problem === 'no_election' ? t('cli.noSuchElection', { election }) : t('cli.invite.noCandidate', { candidate: values.candidate ?? '' })}\n`);
            return 1;
          }
          for (const skipped of outcome.skipped) io.stderr(`${t('cli.invite.registered', { candidate: skipped.candidate })}\n`);
          for (const invitation of outcome.invitations) {
            // --print: one "candidate-id<TAB>link" line each on standard output, for messaging apps.
            if (values.print) io.stdout(`${invitation.candidate}\t${invitation.link}\n`);
            if (invitation.emailedTo) io.stderr(`${t('cli.invite.sent', { candidate: invitation.candidate, email: invitation.emailedTo })}\n`);
            else if (!values.print) io.stderr(`${t('cli.invite.noEmail', { candidate: invitation.candidate })}\n`);
          }
          io.stderr(`${t('cli.invite.summary', { count: outcome.invitations.length, days: config.invitationTtlDays })}\n`);
          return 0;
        });
      }
      case 'create-admin': {
        const { positionals } = parse(rest, {}, t);
        const email = positionals[0];
        if (!email) throw new UsageError(t('cli.missingArgument', { name: '<email>' }));
        if (!z.email().safeParse(email).success) {
          io.stderr(`${t('cli.admin.badEmail', { email })}\n`);
          return 1;
        }
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          const config = loadConfig(io.env);
          const created = await createAdmin({ db, clock: systemClock, config }, { email, path: ADMIN_SETUP_PATH });
          if (!created.ok) {
            io.stderr(`${t('cli.admin.taken', { email })}\n`);
            return 1;
          }
          io.stderr(`${t('cli.admin.created', { email })}\n`);
          io.stdout(`${created.link}\n`);
          return 0;
        });
      }
      case 'backup': {
        const { positionals } = parse(rest, {}, t);
        const file = positionals[0];
        if (!file) throw new UsageError(t('cli.missingArgument', { name: '<file>' }));
        const config = loadConfig(io.env);
        if (databaseKind(config.databaseUrl) !== 'sqlite') {
          io.stderr(`${t('cli.backup.postgres')}\n`);
          return 1;
        }
        if (existsSync(file)) {
          io.stderr(`${t('cli.backup.exists', { file })}\n`);
          return 1;
        }
        try {
          await backupSqlite(config.databaseUrl, file);
        } catch (error) {
          io.stderr(`${t('cli.fileUnreadable', { file: config.databaseUrl.replace(/^sqlite:/, ''), reason: (error as NodeJS.ErrnoException).code ?? String(error) })}\n`);
          return 1;
        }
        io.stdout(`${t('cli.backup.done', { file })}\n`);
        return 0;
      }
      case 'verify':
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          const report = await verifyDatabase(db, loadConfig(io.env).databaseUrl);
          for (const fault of report.storage ?? []) io.stderr(`${t('cli.verify.storage', { fault })}\n`);
          for (const chain of report.chains) {
            if (chain.break) {
              const problem = chain.break;
              const reason = t(`cli.verify.problem.${problem.code}`, {
                expected: problem.code === 'sequence' ? problem.expected : '',
                side: 'side' in problem ? t(`cli.verify.side.${problem.side}`) : '',
              });
              io.stderr(`${t('cli.verify.broken', { election: chain.election, seq: problem.seq, reason })}\n`);
            } else {
              io.stdout(`${t('cli.verify.chain', { election: chain.election, count: chain.entries })}\n`);
            }
          }
          io.stdout(`${t(report.ok ? 'cli.verify.ok' : 'cli.verify.failed')}\n`);
          return report.ok ? 0 : 1;
        });
      case 'generate': {
        const { values } = parse(
          rest,
          { candidates: { type: 'string' }, statements: { type: 'string' }, slug: { type: 'string' }, seed: { type: 'string' } },
          t,
        );
        return await withDb(io, async (db) => {
          await migrateToLatest(db);
          return generateCommand(db, values, { io, t });
        });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(t('cli.usage'));
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(t('cli.unknownCommand', { command }));
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${t('cli.usage')}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parse<const O extends Record<string, { type: 'string' | 'boolean' }>>(args: readonly string[], options: O, t: Translator) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true } as const);
  } catch (error) {
    const option = /'([^']+)'/.exec(error instanceof Error ? error.message : '')?.[1] ?? String(error);
    throw new UsageError(t('cli.unknownOption', { option }));
  }
}

async function withDb(io: CliIo, run: (db: Db) => Promise<number>): Promise<number> {
  const config = loadConfig(io.env);
  const db = createDb(config.databaseUrl);
  try {
    return await run(db);
  } finally {
    await db.destroy();
  }
}

function reportImport(outcome: ImportOutcome, at: { io: CliIo; t: Translator; file: string }): number {
  const { io, t, file } = at;
  if (outcome.ok) {
    const { counts } = outcome.summary;
    io.stdout(
      `${t('cli.imported', {
        election: outcome.summary.slug,
        ...counts,
        history: outcome.summary.historyEntries,
      })}\n`,
    );
    return 0;
  }
  if (outcome.errors) {
    io.stderr(`${t('cli.importFailed', { count: outcome.errors.length, file })}\n`);
    for (const error of outcome.errors) io.stderr(`  ${describePackageError(error, t)}\n`);
  } else if (outcome.conflict) {
    const { kind = '', id = '' } = outcome.conflict.params;
    io.stderr(`${t('cli.importConflict', { message: t('package.error.has_history', { kind: t(`package.kind.${kind}`), id }) })}\n`);
  }
  return 1;
}

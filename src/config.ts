import { availableParallelism } from 'node:os';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const WORKERS_ERROR = 'must be auto or a number from 1 to 64';

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(3000),
    HOST: z.string().min(1, 'must not be empty').default('0.0.0.0'),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must start with sqlite: or postgres://')
      .default('sqlite:./data/concordo.db'),
    BASE_URL: z.url({ error: 'must be an absolute http(s) URL' }).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    CAMPAIGN_PERIOD: booleanFromEnv.default(true),
    SEED_DEMO: booleanFromEnv.default(true),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    COOKIE_SECURE: booleanFromEnv.optional(),
    TRUST_PROXY: z
      .string()
      .regex(/^(true|false|\d{1,2}|[\d.:/a-f, ]+|loopback|linklocal|uniquelocal)$/i, 'must be true, false, a hop count or addresses')
      .default('false'),
    SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/.+/, 'must start with smtp:// or smtps://')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Concordo <no-reply@localhost>'),
    INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
    RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(10_080).default(120),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(43_200).default(720),
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(8_760).default(168),
    PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
    JUSTIFICATION_MAX_LENGTH: z.coerce.number().int().min(100).max(10_000).default(1_500),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(100),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
    INVITATION_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
    RESET_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(5),
    RESET_MAX_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
    IMPORTS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
    PUBLICATIONS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
    UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(2_048).default(50),
    ROSTER_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(2_048).default(300),
    EMBED_ALLOWED_ORIGINS: z
      .string()
      .regex(/^(\*|(https?:\/\/[^\s,]+)([\s,]+https?:\/\/[^\s,]+)*)$/, 'must be * or a list of http(s) origins')
      .default('*'),
    DATA_LICENSE: z.string().min(1).default('CC BY 4.0'),
    PAGES_AT_ONCE: z.coerce.number().int().min(1).max(10_000).default(8),
    PAGES_PER_TURN: z.coerce.number().int().min(1).max(10_000).default(24),
    CACHE_RECHECK_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    COMPRESSION: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    WORKERS: z
      .union(
        [
          z.literal('auto'),
          z.coerce
            .number({ error: WORKERS_ERROR })
            .int(WORKERS_ERROR)
            .min(1, WORKERS_ERROR)
            .max(64, WORKERS_ERROR),
        ],
        { error: WORKERS_ERROR },
      )
      .default(1),
    MATCH_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    VOLUNTEER_MAX_HOLD: z.coerce.number().int().min(1).max(100).default(5),
    VOLUNTEER_HOLD_HOURS: z.coerce.number().int().min(1).max(720).default(48),
    VOLUNTEER_TAKES_PER_DAY: z.coerce.number().int().min(1).max(10_000).default(50),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.PASSWORD_SCRYPT_LOG_N >= 17, {
    path: ['PASSWORD_SCRYPT_LOG_N'],
    message: 'must be at least 17 in production',
  })
  .transform((env) => ({
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    baseUrl: (env.BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL,
    campaignPeriod: env.CAMPAIGN_PERIOD,
    seedDemo: env.SEED_DEMO,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    // Secure cookies (and the __Host- prefix) everywhere but in tests over plain HTTP.
    cookieSecure: env.COOKIE_SECURE ?? env.NODE_ENV !== 'test',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secret: env.SECRET ?? null,
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM,
    invitationTtlDays: env.INVITATION_TTL_DAYS,
    resetTtlMinutes: env.RESET_TTL_MINUTES,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: env.SESSION_ABSOLUTE_HOURS,
    passwordScryptLogN: env.PASSWORD_SCRYPT_LOG_N,
    justificationMaxLength: env.JUSTIFICATION_MAX_LENGTH,
    loginMaxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
    /** Links (invitation, password reset, organizer set-up) that do not work, per address per hour. */
    invitationMaxFailuresPerIp: env.INVITATION_MAX_FAILURES_PER_IP,
    /** Forms that e-mail an address (password reset, volunteer sign-up), per e-mail address per hour, answered or not. */
    resetMaxPerAccount: env.RESET_MAX_PER_ACCOUNT,
    /** The same, per client address per hour. */
    resetMaxPerIp: env.RESET_MAX_PER_IP,
    /** Uploads to the import forms per organizer per hour, whatever their outcome. */
    importsPerHour: env.IMPORTS_PER_HOUR,
    /** Publications per candidate per hour, counted in the database: each writes public history and rebuilds the race everywhere. */
    publicationsPerHour: env.PUBLICATIONS_PER_HOUR,
    /** Largest election package or roll-call file accepted by the import forms. */
    uploadMaxMb: env.UPLOAD_MAX_MB,
    /** Largest electoral-court roster accepted by the import form. */
    rosterUploadMaxMb: env.ROSTER_UPLOAD_MAX_MB,
    /** Sites allowed to frame the embeds (CSP frame-ancestors). */
    embedAllowedOrigins: env.EMBED_ALLOWED_ORIGINS.split(/[\s,]+/).filter(Boolean),
    dataLicense: env.DATA_LICENSE,
    /** Page requests (GET/HEAD) served at once; the others wait their turn in arrival order. */
    pagesAtOnce: env.PAGES_AT_ONCE,
    /** Page requests started in one turn of the event loop, so new connections are accepted between turns. */
    pagesPerTurn: env.PAGES_PER_TURN,
    /** How long a process trusts the election and race versions it read, unless it writes meanwhile (read-model/read-model.ts). */
    cacheRecheckMs: env.CACHE_RECHECK_MS,
    /** Whether the app compresses its answers (gzip, brotli); off behind a reverse proxy that compresses. */
    compression: env.COMPRESSION === 'on',
    /** Server processes sharing the port (`auto`: one per CPU); see server.ts. */
    workers: env.WORKERS === 'auto' ? availableParallelism() : env.WORKERS,
    matchRatePerMinute: env.MATCH_RATE_PER_MINUTE,
    volunteerMaxHold: env.VOLUNTEER_MAX_HOLD,
    volunteerHoldHours: env.VOLUNTEER_HOLD_HOURS,
    /** Candidates a volunteer may take in 24 hours, counted in the database: each take shows a candidate's contact details. */
    volunteerTakesPerDay: env.VOLUNTEER_TAKES_PER_DAY,
  }));

/** Express's `trust proxy`: a boolean, a hop count, or addresses and subnet names. */
function parseTrustProxy(value: string): boolean | number | string {
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** Variables whose values may hold credentials: never echoed in errors or logs. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'SMTP_URL', 'SECRET']);

/** The validated, frozen configuration of one process. */
export type Config = Readonly<z.output<typeof configSchema>>;

/** Raised when the environment holds a bad value; its message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from an environment. Empty strings count as unset,
 * so `PORT=` falls back to the default rather than failing as "not a number".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const got = name in present && !SECRET_VARIABLES.has(name) ? ` (got ${JSON.stringify(present[name])})` : '';
      return `  ${name}: ${issue.message}${got}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

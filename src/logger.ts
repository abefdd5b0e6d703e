import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * The process logger (JSON lines on standard output). Secrets and anything a
 * voter sends are kept out: request logs carry the route's pattern only (see web/middleware/request-log.ts), and
 * these fields are redacted wherever they appear.
 */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'databaseUrl', '*.databaseUrl', 'headers.cookie', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}

import { runCli } from '../../src/cli/main.js';

/**
 * Runs command lines in-process against a database, in English, and captures
 * what they print. The database address may be given late (a function), for
 * tests that make a new database before each test.
 */
export function commandLine(databaseUrl: string | (() => string), env: NodeJS.ProcessEnv = {}) {
  return async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: { DATABASE_URL: typeof databaseUrl === 'string' ? databaseUrl : databaseUrl(), LANG: 'en_US.UTF-8', ...env },
    });
    return { code, stdout, stderr };
  };
}

import { runCli } from '../../src/cli/main.js';

/** Runs command lines in-process against a database, in English, and captures what they print. */
export function commandLine(databaseUrl: string, env: Record<string, string> = {}) {
  return async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: { DATABASE_URL: databaseUrl, LANG: 'en_US.UTF-8', ...env },
    });
    return { code, stdout, stderr };
  };
}

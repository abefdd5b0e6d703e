import { runCli } from '../../src/cli/main.js';

/** Runs the command line in-process over a database and captures what it prints, in English. */
export function cliRunner(databaseUrl: () => string, env: NodeJS.ProcessEnv = {}) {
  return async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env: { DATABASE_URL: databaseUrl(), LANG: 'en_US.UTF-8', ...env },
    });
    return { code, stdout, stderr };
  };
}

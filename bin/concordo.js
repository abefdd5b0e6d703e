#!/usr/bin/env node
// The command line: `npx concordo <command>` (see `npx concordo help`). Runs the built JavaScript
// (`npm run build`, which `npm start` runs first); in a checkout without a build, the TypeScript
// through tsx, a development dependency.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
let main;
if (existsSync(built)) {
  main = await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../src/cli/main.ts');
}
process.exitCode = await main.runCli(process.argv.slice(2));

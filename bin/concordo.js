#!/usr/bin/env node
// The command line: `npx concordo <command>` (see `npx concordo help`). In a checkout with the development
// dependencies, the TypeScript through tsx (always the code as it is); where they are left out (a production
// install), the JavaScript `npm run build` wrote to dist/.
let main;
try {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('../src/cli/main.ts');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('tsx')) throw error;
  main = await import('../dist/src/cli/main.js');
}
process.exitCode = await main.runCli(process.argv.slice(2));

#!/usr/bin/env node
// The command line: `npx concordo <command>` (see `npx concordo help`).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));

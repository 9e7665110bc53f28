#!/usr/bin/env node
// granule's command line: one file per subcommand registers itself here.

import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError } from './common.js';
import { registerAsm } from './asm.js';
import { registerDisasm } from './disasm.js';
import { registerBench } from './bench.js';
import { registerRun } from './run.js';
import { registerScenario } from './scenario.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('granule')
    .description('Cycle-approximate AArch64 emulator with the Memory Tagging Extension')
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str.replace(/^error:/, 'granule: error:')) });
  registerAsm(program);
  registerDisasm(program);
  registerRun(program);
  registerScenario(program);
  registerBench(program);
  program.helpCommand('help [command]', 'show help for a command');
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ outputError: (str, write) => write(str.replace(/^error:/, 'granule: error:')) });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version exit 0; everything else commander rejects is a usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof CliError) {
      // An empty message means the details were already printed (assembly diagnostics).
      if (e.message) process.stderr.write(`granule: error: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`granule: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.GRANULE_DEBUG) process.stderr.write(`${err?.stack}\n`);
    return 70;
  }
}

const invokedDirectly = process.argv[1] && new URL(import.meta.url).pathname === (await import('node:fs')).realpathSync(process.argv[1]);
if (invokedDirectly) {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}

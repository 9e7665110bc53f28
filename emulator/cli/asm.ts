import type { Command } from 'commander';
export function registerAsm(_program: Command): void {}

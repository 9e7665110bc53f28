import type { Command } from 'commander';
export function registerDisasm(_program: Command): void {}

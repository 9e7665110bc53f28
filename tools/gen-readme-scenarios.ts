// Renders README.md's scenario matrix (every bundled scenario under every profile of
// `granule scenario matrix`, Cortex-A510 timing) and the kernel-profile behaviour table, between
// the `scenarios:begin`/`scenarios:end` markers. Run: npm run gen:readme-scenarios (builds
// first). test/scenarios.test.ts renders both from its own matrix run and fails when the README
// is stale.

import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveTimingConfig } from '../emulator/timing/config.js';
import { BASE_PROFILES, behaviourTable } from '../kernel-shim/profiles.js';
import { outcomeText, runMatrix, type MatrixResult } from '../kernel-shim/scenarios/index.js';

export const BEGIN = '<!-- scenarios:begin -->';
export const END = '<!-- scenarios:end -->';

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

/** The behaviour table (one row per behaviour that differs between base profiles) and the matrix. */
export function renderScenarios(mx: MatrixResult): string {
  const lines: string[] = [];
  lines.push(row(['behaviour', ...BASE_PROFILES]), row(['---', ...BASE_PROFILES.map(() => '---')]));
  for (const r of behaviourTable().rows) lines.push(row([r.behaviour, ...BASE_PROFILES.map((p) => r.values[p])]));
  lines.push('');
  lines.push(row(['scenario', ...mx.profiles.map((p) => `\`${p}\``)]), row(['---', ...mx.profiles.map(() => '---')]));
  for (const r of mx.rows) lines.push(row([`\`${r.scenario}\``, ...r.cells.map((c) => (c.outcome === 'livelock' ? '**livelock**' : outcomeText(c)))]));
  return lines.join('\n');
}

export function updateReadme(readme: string, mx: MatrixResult): string {
  const b = readme.indexOf(BEGIN);
  const e = readme.indexOf(END);
  if (b < 0 || e < b) throw new Error(`README.md lacks the ${BEGIN} ... ${END} markers`);
  return readme.slice(0, b + BEGIN.length) + '\n' + renderScenarios(mx) + '\n' + readme.slice(e);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const path = new URL('../../README.md', import.meta.url);
  const mx = runMatrix({ timing: resolveTimingConfig('cortex-a510', undefined) });
  writeFileSync(path, updateReadme(readFileSync(path, 'utf8'), mx));
}

// README.md's instruction table is generated from the encoding table; this fails when it is
// stale. Fix: npm run gen:readme.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENCODINGS } from '../isa/encodings.js';
import { BEGIN, END, renderInstructionTable, updateReadme } from '../tools/gen-readme-table.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README instruction table', () => {
  it('matches the encoding table (regenerate with `npm run gen:readme`)', () => {
    expect(readme).toContain(BEGIN);
    expect(readme).toContain(END);
    expect(updateReadme(readme)).toBe(readme);
  });

  it('accounts for every supported encoding', () => {
    const counts = [...renderInstructionTable().matchAll(/^\| [^|]+ \| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(ENCODINGS.filter((e) => e.supported).length);
  });
});

// The README's library example must run as printed: extract it, point its import at the
// package's entry module, run it, and check what it logs.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'granule-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the Library API example and prints what its comment says', async () => {
  const section = readme.slice(readme.indexOf('## Library API'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const api = new URL('../emulator/api.ts', import.meta.url).pathname;
  const file = join(dir, 'example.ts');
  writeFileSync(file, code!.replace("from 'granule'", `from '${api}'`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(file);
    expect(log).toHaveBeenCalledWith('until', 42n);
  } finally {
    log.mockRestore();
  }
});

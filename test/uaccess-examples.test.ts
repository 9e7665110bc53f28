// The worked examples of kernel-uaccess.md §2.3 and the copy counts of scenarios 4-8, on both
// implementations (the typed-array path and the instruction-level routine).

import { describe, expect, it } from 'vitest';
import { FIXUPS_V5_13, FIXUPS_V5_14 } from '../kernel-shim/copy-pattern.js';
import type { UaccessPath } from '../kernel-shim/uaccess.js';
import { makeEnv, mapUser, pattern, peek, poke, setTags, USER_BASE, type Env } from './helpers/uaccess-env.js';

const PATHS: UaccessPath[] = ['typed-array', 'instruction'];

/** A page-aligned PROT_MTE buffer p (two pages), tag 0 everywhere except `bad` granules (tag 1). */
function setup(path: UaccessPath, bad: number[], fixups = FIXUPS_V5_14): Env & { p: bigint } {
  const env = makeEnv();
  env.k.uaccess.path = path;
  env.k.uaccess.fixups = { ...fixups };
  const p = USER_BASE;
  mapUser(env.k, p, 2);
  for (const g of bad) setTags(env.k, p + BigInt(16 * g), 16, 1);
  return { ...env, p };
}

describe.each(PATHS)('copy counts (%s)', (path) => {
  it('copy_from_user(k, p, 32), granule 1 bad: 16 not copied (exact)', () => {
    const { k, p } = setup(path, [1]);
    const dst = new Uint8Array(32).fill(0xee);
    poke(k, p, pattern(32));
    expect(k.uaccess.rawCopyFromUser(dst, p, 32)).toBe(16);
    expect([...dst.subarray(0, 16)]).toEqual([...pattern(32).subarray(0, 16)]);
    expect(dst.subarray(16).every((b) => b === 0xee)).toBe(true);
  });
  it('copy_from_user(k, p+8, 32): prologue 8 ok, pair at p+16 faults: 24', () => {
    const { k, p } = setup(path, [1]);
    expect(k.uaccess.rawCopyFromUser(new Uint8Array(32), p + 8n, 32)).toBe(24);
  });
  it('copy_from_user(k, p+14, 8): tiny straddling load, one-byte retry: 7', () => {
    const { k, p } = setup(path, [1]);
    expect(k.uaccess.rawCopyFromUser(new Uint8Array(8), p + 14n, 8)).toBe(7);
  });
  it('copy_to_user(p, k, 32): 16', () => {
    const { k, p } = setup(path, [1]);
    expect(k.uaccess.rawCopyToUser(p, pattern(32))).toBe(16);
    expect([...peek(k, p, 16)]).toEqual([...pattern(32).subarray(0, 16)]);
  });
  it('copy_to_user(p+8, k, 32): first STTR of the pair lands, retry: 31, 8 bytes written', () => {
    const { k, p } = setup(path, [1]);
    expect(k.uaccess.rawCopyToUser(p + 8n, pattern(32))).toBe(31);
    expect([...peek(k, p + 8n, 9)]).toEqual([...pattern(32).subarray(0, 8), 0]);
  });
  it('copy_to_user(p+1, k, 4096): 1 copied', () => {
    const { k, p } = setup(path, [1]);
    expect(k.uaccess.rawCopyToUser(p + 1n, pattern(4096))).toBe(4095);
  });
  it('copy_from_user(k, p, 256), granule 8 (byte 128) bad: 80 copied (pipelining)', () => {
    const { k, p } = setup(path, [8]);
    expect(k.uaccess.rawCopyFromUser(new Uint8Array(256), p, 256)).toBe(176);
  });
  it('without 295cf156231c: p+14, 8 copies nothing; p+8, 32 to user reports nothing', () => {
    const { k, p } = setup(path, [1], FIXUPS_V5_13);
    expect(k.uaccess.rawCopyFromUser(new Uint8Array(8), p + 14n, 8)).toBe(8);
    expect(k.uaccess.rawCopyToUser(p + 8n, pattern(32))).toBe(32);
  });
  it('first byte bad: nothing copied either way', () => {
    const { k, p } = setup(path, [0]);
    expect(k.uaccess.rawCopyFromUser(new Uint8Array(32), p, 32)).toBe(32);
    expect(k.uaccess.rawCopyToUser(p, pattern(32))).toBe(32);
  });
});

describe('instructions retired', () => {
  it('the typed-array path reports what the routine retires, for large copies too', () => {
    const counts: number[][] = [];
    for (const path of PATHS) {
      const { k, p } = setup(path, []);
      mapUser(k, p, 20);
      const row: number[] = [];
      for (const [off, n] of [[0, 65536], [3, 70000], [5, 4096], [0, 127], [9, 128]]) {
        k.uaccess.rawCopyFromUser(new Uint8Array(n), p + BigInt(off), n);
        row.push(k.uaccess.lastRoutineInstructions);
        k.uaccess.rawCopyToUser(p + BigInt(off), pattern(n), 7);
        row.push(k.uaccess.lastRoutineInstructions);
        k.uaccess.clearUser(p + BigInt(off), n);
        row.push(k.uaccess.lastRoutineInstructions);
      }
      counts.push(row);
    }
    expect(counts[0]).toEqual(counts[1]);
    // 64 KiB aligned: 1023 loop iterations of 18 instructions dominate.
    expect(counts[0][0]).toBe(7 + 3 + 2 + 2 + 16 + 18 * 1023 + 2);
  });
});

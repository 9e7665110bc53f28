// The architectural TLB's keys: an entry for a kernel-half (TTBR1) address, inserted from a walk
// (unsigned high half), must be found by lookups that pass the canonical high half signed, as the
// host TLB does.

import { expect, it } from 'vitest';
import { Tlb } from '../mmu/tlb.js';
import type { Leaf } from '../mmu/walk.js';

const leaf = (vaHi: number, nonGlobal = false, asid = 0): Leaf => ({
  vaLo: 0x1000, vaHi, sizeLog2: 12, level: 3, pa: 0x40002000, attr: 0xff, ap: 0, uxn: true, pxn: false, nonGlobal, asid, sh: 3,
} as Leaf);

it('finds a kernel-half entry whether the high half is given signed or unsigned', () => {
  const tlb = new Tlb(8);
  tlb.insert(leaf(0xffff0000));
  expect(tlb.lookup(0x1abc, 0xffff0000 | 0, 5)).toBeDefined();
  expect(tlb.lookup(0x1abc, 0xffff0000, 5)).toBeDefined();
  expect(tlb.stats.hits).toBe(2);
  expect(tlb.lookup(0x2000, 0xffff0000 | 0, 5)).toBeUndefined();
});

it('keeps ASID-tagged entries apart and lets global ones match any ASID', () => {
  const tlb = new Tlb(8);
  tlb.insert(leaf(0x0000ffff, true, 3));
  expect(tlb.lookup(0x1000, 0x0000ffff, 3)).toBeDefined();
  expect(tlb.lookup(0x1000, 0x0000ffff, 4)).toBeUndefined();
  tlb.invalidateAsid(3);
  expect(tlb.lookup(0x1000, 0x0000ffff, 3)).toBeUndefined();
});

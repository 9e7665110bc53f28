// Allocation tags: one 4-bit tag per 16-byte granule of RAM, kept in a Uint8Array beside the
// RAM (PhysMem.tags; one byte per granule rather than QEMU's two per byte, for simpler
// indexing). This file holds the check of an access against them (ASL AArch64.CheckTag and
// the conditions of AArch64.AccessIsTagChecked that depend on the address).
import type { TagStore } from './physmem.js';

const TCR_TBI0 = 1n << 37n;
const TCR_TBI1 = 1n << 38n;
const TCR_TCMA0 = 1n << 57n;
const TCR_TCMA1 = 1n << 58n;

export const TAG_GRANULE = 16;

export interface TagCheckOutcome {
  failed: boolean;
  /** The address reported for the fault: the access address if its first granule fails, else the failing granule's start (pointer tag kept). */
  faultLo: number;
  faultHi: number;
}

const PASS: TagCheckOutcome = { failed: false, faultLo: 0, faultHi: 0 };

/**
 * Checks the granules of RAM bytes [off, off+size) against the logical tag in VA[59:56].
 * No check happens when TBI is off for the address's half, or TCMA matches (tag 0 in the
 * lower half, tag 0xF in the upper half with TCMA set) (mte-arch.md §3.2, §3.4).
 */
export function allocationTagCheck(tags: TagStore, off: number, size: number, vaLo: number, vaHi: number, tcr: bigint): TagCheckOutcome {
  const upper = (vaHi & 0x00800000) !== 0;
  if ((tcr & (upper ? TCR_TBI1 : TCR_TBI0)) === 0n) return PASS;
  const ptag = (vaHi >>> 24) & 0xf;
  // TCMA: VA[59:55] all zeros (lower half) or all ones (upper half).
  if ((tcr & (upper ? TCR_TCMA1 : TCR_TCMA0)) !== 0n && ((ptag + (upper ? 1 : 0)) & 0xf) === 0) return PASS;
  const first = off >>> 4;
  const last = (off + size - 1) >>> 4;
  for (let g = first; g <= last; g++) {
    if (tags[g] === ptag) continue;
    if (g === first) return { failed: true, faultLo: vaLo, faultHi: vaHi };
    const delta = (g - first) * 16 - (vaLo & 15);
    const lo = (vaLo + delta) >>> 0;
    return { failed: true, faultLo: lo, faultHi: lo < vaLo >>> 0 ? (vaHi + 1) | 0 : vaHi };
  }
  return PASS;
}

/** Reads the tags of `count` granules starting at RAM offset `off` (for reports and the API). */
export function readTags(tags: TagStore, off: number, count: number): number[] {
  return Array.from(tags.subarray(off >>> 4, (off >>> 4) + count));
}

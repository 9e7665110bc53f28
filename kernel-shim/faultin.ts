// Faulting user pages in before (or after) a copy with page faults disabled: mm/gup.c's
// fault_in_* (v5.16's rework and later), lib/iov_iter.c's fault_in_iov_iter_*, arm64's sub-page
// probe (arch/arm64/kernel/mte.c mte_probe_user_range, v5.19), and the pre-5.16
// fault_in_pages_* / iov_iter_fault_in_readable that issue 5's older kernel profiles use
// (kernel-uaccess.md §1.2, §1.3, §1.5).
//
// Return values are Linux's: the v5.16+ functions return the bytes NOT faulted in (0 = all of
// them); the pre-5.16 ones return 0 or -EFAULT. The probes are the uaccess single accesses
// (get_user / put_user of one byte: LDTRB / STTRB, tag checked with the thread's TCF0, pages
// faulted in when page faults are enabled); fault_in_safe_writeable walks page tables only.

import { MemoryFault } from '../mmu/walk.js';
import type { Kernel } from './kernel.js';
import { EFAULT } from './uaccess.js';

const PAGE = 4096n;
const pageAlign = (a: bigint): bigint => (a + PAGE - 1n) & ~(PAGE - 1n);
const GRANULE = 16n;

/** One user segment of an iterator (struct iovec). */
export interface UserIovec {
  base: bigint;
  len: number;
}

/**
 * The part of struct iov_iter the fault-in helpers read: user segments (ITER_IOVEC; ITER_UBUF
 * is one segment) and the position in them. Other iterator kinds (kernel, bvec, pipe) are not
 * user memory: the helpers return 0 for them.
 */
export interface IovIter {
  user: boolean;
  iov: readonly UserIovec[];
  /** Index of the current segment, and the offset into it (iov_offset). */
  segment: number;
  offset: number;
  /** iov_iter_count(): bytes left in the iterator. */
  count: number;
}

/** get_user of one byte: the probe of fault_in_readable. */
function probeRead(k: Kernel, a: bigint): boolean {
  return k.uaccess.getUser(a, 1) !== undefined;
}

/** put_user(0) of one byte: the (destructive) probe of fault_in_writeable. */
function probeWrite(k: Kernel, a: bigint): boolean {
  return k.uaccess.putUser(a, 1, 0n);
}

/**
 * The v5.16+ probe pattern: the first byte (unaligned), then the first byte of every following
 * page up to PAGE_ALIGN(uaddr + size). Returns size - (failing address - uaddr), or 0.
 */
function faultInPattern(k: Kernel, uaddr: bigint, size: number, probe: (k: Kernel, a: bigint) => boolean): number {
  if (size === 0) return 0;
  let a = uaddr;
  if ((a & (PAGE - 1n)) !== 0n) {
    if (!probe(k, a)) return size;
    a = pageAlign(a);
  }
  const end = pageAlign(uaddr + BigInt(size));
  while (a < end) {
    if (!probe(k, a)) break;
    a += PAGE;
  }
  const done = Number(a - uaddr);
  return size > done ? size - done : 0;
}

/**
 * fault_in_readable (mm/gup.c, v5.16 bb523b406c84): tag-checked one-byte loads at uaddr and at
 * each following page start. Returns the bytes not faulted in. A bad granule in the middle of a
 * page is invisible to it.
 */
export function faultInReadable(k: Kernel, uaddr: bigint, size: number): number {
  return faultInPattern(k, uaddr, size, probeRead);
}

/** fault_in_writeable: the same pattern with stores of 0 (destructive). */
export function faultInWriteable(k: Kernel, uaddr: bigint, size: number): number {
  return faultInPattern(k, uaddr, size, probeWrite);
}

/**
 * fixup_user_fault(FAULT_FLAG_WRITE) on one page: the page made present and writable if its VMA
 * allows writes. No access happens, so no tag check.
 */
function fixupUserFaultWrite(k: Kernel, va: bigint): boolean {
  const mmu = k.m.mmu;
  const lo = Number(va & 0xffffffffn);
  const hi = Number((va >> 32n) & 0xffffffffn);
  try {
    mmu.translateUnprivileged(lo, hi, true);
    return true;
  } catch (e) {
    if (!(e instanceof MemoryFault)) throw e;
    if (e.kind !== 'translation' && e.kind !== 'access-flag') return false;
    return k.as.handleFault(va, 'write') === 'mapped';
  }
}

/**
 * fault_in_safe_writeable (mm/gup.c; fixup_user_fault page by page since fe673d3f5bf1, v5.17):
 * non-destructive, walks pages only and never performs a tag-checked access, so it cannot see a
 * sub-page (MTE) fault. Returns the bytes not faulted in.
 */
export function faultInSafeWriteable(k: Kernel, uaddr: bigint, size: number): number {
  if (size === 0) return 0;
  // fixup_user_fault() works on the untagged address.
  const base = BigInt.asUintN(64, BigInt.asIntN(56, uaddr));
  const end = pageAlign(base + BigInt(size));
  let start = base;
  do {
    if ((start >> 48n) !== 0n || !fixupUserFaultWrite(k, start)) break;
    start = (start + PAGE) & ~(PAGE - 1n);
  } while (start < end);
  const done = start > base ? Number(start - base) : 0;
  return size > done ? size - done : 0;
}

/**
 * mte_probe_user_range (arch/arm64/kernel/mte.c, f3ba50a7a100): a one-byte unprivileged load at
 * uaddr, then at every 16-byte granule start after it (rounded up) below uaddr + size. Returns
 * size if the first byte faults, else end minus the failing granule's start, or 0: a
 * granule-granular count.
 */
export function mteProbeUserRange(k: Kernel, uaddr: bigint, size: number): number {
  const end = uaddr + BigInt(size);
  if (k.uaccess.rawGetUser(uaddr, 1) === undefined) return size;
  for (let a = (uaddr + GRANULE - 1n) & ~(GRANULE - 1n); a < end; a += GRANULE) {
    if (k.uaccess.rawGetUser(a, 1) === undefined) return Number(end - a);
  }
  return 0;
}

/**
 * probe_subpage_writeable (include/linux/uaccess.h): 0 without MTE (the generic stub), else
 * mte_probe_user_range. Callers must have checked write permission at page level first.
 */
export function probeSubpageWriteable(k: Kernel, uaddr: bigint, size: number): number {
  if (!k.uaccess.mteSupported) return 0;
  return mteProbeUserRange(k, uaddr, size);
}

/**
 * fault_in_subpage_writeable (mm/gup.c, da32b5817253, v5.19): fault_in_writeable for page
 * permissions, then the sub-page probe over what was faulted in. Returns the bytes not
 * faulted in.
 */
export function faultInSubpageWriteable(k: Kernel, uaddr: bigint, size: number): number {
  let faultedIn = size - faultInWriteable(k, uaddr, size);
  if (faultedIn !== 0) faultedIn -= probeSubpageWriteable(k, uaddr, faultedIn);
  return size - faultedIn;
}

/**
 * fault_in_iov_iter_readable / _writeable (lib/iov_iter.c, v5.16): over the user segments from
 * the iterator's position, at most min(size, count) bytes, calling `fn` per segment and stopping
 * at the first short one. Returns the bytes not faulted in (including any of `size` beyond the
 * iterator's count); 0 for a non-user iterator.
 */
function faultInIovIter(k: Kernel, i: IovIter, size: number, fn: (k: Kernel, a: bigint, n: number) => number): number {
  if (!i.user) return 0;
  let count = Math.min(size, i.count);
  const rest = size - count;
  for (let s = i.segment, skip = i.offset; count > 0 && s < i.iov.length; s++, skip = 0) {
    const seg = i.iov[s];
    const len = Math.min(count, seg.len - skip);
    if (len <= 0) continue;
    const ret = fn(k, seg.base + BigInt(skip), len);
    count -= len - ret;
    if (ret !== 0) break;
  }
  return count + rest;
}

/** fault_in_iov_iter_readable: fault_in_readable per segment. */
export function faultInIovIterReadable(k: Kernel, i: IovIter, size: number): number {
  return faultInIovIter(k, i, size, faultInReadable);
}

/** fault_in_iov_iter_writeable: fault_in_safe_writeable per segment (never tag checked). */
export function faultInIovIterWriteable(k: Kernel, i: IovIter, size: number): number {
  return faultInIovIter(k, i, size, faultInSafeWriteable);
}

// ---- before v5.16 (include/linux/pagemap.h, lib/iov_iter.c): 0 or -EFAULT

/**
 * The pre-5.16 probe pattern: uaddr, uaddr + PAGE_SIZE, uaddr + 2 * PAGE_SIZE, ... while not
 * past the last byte (the same offset in each page, not page starts), then the last byte
 * itself if the range spilled into a page the loop did not reach.
 */
function faultInPagesPattern(k: Kernel, uaddr: bigint, size: number, probe: (k: Kernel, a: bigint) => boolean): number {
  if (size === 0) return 0;
  if (size < 0) return -EFAULT;
  const end = uaddr + BigInt(size) - 1n;
  let a = uaddr;
  do {
    if (!probe(k, a)) return -EFAULT;
    a += PAGE;
  } while (a <= end);
  // Check whether the range spilled into the next page.
  if ((a & ~(PAGE - 1n)) === (end & ~(PAGE - 1n))) return probe(k, end) ? 0 : -EFAULT;
  return 0;
}

/** fault_in_pages_readable (before bb523b406c84): 0 or -EFAULT. */
export function faultInPagesReadable(k: Kernel, uaddr: bigint, size: number): number {
  return faultInPagesPattern(k, uaddr, size, probeRead);
}

/** fault_in_pages_writeable (before bb523b406c84): stores 0; 0 or -EFAULT. */
export function faultInPagesWriteable(k: Kernel, uaddr: bigint, size: number): number {
  return faultInPagesPattern(k, uaddr, size, probeWrite);
}

/**
 * iov_iter_fault_in_readable (before a6294593e8a1, v5.16): fault_in_pages_readable over the user
 * segments from the iterator's position, at most min(bytes, count) bytes; 0 or -EFAULT.
 */
export function iovIterFaultInReadable(k: Kernel, i: IovIter, bytes: number): number {
  if (!i.user) return 0;
  let left = Math.min(bytes, i.count);
  for (let s = i.segment, skip = i.offset; left > 0 && s < i.iov.length; s++, skip = 0) {
    const seg = i.iov[s];
    const len = Math.min(left, seg.len - skip);
    if (len <= 0) continue;
    const err = faultInPagesReadable(k, seg.base + BigInt(skip), len);
    if (err !== 0) return err;
    left -= len;
  }
  return 0;
}

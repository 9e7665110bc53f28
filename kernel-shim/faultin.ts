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

/**
 * Instructions of one probe (__get_user_1 / __put_user_1: mov, mov, LDTRB/STTRB, ret) and of the
 * call around a fault_in_*() (an assumption: about 20), charged on a timed machine when the
 * typed-array path served the probe (the instruction-level one runs the routine for real).
 */
const PROBE_INSTRUCTIONS = 4;
const FAULT_IN_CALL_INSTRUCTIONS = 20;

function chargeProbe(k: Kernel): void {
  if (k.uaccess.path === 'typed-array') k.m.timing?.chargeKernelInstructions('alu', PROBE_INSTRUCTIONS);
}

function chargeCall(k: Kernel): void {
  k.m.timing?.chargeKernelInstructions('alu', FAULT_IN_CALL_INSTRUCTIONS);
}

/** get_user of one byte: the probe of fault_in_readable. */
function probeRead(k: Kernel, a: bigint): boolean {
  chargeProbe(k);
  return k.uaccess.getUser(a, 1) !== undefined;
}

/** put_user(0) of one byte: the (destructive) probe of fault_in_writeable. */
function probeWrite(k: Kernel, a: bigint): boolean {
  chargeProbe(k);
  return k.uaccess.putUser(a, 1, 0n);
}

/**
 * `+subpage-fault-in` (Catalin Marinas, "Avoid live-lock in fault-in+uaccess loops with sub-page
 * faults" v1, 24 Nov 2021, and v2, 1 Dec 2021; not merged): after the page-level probes, the
 * range that was faulted in is probed at sub-page granularity as mte_probe_user_range() does.
 * Returns the bytes of [uaddr, uaddr + faultedIn) that failed the probe.
 */
function subpageFaultIn(k: Kernel, uaddr: bigint, faultedIn: number): number {
  if (!k.profile.options.subpageFaultIn || faultedIn === 0 || !k.uaccess.mteSupported) return 0;
  return mteProbeUserRange(k, uaddr, faultedIn);
}

/**
 * The v5.16+ probe pattern: the first byte (unaligned), then the first byte of every following
 * page up to PAGE_ALIGN(uaddr + size). Returns size - (failing address - uaddr), or 0.
 */
function faultInPattern(k: Kernel, uaddr: bigint, size: number, probe: (k: Kernel, a: bigint) => boolean): number {
  if (size === 0) return 0;
  chargeCall(k);
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
  const left = size > done ? size - done : 0;
  return left + subpageFaultIn(k, uaddr, size - left);
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
 * fault_in_safe_writeable (mm/gup.c), as the kernel profile has it: non-destructive, it walks
 * pages only and never performs a tag-checked access, so it cannot see a sub-page (MTE) fault.
 * Returns what the kernel's version returns for the bytes not faulted in:
 *   - v5.16 (cdd591fc86e3): __get_user_pages_locked(FOLL_TOUCH | FOLL_WRITE) over each VMA from
 *     find_vma(start & PAGE_MASK); a gap between VMAs is skipped (nstart = vma->vm_start) and
 *     the result is size - min(nstart - start, size) in unsigned arithmetic, so a failure in the
 *     first page of an unaligned range reports 0.
 *   - v5.17 (fe673d3f5bf1) to v6.14: fixup_user_fault() page by page, and the result
 *     "size - (uaddr - start)" only when size > uaddr - start (unsigned): size when the first
 *     page failed, else 0, even if a later page failed. 8c03ebd7cdc0 ("mm/gup: fix wrongly
 *     calculated returned value in fault_in_safe_writeable()", v6.15, Cc stable) swapped the
 *     operands.
 * `+safe-writeable-probe` (the seed email): a tag-checked probe of the first byte first.
 */
export function faultInSafeWriteable(k: Kernel, uaddr: bigint, size: number): number {
  if (size === 0) return 0;
  chargeCall(k);
  if (k.profile.options.safeWriteableProbe && !probeRead(k, uaddr)) return size;
  switch (k.profile.behaviour.faultInSafeWriteable) {
    case 'gup':
      return faultInSafeWriteableGup(k, uaddr, size);
    default:
      return faultInSafeWriteableFixup(k, uaddr, size);
  }
}

const U64 = 1n << 64n;

/** v5.17-v6.14: fixup_user_fault() from uaddr, then each page start; the return value as the code computes it. */
function faultInSafeWriteableFixup(k: Kernel, uaddr: bigint, size: number): number {
  let start = uaddr;
  let end = pageAlign(start + BigInt(size));
  if (end < start) end = 0n;
  do {
    // fixup_user_fault() works on the untagged address.
    const untagged = BigInt.asUintN(64, BigInt.asIntN(56, start));
    if ((untagged >> 48n) !== 0n || !fixupUserFaultWrite(k, untagged)) break;
    start = (start + PAGE) & ~(PAGE - 1n) & (U64 - 1n);
  } while (start !== end);
  const d = (uaddr - start + U64) % U64;
  return BigInt(size) > d ? size - Number(d) : 0;
}

/** v5.16: get_user_pages over the VMAs that intersect [start & PAGE_MASK, PAGE_ALIGN(start + size)). */
function faultInSafeWriteableGup(k: Kernel, uaddr: bigint, size: number): number {
  const start = BigInt.asUintN(64, BigInt.asIntN(56, uaddr));
  let nstart = start & ~(PAGE - 1n);
  let end = pageAlign(start + BigInt(size));
  if (end < nstart) end = 0n;
  const vmas = k.as.vmas;
  let vi = -1;
  while (nstart !== end) {
    if (vi < 0) vi = vmas.findIndex((v) => v.end > nstart);
    else if (nstart >= vmas[vi].end) vi++;
    const vma = vi >= 0 && vi < vmas.length ? vmas[vi] : undefined;
    if (!vma || vma.start >= end) break;
    const nend = end !== 0n && end < vma.end ? end : vma.end;
    if (nstart < vma.start) nstart = vma.start;
    // __get_user_pages_locked: the pages faulted in for writing, up to the first that cannot be.
    let pinned = 0n;
    for (let a = nstart; a < nend; a += PAGE) {
      if (!fixupUserFaultWrite(k, a)) break;
      pinned++;
    }
    if (pinned === 0n) break;
    nstart += pinned * PAGE;
    if (nstart < nend) break;
  }
  if (nstart === end) return 0;
  const done = nstart >= start ? nstart - start : U64 - (start - nstart);
  return size - Number(done < BigInt(size) ? done : BigInt(size));
}

/**
 * mte_probe_user_range (arch/arm64/kernel/mte.c, f3ba50a7a100): a one-byte unprivileged load at
 * uaddr, then at every 16-byte granule start after it (rounded up) below uaddr + size. Returns
 * size if the first byte faults, else end minus the failing granule's start, or 0: a
 * granule-granular count.
 */
export function mteProbeUserRange(k: Kernel, uaddr: bigint, size: number): number {
  const end = uaddr + BigInt(size);
  chargeProbe(k);
  if (k.uaccess.rawGetUser(uaddr, 1) === undefined) return size;
  for (let a = (uaddr + GRANULE - 1n) & ~(GRANULE - 1n); a < end; a += GRANULE) {
    chargeProbe(k);
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
  chargeCall(k);
  const end = uaddr + BigInt(size) - 1n;
  let a = uaddr;
  do {
    if (!probe(k, a)) return -EFAULT;
    a += PAGE;
  } while (a <= end);
  // Check whether the range spilled into the next page.
  if ((a & ~(PAGE - 1n)) === (end & ~(PAGE - 1n)) && !probe(k, end)) return -EFAULT;
  return subpageFaultIn(k, uaddr, size) !== 0 ? -EFAULT : 0;
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

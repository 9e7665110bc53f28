// Kernel accesses to user memory (include/linux/uaccess.h, lib/usercopy.c, mm/maccess.c,
// lib/strncpy_from_user.c, arch/arm64/include/asm/uaccess.h, arch/arm64/lib/*_user.S).
//
// They behave as arm64 Linux's do (DESIGN.md decision 7): user memory is accessed as LDTR/STTR
// would (EL0 permissions, EL0's tag-check mode TCF0 with the current PSTATE.TCO), a fault inside
// them becomes the exception-table fixup result (bytes not copied, or -EFAULT), never a signal,
// and a translation fault inside a VMA faults the page in while page faults are enabled
// (pagefaultDisabled === 0) and goes to the fixup otherwise.
//
// Two implementations serve every call, selected by `path`:
//   'typed-array' (default): translate once per page, compare the granules' tags against the
//     pointer's in a tight loop (four or eight at a time through a Uint32Array view of the tag
//     store), then one bulk TypedArray copy per physically contiguous run. When something
//     faults, the count is the one the instruction sequence would report, computed from the
//     first inaccessible byte by copy-pattern.ts.
//   'instruction': the AArch64 routines of copy-routine.ts, run at EL1 through a nested run of
//     the machine with their own exception table (ktext.ts).
// The property test (test/uaccess-property.test.ts) holds them to identical results.
//
// What a faulting access writes: nothing. A faulting LDTR/STTR has no effect (granule's memory
// path checks every page and granule of an access before moving a byte), so a straddling
// store that faults writes none of its bytes. The first STTR of a user_stp pair whose second
// STTR faults has completed, though: its 8 bytes are in memory but not counted (§2.3).

import { MemoryFault } from '../mmu/walk.js';
import type { Kernel } from './kernel.js';
import { KDATA_BASE, KernelText } from './ktext.js';
import { clearFaultSize, clearFaultStart, clearUserFault, clearZeroed, copyFault, FIXUPS_V5_14, type CopyDirection, type UaccessFixups } from './copy-pattern.js';

export const EFAULT = 14;

/** Which implementation serves the uaccess calls. */
export type UaccessPath = 'typed-array' | 'instruction';

const PAGE = 4096;
const TWO32 = 4294967296;
/** TASK_SIZE for 48-bit VAs, as a number (exact). */
const TASK_SIZE_NUM = 2 ** 48;
const TCR_TBI0 = 1n << 37n;
const TCR_TCMA0 = 1n << 57n;

/** Why the scan stopped before the end. */
const BAD_NONE = 0;
const BAD_PAGE = 1;
const BAD_TAG = 2;

/**
 * The first granule in [g, end) whose tag is not `ptag`, or `end`. Whole 4-granule words are
 * compared through `t32` (a Uint32Array over the same tags), eight granules per step.
 */
function firstMismatch(tags: Uint8Array, t32: Uint32Array, g: number, end: number, ptag: number): number {
  while (g < end && (g & 3) !== 0) {
    if (tags[g] !== ptag) return g;
    g++;
  }
  if (g >= end) return end;
  const pat = ptag * 0x01010101;
  let w = g >>> 2;
  const wEnd = end >>> 2;
  while (w + 4 <= wEnd && ((t32[w] ^ pat) | (t32[w + 1] ^ pat) | (t32[w + 2] ^ pat) | (t32[w + 3] ^ pat)) === 0) w += 4;
  while (w < wEnd && t32[w] === pat) w++;
  for (g = w << 2; g < end; g++) if (tags[g] !== ptag) return g;
  return end;
}

export class UserAccess {
  /** pagefault_disable() depth: with it set, translation faults go straight to the fixup. */
  pagefaultDisabled = 0;
  /** The fixup behaviour of the kernel being modelled (issue 5's profiles set it). */
  fixups: UaccessFixups = { ...FIXUPS_V5_14 };
  /** Which implementation serves the calls. */
  path: UaccessPath = 'typed-array';
  /** system_supports_mte(): probe_subpage_writeable() is a no-op without it. */
  mteSupported = true;

  // Scan results (set by scan()).
  /** RAM offset of each page of the last scan: [0] for the first byte, then page starts. */
  private offs = new Int32Array(64);
  /** Why the last scan stopped early (BAD_*), and the first async-mode tag mismatch (or n). */
  private badKind = BAD_NONE;
  private mismatch = 0;
  private t32: Uint32Array;
  private lastTcr = -1n;
  private tbi0 = true;
  private tcma0 = false;
  private text: KernelText | undefined;

  constructor(private readonly k: Kernel) {
    const tags = k.m.mem.tags;
    this.t32 = new Uint32Array(tags.buffer, tags.byteOffset, tags.length >>> 2);
  }

  /** The instruction-level routines and their exception table, mapped on first use. */
  get kernelText(): KernelText {
    return (this.text ??= new KernelText(this.k));
  }

  pagefaultDisable(): void {
    this.pagefaultDisabled++;
  }
  pagefaultEnable(): void {
    this.pagefaultDisabled--;
  }

  /**
   * access_ok(): the range must lie in the user half. Tagged pointers are untagged first only
   * with PR_TAGGED_ADDR_ENABLE; otherwise a non-zero top byte puts them out of range.
   */
  accessOk(uaddr: bigint, n: number): boolean {
    return this.accessOkHalves(Number(uaddr & 0xffffffffn), Number((uaddr >> 32n) & 0xffffffffn), n);
  }

  private accessOkHalves(lo: number, hi: number, n: number): boolean {
    // untagged_addr() sign-extends from bit 55; a kernel address stays out of range.
    const h = (this.k.taggedAddrCtrl & 1) !== 0 ? (hi << 8) >> 8 : hi;
    if (h < 0 || h >= 0x10000) return false;
    return n <= TASK_SIZE_NUM - (h * TWO32 + lo);
  }

  // ---- the typed-array path: pages, tags, counts

  /** Whether tag checks apply to a pointer with this tag (TCR_EL1.TBI0 on, TCMA0 not matching). */
  private tagsApply(ptag: number): boolean {
    const tcr = this.k.m.cpu.sys.tcr;
    if (tcr !== this.lastTcr) {
      this.lastTcr = tcr;
      this.tbi0 = (tcr & TCR_TBI0) !== 0n;
      this.tcma0 = (tcr & TCR_TCMA0) !== 0n;
    }
    return this.tbi0 && !(this.tcma0 && ptag === 0);
  }

  /**
   * Translates the page of (lo, hi) for an unprivileged access, faulting it in when page faults
   * are enabled (do_page_fault → handle_mm_fault). Returns the RAM offset, or -1 when the
   * access faults for good.
   */
  private translate(lo: number, hi: number, write: boolean): number {
    const mmu = this.k.m.mmu;
    try {
      return mmu.translateUnprivileged(lo, hi, write);
    } catch (e) {
      if (!(e instanceof MemoryFault)) throw e;
      if ((e.kind !== 'translation' && e.kind !== 'access-flag') || this.pagefaultDisabled > 0 || (hi & 0x00800000) !== 0) return -1;
      const untagged = BigInt.asUintN(64, BigInt.asIntN(56, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
      if (this.k.as.handleFault(untagged, write ? 'write' : 'read') !== 'mapped') return -1;
      try {
        return mmu.translateUnprivileged(lo, hi, write);
      } catch (e2) {
        if (e2 instanceof MemoryFault) return -1;
        throw e2;
      }
    }
  }

  /**
   * Walks the user bytes [0, n) from (lo, hi) as accesses of kind `write` would: page by page
   * (recording each page's RAM offset in `offs`), and in synchronously checked mode granule by
   * granule. Returns the first byte such an access cannot touch, or n; `badKind` says why. In
   * asynchronous mode tag mismatches do not stop it; `mismatch` records the first one.
   */
  private scan(lo: number, hi: number, n: number, write: boolean): number {
    const mmu = this.k.m.mmu;
    const tags = this.k.m.mem.tags;
    const ptag = (hi >>> 24) & 0xf;
    const mode = mmu.el0TagMode;
    let sync = false;
    let async = false;
    if (mode !== 0 && this.tagsApply(ptag)) {
      sync = mode === 1 || (mode === 3 && !write);
      async = !sync;
    }
    const pages = Math.ceil(((lo & 0xfff) + n) / PAGE) + 1;
    if (this.offs.length < pages) this.offs = new Int32Array(Math.max(pages, this.offs.length * 2));
    const offs = this.offs;
    this.badKind = BAD_NONE;
    this.mismatch = n;
    let done = 0;
    let i = 0;
    let pLo = lo;
    let pHi = hi;
    while (done < n) {
      const off = this.translate(pLo, pHi, write);
      if (off < 0) {
        this.badKind = BAD_PAGE;
        return done;
      }
      offs[i++] = off;
      const inPage = Math.min(n - done, PAGE - (pLo & 0xfff));
      if ((sync || (async && this.mismatch === n)) && mmu.pageChecked) {
        const g0 = off >>> 4;
        const g1 = ((off + inPage - 1) >>> 4) + 1;
        const g = firstMismatch(tags, this.t32, g0, g1, ptag);
        if (g < g1) {
          const at = g === g0 ? done : done + g * 16 - off;
          if (sync) {
            this.badKind = BAD_TAG;
            return at;
          }
          this.mismatch = at;
        }
      }
      done += inPage;
      pLo += inPage;
      if (pLo >= TWO32) {
        pLo -= TWO32;
        pHi = (pHi + 1) >>> 0;
      }
    }
    return n;
  }

  /** RAM offset of byte `x` of the last scan (which must have reached it). */
  private ramOffset(lo: number, x: number): number {
    const first = PAGE - (lo & 0xfff);
    if (x < first) return this.offs[0] + x;
    const page = 1 + Math.floor((x - first) / PAGE);
    return this.offs[page] + (x - first - (page - 1) * PAGE);
  }

  /**
   * Calls fn(ramOffset, at, len) for the bytes [from, to) of the last scan, one call per
   * physically contiguous run of pages.
   */
  private runs(lo: number, from: number, to: number, fn: (off: number, at: number, len: number) => void): void {
    const offs = this.offs;
    const first = PAGE - (lo & 0xfff);
    let x = from;
    while (x < to) {
      let page = x < first ? 0 : 1 + Math.floor((x - first) / PAGE);
      const off = x < first ? offs[0] + x : offs[page] + (x - first - (page - 1) * PAGE);
      let end = Math.min(to, first + page * PAGE);
      // Extend over the following pages while they are the next frames.
      while (end < to && offs[page + 1] === off + (end - x)) {
        page++;
        end = Math.min(to, first + page * PAGE);
      }
      fn(off, x, end - x);
      x = end;
    }
  }

  /**
   * After a fault on the user access [start, start + size): the memory path translates every
   * page of an access before it checks tags, so when the access crosses into the next page and
   * faulted on a tag of its first page, the second page was translated (and faulted in) too.
   */
  private touchStraddle(lo: number, hi: number, start: number, size: number, bad: number, write: boolean): void {
    if (this.badKind !== BAD_TAG) return;
    const first = PAGE - (lo & 0xfff);
    const boundary = start < first ? first : first + Math.floor((start - first) / PAGE + 1) * PAGE;
    if (boundary >= start + size || bad >= boundary) return;
    let bLo = lo + boundary;
    let bHi = hi;
    if (bLo >= TWO32) {
      bLo -= TWO32;
      bHi = (bHi + 1) >>> 0;
    }
    this.translate(bLo, bHi, write);
  }

  /** An asynchronous tag check failure among the user accesses that ran: TFSRE0_EL1.TF0. */
  private noteAsync(executedEnd: number, retried: boolean): void {
    if (this.mismatch < executedEnd || (retried && this.mismatch === 0)) this.k.m.cpu.sys.tfsre0 |= 1n;
  }

  /** The typed-array raw_copy_{from,to}_user. */
  private copyTyped(direction: CopyDirection, kbuf: Uint8Array, lo: number, hi: number, n: number, kernelAddr: number): number {
    const write = direction === 'to-user';
    const bad = this.scan(lo, hi, n, write);
    const bytes = this.k.m.mem.bytes;
    let stored = n;
    let executed = n;
    let retried = false;
    if (bad < n) {
      const f = copyFault(direction, n, write ? kernelAddr & 15 : lo & 15, bad, this.fixups);
      stored = f.stored;
      executed = f.faultStart;
      retried = f.retried;
      this.touchStraddle(lo, hi, f.faultStart, f.faultSize, bad, write);
      if (f.partialEnd > f.partialStart) {
        this.runs(lo, f.partialStart, f.partialEnd, (off, at, len) => bytes.set(kbuf.subarray(at, at + len), off));
      }
    }
    if (this.mismatch < n) this.noteAsync(executed, retried);
    if (write) this.runs(lo, 0, stored, (off, at, len) => bytes.set(kbuf.subarray(at, at + len), off));
    else this.runs(lo, 0, stored, (off, at, len) => kbuf.set(bytes.subarray(off, off + len), at));
    return n - stored;
  }

  // ---- the instruction-level path

  /** Budget for a routine over n bytes: generous, only a runaway would exhaust it. */
  private static budget(n: number): number {
    return 4096 + 16 * n;
  }

  private copyInsn(direction: CopyDirection, kbuf: Uint8Array, uaddr: bigint, n: number, kernelAddr: number): number {
    const text = this.kernelText;
    const koff = kernelAddr & 0xfff;
    const kva = KDATA_BASE + BigInt(koff);
    text.writeBuffer(koff, kbuf.subarray(0, n));
    const v513 = !this.fixups.oneByteRetry;
    const left =
      direction === 'from-user'
        ? text.call(v513 ? '__arch_copy_from_user_v5_13' : '__arch_copy_from_user', [kva, uaddr, BigInt(n)], UserAccess.budget(n))
        : text.call(v513 ? '__arch_copy_to_user_v5_13' : '__arch_copy_to_user', [uaddr, kva, BigInt(n)], UserAccess.budget(n));
    if (left === undefined) return n;
    if (direction === 'from-user') text.readBuffer(koff, kbuf.subarray(0, n));
    return Number(left);
  }

  // ---- copies (bytes not copied)

  /**
   * raw_copy_from_user / __copy_from_user_inatomic: copies user [uaddr, uaddr + n) into
   * dst[0, n) and returns the bytes not copied; dst beyond the copied bytes is untouched.
   * `kernelAddr` is the kernel buffer's address (its low bits; default 0, page aligned).
   */
  rawCopyFromUser(dst: Uint8Array, uaddr: bigint, n: number, kernelAddr = 0): number {
    if (n === 0) return 0;
    if (this.path === 'instruction') return this.copyInsn('from-user', dst, uaddr, n, kernelAddr);
    return this.copyTyped('from-user', dst, Number(uaddr & 0xffffffffn), Number((uaddr >> 32n) & 0xffffffffn), n, kernelAddr);
  }

  /**
   * raw_copy_to_user / __copy_to_user_inatomic: copies src to user [uaddr, uaddr + len).
   * `kernelAddr` is the source buffer's kernel address (its low 4 bits decide the copy's access
   * pattern: the template aligns the source; default 0, e.g. a page-cache page at offset 0).
   */
  rawCopyToUser(uaddr: bigint, src: Uint8Array, kernelAddr = 0): number {
    const n = src.length;
    if (n === 0) return 0;
    if (this.path === 'instruction') return this.copyInsn('to-user', src, uaddr, n, kernelAddr);
    return this.copyTyped('to-user', src, Number(uaddr & 0xffffffffn), Number((uaddr >> 32n) & 0xffffffffn), n, kernelAddr);
  }

  /** __copy_from_user_inatomic: the raw copy (callers disable page faults around it). */
  copyFromUserInatomic(dst: Uint8Array, uaddr: bigint, n: number, kernelAddr = 0): number {
    return this.rawCopyFromUser(dst, uaddr, n, kernelAddr);
  }

  /** __copy_to_user_inatomic. */
  copyToUserInatomic(uaddr: bigint, src: Uint8Array, kernelAddr = 0): number {
    return this.rawCopyToUser(uaddr, src, kernelAddr);
  }

  /**
   * copy_from_user (lib/usercopy.c _copy_from_user): access_ok, the raw copy, and the
   * uncopied tail of dst[0, n) zero-filled. Returns the bytes not copied.
   */
  copyFromUser(dst: Uint8Array, uaddr: bigint, n: number, kernelAddr = 0): number {
    const left = this.accessOk(uaddr, n) ? this.rawCopyFromUser(dst, uaddr, n, kernelAddr) : n;
    if (left !== 0) dst.fill(0, n - left, n);
    return left;
  }

  /** copy_to_user: access_ok, then the raw copy. Returns the bytes not copied. */
  copyToUser(uaddr: bigint, src: Uint8Array, kernelAddr = 0): number {
    return this.accessOk(uaddr, src.length) ? this.rawCopyToUser(uaddr, src, kernelAddr) : src.length;
  }

  /** copy_from_user_nofault (mm/maccess.c): page faults disabled; 0, or -EFAULT if anything was left. */
  copyFromUserNofault(dst: Uint8Array, uaddr: bigint, n: number, kernelAddr = 0): number {
    if (!this.accessOk(uaddr, n)) return -EFAULT;
    this.pagefaultDisable();
    try {
      return this.rawCopyFromUser(dst, uaddr, n, kernelAddr) === 0 ? 0 : -EFAULT;
    } finally {
      this.pagefaultEnable();
    }
  }

  /** copy_to_user_nofault: 0 or -EFAULT. */
  copyToUserNofault(uaddr: bigint, src: Uint8Array, kernelAddr = 0): number {
    if (!this.accessOk(uaddr, src.length)) return -EFAULT;
    this.pagefaultDisable();
    try {
      return this.rawCopyToUser(uaddr, src, kernelAddr) === 0 ? 0 : -EFAULT;
    } finally {
      this.pagefaultEnable();
    }
  }

  /** clear_user: access_ok, then __arch_clear_user. Returns the bytes not cleared. */
  clearUser(uaddr: bigint, n: number): number {
    if (!this.accessOk(uaddr, n)) return n;
    return this.rawClearUser(uaddr, n);
  }

  /** __arch_clear_user (no access_ok). */
  rawClearUser(uaddr: bigint, n: number): number {
    if (n === 0) return 0;
    if (this.path === 'instruction') {
      const name = this.fixups.exactClearUser ? '__arch_clear_user' : '__arch_clear_user_v5_13';
      const left = this.kernelText.call(name, [uaddr, BigInt(n)], UserAccess.budget(n));
      return left === undefined ? n : Number(left);
    }
    const lo = Number(uaddr & 0xffffffffn);
    const hi = Number((uaddr >> 32n) & 0xffffffffn);
    const bad = this.scan(lo, hi, n, true);
    let left = 0;
    let executed = n;
    if (bad < n) {
      left = clearUserFault(n, bad, this.fixups);
      executed = clearZeroed;
      this.touchStraddle(lo, hi, clearFaultStart, clearFaultSize, bad, true);
    }
    if (this.mismatch < n) this.noteAsync(executed, false);
    const bytes = this.k.m.mem.bytes;
    // Every store before the faulting one has written its zeros.
    this.runs(lo, 0, executed, (off, _at, len) => bytes.fill(0, off, off + len));
    return left;
  }

  // ---- single accesses

  /**
   * One unprivileged access of `size` bytes (LDTR/STTR of 1, 2, 4 or 8 bytes, any alignment):
   * the value read (little-endian, zero-extended), or undefined when it faults. A store writes
   * `value`.
   */
  private single(uaddr: bigint, size: 1 | 2 | 4 | 8, write: boolean, value: bigint): bigint | undefined {
    if (this.path === 'instruction') {
      const text = this.kernelText;
      const err = write ? text.call(`__put_user_${size}`, [uaddr, value], 64) : text.call(`__get_user_${size}`, [uaddr], 64);
      if (err === undefined || err !== 0n) return undefined;
      return write ? 0n : text.x1;
    }
    const lo = Number(uaddr & 0xffffffffn);
    const hi = Number((uaddr >> 32n) & 0xffffffffn);
    const bad = this.scan(lo, hi, size, write);
    if (bad < size) {
      this.touchStraddle(lo, hi, 0, size, bad, write);
      return undefined;
    }
    if (this.mismatch < size) this.noteAsync(size, false);
    const bytes = this.k.m.mem.bytes;
    let v = 0n;
    for (let i = 0; i < size; i++) {
      const off = this.ramOffset(lo, i);
      if (write) bytes[off] = Number((value >> BigInt(8 * i)) & 0xffn);
      else v |= BigInt(bytes[off]) << BigInt(8 * i);
    }
    return v;
  }

  /** __raw_get_user / __get_user: no access_ok. The value, or undefined for -EFAULT (the value would be 0). */
  rawGetUser(uaddr: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
    return this.single(uaddr, size, false, 0n);
  }

  /** __raw_put_user / __put_user: false for -EFAULT. */
  rawPutUser(uaddr: bigint, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    return this.single(uaddr, size, true, BigInt.asUintN(8 * size, value)) !== undefined;
  }

  /** get_user of 1/2/4/8 bytes (little-endian, zero-extended), or undefined for -EFAULT. */
  getUser(uaddr: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
    return this.accessOk(uaddr, size) ? this.rawGetUser(uaddr, size) : undefined;
  }

  /** put_user: false for -EFAULT. */
  putUser(uaddr: bigint, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    return this.accessOk(uaddr, size) && this.rawPutUser(uaddr, size, value);
  }

  /**
   * strncpy_from_user (lib/strncpy_from_user.c): the string's bytes without the NUL, `max`
   * bytes when there is no NUL among them, or -EFAULT when a byte up to the NUL (or to `max`)
   * cannot be read. Words of 8 bytes are read while 8 remain (an unaligned 8-byte load that
   * faults falls back to bytes, so the result is byte-exact), then single bytes.
   */
  strncpyFromUser(uaddr: bigint, max: number): Uint8Array | number {
    if (max <= 0) return new Uint8Array(0);
    const lo = Number(uaddr & 0xffffffffn);
    const hi = Number((uaddr >> 32n) & 0xffffffffn);
    const h = (this.k.taggedAddrCtrl & 1) !== 0 ? (hi << 8) >> 8 : hi;
    if (h < 0 || h >= 0x10000) return -EFAULT;
    const room = TASK_SIZE_NUM - (h * TWO32 + lo);
    const limit = Math.min(max, room);
    const out = new Uint8Array(limit);
    let res = 0;
    let byteAtATime = false;
    while (res < limit) {
      const a = uaddr + BigInt(res);
      if (!byteAtATime && limit - res >= 8) {
        const w = this.rawGetUser(a, 8);
        if (w !== undefined) {
          for (let i = 0; i < 8; i++) {
            const c = Number((w >> BigInt(8 * i)) & 0xffn);
            if (c === 0) return out.slice(0, res + i);
            out[res + i] = c;
          }
          res += 8;
          continue;
        }
        byteAtATime = true;
      }
      const c = this.rawGetUser(a, 1);
      if (c === undefined) return -EFAULT;
      if (c === 0n) return out.slice(0, res);
      out[res++] = Number(c);
    }
    // Hit the limit: fine if it was the caller's maximum, else the end of the address space.
    return res >= max ? out : -EFAULT;
  }

  // ---- the EL1 synchronous vector

  /** Resolves a fault taken at EL1 inside the instruction-level routines; false if none applies (an oops). */
  onSyncFromEl1(): boolean {
    return this.text !== undefined && this.text.onSyncFromEl1();
  }
}

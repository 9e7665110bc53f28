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
//   'typed-array' (default): translate once per page, check the page's tags against the
//     pointer's (through the frame's tag summary, PhysMem.pageTag, when the frame carries one
//     tag; else eight granules at a time through a Float64Array view of the tag store), then
//     one bulk TypedArray copy per physically contiguous run. When something faults, the count is
//     the one the instruction sequence would report, computed from the first inaccessible byte
//     by copy-pattern.ts, which also gives the instructions the routine would have retired.
//   'instruction': the AArch64 routines of copy-routine.ts, run at EL1 through a nested run of
//     the machine with their own exception table (ktext.ts).
// The property test (test/uaccess-property.test.ts) holds them to identical results.
//
// What a faulting access writes: nothing. A faulting LDTR/STTR has no effect (granule's memory
// path checks every page and granule of an access before moving a byte), so a straddling
// store that faults writes none of its bytes. The first STTR of a user_stp pair whose second
// STTR faults has completed, though: its 8 bytes are in memory but not counted (§2.3).

import { MemoryFault } from '../mmu/walk.js';
import type { Mmu } from '../mmu/access.js';
import type { PhysMem, TagStore } from '../mmu/physmem.js';
import type { Kernel } from './kernel.js';
import { KDATA_BASE, KernelText } from './ktext.js';
import type { KernelRange } from '../emulator/timing/model.js';
import { EC } from '../emulator/exceptions.js';
import type { FaultKind } from './retry.js';
import { clearFaultSize, clearFaultStart, clearUserFault, clearUserInstructions, clearZeroed, copyFault, copyInstructions, FIXUPS_V5_14, type CopyDirection, type CopyFault, type UaccessFixups } from './copy-pattern.js';

export const EFAULT = 14;

/** Which implementation serves the uaccess calls. */
export type UaccessPath = 'typed-array' | 'instruction';

const PAGE = 4096;
const TWO32 = 4294967296;
/** TASK_SIZE for 48-bit VAs, as a number (exact). */
const TASK_SIZE_NUM = 2 ** 48;
const TCR_TBI0 = 1n << 37n;
const TCR_TCMA0 = 1n << 57n;

// Splitting a bigint address into 32-bit halves through a typed-array pair costs a few
// nanoseconds; `& 0xffffffffn` and `>> 32n` allocate and cost ten times that.
const split64 = new BigUint64Array(1);
const split32 = new Uint32Array(split64.buffer);

/** Why the scan stopped before the end. */
const BAD_NONE = 0;
const BAD_PAGE = 1;
const BAD_TAG = 2;

/**
 * Instructions of arm64's fault path for a uaccess fault, charged on a timed machine (an
 * assumption: do_mem_abort → do_tag_check_fault / do_page_fault → __do_kernel_fault →
 * fixup_exception's binary search of the exception table, about 120 instructions).
 */
const FAULT_HANDLER_INSTRUCTIONS = 120;

/**
 * The 8-granule pattern of each tag as a float64: eight tag bytes (each 0..15) never form a NaN
 * or -0, so comparing them as doubles is comparing their bits.
 */
const TAG_PATTERN_8 = ((): Float64Array => {
  const out = new Float64Array(16);
  const bytes = new Uint8Array(out.buffer);
  for (let t = 0; t < 16; t++) bytes.fill(t, t * 8, t * 8 + 8);
  return out;
})();

/**
 * The first granule in [g, end) whose tag is not `ptag`, or `end`. Aligned groups of eight
 * granules are compared at once through `f64` (a Float64Array over the same tags), four groups
 * per step.
 */
function firstMismatch(tags: TagStore, f64: Float64Array, g: number, end: number, ptag: number): number {
  while (g < end && (g & 7) !== 0) {
    if (tags[g] !== ptag) return g;
    g++;
  }
  if (g >= end) return end;
  const pat = TAG_PATTERN_8[ptag];
  let w = g >>> 3;
  const wEnd = end >>> 3;
  while (w + 4 <= wEnd && f64[w] === pat && f64[w + 1] === pat && f64[w + 2] === pat && f64[w + 3] === pat) w += 4;
  while (w < wEnd && f64[w] === pat) w++;
  for (g = w << 3; g < end; g++) if (tags[g] !== ptag) return g;
  return end;
}

/**
 * Whether every granule in [g, end) has tag `ptag` (the fast path's check: no position needed).
 * A range of whole 8-granule groups (a page, or any 128-byte aligned buffer) is compared with
 * no byte loops at all.
 */
function allMatch(tags: TagStore, f64: Float64Array, g: number, end: number, ptag: number): boolean {
  if (((g | end) & 7) === 0) return wordsMatch(f64, g >>> 3, end >>> 3, TAG_PATTERN_8[ptag]);
  while (g < end && (g & 7) !== 0) {
    if (tags[g] !== ptag) return false;
    g++;
  }
  if (g >= end) return true;
  if (!wordsMatch(f64, g >>> 3, end >>> 3, TAG_PATTERN_8[ptag])) return false;
  for (g = end & ~7; g < end; g++) if (tags[g] !== ptag) return false;
  return true;
}

/**
 * Whether the float64 words [w, wEnd) (groups of eight granules) all equal `pat`, eight per step.
 * The unrolled loop runs to a precomputed bound: `w + 8 <= wEnd` as its condition costs a page's
 * check about 6 ns more.
 */
function wordsMatch(f64: Float64Array, w: number, wEnd: number, pat: number): boolean {
  const mid = w + ((wEnd - w) & ~7);
  for (; w < mid; w += 8) {
    if (f64[w] !== pat || f64[w + 1] !== pat || f64[w + 2] !== pat || f64[w + 3] !== pat || f64[w + 4] !== pat || f64[w + 5] !== pat || f64[w + 6] !== pat || f64[w + 7] !== pat) return false;
  }
  for (; w < wEnd; w++) if (f64[w] !== pat) return false;
  return true;
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
  /**
   * Instructions the AArch64 routines retired (instruction path) or would have retired
   * (typed-array path: computed by copy-pattern.ts) for the copies and clears so far, and for
   * the last one: what the timing model charges for them.
   */
  routineInstructions = 0;
  lastRoutineInstructions = 0;
  /** What kind of fault stopped the last scan (BAD_PAGE: translation or permission). */
  private badFault: FaultKind = 'translation';
  private chargedN = -1;
  private chargedAlign = 0;
  private chargedCount = 0;

  // Scan results (set by scan()).
  /** RAM offset of each page of the last scan: [0] for the first byte, then page starts. */
  private offs = new Float64Array(64);
  /** Why the last scan stopped early (BAD_*), and the first async-mode tag mismatch (or n). */
  private badKind = BAD_NONE;
  /** The pages of the last scan are physically contiguous: the range is one run of RAM. */
  private contiguous = false;
  private mismatch = 0;
  private readonly f64: Float64Array;
  private readonly ram: ArrayBuffer;
  // The machine's parts the hot path touches, without the property chains.
  /** The machine's memory path, read each time: a timed machine swaps in a TimedMmu. */
  private get mmu(): Mmu {
    return this.k.m.mmu;
  }
  private readonly tags: TagStore;
  private readonly bytes: Uint8Array;
  private readonly mem: PhysMem;
  /** The memory's per-frame tag summaries (PhysMem.pageTag). */
  private readonly pageTag: Int8Array;
  private lastTcr = -1n;
  private tbi0 = true;
  private tcma0 = false;
  private text: KernelText | undefined;

  constructor(private readonly k: Kernel) {
    const { tags, bytes } = k.m.mem;
    this.mem = k.m.mem;
    this.pageTag = k.m.mem.pageTag;
    this.tags = tags;
    this.bytes = bytes;
    this.f64 = new Float64Array(tags.buffer, tags.byteOffset, tags.length >>> 3);
    if (bytes.byteOffset !== 0) throw new Error('internal: RAM view with an offset');
    this.ram = bytes.buffer as ArrayBuffer;
  }

  /** The instruction-level routines and their exception table, mapped on first use. */
  get kernelText(): KernelText {
    return (this.text ??= new KernelText(this.k));
  }

  /** Instructions the instruction-level routines retired at EL1 (counted by the machine as well). */
  get el1Instructions(): number {
    return this.text?.totalInstructions ?? 0;
  }

  /**
   * A fault taken by a user access, from either path: counted by kind (retry.ts), seen by the
   * retriable-uaccess flag, and on a timed machine charged as arm64's fault path would run.
   */
  noteFault(kind: FaultKind): void {
    this.k.thread.noteFault(kind);
    this.k.m.timing?.chargeKernelInstructions('alu', FAULT_HANDLER_INSTRUCTIONS);
  }

  /** The typed-array path's faults: the exception entry the instruction path takes for real, then noteFault. */
  private typedFault(kind: FaultKind, count: number): void {
    for (let i = 0; i < count; i++) {
      this.k.m.timing?.exceptionEntry(EC.DATA_ABORT_SAME);
      this.noteFault(kind);
    }
  }

  /**
   * Whether user accesses skip tag checks now: `+nofault-unchecked` (Catalin Marinas, Oct 2021:
   * no tag checking on user addresses while pagefault_disable() is in effect).
   */
  private get uncheckedNow(): boolean {
    return this.pagefaultDisabled > 0 && this.k.profile.options.nofaultUnchecked;
  }

  /** Runs an instruction-level routine with PSTATE.TCO set when tag checks are off (`+nofault-unchecked`). */
  private withTco<T>(fn: () => T): T {
    if (!this.uncheckedNow) return fn();
    const cpu = this.k.m.cpu;
    const tco = cpu.tco;
    cpu.tco = 1;
    cpu.hooks.memoryStateChanged();
    try {
      return fn();
    } finally {
      cpu.tco = tco;
      cpu.hooks.memoryStateChanged();
    }
  }

  /** The perf-like sampler's interrupt arrives during a copy made with page faults disabled (perf.ts). */
  private sample(): void {
    const s = this.k.sampler;
    if (s && this.pagefaultDisabled > 0 && this.k.thread.inInterrupt === 0) s.interrupt();
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
    split64[0] = uaddr;
    return this.accessOkHalves(split32[0], split32[1], n);
  }

  private accessOkHalves(lo: number, hi: number, n: number): boolean {
    // untagged_addr() sign-extends from bit 55; a kernel address stays out of range.
    const h = (this.k.taggedAddrCtrl & 1) !== 0 ? (hi << 8) >> 8 : hi | 0;
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
    try {
      return this.mmu.translateUnprivileged(lo, hi, write);
    } catch (e) {
      return this.pageFault(e, lo, hi, write);
    }
  }

  /** The fault of translate(): a translation or access flag fault on a user address is a page fault. */
  private pageFault(e: unknown, lo: number, hi: number, write: boolean): number {
    if (!(e instanceof MemoryFault)) throw e;
    this.badFault = e.kind === 'permission' ? 'permission' : 'translation';
    if ((e.kind !== 'translation' && e.kind !== 'access-flag') || this.pagefaultDisabled > 0 || (hi & 0x00800000) !== 0) return -1;
    const untagged = BigInt.asUintN(64, BigInt.asIntN(56, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
    if (this.k.as.handleFault(untagged, write ? 'write' : 'read') !== 'mapped') return -1;
    this.typedFault('pageFault', 1);
    try {
      return this.mmu.translateUnprivileged(lo, hi, write);
    } catch (e2) {
      if (e2 instanceof MemoryFault) {
        this.badFault = e2.kind === 'permission' ? 'permission' : 'translation';
        return -1;
      }
      throw e2;
    }
  }

  /**
   * Walks the user bytes [0, n) from (lo, hi) as accesses of kind `write` would: page by page
   * (recording each page's RAM offset in `offs`), and in synchronously checked mode granule by
   * granule. Returns the first byte such an access cannot touch, or n; `badKind` says why. In
   * asynchronous mode tag mismatches do not stop it; `mismatch` records the first one.
   */
  private scan(lo: number, hi: number, n: number, write: boolean): number {
    // The common case first: every page translates, every granule matches. Anything else (a
    // fault, a mismatch, whatever the tag-check mode makes of it) goes through scanFull, which
    // starts over; translating a page twice changes nothing. Physically contiguous checked
    // pages are tag-checked as one run.
    const mmu = this.k.m.mmu;
    const offs = this.offs;
    const ptag = (hi >>> 24) & 0xf;
    if ((lo & 0xfff) + n <= PAGE) {
      // One page.
      let off: number;
      try {
        off = mmu.translateUnprivileged(lo, hi, write);
      } catch {
        return this.scanFull(lo, hi, n, write);
      }
      if (mmu.pageChecked && !this.tagsMatch(off, off + n, ptag)) return this.scanFull(lo, hi, n, write);
      offs[0] = off;
      this.contiguous = true;
      this.badKind = BAD_NONE;
      this.mismatch = n;
      return n;
    }
    let done = 0;
    let i = 0;
    let pLo = lo;
    let pHi = hi;
    let runStart = -1;
    let runEnd = -1;
    let prevEnd = -1;
    let contiguous = true;
    while (done < n) {
      if (i === offs.length) return this.scanFull(lo, hi, n, write);
      let off: number;
      try {
        off = mmu.translateUnprivileged(pLo, pHi, write);
      } catch {
        return this.scanFull(lo, hi, n, write);
      }
      offs[i++] = off;
      const inPage = Math.min(n - done, PAGE - (pLo & 0xfff));
      if (off !== prevEnd && i > 1) contiguous = false;
      prevEnd = off + inPage;
      if (mmu.pageChecked) {
        if (off === runEnd) runEnd += inPage;
        else {
          if (runStart >= 0 && !this.tagsMatch(runStart, runEnd, ptag)) return this.scanFull(lo, hi, n, write);
          runStart = off;
          runEnd = off + inPage;
        }
      } else if (runStart >= 0) {
        if (!this.tagsMatch(runStart, runEnd, ptag)) return this.scanFull(lo, hi, n, write);
        runStart = runEnd = -1;
      }
      done += inPage;
      pLo += inPage;
      if (pLo >= TWO32) {
        pLo -= TWO32;
        pHi = (pHi + 1) >>> 0;
      }
    }
    if (runStart >= 0 && !this.tagsMatch(runStart, runEnd, ptag)) return this.scanFull(lo, hi, n, write);
    this.contiguous = contiguous;
    this.badKind = BAD_NONE;
    this.mismatch = n;
    return n;
  }

  /**
   * Whether every granule in [g0, g1) (within frame g0 >>> 8) has tag `ptag`: the frame's tag
   * summary (PhysMem.pageTag, computed on first use) answers unless the frame's tags are mixed.
   */
  private frameMatches(g0: number, g1: number, ptag: number): boolean {
    const p = g0 >>> 8;
    let s = this.pageTag[p];
    if (s === ptag) return true;
    if (s === -1) {
      s = this.mem.pageTagOf(p);
      if (s === ptag) return true;
    }
    // All of another tag, or mixed: then the granules themselves.
    return s < 0 && allMatch(this.tags, this.f64, g0, g1, ptag);
  }

  /** Whether every granule of RAM bytes [start, end) has tag `ptag`. */
  private tagsMatch(start: number, end: number, ptag: number): boolean {
    const g0 = start >>> 4;
    const g1 = ((end - 1) >>> 4) + 1;
    // Frame by frame through the summaries.
    for (let g = g0; g < g1; ) {
      const next = Math.min(g1, ((g >>> 8) + 1) << 8);
      if (!this.frameMatches(g, next, ptag)) return false;
      g = next;
    }
    return true;
  }

  /** scan() for the general case: faults, fault-in, tag-check modes, async mismatches. */
  private scanFull(lo: number, hi: number, n: number, write: boolean): number {
    this.contiguous = false;
    const mmu = this.k.m.mmu;
    const tags = this.k.m.mem.tags;
    const ptag = (hi >>> 24) & 0xf;
    const mode = mmu.el0TagMode;
    let sync = false;
    let async = false;
    if (mode !== 0 && this.tagsApply(ptag) && !this.uncheckedNow) {
      sync = mode === 1 || (mode === 3 && !write);
      async = !sync;
    }
    const pages = Math.ceil(((lo & 0xfff) + n) / PAGE) + 1;
    if (this.offs.length < pages) this.offs = new Float64Array(Math.max(pages, this.offs.length * 2));
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
        const g = firstMismatch(tags, this.f64, g0, g1, ptag);
        if (g < g1) {
          const at = g === g0 ? done : done + g * 16 - off;
          if (sync) {
            this.badKind = BAD_TAG;
            this.badFault = 'tagCheck';
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
   * The bytes [from, to) of the last scan as physically contiguous runs: each call of nextRun()
   * sets runOff (RAM offset), runAt (byte index) and runLen, and returns false when done.
   */
  private runFrom = 0;
  private runTo = 0;
  private runFirst = 0;
  private runOff = 0;
  private runAt = 0;
  private runLen = 0;

  private startRuns(lo: number, from: number, to: number): void {
    this.runFrom = from;
    this.runTo = to;
    this.runFirst = PAGE - (lo & 0xfff);
  }

  private nextRun(): boolean {
    const x = this.runFrom;
    const to = this.runTo;
    if (x >= to) return false;
    const offs = this.offs;
    const first = this.runFirst;
    let page = x < first ? 0 : 1 + Math.floor((x - first) / PAGE);
    const off = x < first ? offs[0] + x : offs[page] + (x - first - (page - 1) * PAGE);
    let end = Math.min(to, first + page * PAGE);
    // Extend over the following pages while they are the next frames.
    while (end < to && offs[page + 1] === off + (end - x)) {
      page++;
      end = Math.min(to, first + page * PAGE);
    }
    this.runOff = off;
    this.runAt = x;
    this.runLen = end - x;
    this.runFrom = end;
    return true;
  }

  /** A view of RAM [off, off + len): the last one is kept, as copies often repeat a user buffer. */
  private ramView(off: number, len: number): Uint8Array {
    if (off === this.lastViewOff && len === this.lastViewLen) return this.lastView;
    this.lastViewOff = off;
    this.lastViewLen = len;
    return (this.lastView = new Uint8Array(this.ram, off, len));
  }
  private lastView = new Uint8Array(0);
  private lastViewOff = 0;
  private lastViewLen = 0;

  /** RAM [bytes of the last scan, from..to) into kbuf at the same indexes. */
  private copyOut(kbuf: Uint8Array, lo: number, from: number, to: number): void {
    if (to <= from) return;
    if (this.contiguous) {
      kbuf.set(this.ramView(this.offs[0] + from, to - from), from);
      return;
    }
    this.startRuns(lo, from, to);
    while (this.nextRun()) kbuf.set(this.ramView(this.runOff, this.runLen), this.runAt);
  }

  /** kbuf[from..to) into the user bytes of the last scan. */
  private copyIn(kbuf: Uint8Array, lo: number, from: number, to: number): void {
    if (to <= from) return;
    const bytes = this.k.m.mem.bytes;
    if (this.contiguous) {
      bytes.set(from === 0 && to === kbuf.length ? kbuf : new Uint8Array(kbuf.buffer, kbuf.byteOffset + from, to - from), this.offs[0] + from);
      return;
    }
    this.startRuns(lo, from, to);
    while (this.nextRun()) {
      const at = this.runAt;
      const len = this.runLen;
      bytes.set(at === 0 && len === kbuf.length ? kbuf : new Uint8Array(kbuf.buffer, kbuf.byteOffset + at, len), this.runOff);
    }
  }

  /** Zeroes the user bytes [from, to) of the last scan. */
  private zeroUser(lo: number, from: number, to: number): void {
    const bytes = this.k.m.mem.bytes;
    this.startRuns(lo, from, to);
    while (this.nextRun()) bytes.fill(0, this.runOff, this.runOff + this.runLen);
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
  /**
   * The common case on its own: n > 0 bytes in one page that translates and whose granules all
   * match. Returns false (having changed nothing but the TLBs) for anything else.
   */
  private fastCopy(write: boolean, kbuf: Uint8Array, lo: number, hi: number, n: number, kernelAddr: number): boolean {
    if ((lo & 0xfff) + n > PAGE || this.path !== 'typed-array') return false;
    const mmu = this.mmu;
    let off: number;
    try {
      off = mmu.translateUnprivileged(lo, hi, write);
    } catch {
      return false;
    }
    if (mmu.pageChecked) {
      const g = off >>> 4;
      const end = ((off + n - 1) >>> 4) + 1;
      const ptag = (hi >>> 24) & 0xf;
      // The frame's tag summary first (one byte read when it holds ptag), then the granules.
      if (this.pageTag[off >>> 12] !== ptag && !this.frameMatches(g, end, ptag)) return false;
    }
    // to-user: kbuf is the whole source (n === kbuf.length).
    if (write) this.bytes.set(kbuf, off);
    else kbuf.set(this.ramView(off, n));
    // What the routine would retire: cached for the last size and source alignment.
    const align = (write ? kernelAddr : lo) & 15;
    if (n !== this.chargedN || align !== this.chargedAlign) this.charge(write, n, align, undefined);
    else {
      this.lastRoutineInstructions = this.chargedCount;
      this.routineInstructions += this.chargedCount;
    }
    if (this.k.m.timing) this.chargeTiming(write, lo, hi, n);
    return true;
  }

  private copyTyped(write: boolean, kbuf: Uint8Array, lo: number, hi: number, n: number, kernelAddr: number): number {
    return this.fastCopy(write, kbuf, lo, hi, n, kernelAddr) ? 0 : this.copyTypedGeneral(write, kbuf, lo, hi, n, kernelAddr);
  }

  private copyTypedGeneral(write: boolean, kbuf: Uint8Array, lo: number, hi: number, n: number, kernelAddr: number): number {
    const bad = this.scan(lo, hi, n, write);
    let stored = n;
    let executed = n;
    let retried = false;
    let f: CopyFault | undefined;
    if (bad < n) {
      f = copyFault(write ? 'to-user' : 'from-user', n, write ? kernelAddr & 15 : lo & 15, bad, this.fixups);
      stored = f.stored;
      executed = f.faultStart;
      retried = f.retried;
      // The faulting access, and the one-byte retry of 9997 when it faults on the same byte.
      this.typedFault(this.badFault, f.retried && bad === 0 ? 2 : 1);
      this.touchStraddle(lo, hi, f.faultStart, f.faultSize, bad, write);
      if (f.partialEnd > f.partialStart) this.copyIn(kbuf, lo, f.partialStart, f.partialEnd);
    }
    if (this.mismatch < n) this.noteAsync(executed, retried);
    if (write) this.copyIn(kbuf, lo, 0, stored);
    else this.copyOut(kbuf, lo, 0, stored);
    this.charge(write, n, write ? kernelAddr : lo, f);
    if (this.k.m.timing) this.chargeTiming(write, lo, hi, stored);
    return n - stored;
  }

  /** Counts what the instruction-level routine would retire for this copy. */
  private charge(write: boolean, n: number, srcAddrLow: number, f: CopyFault | undefined): void {
    let c: number;
    if (f === undefined) {
      // A completed copy's count depends on n and the source alignment only: keep the last one.
      if (n !== this.chargedN || (srcAddrLow & 15) !== this.chargedAlign) {
        this.chargedN = n;
        this.chargedAlign = srcAddrLow & 15;
        this.chargedCount = copyInstructions('from-user', n, srcAddrLow & 15, undefined, this.fixups);
      }
      c = this.chargedCount;
    } else c = copyInstructions(write ? 'to-user' : 'from-user', n, srcAddrLow & 15, f, this.fixups);
    this.lastRoutineInstructions = c;
    this.routineInstructions += c;
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
    const left = this.withTco(() =>
      direction === 'from-user'
        ? text.call(v513 ? '__arch_copy_from_user_v5_13' : '__arch_copy_from_user', [kva, uaddr, BigInt(n)], UserAccess.budget(n))
        : text.call(v513 ? '__arch_copy_to_user_v5_13' : '__arch_copy_to_user', [uaddr, kva, BigInt(n)], UserAccess.budget(n)),
    );
    this.lastRoutineInstructions = text.lastInstructions;
    this.routineInstructions += text.lastInstructions;
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
    let left: number;
    if (this.path === 'instruction') left = this.copyInsn('from-user', dst, uaddr, n, kernelAddr);
    else {
      split64[0] = uaddr;
      left = this.copyTyped(false, dst, split32[0], split32[1], n, kernelAddr);
    }
    if (this.k.sampler) this.sample();
    return left;
  }

  /**
   * raw_copy_to_user / __copy_to_user_inatomic: copies src to user [uaddr, uaddr + len).
   * `kernelAddr` is the source buffer's kernel address (its low 4 bits decide the copy's access
   * pattern: the template aligns the source; default 0, e.g. a page-cache page at offset 0).
   */
  rawCopyToUser(uaddr: bigint, src: Uint8Array, kernelAddr = 0): number {
    const n = src.length;
    if (n === 0) return 0;
    let left: number;
    if (this.path === 'instruction') left = this.copyInsn('to-user', src, uaddr, n, kernelAddr);
    else {
      split64[0] = uaddr;
      left = this.copyTyped(true, src, split32[0], split32[1], n, kernelAddr);
    }
    if (this.k.sampler) this.sample();
    return left;
  }

  /**
   * On a timed machine the typed-array copy costs what the routine it stands for would: its
   * instruction count (lastRoutineInstructions) and the lines it touches -- the user pages, tag
   * checked as EL0 checks them, and the kernel buffer, represented by the routine's own buffer
   * frames -- through the timing model's caches (DESIGN.md decision 8, "Timing").
   */
  private chargeTiming(toUser: boolean, lo: number, hi: number, copied: number): void {
    const t = this.k.m.timing!;
    const uaddr = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const mmu = this.mmu;
    const ranges: KernelRange[] = [];
    const tagCheck = mmu.el0TagMode;
    for (let done = 0; done < copied; ) {
      const a = uaddr + BigInt(done);
      const n = Math.min(copied - done, PAGE - Number(a & 0xfffn));
      const pa = mmu.translateForDebug(Number(a & 0xffffffffn), Number((a >> 32n) & 0xffffffffn));
      if (pa !== undefined) ranges.push({ pa, size: n, write: toUser, tagCheck });
      done += n;
    }
    for (const r of this.kernelText.bufferRanges(copied)) ranges.push({ ...r, write: !toUser });
    t.chargeKernelCopy(toUser ? 'copy_to_user64' : 'copy_from_user64', this.lastRoutineInstructions, ranges);
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
    split64[0] = uaddr;
    const lo = split32[0];
    const hi = split32[1];
    let left: number;
    if (n === 0) left = 0;
    else if (!this.accessOkHalves(lo, hi, n)) left = n;
    else if (this.fastCopy(false, dst, lo, hi, n, kernelAddr)) return 0;
    else if (this.path === 'instruction') left = this.copyInsn('from-user', dst, uaddr, n, kernelAddr);
    else left = this.copyTypedGeneral(false, dst, lo, hi, n, kernelAddr);
    if (left !== 0) dst.fill(0, n - left, n);
    return left;
  }

  /** copy_to_user: access_ok, then the raw copy. Returns the bytes not copied. */
  copyToUser(uaddr: bigint, src: Uint8Array, kernelAddr = 0): number {
    const n = src.length;
    split64[0] = uaddr;
    const lo = split32[0];
    const hi = split32[1];
    if (n === 0) return 0;
    if (!this.accessOkHalves(lo, hi, n)) return n;
    if (this.fastCopy(true, src, lo, hi, n, kernelAddr)) return 0;
    if (this.path === 'instruction') return this.copyInsn('to-user', src, uaddr, n, kernelAddr);
    return this.copyTypedGeneral(true, src, lo, hi, n, kernelAddr);
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
      const left = this.withTco(() => this.kernelText.call(name, [uaddr, BigInt(n)], UserAccess.budget(n)));
      this.lastRoutineInstructions = this.kernelText.lastInstructions;
      this.routineInstructions += this.kernelText.lastInstructions;
      return left === undefined ? n : Number(left);
    }
    split64[0] = uaddr;
    const lo = split32[0];
    const hi = split32[1];
    const bad = this.scan(lo, hi, n, true);
    let left = 0;
    let executed = n;
    if (bad < n) {
      left = clearUserFault(n, bad, this.fixups);
      executed = clearZeroed;
      this.typedFault(this.badFault, 1);
      this.touchStraddle(lo, hi, clearFaultStart, clearFaultSize, bad, true);
    }
    if (this.mismatch < n) this.noteAsync(executed, false);
    // Every store before the faulting one has written its zeros.
    this.zeroUser(lo, 0, executed);
    const c = clearUserInstructions(n, bad, this.fixups);
    this.lastRoutineInstructions = c;
    this.routineInstructions += c;
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
      const err = this.withTco(() => (write ? text.call(`__put_user_${size}`, [uaddr, value], 64) : text.call(`__get_user_${size}`, [uaddr], 64)));
      if (err === undefined || err !== 0n) return undefined;
      return write ? 0n : text.x1;
    }
    split64[0] = uaddr;
    const lo = split32[0];
    const hi = split32[1];
    const bad = this.scan(lo, hi, size, write);
    if (bad < size) {
      this.typedFault(this.badFault, 1);
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
    split64[0] = uaddr;
    const lo = split32[0];
    const hi = split32[1];
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

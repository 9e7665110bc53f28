// The access pattern of arm64 Linux's user-copy routines, and what their exception fixups
// report, computed from the first byte the user side cannot access (kernel-uaccess.md §2.2,
// §2.3). The typed-array uaccess path (uaccess.ts) finds that byte by scanning pages and tags,
// then asks this file how many bytes the instruction sequence would have stored before the
// faulting access and what its fixup returns. The instruction-level routine (copy-routine.ts)
// is the same algorithm as AArch64 code; the property test holds the two to identical results.
//
// The copy template (arch/arm64/lib/copy_template.S, used by copy_{from,to}_user.S) copies an
// n-byte block as a sequence of accesses that cover the block in increasing address order,
// each source access followed (eventually) by a destination access of the same bytes:
//   - n < 16: the "tiny" path, 8, 4, 2, 1 bytes for bits 3..0 of n, in that order;
//   - n >= 16: first the *source* is aligned to 16 with 1, 2, 4, 8-byte accesses for bits 0..3
//     of p = -src & 15; then the remaining R = n - p bytes as 16-byte pairs (two 8-byte
//     LDTR/STTR on the user side), then the tiny path for R & 15. Pairs are issued three ways:
//     R < 64 straight (load, store); 64 <= R < 128 one 64-byte block whose third load comes
//     before the second store; R >= 128 a software-pipelined loop that loads 64 bytes ahead of
//     its stores. Only the pair region is pipelined; the tail after it is straight again.
// The user side is the loads for copy_from_user and the stores for copy_to_user, so user-side
// accesses partition [0, n) into consecutive intervals, and the first faulting one is the one
// that holds the first inaccessible byte. The running destination pointer only advances after
// a store, so the fixup's "end - dst" counts the bytes stored before the fault.
//
// Fixups: a byte access goes to 9998 (return end - dst); any wider access goes to 9997, which
// since 295cf156231c ("arm64: Avoid premature usercopy failure", v5.14) tries one single byte
// when nothing was stored yet, and before it was the same as 9998.

/** Which side of the copy is user memory. */
export type CopyDirection = 'from-user' | 'to-user';

/** The fixup behaviour a kernel version has (issue 5's profiles choose it). */
export interface UaccessFixups {
  /**
   * 295cf156231c (v5.14): when a multi-byte user access faults before anything was stored, the
   * copy routines retry one byte, so they never report "nothing copied" while the first byte
   * is accessible. Without it (v5.13 and older, 5.10.y before 5.10.77) they return n.
   */
  oneByteRetry: boolean;
  /**
   * "arm64: Rewrite __arch_clear_user()" (Robin Murphy, v5.14): clear_user reports the bytes
   * not cleared from the faulting store. Before it, any fault returned the whole size.
   */
  exactClearUser: boolean;
}

export const FIXUPS_V5_14: Readonly<UaccessFixups> = Object.freeze({ oneByteRetry: true, exactClearUser: true });
export const FIXUPS_V5_13: Readonly<UaccessFixups> = Object.freeze({ oneByteRetry: false, exactClearUser: false });

/**
 * What a copy that faults on user byte `bad` does: bytes stored (the count the caller sees is
 * n - stored), the user-side access that faulted (an 8-byte half for pairs), and whether the
 * first half of a faulting user-side pair store was written (copy_to_user only).
 */
export interface CopyFault {
  /** Bytes counted as copied: the destination bytes [0, stored) hold the source's. */
  stored: number;
  /** The faulting user-side access (one LDTR/STTR): [faultStart, faultStart + faultSize). */
  faultStart: number;
  faultSize: number;
  /** The one-byte retry of 9997 ran (and succeeded when stored === 1). */
  retried: boolean;
  /**
   * copy_to_user: bytes [partialStart, partialEnd) of the user buffer were written by the first
   * STTR of the faulting pair although they are not counted (empty when start === end).
   */
  partialStart: number;
  partialEnd: number;
}

/** Bytes to the next 16-byte source boundary: the prologue length (0 for the tiny path). */
export function prologueLength(n: number, srcAddrLow: number): number {
  return n < 16 ? 0 : -srcAddrLow & 15;
}

// The access holding byte b, as [start, size] in `at`/`size` (module scratch: no allocation).
let accStart = 0;
let accSize = 0;

/** Tiny path over [base, base + m), m < 16: 8, 4, 2, 1 bytes for the set bits of m. */
function tinyAccess(base: number, m: number, b: number): void {
  let at = base;
  for (let sz = 8; sz >= 1; sz >>>= 1) {
    if ((m & sz) === 0) continue;
    if (b < at + sz) {
      accStart = at;
      accSize = sz;
      return;
    }
    at += sz;
  }
  throw new Error(`internal: byte ${b} beyond the tiny copy at ${base}+${m}`);
}

/** Source-alignment prologue over [0, p): 1, 2, 4, 8 bytes for the set bits of p. */
function prologueAccess(p: number, b: number): void {
  let at = 0;
  for (let sz = 1; sz <= 8; sz <<= 1) {
    if ((p & sz) === 0) continue;
    if (b < at + sz) {
      accStart = at;
      accSize = sz;
      return;
    }
    at += sz;
  }
  throw new Error(`internal: byte ${b} beyond the prologue of ${p}`);
}

/** The template access (a pair counts as one 16-byte access) that holds byte b of an n-byte copy. */
function templateAccessAt(n: number, p: number, b: number): void {
  if (n < 16) return tinyAccess(0, n, b);
  if (b < p) return prologueAccess(p, b);
  const pairsEnd = p + ((n - p) & ~15);
  if (b < pairsEnd) {
    accStart = p + ((b - p) & ~15);
    accSize = 16;
    return;
  }
  tinyAccess(pairsEnd, (n - p) & 15, b);
}

/**
 * Bytes copy_from_user has stored when the user-side load of the access at `a` is issued. Loads
 * and stores alternate except in the pair region of the 64-byte block (the load at +32 comes
 * before the store of +16) and of the pipelined loop (loads run 64 bytes ahead: the four loads
 * before the loop with nothing stored, then each load at L with the stores up to L - 48 done).
 */
function storedBeforeLoad(n: number, p: number, a: number, pair: boolean): number {
  if (!pair) return a;
  const r = n - p;
  const l = a - p;
  if (r >= 128) {
    if (l < r - (r % 64)) return l < 64 ? p : p + l - 48;
    return a;
  }
  if (r >= 64 && l === 32) return p + 16;
  return a;
}

/**
 * The result of an n-byte copy_{from,to}_user whose first inaccessible user byte is `bad`
 * (0 <= bad < n). `srcAddrLow` is the source address's low bits (the user address for
 * copy_from_user, the kernel buffer's for copy_to_user): the template aligns the source.
 */
export function copyFault(direction: CopyDirection, n: number, srcAddrLow: number, bad: number, fixups: UaccessFixups): CopyFault {
  const p = prologueLength(n, srcAddrLow);
  templateAccessAt(n, p, bad);
  const a = accStart;
  const size = accSize;
  const pair = size === 16;
  const r: CopyFault = { stored: 0, faultStart: a, faultSize: pair ? 8 : size, retried: false, partialStart: 0, partialEnd: 0 };
  if (pair && bad >= a + 8) r.faultStart = a + 8;
  if (direction === 'from-user') r.stored = storedBeforeLoad(n, p, a, pair);
  else {
    r.stored = a;
    // user_stp: the first STTR of the pair completed, the pointer was not advanced.
    if (pair && bad >= a + 8) {
      r.partialStart = a;
      r.partialEnd = a + 8;
    }
  }
  // 9997: nothing stored yet after a multi-byte access faulted: one more single-byte try.
  if (fixups.oneByteRetry && size > 1 && r.stored === 0) {
    r.retried = true;
    if (bad > 0) r.stored = 1;
  }
  return r;
}

/**
 * __arch_clear_user on n bytes whose first unwritable byte is `bad` (0 <= bad < n): returns the
 * bytes not cleared, in `clearFaultStart`/`clearFaultSize` the faulting store (which writes
 * nothing), and in `clearZeroed` how far the stores before it reached.
 *
 * v5.14 and later: 8-byte stores at 0, 8, ... then one final 8-byte store ending at n (it may
 * overlap the previous one); below 8 bytes a 4-byte store at 0 and one ending at n, or a 2-byte
 * store at 0 and a byte at n - 1. Each fixup reports n minus the start of the faulting store,
 * except the stores that end at n, whose fixups subtract what is already cleared.
 * Before: 8-byte stores while 8 bytes remain, then 4, 2, 1; any fault returns n.
 */
export function clearUserFault(n: number, bad: number, fixups: UaccessFixups): number {
  const left = clearUserFaultCount(n, bad, fixups);
  // The v5.14 fixups are exact (what they report not cleared is exactly what the stores before
  // the fault left); before, the stores before the faulting one had run whatever was reported.
  clearZeroed = fixups.exactClearUser ? n - left : clearFaultStart;
  return left;
}

function clearUserFaultCount(n: number, bad: number, fixups: UaccessFixups): number {
  if (!fixups.exactClearUser) {
    const bulk = n - (n % 8);
    if (bad < bulk) {
      clearFaultStart = bad - (bad % 8);
      clearFaultSize = 8;
    } else {
      let at = bulk;
      for (let sz = 4; sz >= 1; sz >>>= 1) {
        if ((n & sz) === 0) continue;
        if (bad < at + sz) {
          clearFaultStart = at;
          clearFaultSize = sz;
          break;
        }
        at += sz;
      }
    }
    return n;
  }
  if (n >= 8) {
    const loopEnd = 8 * Math.max(1, Math.ceil((n - 8) / 8));
    if (bad < loopEnd) {
      clearFaultStart = bad - (bad % 8);
      clearFaultSize = 8;
      return n - clearFaultStart;
    }
    clearFaultStart = n - 8;
    clearFaultSize = 8;
    return n - loopEnd;
  }
  if ((n & 4) !== 0) {
    clearFaultSize = 4;
    if (bad < 4) {
      clearFaultStart = 0;
      return n;
    }
    clearFaultStart = n - 4;
    return n - 4;
  }
  if ((n & 2) !== 0 && bad < 2) {
    clearFaultStart = 0;
    clearFaultSize = 2;
    return n;
  }
  clearFaultStart = n - 1;
  clearFaultSize = 1;
  return 1;
}

/** The faulting store of the last clearUserFault call (its bytes are not written). */
export let clearFaultStart = 0;
export let clearFaultSize = 0;
/** Bytes [0, clearZeroed) were zeroed by the stores before the fault (the final 8-byte store may overlap them). */
export let clearZeroed = 0;

// ---- instructions retired
//
// How many instructions the routines of copy-routine.ts retire for a call, so that the
// typed-array path can report (and the timing model charge) what the instruction loop would
// have executed. A faulting access does not retire; a page faulted in and retried adds nothing.
// Kept exact by the property test against the routine itself.

/** Instructions of one template access: the user side is LDTR/STTR + ADD, the kernel side one post-indexed LDR/STR. */
const USER_SINGLE = 2;
const USER_PAIR = 3;

/** Fixup instructions after a fault: `retried` / `stored` as copyFault reports them. */
function fixupInstructions(direction: CopyDirection, byteAccess: boolean, f: CopyFault, fixups: UaccessFixups): number {
  // 9998: sub x0, x5, x6; ret
  if (byteAccess || !fixups.oneByteRetry) return 2;
  // 9997: cmp x6, x0; b.ne 9998f
  if (!f.retried) return 4;
  if (direction === 'from-user') return f.stored === 1 ? 2 + 2 + 2 : 2 + 2;
  return f.stored === 1 ? 2 + 3 + 2 : 2 + 1 + 2;
}

/**
 * Instructions __arch_copy_{from,to}_user (or its _v5_13 twin) retires for an n-byte copy
 * (n > 0) whose source address has low bits `srcAddrLow`, up to `ret`; `fault` is what
 * copyFault reported, or undefined for a copy that completes.
 */
export function copyInstructions(direction: CopyDirection, n: number, srcAddrLow: number, fault: CopyFault | undefined, fixups: UaccessFixups): number {
  if (fault === undefined) return completeCopyInstructions(n, prologueLength(n, srcAddrLow));
  const from = direction === 'from-user';
  // Cost of each access kind (load + store macros together) and the retired part of the
  // faulting one: the user side comes first in a load macro, second in a store macro.
  const single = 1 + USER_SINGLE;
  const pair = 1 + USER_PAIR;
  const stop = fault === undefined ? -1 : fault.faultStart;
  let count = 2 + 3; // add x5; mov x15; mov x6; cmp; b.lo
  // Walks the accesses in order. `user` is the offset of the access's first byte; returns
  // true when the faulting access is reached (count then includes what retired before it).
  const singleAt = (user: number): boolean => {
    if (user === stop) {
      if (!from) count += 1; // the kernel load before the faulting STTR
      return true;
    }
    count += single;
    return false;
  };
  const pairAt = (user: number): boolean => {
    if (stop === user || stop === user + 8) {
      // ldp/stp: the kernel-side instruction (to-user) and the first half (fault in the second).
      count += (from ? 0 : 1) + (stop === user + 8 ? 1 : 0);
      return true;
    }
    count += pair;
    return false;
  };
  const done = (byteAccess: boolean): number => {
    if (fault === undefined) return count + 2; // mov x0, #0; ret
    return count + fixupInstructions(direction, byteAccess, fault, fixups);
  };
  /** The tiny path from `base` over m < 16 bytes. */
  const tiny = (base: number, m: number): number => {
    let at = base;
    for (let sz = 8; sz >= 1; sz >>>= 1) {
      count += 1; // tbz
      if ((m & sz) === 0) continue;
      if (singleAt(at)) return done(sz === 1);
      at += sz;
    }
    if ((m & 1) !== 0) count += 1; // b 65f
    return done(false);
  };
  /** The tail (label 62) from `base` with bits 5:0 of the count in r. */
  const tail = (base: number, r: number): number => {
    const q = r & 0x30;
    count += q === 0 ? 2 : q === 0x20 ? 4 : 5;
    let at = base;
    for (let k = 0; k < q >>> 4; k++, at += 16) if (pairAt(at)) return done(false);
    return tiny(at, r & 15);
  };
  if (n < 16) return tiny(0, n);
  const p = prologueLength(n, srcAddrLow);
  count += 3; // neg; ands; b.eq
  if (p !== 0) {
    count += 1; // sub
    let at = 0;
    for (let sz = 1; sz <= 8; sz <<= 1) {
      count += 1; // tbz
      if ((p & sz) === 0) continue;
      if (singleAt(at)) return done(sz === 1);
      at += sz;
    }
  }
  const r = n - p;
  count += 2; // cmp x2, #64; b.ge
  if (r < 64) return tail(p, r);
  count += 2; // subs x2, x2, #128; b.ge
  if (r < 128) {
    // The 64-byte block: A load, A store, B load, C load, B store, C store, D load, D store.
    // Instructions retired before the user-side access of each pair (the kernel side is one
    // LDP/STP, the user side three instructions):
    if (stop >= p && stop < p + 64) {
      const l = stop - p;
      const before = from ? [0, 4, 7, 12] : [1, 6, 9, 13];
      count += before[Math.floor(l / 16)] + (l % 16 === 8 ? 1 : 0);
      return done(false);
    }
    count += 16 + 2; // the block; tst; b.ne
    if ((r & 63) === 0) {
      count += 1; // b 65f
      return done(false);
    }
    return tail(p + 64, r & 63);
  }
  // The pipelined loop: 4 loads ahead, then per iteration 4 x (store, load), subs, b.ge, then
  // 4 stores. For copy_from_user the user accesses are the loads, for copy_to_user the stores.
  const iterations = Math.floor((r - 128) / 64) + 1;
  const loopEnd = p + 64 * (iterations + 1);
  const userInstr = (k: number): number => k * (from ? USER_PAIR : 1); // k user-side (from) or kernel-side (to) loads
  if (stop >= 0 && stop < loopEnd) {
    const l = stop - p;
    const half = (stop - p) % 16 === 8 ? 1 : 0;
    if (from) {
      // The load of block offset l: preload (l < 64) or in iteration floor(l / 64) - 1.
      if (l < 64) {
        count += userInstr(Math.floor(l / 16)) + half;
        return done(false);
      }
      const it = Math.floor(l / 64) - 1;
      const k = Math.floor((l % 64) / 16);
      count += 4 * USER_PAIR + it * 18 + k * 4 + 1 + half;
      return done(false);
    }
    // copy_to_user: the store of offset l, in iteration floor(l / 64) or the epilogue.
    const it = Math.floor(l / 64);
    const k = Math.floor((l % 64) / 16);
    count += 4; // preload: four LDPs
    if (it < iterations) count += it * 18 + k * 4;
    else count += iterations * 18 + k * USER_PAIR;
    count += half;
    return done(false);
  }
  count += 16 + iterations * 18 + 2; // preload + epilogue, the iterations, tst + b.ne
  if ((r & 63) === 0) return done(false);
  return tail(loopEnd, r & 63);
}

const POPCOUNT4 = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** The tiny path over m < 16 bytes: four TBZs, three instructions per access, B 65f after the byte. */
const tinyInstructions = (m: number): number => 4 + 3 * POPCOUNT4[m] + (m & 1);

/** The tail (label 62) with bits 5:0 of the count in r: the dispatch, 4 per pair, the tiny path. */
function tailInstructions(r: number): number {
  const q = (r >>> 4) & 3;
  return (q === 0 ? 2 : q === 2 ? 4 : 5) + 4 * q + tinyInstructions(r & 15);
}

/** copyInstructions for a copy that completes: the same walk in closed form (no fault, any direction). */
function completeCopyInstructions(n: number, p: number): number {
  let c = 5 + 2; // entry, mov x6, cmp, b.lo ... mov x0, #0; ret
  if (n < 16) return c + tinyInstructions(n);
  c += 3; // neg; ands; b.eq
  if (p !== 0) c += 1 + 4 + 3 * POPCOUNT4[p];
  c += 2; // cmp x2, #64; b.ge
  const r = n - p;
  if (r < 64) return c + tailInstructions(r);
  c += 2; // subs; b.ge
  if (r < 128) return c + 16 + 2 + ((r & 63) === 0 ? 1 : tailInstructions(r & 63));
  const iterations = Math.floor((r - 128) / 64) + 1;
  return c + 16 + 18 * iterations + 2 + ((r & 63) === 0 ? 0 : tailInstructions(r & 63));
}

/** Instructions __arch_clear_user (or the v5.13 one) retires for n > 0 bytes; `bad` is the first unwritable byte or n. */
export function clearUserInstructions(n: number, bad: number, fixups: UaccessFixups): number {
  if (fixups.exactClearUser) {
    let c = 3; // add; subs; b.mi
    if (n >= 8) {
      const k = Math.max(1, Math.ceil((n - 8) / 8));
      if (bad < 8 * k) return c + 4 * Math.floor(bad / 8) + 2; // the fixup at 9
      c += 4 * k;
      if (bad < n) return c + 2;
      return c + 1 + 2; // final sttr; mov; ret
    }
    c += 1; // tbz x1, #2
    if ((n & 4) !== 0) {
      if (bad < 4) return c + 2;
      if (bad < n) return c + 1 + 3; // 8: add; 9: sub; ret
      return c + 2 + 2;
    }
    c += 1; // tbz x1, #1
    if ((n & 2) !== 0) {
      if (bad < 2) return c + 2;
      c += 1;
    }
    c += 1; // tbz x1, #0
    if ((n & 1) !== 0) {
      if (bad < n) return c + 4; // 7: sub; 8: add; 9: sub; ret
      c += 1;
    }
    return c + 2;
  }
  let c = 3; // mov; subs; b.mi
  const bulk = n - (n % 8);
  if (bad < bulk) return c + 4 * Math.floor(bad / 8) + 2;
  c += 4 * (bulk / 8);
  let at = bulk;
  for (let sz = 4; sz >= 1; sz >>>= 1) {
    c += 2; // adds; b.mi
    if ((n & sz) === 0) continue;
    if (bad < at + sz) return c + 2;
    c += sz === 1 ? 1 : 3; // sttr; add; sub (the byte store has neither)
    at += sz;
  }
  return c + 2;
}

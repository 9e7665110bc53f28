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

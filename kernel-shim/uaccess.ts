// Kernel accesses to user memory (include/linux/uaccess.h, arch/arm64/include/asm/uaccess.h):
// they use EL0 permissions and EL0's tag-check mode, as LDTR/STTR do, and a fault inside them
// becomes the exception-table fixup result -- bytes not copied, or -EFAULT -- never a signal.
// The hot path works on typed arrays: translate once per page, compare the granules' tags in a
// tight loop, then one bulk copy (DESIGN.md decision 7).

import { MemoryFault } from '../mmu/walk.js';
import type { Kernel } from './kernel.js';
import { PAGE_SIZE } from './pgtable.js';
import { TASK_SIZE } from './mm.js';

export const EFAULT = 14;

/** Where a user range stops being accessible: the first faulting byte, or the end. */
interface Reach {
  /** Bytes accessible from the start. */
  ok: number;
}

export class UserAccess {
  /** pagefault_disable() depth: with it set, translation faults go straight to the fixup. */
  pagefaultDisabled = 0;

  constructor(private readonly k: Kernel) {}

  /**
   * access_ok(): the range must lie in the user half. Tagged pointers are untagged first only
   * with PR_TAGGED_ADDR_ENABLE; otherwise a non-zero top byte puts them out of range.
   */
  accessOk(uaddr: bigint, n: number): boolean {
    const a = (this.k.taggedAddrCtrl & 1) !== 0 ? uaddr & 0x00ff_ffff_ffff_ffffn : uaddr;
    return a <= TASK_SIZE && BigInt(n) <= TASK_SIZE - a;
  }

  /**
   * Translates the page holding uaddr for an unprivileged access, faulting the page in when page
   * faults are enabled (do_page_fault → handle_mm_fault). Returns the RAM offset, or -1 when the
   * access faults for good.
   */
  private page(uaddr: bigint, write: boolean): number {
    const mmu = this.k.m.mmu;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        return mmu.translateUnprivileged(Number(uaddr & 0xffffffffn), Number((uaddr >> 32n) & 0xffffffffn), write);
      } catch (e) {
        if (!(e instanceof MemoryFault)) throw e;
        const fixable = e.kind === 'translation' || e.kind === 'access-flag';
        if (!fixable || this.pagefaultDisabled > 0 || attempt > 0) return -1;
        const untagged = BigInt.asUintN(64, BigInt.asIntN(56, uaddr));
        if (this.k.as.handleFault(untagged, write ? 'write' : 'read') !== 'mapped') return -1;
      }
    }
    return -1;
  }

  /**
   * How much of [uaddr, uaddr+n) the kernel can access: page by page, then granule by granule
   * against the pointer's logical tag when the page is tag checked. (The exact count an arm64
   * copy routine reports around a fault is modelled by the copy routines, not here.)
   */
  reach(uaddr: bigint, n: number, write: boolean): Reach {
    const tags = this.k.m.mem.tags;
    const mmu = this.k.m.mmu;
    const ptag = Number((uaddr >> 56n) & 0xfn);
    let done = 0;
    while (done < n) {
      const a = uaddr + BigInt(done);
      const off = this.page(a, write);
      if (off < 0) break;
      const inPage = Math.min(n - done, PAGE_SIZE - (off & (PAGE_SIZE - 1)));
      if (mmu.pageChecked) {
        // Compare each granule the range touches with the logical tag; stop at the first bad one.
        const first = off >>> 4;
        const last = (off + inPage - 1) >>> 4;
        let g = first;
        while (g <= last && tags[g] === ptag) g++;
        if (g <= last) {
          done += g === first ? 0 : g * 16 - off;
          break;
        }
      }
      done += inPage;
    }
    return { ok: done };
  }

  /** The RAM offsets of the accessible part, page by page (for bulk copies after `reach`). */
  private chunks(uaddr: bigint, n: number, write: boolean, fn: (off: number, at: number, len: number) => void): void {
    let done = 0;
    while (done < n) {
      const off = this.page(uaddr + BigInt(done), write);
      const len = Math.min(n - done, PAGE_SIZE - (off & (PAGE_SIZE - 1)));
      fn(off, done, len);
      done += len;
    }
  }

  /** raw_copy_from_user into dst[0..n): returns the bytes not copied. */
  copyFromUser(dst: Uint8Array, uaddr: bigint, n: number): number {
    if (n === 0) return 0;
    if (!this.accessOk(uaddr, n)) return n;
    const { ok } = this.reach(uaddr, n, false);
    const bytes = this.k.m.mem.bytes;
    this.chunks(uaddr, ok, false, (off, at, len) => dst.set(bytes.subarray(off, off + len), at));
    return n - ok;
  }

  /** raw_copy_to_user from src: returns the bytes not copied. */
  copyToUser(uaddr: bigint, src: Uint8Array): number {
    const n = src.length;
    if (n === 0) return 0;
    if (!this.accessOk(uaddr, n)) return n;
    const { ok } = this.reach(uaddr, n, true);
    const bytes = this.k.m.mem.bytes;
    this.chunks(uaddr, ok, true, (off, at, len) => bytes.set(src.subarray(at, at + len), off));
    return n - ok;
  }

  /** clear_user: returns the bytes not cleared. */
  clearUser(uaddr: bigint, n: number): number {
    return this.copyToUser(uaddr, new Uint8Array(n));
  }

  /** get_user of 1/2/4/8 bytes (little-endian, zero-extended), or undefined for -EFAULT. */
  getUser(uaddr: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
    const b = new Uint8Array(size);
    if (this.copyFromUser(b, uaddr, size) !== 0) return undefined;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  }

  /** put_user: false for -EFAULT. */
  putUser(uaddr: bigint, size: 1 | 2 | 4 | 8, value: bigint): boolean {
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    return this.copyToUser(uaddr, b) === 0;
  }

  /** strncpy_from_user: the string's bytes (without the NUL), or -EFAULT; `max` bytes at most. */
  strncpyFromUser(uaddr: bigint, max: number): Uint8Array | number {
    const out: number[] = [];
    const chunk = new Uint8Array(1);
    for (let i = 0; i < max; i++) {
      if (this.copyFromUser(chunk, uaddr + BigInt(i), 1) !== 0) return -EFAULT;
      if (chunk[0] === 0) return Uint8Array.from(out);
      out.push(chunk[0]);
    }
    return Uint8Array.from(out);
  }
}

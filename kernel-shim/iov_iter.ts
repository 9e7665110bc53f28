// User-memory iterators (Linux include/linux/uio.h, lib/iov_iter.c): the segments of a read or
// write (ITER_UBUF for a single buffer, ITER_IOVEC for readv/writev), the copies between them
// and kernel pages, and the fault-in helpers the buffered I/O loops call after a short copy.
// Each function is named after the Linux function it follows.

import type { Kernel } from './kernel.js';
import { EFAULT, EINVAL } from './errno.js';
import { faultInIovIterReadable, faultInIovIterWriteable, type IovIter as FaultInIter } from './faultin.js';
import { RetryLoop } from './retry.js';

const READ_CALL_TRACE = ['copy_page_to_iter', 'shmem_file_read_iter', 'vfs_read', 'ksys_read', '__arm64_sys_read'];

/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;
/** UIO_MAXIOV. */
export const UIO_MAXIOV = 1024;

export interface IoSegment {
  base: bigint;
  len: number;
}

/** struct iov_iter over user memory (the fields faultin.ts reads are its IovIter). */
export class IovIter implements FaultInIter {
  readonly user = true;
  /** Index of the current segment. */
  segment = 0;
  /** iov_offset: how far into the current segment the iterator is. */
  offset = 0;

  constructor(
    /** ITER_UBUF (one buffer) or ITER_IOVEC. */
    readonly kind: 'ubuf' | 'iovec',
    readonly iov: IoSegment[],
    /** iov_iter_count(). */
    public count: number,
  ) {}

  /** iov_iter_ubuf(): one user buffer (callers have done access_ok and clamped the length). */
  static ubuf(base: bigint, len: number): IovIter {
    return new IovIter('ubuf', [{ base, len }], len);
  }

  /**
   * import_iovec() (__import_iovec, iovec_from_user): reads nrSegs struct iovec {base, len}
   * from user memory. More than UIO_MAXIOV segments or a negative length is -EINVAL, an
   * unreadable array or a segment access_ok refuses is -EFAULT; lengths are clamped so the total
   * stays within MAX_RW_COUNT. One segment becomes an ITER_UBUF (__import_iovec_ubuf, since
   * Linux 6.4), whose length is clamped before access_ok.
   */
  static importIovec(k: Kernel, uvec: bigint, nrSegs: number): IovIter | number {
    if (nrSegs > UIO_MAXIOV) return -EINVAL;
    if (nrSegs === 0) return new IovIter('iovec', [], 0);
    const raw = new Uint8Array(nrSegs * 16);
    if (k.uaccess.copyFromUser(raw, uvec, raw.length) !== 0) return -EFAULT;
    const view = new DataView(raw.buffer);
    const segs: IoSegment[] = [];
    for (let i = 0; i < nrSegs; i++) {
      const len = view.getBigInt64(i * 16 + 8, true);
      if (len < 0n) return -EINVAL;
      segs.push({ base: view.getBigUint64(i * 16, true), len: Number(len) });
    }
    if (nrSegs === 1) {
      const s = segs[0];
      if (s.len > MAX_RW_COUNT) s.len = MAX_RW_COUNT;
      if (!k.uaccess.accessOk(s.base, s.len)) return -EFAULT;
      return new IovIter('ubuf', segs, s.len);
    }
    let total = 0;
    for (const s of segs) {
      if (!k.uaccess.accessOk(s.base, s.len)) return -EFAULT;
      if (s.len > MAX_RW_COUNT - total) s.len = MAX_RW_COUNT - total;
      total += s.len;
    }
    return new IovIter('iovec', segs, total);
  }

  /** The user address and contiguous length at the iterator's position (iterate_iovec's step). */
  private current(): { addr: bigint; len: number } | undefined {
    while (this.segment < this.iov.length && this.offset >= this.iov[this.segment].len) {
      this.segment++;
      this.offset = 0;
    }
    if (this.segment >= this.iov.length || this.count === 0) return undefined;
    const s = this.iov[this.segment];
    return { addr: s.base + BigInt(this.offset), len: Math.min(s.len - this.offset, this.count) };
  }

  /** iov_iter_advance(). */
  advance(n: number): void {
    this.count -= n;
    while (n > 0) {
      const s = this.iov[this.segment];
      const step = Math.min(n, s.len - this.offset);
      this.offset += step;
      n -= step;
      if (this.offset >= s.len && n > 0) {
        this.segment++;
        this.offset = 0;
      }
    }
  }

  /** iov_iter_revert(). */
  revert(n: number): void {
    this.count += n;
    while (n > 0) {
      if (this.offset === 0) {
        this.segment--;
        this.offset = this.iov[this.segment].len;
      }
      const step = Math.min(n, this.offset);
      this.offset -= step;
      n -= step;
    }
  }

  /** The user address at the iterator's position and the bytes of its segment from there, or undefined at the end. */
  position(): { addr: bigint; len: number } | undefined {
    return this.current();
  }

  /** iov_iter_single_seg_count(): the bytes left in the current segment (capped by the count). */
  singleSegCount(): number {
    const c = this.current();
    return c === undefined ? 0 : c.len;
  }

  /** iov_iter_truncate(). */
  truncate(count: number): void {
    if (count < this.count) this.count = count;
  }

  /**
   * copy_page_from_iter_atomic() / copy_folio_from_iter_atomic(): copies up to `bytes` from the
   * user segments into page[offset, offset + bytes) with __copy_from_user_inatomic (no zeroing of
   * the uncopied part), segment by segment, stopping at the first short copy; the iterator
   * advances by what was copied. The caller has disabled page faults. `kernelAddr` is the page's
   * kernel address (the copy pattern depends on the destination's low bits only through it).
   */
  copyPageFromIterAtomic(k: Kernel, page: Uint8Array, offset: number, bytes: number, kernelAddr: number): number {
    let copied = 0;
    bytes = Math.min(bytes, this.count);
    while (copied < bytes) {
      const c = this.current();
      if (!c) break;
      const len = Math.min(c.len, bytes - copied);
      const left = k.uaccess.accessOk(c.addr, len) ? k.uaccess.copyFromUserInatomic(page.subarray(offset + copied, offset + copied + len), c.addr, len, kernelAddr + offset + copied) : len;
      const done = len - left;
      this.advance(done);
      copied += done;
      if (left !== 0) break;
    }
    return copied;
  }

  /**
   * copy_page_to_iter() / _copy_to_iter(): copies src to the user segments with copy_to_user
   * (access_ok, then raw_copy_to_user), stopping at the first short copy; returns the bytes
   * copied, and the iterator advances by them. Page faults stay enabled.
   */
  copyToIter(k: Kernel, src: Uint8Array, kernelAddr: number): number {
    let copied = 0;
    const bytes = Math.min(src.length, this.count);
    while (copied < bytes) {
      const c = this.current();
      if (!c) break;
      const len = Math.min(c.len, bytes - copied);
      const left = k.uaccess.accessOk(c.addr, len) ? k.uaccess.rawCopyToUser(c.addr, src.subarray(copied, copied + len), kernelAddr + copied) : len;
      const done = len - left;
      this.advance(done);
      copied += done;
      if (left !== 0) break;
    }
    return copied;
  }

  /**
   * copy_page_to_iter(): since 08aa64796016 ("teach copy_page_to_iter() to handle compound
   * pages", v5.14) _copy_to_iter over the page from `offset`, again and again while it makes
   * progress -- a short copy is retried from the first byte not copied, and only a copy that
   * moves nothing (or the end) stops it. So a read converges on the first byte the copy routine
   * cannot store, even though one copy_to_user may stop short of it. Before (the linux-5.13
   * profile), one copy_page_to_iter_iovec: one copyout per segment, stopping at a short one.
   */
  copyPageToIter(k: Kernel, page: Uint8Array, offset: number, bytes: number, kernelAddr: number): number {
    if (!k.profile.behaviour.copyPageToIterLoop) return this.copyToIter(k, page.subarray(offset, offset + bytes), kernelAddr + offset);
    let res = 0;
    let loop: RetryLoop | undefined;
    while (bytes > 0) {
      const n = this.copyToIter(k, page.subarray(offset, offset + bytes), kernelAddr + offset);
      res += n;
      bytes -= n;
      if (n === 0 || bytes === 0) break;
      offset += n;
      // A short copy that moved something: the loop goes round again (it cannot spin: n > 0).
      loop ??= new RetryLoop(k, 'copy_page_to_iter', READ_CALL_TRACE);
      if (!loop.retry(true, this.current()?.addr ?? 0n, bytes)) break;
    }
    return res;
  }

  /**
   * iov_iter_zero(): clear_user over the segments, up to `bytes`, stopping at the first short
   * clear; returns the bytes cleared (the iterator advances by them).
   */
  zero(k: Kernel, bytes: number): number {
    let done = 0;
    bytes = Math.min(bytes, this.count);
    while (done < bytes) {
      const c = this.current();
      if (!c) break;
      const len = Math.min(c.len, bytes - done);
      const left = k.uaccess.clearUser(c.addr, len);
      this.advance(len - left);
      done += len - left;
      if (left !== 0) break;
    }
    return done;
  }

  /** _copy_from_iter(): like copyPageFromIterAtomic with page faults enabled (pipes, small buffers). */
  copyFromIter(k: Kernel, dst: Uint8Array, kernelAddr: number): number {
    return this.copyPageFromIterAtomic(k, dst, 0, dst.length, kernelAddr);
  }

  /** fault_in_iov_iter_readable() (faultin.ts): the bytes of the next `size` NOT faulted in. */
  faultInReadable(k: Kernel, size: number): number {
    return faultInIovIterReadable(k, this, size);
  }

  /** fault_in_iov_iter_writeable() (faultin.ts). */
  faultInWriteable(k: Kernel, size: number): number {
    return faultInIovIterWriteable(k, this, size);
  }
}

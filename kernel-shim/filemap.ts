// Buffered I/O on tmpfs, through the same loops as Linux (mm/filemap.c, mm/shmem.c): the copy
// with page faults disabled, the fault-in after a copy that made no progress, and the retry
// that makes a write converge to exactly the bytes before the first bad granule, while a read
// ends at its first short copy. One function per kernel routine, named after it; the kernel
// profile (profiles.ts) picks generic_perform_write's form: v5.13, v5.16-v5.17, v5.18-v6.13 or
// v6.14+ (kernel-uaccess.md §1.5).
//
// Every loop counts its retries and is watched for livelock (retry.ts), and takes the unmerged
// proposals into account when the profile adds them: +retriable-uaccess and +distinct-errors make
// a short copy that hit a sub-page fault end the write instead of faulting in and retrying.
//
// Page-cache pages are frames of guest RAM (vfs.ts); for the copy routines' access pattern only
// the offset in the page matters (their kernel addresses are page aligned).

import type { Kernel } from './kernel.js';
import { EFAULT, EFBIG, EINTR, EINVAL } from './errno.js';
import { IovIter } from './iov_iter.js';
import { MAX_LFS_FILESIZE, O_APPEND, O_DIRECT, O_NOATIME, PAGE_SHIFT, PAGE_SIZE, type Inode, type OpenFile } from './vfs.js';
import type { Timespec } from './time.js';
import { RetryLoop } from './retry.js';
import { iovIterFaultInReadable } from './faultin.js';
import type { PerformWriteForm } from './profiles.js';

/**
 * Instructions charged on a timed machine for the kernel's own work in the write loop (an
 * assumption, as for the other charges of the shim): each pass of generic_perform_write
 * (cond_resched, balance_dirty_pages_ratelimited, flush_dcache_folio, the loop), and tmpfs's
 * write_begin (shmem_get_folio's page-cache lookup, locking the folio) and write_end.
 */
const PERFORM_WRITE_PASS_INSTRUCTIONS = 40;
const SHMEM_WRITE_BEGIN_INSTRUCTIONS = 60;
const SHMEM_WRITE_END_INSTRUCTIONS = 40;
/** The call chain reported when the buffered write loop livelocks. */
const WRITE_CALL_TRACE = ['generic_perform_write', 'shmem_file_write_iter', 'vfs_write', 'ksys_write', '__arm64_sys_write'];

const PAGE = BigInt(PAGE_SIZE);
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

/** struct kiocb: the file, the position the I/O starts at, and the flags that matter here. */
export interface Kiocb {
  file: OpenFile;
  /** ki_pos. */
  pos: bigint;
  /** IOCB_APPEND (from O_APPEND): writes go to the end of the file. */
  append: boolean;
  /** IOCB_DIRECT (from O_DIRECT): recorded; tmpfs serves it with the buffered loops. */
  direct: boolean;
}

export function initSyncKiocb(file: OpenFile, pos: bigint): Kiocb {
  return { file, pos, append: (file.flags & O_APPEND) !== 0, direct: (file.flags & O_DIRECT) !== 0 };
}

/** ->write_begin / ->write_end of an address space (struct address_space_operations). */
export interface WriteAops {
  /** Returns the page cache page for [pos, pos + len) locked for writing, or -errno. */
  writeBegin(k: Kernel, file: OpenFile, pos: bigint, len: number): Uint8Array | number;
  /** Commits `copied` of `len` bytes at pos; returns the bytes accepted (may be 0 after a short copy). */
  writeEnd(k: Kernel, file: OpenFile, pos: bigint, len: number, copied: number, page: Uint8Array): number;
}

/** The generic_perform_write variant (kernel version profiles pick one). */
export type PerformWrite = (k: Kernel, iocb: Kiocb, i: IovIter, aops: WriteAops) => number;

/**
 * The buffered I/O routines a kernel uses. Each is one Linux function; the kernel's profile
 * picks them (generic_perform_write's form), and tests may replace any of them.
 */
export interface BufferedIo {
  generic_perform_write: PerformWrite;
  /** tmpfs's address_space_operations (write_begin/write_end). */
  shmem_aops: WriteAops;
  shmem_file_read_iter: (k: Kernel, iocb: Kiocb, to: IovIter) => number;
}

const routines = new WeakMap<Kernel, BufferedIo>();

/** generic_perform_write's form for each profile (profiles.ts PerformWriteForm). */
const PERFORM_WRITE: Record<PerformWriteForm, PerformWrite> = {
  'v5.13': generic_perform_write_v5_13,
  'v5.16': generic_perform_write_v5_16,
  'v5.18': generic_perform_write_v5_16,
  'v6.14': generic_perform_write,
};

/** The kernel's buffered I/O routines: its profile's, unless some were replaced. */
export function bufferedIo(k: Kernel): BufferedIo {
  let p = routines.get(k);
  if (!p) {
    p = { generic_perform_write: PERFORM_WRITE[k.profile.behaviour.performWrite], shmem_aops: SHMEM_AOPS, shmem_file_read_iter };
    routines.set(k, p);
  }
  return p;
}

/** Replaces some of a kernel's buffered I/O routines. */
export function setBufferedIo(k: Kernel, replaced: Partial<BufferedIo>): void {
  routines.set(k, { ...bufferedIo(k), ...replaced });
}

/**
 * shmem_write_begin (mm/shmem.c): shmem_get_folio(SGP_WRITE) allocates the page if the file has
 * none there (-ENOSPC when the tmpfs is full).
 */
export function shmem_write_begin(k: Kernel, file: OpenFile, pos: bigint, _len: number): Uint8Array | number {
  k.m.timing?.chargeKernelInstructions('alu', SHMEM_WRITE_BEGIN_INSTRUCTIONS);
  const pa = k.files.getPage(file.inode, Number(pos >> BigInt(PAGE_SHIFT)));
  return pa < 0 ? pa : k.files.pageBytes(pa);
}

/**
 * shmem_write_end (mm/shmem.c): accepts a short copy as it is -- i_size grows to pos + copied,
 * and a page that was not up to date has everything but the copied bytes zeroed. Returns copied.
 */
export function shmem_write_end(k: Kernel, file: OpenFile, pos: bigint, _len: number, copied: number, _page: Uint8Array): number {
  k.m.timing?.chargeKernelInstructions('alu', SHMEM_WRITE_END_INSTRUCTIONS);
  const inode = file.inode;
  if (pos + BigInt(copied) > inode.size) inode.size = pos + BigInt(copied);
  return copied;
}

/** shmem_aops: the tmpfs write_begin/write_end pair. */
export const SHMEM_AOPS: WriteAops = { writeBegin: shmem_write_begin, writeEnd: shmem_write_end };

/**
 * The atomic copy of a write pass: copy_page_from_iter_atomic() with page faults disabled, and
 * around it what the profile's unmerged options add. Returns the bytes copied; `subpageStop` says
 * whether the copy was short because of a sub-page fault that the option reports, so the loop
 * must not fault in and retry:
 *   +retriable-uaccess: begin_retriable_uaccess() / end_retriable_uaccess() around the copy
 *     (Catalin Marinas' sketch: "retry = end_retriable_uaccess(uaccess_flags); if (!retry)
 *     break;"), consulted when the copy was short;
 *   +distinct-errors: the copy's -EACCES (a tag check fault stopped it) instead of -EFAULT.
 */
export function copyFromIterAtomic(k: Kernel, i: IovIter, page: Uint8Array, offset: number, bytes: number): number {
  const o = k.profile.options;
  const old = o.retriableUaccess ? k.thread.beginRetriable() : 0;
  k.thread.lastFault = undefined;
  k.uaccess.pagefaultDisable();
  let copied: number;
  try {
    copied = i.copyPageFromIterAtomic(k, page, offset, bytes, 0);
  } finally {
    k.uaccess.pagefaultEnable();
  }
  subpageStop = false;
  if (o.retriableUaccess && k.thread.endRetriable(old) && copied < bytes) subpageStop = true;
  if (o.distinctErrors && copied < bytes && k.thread.lastFault === 'tagCheck') subpageStop = true;
  return copied;
}

/** Set by copyFromIterAtomic: the short copy was a sub-page fault the profile's options report. */
export let subpageStop = false;

/**
 * The top of a write pass ("again:"): after a short pass the loop goes round again, which the
 * watchdog counts; then the pass's own work is charged. False when the watchdog stopped the loop.
 */
function startPass(k: Kernel, loop: RetryLoop, i: IovIter, short: boolean, progress: boolean): boolean {
  if (short && !loop.retry(progress, iterAddress(i), i.count)) return false;
  k.m.timing?.chargeKernelInstructions('alu', PERFORM_WRITE_PASS_INSTRUCTIONS);
  return true;
}

/** The user address the iterator is at (for livelock reports). */
function iterAddress(i: IovIter): bigint {
  return i.position()?.addr ?? 0n;
}

/**
 * generic_perform_write (mm/filemap.c, v6.14+: 665575cff098 "filemap: move prefaulting out of
 * hot write path"). Per page-sized chunk: write_begin; copy from the iterator with page faults
 * disabled (copy_folio_from_iter_atomic); write_end. When write_end accepts nothing: if the copy
 * moved some bytes, retry the chunk with bytes = copied; if it moved none, fault in the chunk
 * (fault_in_iov_iter_readable) and fail with -EFAULT only if none of it could be faulted in.
 * Returns the bytes written, or the error if nothing was.
 */
export function generic_perform_write(k: Kernel, iocb: Kiocb, i: IovIter, aops: WriteAops = SHMEM_AOPS): number {
  let pos = iocb.pos;
  // mapping_max_folio_size: tmpfs without huge pages uses order-0 folios.
  let chunk = PAGE_SIZE;
  let status = 0;
  let written = 0;
  const loop = new RetryLoop(k, 'generic_perform_write', WRITE_CALL_TRACE);
  let short = false;
  let progress = false;
  outer: do {
    let bytes = i.count;
    for (;;) {
      if (!startPass(k, loop, i, short, progress)) {
        status = -EINTR;
        break outer;
      }
      const offset = Number(pos & BigInt(chunk - 1));
      bytes = Math.min(chunk - offset, bytes);
      const page = aops.writeBegin(k, iocb.file, pos, bytes);
      if (typeof page === 'number') {
        status = page;
        break;
      }
      const inPage = Number(pos & (PAGE - 1n));
      if (bytes > PAGE_SIZE - inPage) bytes = PAGE_SIZE - inPage;
      const copied = copyFromIterAtomic(k, i, page, inPage, bytes);
      const stop = subpageStop;
      status = aops.writeEnd(k, iocb.file, pos, bytes, copied, page);
      if (status !== copied) {
        i.revert(copied - Math.max(status, 0));
        if (status < 0) break;
      }
      short = copied < bytes;
      progress = status > 0;
      if (status === 0) {
        // A short copy made write_end reject the whole chunk.
        if (chunk > PAGE_SIZE) chunk /= 2;
        if (stop) {
          status = -EFAULT;
          break;
        }
        if (copied !== 0) {
          bytes = copied;
          continue;
        }
        // The page is unlocked now: faults on it can be handled. Ensure forward progress.
        if (i.faultInReadable(k, bytes) === bytes) status = -EFAULT;
      } else {
        pos += BigInt(status);
        written += status;
        if (stop) {
          status = -EFAULT;
          break outer;
        }
      }
      break;
    }
    if (status < 0) break;
  } while (i.count > 0);
  if (written === 0) return status;
  iocb.pos += BigInt(written);
  return written;
}

/**
 * generic_perform_write, v5.16 to v6.13 (the `performWrite` forms 'v5.16' and 'v5.18'): per
 * page-sized chunk, fault in first -- fault_in_iov_iter_readable(i, bytes) -- then write_begin,
 * the atomic copy, write_end; a rejected short copy retries with bytes = copied. The fault-in
 * result is -EFAULT when it is non-zero in v5.16-v5.17 (bb523b406c84, a6294593e8a1: a partial
 * fault-in fails the whole chunk, the short-write regression), and only when nothing could be
 * faulted in from v5.18 (631f871f0717 "fs/iomap: Fix buffered write page prefaulting").
 */
export function generic_perform_write_v5_16(k: Kernel, iocb: Kiocb, i: IovIter, aops: WriteAops = SHMEM_AOPS): number {
  const anyShortFails = k.profile.behaviour.performWrite === 'v5.16';
  let pos = iocb.pos;
  let status = 0;
  let written = 0;
  const loop = new RetryLoop(k, 'generic_perform_write', WRITE_CALL_TRACE);
  let short = false;
  let progress = false;
  outer: do {
    const offset = Number(pos & (PAGE - 1n));
    let bytes = Math.min(PAGE_SIZE - offset, i.count);
    for (;;) {
      // again:
      if (!startPass(k, loop, i, short, progress)) {
        status = -EINTR;
        break outer;
      }
      const notFaulted = i.faultInReadable(k, bytes);
      if (anyShortFails ? notFaulted !== 0 : notFaulted === bytes) {
        status = -EFAULT;
        break outer;
      }
      const page = aops.writeBegin(k, iocb.file, pos, bytes);
      if (typeof page === 'number') {
        status = page;
        break outer;
      }
      const copied = copyFromIterAtomic(k, i, page, offset, bytes);
      const stop = subpageStop;
      status = aops.writeEnd(k, iocb.file, pos, bytes, copied, page);
      if (status !== copied) {
        i.revert(copied - Math.max(status, 0));
        if (status < 0) break outer;
      }
      short = copied < bytes;
      progress = status > 0;
      if (status === 0) {
        // A short copy made ->write_end() reject the thing entirely.
        if (stop) {
          status = -EFAULT;
          break outer;
        }
        if (copied !== 0) bytes = copied;
        continue;
      }
      pos += BigInt(status);
      written += status;
      if (stop) {
        status = -EFAULT;
        break outer;
      }
      break;
    }
  } while (i.count > 0);
  if (written === 0) return status;
  iocb.pos += BigInt(written);
  return written;
}

/**
 * generic_perform_write, v5.13 (before "generic_perform_write()/iomap_write_actor(): saner logics
 * for short copy", v5.14): per page-sized chunk, iov_iter_fault_in_readable(i, bytes) -- the
 * pre-5.16 probes of the first byte, each page step and a spilled last byte, 0 or -EFAULT --,
 * write_begin, iov_iter_copy_from_user_atomic() (the iterator does not move), write_end, then
 * the iterator advances by what write_end accepted. A copy of nothing falls back to "a single
 * segment length write" and goes round again: with 295cf156231c missing, an unaligned access
 * that straddles into a bad granule copies nothing while the fault-in probe of its first byte
 * succeeds, and the loop never ends (Catalin's reproducer, kernel-uaccess.md §6).
 */
export function generic_perform_write_v5_13(k: Kernel, iocb: Kiocb, i: IovIter, aops: WriteAops = SHMEM_AOPS): number {
  let pos = iocb.pos;
  let status = 0;
  let written = 0;
  const loop = new RetryLoop(k, 'generic_perform_write', WRITE_CALL_TRACE);
  let short = false;
  let progress = false;
  outer: do {
    const offset = Number(pos & (PAGE - 1n));
    let bytes = Math.min(PAGE_SIZE - offset, i.count);
    for (;;) {
      // again:
      if (!startPass(k, loop, i, short, progress)) {
        status = -EINTR;
        break outer;
      }
      if (iovIterFaultInReadable(k, i, bytes) !== 0) {
        status = -EFAULT;
        break outer;
      }
      const page = aops.writeBegin(k, iocb.file, pos, bytes);
      if (typeof page === 'number') {
        status = page;
        break outer;
      }
      // iov_iter_copy_from_user_atomic() copies without advancing the iterator.
      const copied = copyFromIterAtomic(k, i, page, offset, bytes);
      const stop = subpageStop;
      i.revert(copied);
      status = aops.writeEnd(k, iocb.file, pos, bytes, copied, page);
      if (status < 0) break outer;
      i.advance(status);
      short = copied < bytes;
      progress = status > 0;
      if (stop) {
        pos += BigInt(status);
        written += status;
        status = -EFAULT;
        break outer;
      }
      if (status === 0) {
        // "If we were unable to copy any data at all, we must fall back to a single segment
        // length write."
        bytes = Math.min(PAGE_SIZE - offset, i.singleSegCount());
        continue;
      }
      pos += BigInt(status);
      written += status;
      break;
    }
  } while (i.count > 0);
  if (written === 0) return status;
  iocb.pos += BigInt(written);
  return written;
}

/**
 * generic_write_checks (mm/filemap.c, fs/read_write.c): O_APPEND moves the position to the end
 * of the file; a position at or beyond s_maxbytes (MAX_LFS_FILESIZE, with RLIMIT_FSIZE
 * unlimited) is -EFBIG, and the count is cut so the write ends there. Returns the count left.
 */
export function generic_write_checks(_k: Kernel, iocb: Kiocb, from: IovIter): number {
  if (iocb.append) iocb.pos = iocb.file.inode.size;
  const count = from.count;
  if (iocb.pos >= MAX_LFS_FILESIZE) return -EFBIG;
  if (BigInt(count) > MAX_LFS_FILESIZE - iocb.pos) from.truncate(Number(MAX_LFS_FILESIZE - iocb.pos));
  return from.count;
}

/** file_update_time: mtime and ctime to now. */
export function file_update_time(k: Kernel, inode: Inode): void {
  inode.touchM(k.files.now());
}

/**
 * shmem_file_write_iter (mm/shmem.c): generic_write_checks, file_update_time, then
 * generic_perform_write (also for O_DIRECT, as tmpfs has done since Linux 6.6: "trivial support
 * for direct IO"), each as the kernel's profile has it (bufferedIo).
 */
export function shmem_file_write_iter(k: Kernel, iocb: Kiocb, from: IovIter): number {
  const ret = generic_write_checks(k, iocb, from);
  if (ret <= 0) return ret;
  file_update_time(k, iocb.file.inode);
  const io = bufferedIo(k);
  return io.generic_perform_write(k, iocb, from, io.shmem_aops);
}

/**
 * shmem_file_read_iter (mm/shmem.c; tmpfs's read, which has the same shape as filemap_read):
 * page by page up to i_size, one copy_page_to_iter per page with page faults enabled -- a hole
 * (no page) is copied from ZERO_PAGE -- and a page copied short ends the read: the bytes copied
 * so far, or -EFAULT if there were none. No fault-in; copy_page_to_iter itself retries after a
 * short copy_to_user until a copy moves nothing, so the count stops at the first byte that
 * cannot be stored (Linux 6.1 under QEMU with MTE: read(fd, p + 14, 8) with granule 1 bad is 2).
 * The file position ends where the copy stopped.
 */
export function shmem_file_read_iter(k: Kernel, iocb: Kiocb, to: IovIter): number {
  const inode = iocb.file.inode;
  let index = iocb.pos >> BigInt(PAGE_SHIFT);
  let offset = Number(iocb.pos & (PAGE - 1n));
  let error = 0;
  let retval = 0;
  for (;;) {
    const iSize = inode.size;
    const endIndex = iSize >> BigInt(PAGE_SHIFT);
    if (index > endIndex) break;
    let nr = PAGE_SIZE;
    if (index === endIndex) {
      nr = Number(iSize & (PAGE - 1n));
      if (nr <= offset) break;
    }
    nr -= offset;
    const pa = inode.pages.get(Number(index));
    const page = pa === undefined ? ZERO_PAGE : k.files.pageBytes(pa);
    const ret = to.copyPageToIter(k, page, offset, Math.min(nr, to.count), 0);
    retval += ret;
    offset += ret;
    index += BigInt(offset >> PAGE_SHIFT);
    offset &= PAGE_SIZE - 1;
    if (to.count === 0) break;
    if (ret < nr) {
      error = -EFAULT;
      break;
    }
  }
  iocb.pos = (index << BigInt(PAGE_SHIFT)) + BigInt(offset);
  file_accessed(k, iocb.file);
  return retval !== 0 ? retval : error;
}

/**
 * file_accessed → touch_atime with relatime (tmpfs's default): atime moves only when it is not
 * newer than mtime or ctime, or is a day old; never with O_NOATIME.
 */
export function file_accessed(k: Kernel, file: OpenFile): void {
  if ((file.flags & O_NOATIME) !== 0) return;
  const inode = file.inode;
  const now = k.files.now();
  const cmp = (a: Timespec, b: Timespec): number => (a.sec !== b.sec ? (a.sec < b.sec ? -1 : 1) : a.nsec < b.nsec ? -1 : a.nsec > b.nsec ? 1 : 0);
  if (cmp(inode.mtime, inode.atime) >= 0 || cmp(inode.ctime, inode.atime) >= 0 || now.sec - inode.atime.sec >= 86400n) inode.atime = now;
}

/**
 * do_truncate → shmem_setattr for a regular tmpfs file: the new size (EFBIG beyond
 * MAX_LFS_FILESIZE, via inode_newsize_ok), pages beyond it freed, the partial last page's tail
 * zeroed, mtime and ctime updated when the size changes.
 */
export function shmem_truncate(k: Kernel, inode: Inode, size: bigint): number {
  if (size < 0n) return -EINVAL;
  if (size > MAX_LFS_FILESIZE) return -EFBIG;
  // Same size: nothing changes, not even ctime.
  if (size === inode.size) return 0;
  if (size < inode.size) k.files.truncatePages(inode, size);
  inode.size = size;
  inode.touchM(k.files.now());
  return 0;
}

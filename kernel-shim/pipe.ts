// The standard streams: descriptors 0-2 are pipes whose other ends are the host's stdin,
// stdout and stderr (fs/pipe.c pipe_read/pipe_write). The host end is always ready: what is
// written is handed to the host at once (the pipe is empty at every write), and a read that
// finds the pipe empty asks the host for data (blocking as a pipe read does; end of file when
// the host has none).

import type { Kernel } from './kernel.js';
import { EFAULT } from './errno.js';
import type { IovIter } from './iov_iter.js';
import { PAGE_SIZE, type HostPipe } from './vfs.js';

/** How much a read asks the host for at once (the pipe's default capacity, 16 pages). */
const PIPE_DEF_CAPACITY = 16 * PAGE_SIZE;

/**
 * pipe_write: a null write succeeds; then page by page, a new pipe buffer filled by
 * copy_page_from_iter (page faults enabled). A short copy with data still to come discards that
 * page and ends the write: the bytes of the pages already queued, or -EFAULT if none.
 */
export function pipe_write(k: Kernel, pipe: HostPipe, from: IovIter): number {
  if (from.count === 0) return 0;
  let ret = 0;
  for (;;) {
    const page = new Uint8Array(PAGE_SIZE);
    const copied = from.copyFromIter(k, page, 0);
    if (copied < PAGE_SIZE && from.count > 0) {
      if (ret === 0) ret = -EFAULT;
      break;
    }
    ret += copied;
    pipe.sink?.write(page.subarray(0, copied));
    if (from.count === 0) break;
  }
  return ret;
}

/**
 * pipe_read: a null read succeeds; each pipe buffer (a page at most) goes out with one
 * copy_page_to_iter. A short copy leaves that buffer in the pipe and ends the read: the bytes
 * read before it, or -EFAULT. With the pipe empty, the read waits for the writer (the host), and
 * returns 0 at end of file.
 */
export function pipe_read(k: Kernel, pipe: HostPipe, to: IovIter): number {
  if (to.count === 0) return 0;
  let ret = 0;
  for (;;) {
    if (pipe.pending.length === 0) {
      if (ret !== 0) break;
      const data = pipe.source?.(Math.min(to.count, PIPE_DEF_CAPACITY)) ?? new Uint8Array(0);
      if (data.length === 0) break;
      pipe.pending = data.slice();
    }
    const chars = Math.min(pipe.pending.length, PAGE_SIZE, to.count);
    const written = to.copyPageToIter(k, pipe.pending, 0, chars, 0);
    if (written < chars) {
      if (ret === 0) ret = -EFAULT;
      break;
    }
    ret += chars;
    pipe.pending = pipe.pending.subarray(chars);
    if (to.count === 0) break;
  }
  return ret;
}

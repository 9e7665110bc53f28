// The scenario devices (issue 5): kernel code from the discussion that granule's tmpfs does not
// exercise, each behind a node in /dev, following the kernel's code as the profile has it.
//
//   /dev/granule-treesearch  BTRFS_IOC_TREE_SEARCH_V2 on a small btrfs-like tree (fs/btrfs/
//                            ioctl.c btrfs_ioctl_tree_search_v2 → search_ioctl → copy_to_sk):
//                            fixed-size items copied with copy_to_user_nofault, the fault-in
//                            before each search and the retry (kernel-uaccess.md §1.4).
//   /dev/granule-dio         a regular file on a btrfs-like file system with 4 KiB sectors:
//                            O_DIRECT goes through iomap direct I/O (user pages pinned, data
//                            moved through kernel mappings, never tag checked), falling back to
//                            buffered I/O for unaligned requests, as btrfs does (§1.6).
//   /dev/granule-faultin     ioctls that call fault_in_readable/writeable/safe_writeable,
//                            probe_subpage_writeable and fault_in_subpage_writeable on a user
//                            range and return their value (scenarios 12-14).
//   /dev/granule-perf        arms the perf-like sampler (perf.ts).

import type { Kernel } from './kernel.js';
import { EFAULT, EINTR, EINVAL, ENOTBLK, ENOTTY, EOVERFLOW } from './errno.js';
import { IovIter } from './iov_iter.js';
import { FMODE_CAN_ODIRECT, O_DIRECT, PAGE_SIZE, S_IFCHR, S_IFREG, type Inode, type OpenFile } from './vfs.js';
import { bufferedIo, initSyncKiocb, generic_write_checks, file_update_time } from './filemap.js';
import { faultInPagesReadable, faultInPagesWriteable, faultInReadable, faultInSafeWriteable, faultInSubpageWriteable, faultInWriteable, probeSubpageWriteable } from './faultin.js';
import { RetryLoop } from './retry.js';
import { DEFAULT_SAMPLE_DEPTH, PerfSampler } from './perf.js';
import { MemoryFault } from '../mmu/walk.js';

const PAGE = BigInt(PAGE_SIZE);

/** The devices' major number (a misc-like number of granule's own) and minors. */
const GRANULE_MAJOR = 240n;

export function registerScenarioDevices(k: Kernel): void {
  const f = k.files;
  f.addDevice('granule-treesearch', S_IFCHR | 0o666, { unlocked_ioctl: treeSearchIoctl }, (GRANULE_MAJOR << 8n) | 1n);
  f.addDevice('granule-faultin', S_IFCHR | 0o666, { unlocked_ioctl: faultInIoctl }, (GRANULE_MAJOR << 8n) | 2n);
  f.addDevice('granule-perf', S_IFCHR | 0o666, { unlocked_ioctl: perfIoctl }, (GRANULE_MAJOR << 8n) | 3n);
  const dio = f.addDevice('granule-dio', S_IFREG | 0o666, { read_iter: dioReadIter, write_iter: dioWriteIter, directIo: true });
  dio.size = BigInt(DIO_FILE_PAGES * PAGE_SIZE);
}

// ---- /dev/granule-treesearch: btrfs search_ioctl

/** _IOWR(BTRFS_IOCTL_MAGIC 0x94, 17, struct btrfs_ioctl_search_args_v2) (112 bytes). */
export const BTRFS_IOC_TREE_SEARCH_V2 = 0xc0709411;
/** struct btrfs_ioctl_search_key (104 bytes), then __u64 buf_size, then the buffer. */
const SEARCH_KEY_SIZE = 104;
const SEARCH_ARGS_V2_SIZE = 112;
/** struct btrfs_ioctl_search_header: transid, objectid, offset (u64), type, len (u32). */
const SEARCH_HEADER_SIZE = 32;
/** btrfs_ioctl_tree_search_v2: results are limited to 16 MiB. */
const SEARCH_BUF_LIMIT = 16 * 1024 * 1024;

/** The tree: TREE_ITEMS items of ITEM_SIZE bytes, LEAF_ITEMS per leaf, keys (256 + i, 1, 0), transid 7. */
export const TREE_ITEMS = 64;
export const ITEM_SIZE = 32;
const LEAF_ITEMS = 16;
const FIRST_OBJECTID = 256n;
const ITEM_TYPE = 1n;
const ITEM_TRANSID = 7n;
/** The leaf size (nodesize): item data sits at its end, growing down. */
const NODESIZE = 16384;

/**
 * Instructions charged on a timed machine (assumptions): btrfs_search_forward's walk down the
 * tree to a leaf, and copy_to_sk's work per item besides the copies.
 */
const SEARCH_FORWARD_INSTRUCTIONS = 300;
const COPY_TO_SK_ITEM_INSTRUCTIONS = 40;
const SEARCH_CALL_TRACE = ['search_ioctl', 'btrfs_ioctl_tree_search_v2', 'btrfs_ioctl', '__arm64_sys_ioctl'];

interface Key {
  objectid: bigint;
  type: bigint;
  offset: bigint;
}

const U64_MAX = (1n << 64n) - 1n;

function compareKeys(a: Key, b: Key): number {
  if (a.objectid !== b.objectid) return a.objectid < b.objectid ? -1 : 1;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  if (a.offset !== b.offset) return a.offset < b.offset ? -1 : 1;
  return 0;
}

const itemKey = (i: number): Key => ({ objectid: FIRST_OBJECTID + BigInt(i), type: ITEM_TYPE, offset: 0n });

/** The data of item i (never 0, so a copied item is told apart from a cleared buffer). */
export function itemData(i: number): Uint8Array {
  const b = new Uint8Array(ITEM_SIZE);
  for (let j = 0; j < ITEM_SIZE; j++) b[j] = ((i * 31 + j) % 251) + 1;
  return b;
}

/** The search key as the ioctl reads it (struct btrfs_ioctl_search_key). */
interface SearchKey {
  bytes: Uint8Array;
  view: DataView;
}

const skU64 = (sk: SearchKey, off: number): bigint => sk.view.getBigUint64(off, true);
const skU32 = (sk: SearchKey, off: number): number => sk.view.getUint32(off, true);

/** key_in_sk(): the item's key within [min, max] of the search key. */
function keyInSk(key: Key, sk: SearchKey): boolean {
  const min: Key = { objectid: skU64(sk, 8), type: BigInt(skU32(sk, 56)), offset: skU64(sk, 24) };
  const max: Key = { objectid: skU64(sk, 16), type: BigInt(skU32(sk, 60)), offset: skU64(sk, 32) };
  return compareKeys(key, min) >= 0 && compareKeys(key, max) <= 0;
}

/**
 * btrfs_search_forward(): the first item whose key is at least `key` (and whose transid is at
 * least min_transid): its index, or -1 when there is none (the search returns 1).
 */
function searchForward(k: Kernel, key: Key, minTransid: bigint): number {
  k.m.timing?.chargeKernelInstructions('alu', SEARCH_FORWARD_INSTRUCTIONS);
  if (ITEM_TRANSID < minTransid) return -1;
  for (let i = 0; i < TREE_ITEMS; i++) if (compareKeys(itemKey(i), key) >= 0) return i;
  return -1;
}

/** What copy_to_sk() hands back to search_ioctl() besides its return value. */
interface SkState {
  bufSize: number;
  skOffset: number;
  numFound: number;
  /** A copy failed: the loop faults in and searches again (the retry). */
  faulted: boolean;
  /** The failed copy was a sub-page fault that +retriable-uaccess or +distinct-errors reports. */
  subpage: boolean;
}

/**
 * copy_to_user_nofault() of a copy_to_sk() result, with the options' bracket: 0 or -EFAULT, and
 * `st.subpage` set when the proposal in effect says the fault was a sub-page one.
 */
function copyResult(k: Kernel, uaddr: bigint, src: Uint8Array, kernelAddr: number, st: SkState): number {
  const o = k.profile.options;
  const old = o.retriableUaccess ? k.thread.beginRetriable() : 0;
  k.thread.lastFault = undefined;
  const r = k.uaccess.copyToUserNofault(uaddr, src, kernelAddr);
  const subpage = o.retriableUaccess && k.thread.endRetriable(old);
  if (r !== 0 && (subpage || (o.distinctErrors && k.thread.lastFault === 'tagCheck'))) st.subpage = true;
  return r;
}

/**
 * copy_to_sk() (fs/btrfs/ioctl.c since a48b73eca4ce): the items of the leaf from `slot`, each a
 * search header then its data, copied with page faults disabled. A failed copy returns 0
 * without advancing sk_offset past the item (the header is taken back if the data failed), and
 * leaves `key` at that item, so search_ioctl() faults in and searches from the same key again.
 * Returns 1 when the buffer is full or enough items were found, -EOVERFLOW when not even one fits.
 */
function copyToSk(k: Kernel, index: number, key: Key, sk: SearchKey, ubuf: bigint, st: SkState): number {
  const leafEnd = Math.min(TREE_ITEMS, (Math.floor(index / LEAF_ITEMS) + 1) * LEAF_ITEMS);
  let ret = 0;
  for (let i = index; i < leafEnd; i++) {
    k.m.timing?.chargeKernelInstructions('alu', COPY_TO_SK_ITEM_INSTRUCTIONS);
    let itemLen = ITEM_SIZE;
    Object.assign(key, itemKey(i));
    if (!keyInSk(key, sk)) continue;
    if (SEARCH_HEADER_SIZE + itemLen > st.bufSize) {
      if (st.numFound > 0) return 1;
      st.bufSize = SEARCH_HEADER_SIZE + itemLen;
      itemLen = 0;
      ret = -EOVERFLOW;
    }
    if (SEARCH_HEADER_SIZE + itemLen + st.skOffset > st.bufSize) return 1;
    const sh = new Uint8Array(SEARCH_HEADER_SIZE);
    const v = new DataView(sh.buffer);
    v.setBigUint64(0, ITEM_TRANSID, true);
    v.setBigUint64(8, key.objectid, true);
    v.setBigUint64(16, key.offset, true);
    v.setUint32(24, Number(key.type), true);
    v.setUint32(28, itemLen, true);
    // "If we fault then loop again so we can fault in the pages and -EFAULT there if there's a
    // problem." The header is a local variable (16-byte aligned on the kernel stack).
    if (copyResult(k, ubuf + BigInt(st.skOffset), sh, 0, st) !== 0) {
      st.faulted = true;
      return 0;
    }
    st.skOffset += SEARCH_HEADER_SIZE;
    if (itemLen !== 0) {
      // read_extent_buffer_to_user_nofault() from the item's offset in the leaf.
      const itemOff = NODESIZE - ((i % LEAF_ITEMS) + 1) * ITEM_SIZE;
      if (copyResult(k, ubuf + BigInt(st.skOffset), itemData(i), itemOff, st) !== 0) {
        st.skOffset -= SEARCH_HEADER_SIZE;
        st.faulted = true;
        return 0;
      }
      st.skOffset += itemLen;
    }
    st.numFound++;
    if (ret !== 0) return ret;
    if (st.numFound >= skU32(sk, 64)) return 1;
  }
  // advance_key: past the last item seen, or done at the search key's maximum.
  const max: Key = { objectid: skU64(sk, 16), type: BigInt(skU32(sk, 60)), offset: skU64(sk, 32) };
  if (compareKeys(key, max) >= 0) return 1;
  if (key.offset < U64_MAX) key.offset++;
  else if (key.type < 255n) {
    key.offset = 0n;
    key.type++;
  } else if (key.objectid < U64_MAX) {
    key.offset = 0n;
    key.type = 0n;
    key.objectid++;
  } else return 1;
  return 0;
}

/**
 * The fault-in before each search, as the profile's search_ioctl() has it: a48b73eca4ce's
 * fault_in_pages_writeable() (0/-EFAULT), v5.16's fault_in_writeable() (bb523b406c84: -EFAULT if
 * anything was not faulted in), or v5.19's fault_in_subpage_writeable() over the whole
 * remaining buffer (18788e34642e). Returns true when the search may go ahead.
 */
function searchFaultIn(k: Kernel, uaddr: bigint, len: number): boolean {
  switch (k.profile.behaviour.searchFaultIn) {
    case 'pages-writeable':
      return faultInPagesWriteable(k, uaddr, len) === 0;
    case 'writeable':
      return faultInWriteable(k, uaddr, len) === 0;
    case 'subpage-writeable':
      return faultInSubpageWriteable(k, uaddr, len) === 0;
  }
}

/**
 * search_ioctl(): from the search key's minimum, fault in the rest of the buffer, search, copy
 * the leaf's items; a copy that faults makes it go round again from the same key and offset.
 * With a sub-page fault the fault-in before 18788e34642e succeeds (it touches the first byte and
 * page starts only) while the copy fails every time: a live-lock (Al Viro, "[RFC][arm64]
 * possible infinite loop in btrfs search_ioctl()", 28 Aug 2021).
 */
function searchIoctl(k: Kernel, sk: SearchKey, st: SkState, ubuf: bigint): number {
  if (st.bufSize < SEARCH_HEADER_SIZE) {
    st.bufSize = SEARCH_HEADER_SIZE;
    return -EOVERFLOW;
  }
  const key: Key = { objectid: skU64(sk, 8), type: BigInt(skU32(sk, 56)), offset: skU64(sk, 24) };
  const loop = new RetryLoop(k, 'search_ioctl', SEARCH_CALL_TRACE);
  let ret = 0;
  let before = -1;
  for (;;) {
    if (st.faulted) {
      if (!loop.retry(st.skOffset !== before, ubuf + BigInt(st.skOffset), st.bufSize - st.skOffset)) {
        ret = -EINTR;
        break;
      }
      st.faulted = false;
    }
    before = st.skOffset;
    ret = -EFAULT;
    if (!searchFaultIn(k, ubuf + BigInt(st.skOffset), st.bufSize - st.skOffset)) break;
    const index = searchForward(k, key, skU64(sk, 40));
    if (index < 0) {
      ret = 0;
      break;
    }
    ret = copyToSk(k, index, key, sk, ubuf, st);
    if (st.subpage) {
      ret = -EFAULT;
      break;
    }
    if (ret !== 0) break;
  }
  if (ret > 0) ret = 0;
  sk.view.setUint32(64, st.numFound, true);
  return ret;
}

/** btrfs_ioctl_tree_search_v2(): the arguments, the search into uarg->buf, the key (or buf_size) back. */
function treeSearchIoctl(k: Kernel, _f: OpenFile, cmd: number, arg: bigint): number {
  if (cmd !== BTRFS_IOC_TREE_SEARCH_V2) return -ENOTTY;
  const args = new Uint8Array(SEARCH_ARGS_V2_SIZE);
  if (k.uaccess.copyFromUser(args, arg, SEARCH_ARGS_V2_SIZE) !== 0) return -EFAULT;
  const view = new DataView(args.buffer);
  let bufSize = view.getBigUint64(SEARCH_KEY_SIZE, true);
  if (bufSize > BigInt(SEARCH_BUF_LIMIT)) bufSize = BigInt(SEARCH_BUF_LIMIT);
  const sk: SearchKey = { bytes: args.subarray(0, SEARCH_KEY_SIZE), view };
  const st: SkState = { bufSize: Number(bufSize), skOffset: 0, numFound: 0, faulted: false, subpage: false };
  let ret = searchIoctl(k, sk, st, arg + BigInt(SEARCH_ARGS_V2_SIZE));
  if (k.end) return ret;
  if (ret === 0 && k.uaccess.copyToUser(arg, args.subarray(0, SEARCH_KEY_SIZE)) !== 0) ret = -EFAULT;
  else if (ret === -EOVERFLOW) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(st.bufSize), true);
    if (k.uaccess.copyToUser(arg + BigInt(SEARCH_KEY_SIZE), b) !== 0) ret = -EFAULT;
  }
  return ret;
}

// ---- /dev/granule-faultin: the fault-in functions themselves

/** _IOW('G', nr, struct { __u64 uaddr; __u64 size; }). */
export const GRANULE_IOC_FAULT_IN_READABLE = 0x40104701;
export const GRANULE_IOC_FAULT_IN_WRITEABLE = 0x40104702;
export const GRANULE_IOC_FAULT_IN_SAFE_WRITEABLE = 0x40104703;
export const GRANULE_IOC_PROBE_SUBPAGE_WRITEABLE = 0x40104704;
export const GRANULE_IOC_FAULT_IN_SUBPAGE_WRITEABLE = 0x40104705;

/**
 * Calls the kernel function named by `cmd` on the user range in the argument and returns its
 * value (bytes not faulted in, or 0/-EFAULT for the pre-5.16 fault_in_pages_*). A function the
 * profile's kernel does not have is -ENOTTY: fault_in_safe_writeable before v5.16,
 * probe_subpage_writeable and fault_in_subpage_writeable before v5.19.
 */
function faultInIoctl(k: Kernel, _f: OpenFile, cmd: number, arg: bigint): number {
  const b = k.profile.behaviour;
  const fn: ((k: Kernel, a: bigint, n: number) => number) | undefined = (
    {
      [GRANULE_IOC_FAULT_IN_READABLE]: b.faultInBytes ? faultInReadable : faultInPagesReadable,
      [GRANULE_IOC_FAULT_IN_WRITEABLE]: b.faultInBytes ? faultInWriteable : faultInPagesWriteable,
      [GRANULE_IOC_FAULT_IN_SAFE_WRITEABLE]: b.faultInSafeWriteable !== 'none' ? faultInSafeWriteable : undefined,
      [GRANULE_IOC_PROBE_SUBPAGE_WRITEABLE]: b.subpageProbe ? probeSubpageWriteable : undefined,
      [GRANULE_IOC_FAULT_IN_SUBPAGE_WRITEABLE]: b.subpageProbe ? faultInSubpageWriteable : undefined,
    } as Record<number, ((k: Kernel, a: bigint, n: number) => number) | undefined>
  )[cmd];
  if (!fn) return -ENOTTY;
  const raw = new Uint8Array(16);
  if (k.uaccess.copyFromUser(raw, arg, 16) !== 0) return -EFAULT;
  const v = new DataView(raw.buffer);
  const size = v.getBigUint64(8, true);
  if (size > 0x7fffffffn) return -EINVAL;
  return fn(k, v.getBigUint64(0, true), Number(size));
}

// ---- /dev/granule-perf

/** _IO('G', 0x10): arm the sampler (arg: frames per sample, 0 for the default); _IO('G', 0x11): disarm. */
export const GRANULE_IOC_PERF_ENABLE = 0x4710;
export const GRANULE_IOC_PERF_DISABLE = 0x4711;

function perfIoctl(k: Kernel, _f: OpenFile, cmd: number, arg: bigint): number {
  if (cmd === GRANULE_IOC_PERF_ENABLE) {
    if (arg > 64n) return -EINVAL;
    k.sampler = new PerfSampler(k, arg === 0n ? DEFAULT_SAMPLE_DEPTH : Number(arg));
    return 0;
  }
  if (cmd === GRANULE_IOC_PERF_DISABLE) {
    k.sampler = undefined;
    return 0;
  }
  return -ENOTTY;
}

// ---- /dev/granule-dio: direct I/O, btrfs-like

/** The file's size: 16 pages, each byte of its "disk" a pattern (page cache and disk are one here). */
export const DIO_FILE_PAGES = 16;
/** btrfs's sectorsize on 4 KiB pages: O_DIRECT needs the position, the buffers and lengths aligned to it. */
const SECTORSIZE = 4096;

/**
 * Instructions charged on a timed machine (assumptions): iomap_dio_rw's set-up and completion,
 * and per page pinned get_user_pages plus the bio's share of the submission.
 */
const DIO_CALL_INSTRUCTIONS = 300;
const DIO_PAGE_INSTRUCTIONS = 120;

/** The dio file's data: its pages filled with a pattern on first use. */
function dioPage(k: Kernel, inode: Inode, index: number): Uint8Array | number {
  const had = inode.pages.has(index);
  const pa = k.files.getPage(inode, index);
  if (pa < 0) return pa;
  const page = k.files.pageBytes(pa);
  if (!had) for (let j = 0; j < PAGE_SIZE; j++) page[j] = ((index * PAGE_SIZE + j) % 253) + 1;
  return page;
}

/** The pages of the file are materialised before a buffered path uses the page cache. */
function dioMaterialise(k: Kernel, inode: Inode, from: bigint, to: bigint): number {
  const last = Math.min(Number((to + PAGE - 1n) / PAGE), Number((inode.size + PAGE - 1n) / PAGE));
  for (let i = Number(from / PAGE); i < last; i++) {
    const r = dioPage(k, inode, i);
    if (typeof r === 'number') return r;
  }
  return 0;
}

/** iov_iter_alignment() & (sectorsize - 1), with the position: check_direct_IO / check_direct_read. */
function dioMisaligned(pos: bigint, i: IovIter): boolean {
  if ((pos & BigInt(SECTORSIZE - 1)) !== 0n) return true;
  let left = i.count;
  for (let s = i.segment, skip = i.offset; left > 0 && s < i.iov.length; s++, skip = 0) {
    const len = Math.min(left, i.iov[s].len - skip);
    if (((i.iov[s].base + BigInt(skip)) & BigInt(SECTORSIZE - 1)) !== 0n || (len & (SECTORSIZE - 1)) !== 0) return true;
    left -= len;
  }
  return false;
}

/**
 * get_user_pages for one user page (bio_iov_iter_get_pages): its RAM offset, or -1. With
 * `nofault` (iov_iter.nofault → FOLL_NOFAULT, 3337ab08d08b / 55b8fe703bc5) a page that is not
 * present fails instead of being faulted in. No access is made: no tag check.
 */
function pinUserPage(k: Kernel, va: bigint, write: boolean, nofault: boolean): number {
  const untagged = BigInt.asUintN(64, BigInt.asIntN(56, va));
  if ((untagged >> 48n) !== 0n) return -1;
  const lo = Number(untagged & 0xffffffffn);
  const hi = Number(untagged >> 32n);
  const mmu = k.m.mmu;
  try {
    return mmu.translateUnprivileged(lo, hi, write);
  } catch (e) {
    if (!(e instanceof MemoryFault)) throw e;
    if (nofault || (e.kind !== 'translation' && e.kind !== 'access-flag')) return -1;
  }
  if (k.as.handleFault(untagged, write ? 'write' : 'read') !== 'mapped') return -1;
  try {
    return mmu.translateUnprivileged(lo, hi, write);
  } catch (e) {
    if (e instanceof MemoryFault) return -1;
    throw e;
  }
}

/**
 * iomap_dio_rw() over an aligned request: page by page, pin the user page, then move the data
 * between it and the file through kernel mappings (never tag checked), until the request is
 * done, a page cannot be pinned (-EFAULT) or the end of the file (reads). With
 * IOMAP_DIO_PARTIAL (97308f8b0d86), -EFAULT after some data moved returns the partial count;
 * without it (v5.13) the error. `doneBefore` (4fdccaa0d184) is added to a positive result.
 */
function iomapDioRw(k: Kernel, inode: Inode, pos: bigint, i: IovIter, write: boolean, partial: boolean, nofault: boolean, doneBefore: number): { ret: number; pos: bigint } {
  k.m.timing?.chargeKernelInstructions('alu', DIO_CALL_INSTRUCTIONS);
  const mem = k.m.mem;
  let size = 0;
  let ret = 0;
  while (i.count > 0) {
    if (!write && pos >= inode.size) break;
    const at = i.position();
    if (!at) break;
    const va = at.addr;
    // A read writes the user page (FOLL_WRITE); a write reads it.
    const off = pinUserPage(k, va, !write, nofault);
    if (off < 0) {
      ret = -EFAULT;
      break;
    }
    const index = Number(pos / PAGE);
    const page = dioPage(k, inode, index);
    if (typeof page === 'number') {
      ret = page;
      break;
    }
    const n = Math.min(PAGE_SIZE, at.len, write ? PAGE_SIZE : Number(inode.size - pos));
    const user = mem.bytes.subarray(off, off + n);
    if (write) page.set(user, 0);
    else user.set(page.subarray(0, n));
    const t = k.m.timing;
    if (t) {
      t.chargeKernelInstructions('alu', DIO_PAGE_INSTRUCTIONS);
      t.memoryAccess(off + mem.ramBase, n, !write);
    }
    i.advance(n);
    pos += BigInt(n);
    size += n;
    if (write && pos > inode.size) inode.size = pos;
  }
  if (ret === -EFAULT && size > 0 && partial) ret = 0;
  if (ret < 0) return { ret, pos };
  return { ret: size + doneBefore, pos };
}

/** iomap_dio_rw() as btrfs calls it since v5.16: page faults disabled, nofault pinning, IOMAP_DIO_PARTIAL. */
function iomapDioRwNofault(k: Kernel, inode: Inode, pos: bigint, i: IovIter, write: boolean, doneBefore: number): { ret: number; pos: bigint } {
  k.uaccess.pagefaultDisable();
  try {
    return iomapDioRw(k, inode, pos, i, write, true, true, doneBefore);
  } finally {
    k.uaccess.pagefaultEnable();
  }
}

/**
 * The direct read, btrfs_direct_read() (v5.16+, "btrfs: fix deadlock due to page faults during
 * direct IO reads and writes"): page faults disabled, nofault pinning, IOMAP_DIO_PARTIAL; on
 * -EFAULT or a partial read, fault_in_iov_iter_writeable() over what is left and again, unless
 * the last round made no progress. v5.13: one iomap_dio_rw() that faults pages in itself.
 */
function btrfsDirectRead(k: Kernel, inode: Inode, pos: bigint, to: IovIter): { ret: number; pos: bigint } {
  if (!k.profile.behaviour.iomapDioPartial) return iomapDioRw(k, inode, pos, to, false, false, false, 0);
  const loop = new RetryLoop(k, 'btrfs_direct_read', ['btrfs_direct_read', 'btrfs_file_read_iter', 'vfs_read', 'ksys_read', '__arm64_sys_read']);
  let read = 0;
  let prevLeft = 0;
  let ret: number;
  for (;;) {
    const r = iomapDioRwNofault(k, inode, pos, to, false, read);
    ret = r.ret;
    pos = r.pos;
    if (ret > 0) read = ret;
    if (to.count > 0 && (ret === -EFAULT || ret > 0) && pos < inode.size) {
      const left = to.count;
      if (left === prevLeft) {
        // No progress since the last attempt: the rest is read buffered.
        ret = read;
        break;
      }
      if (prevLeft !== 0 && !loop.retry(true, to.position()?.addr ?? 0n, left)) return { ret: -EINTR, pos };
      to.faultInWriteable(k, left);
      prevLeft = left;
      continue;
    }
    break;
  }
  return { ret: ret < 0 ? ret : read, pos };
}

/**
 * The direct write, btrfs_direct_write(): unaligned requests go buffered (check_direct_IO);
 * v5.16+ pins without faulting and, on -EFAULT or a partial write, faults in what is left
 * (fault_in_iov_iter_readable) and goes again unless nothing moved since the last try
 * (-ENOTBLK: the rest is written buffered). v5.13: one iomap_dio_rw() without IOMAP_DIO_PARTIAL.
 */
function btrfsDirectWrite(k: Kernel, f: OpenFile, pos: bigint, from: IovIter): { ret: number; pos: bigint } {
  const inode = f.inode;
  let written = 0;
  let err = 0;
  if (!dioMisaligned(pos, from)) {
    if (!k.profile.behaviour.iomapDioPartial) {
      const r = iomapDioRw(k, inode, pos, from, true, false, false, 0);
      if (r.ret < 0 || from.count === 0) return r;
      written = r.ret;
      pos = r.pos;
    } else {
      const loop = new RetryLoop(k, 'btrfs_direct_write', ['btrfs_direct_write', 'btrfs_do_write_iter', 'vfs_write', 'ksys_write', '__arm64_sys_write']);
      let prevLeft = 0;
      for (;;) {
        const r = iomapDioRwNofault(k, inode, pos, from, true, written);
        err = r.ret;
        pos = r.pos;
        if (err > 0) written = err;
        if (from.count > 0 && (err === -EFAULT || err > 0)) {
          const left = from.count;
          if (left === prevLeft) {
            err = -ENOTBLK;
            break;
          }
          if (prevLeft !== 0 && !loop.retry(true, from.position()?.addr ?? 0n, left)) return { ret: -EINTR, pos };
          from.faultInReadable(k, left);
          prevLeft = left;
          continue;
        }
        break;
      }
      if ((err < 0 && err !== -ENOTBLK) || from.count === 0) return { ret: written !== 0 ? written : err, pos };
    }
  }
  // buffered: the rest through the page cache (btrfs_buffered_write; here the profile's generic_perform_write).
  const m = dioMaterialise(k, inode, pos, pos + BigInt(from.count));
  if (m < 0) return { ret: written !== 0 ? written : m, pos };
  const iocb = initSyncKiocb(f, pos);
  iocb.direct = false;
  const io = bufferedIo(k);
  const wb = io.generic_perform_write(k, iocb, from, io.shmem_aops);
  if (wb < 0) return { ret: written !== 0 ? written : wb, pos };
  return { ret: written + wb, pos: iocb.pos };
}

function dioReadIter(k: Kernel, f: OpenFile, pos: bigint, to: IovIter): { ret: number; pos: bigint } {
  const inode = f.inode;
  let already = 0;
  if ((f.flags & O_DIRECT) !== 0 && (f.fmode & FMODE_CAN_ODIRECT) !== 0) {
    // btrfs_file_read_iter: the direct part, then filemap_read for what is left.
    if (!dioMisaligned(pos, to)) {
      const r = btrfsDirectRead(k, inode, pos, to);
      pos = r.pos;
      if (r.ret < 0 || to.count === 0 || pos >= inode.size) return r;
      already = r.ret;
    }
  }
  const m = dioMaterialise(k, inode, pos, pos + BigInt(to.count));
  if (m < 0) return { ret: already !== 0 ? already : m, pos };
  const iocb = initSyncKiocb(f, pos);
  const ret = bufferedIo(k).shmem_file_read_iter(k, iocb, to);
  if (ret < 0) return { ret: already !== 0 ? already : ret, pos };
  return { ret: already + ret, pos: iocb.pos };
}

function dioWriteIter(k: Kernel, f: OpenFile, pos: bigint, from: IovIter): { ret: number; pos: bigint } {
  const iocb = initSyncKiocb(f, pos);
  const c = generic_write_checks(k, iocb, from);
  if (c <= 0) return { ret: c, pos };
  file_update_time(k, f.inode);
  if ((f.flags & O_DIRECT) !== 0 && (f.fmode & FMODE_CAN_ODIRECT) !== 0) return btrfsDirectWrite(k, f, iocb.pos, from);
  const m = dioMaterialise(k, f.inode, iocb.pos, iocb.pos + BigInt(from.count));
  if (m < 0) return { ret: m, pos };
  const io = bufferedIo(k);
  const ret = io.generic_perform_write(k, iocb, from, io.shmem_aops);
  return { ret, pos: ret > 0 ? iocb.pos : pos };
}


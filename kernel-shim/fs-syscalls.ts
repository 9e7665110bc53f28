// File syscalls (Linux fs/read_write.c, fs/open.c, fs/namei.c, fs/stat.c, fs/ioctl.c, fs/fcntl.c,
// fs/file.c): argument checks in Linux's order and the file operations of the two kinds of
// files the shim has -- tmpfs (filemap.ts) and the host's standard streams (pipe.ts). Each
// function is the syscall's body; syscalls.ts holds the table.

import type { Kernel } from './kernel.js';
import {
  EBADF, EBUSY, EEXIST, EFAULT, EINVAL, EISDIR, EMFILE, ENAMETOOLONG, ENODEV, ENOENT, ENOTDIR, ENOTEMPTY, ENOTTY, ENXIO, EOPNOTSUPP, ERANGE, ESPIPE,
} from './errno.js';
import { IovIter, MAX_RW_COUNT } from './iov_iter.js';
import { pipe_read, pipe_write } from './pipe.js';
import { bufferedIo, file_accessed, initSyncKiocb, shmem_file_write_iter, shmem_truncate } from './filemap.js';
import type { MappedFile, MmapTarget } from './mm.js';
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, FASYNC, FMODE_CAN_ODIRECT, FMODE_CAN_READ, FMODE_CAN_WRITE,
  FMODE_LSEEK, FMODE_PATH, FMODE_PREAD, FMODE_PWRITE, FMODE_READ, FMODE_WRITE, Inode, MAX_LFS_FILESIZE, NR_OPEN_DEFAULT, O_ACCMODE,
  O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECT, O_DIRECTORY, O_DSYNC, O_EXCL, O_LARGEFILE, O_NOATIME, O_NOCTTY, O_NONBLOCK, O_PATH,
  O_PATH_FLAGS, O_TMPFILE, O_TRUNC, OpenFile, PAGE_SIZE, PATH_MAX, S_IALLUGO, S_IFDIR, S_IFREG, S_ISVTX, VALID_OPEN_FLAGS,
  __O_SYNC, __O_TMPFILE, sysfsStreq, type SysfsAttr, type Walk,
} from './vfs.js';

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

// ---- read and write

/** file_ppos(): the position of a seekable file, undefined for a stream (pipes). */
function filePpos(f: OpenFile): bigint | undefined {
  return f.pipe ? undefined : f.pos;
}

/**
 * rw_verify_area: a negative position is -EINVAL, and so is a range whose end overflows
 * loff_t. (A count above SSIZE_MAX cannot pass the access_ok before it.)
 */
function rwVerifyArea(pos: bigint | undefined, count: bigint): number {
  if (count >= 1n << 63n) return -EINVAL;
  if (pos !== undefined && (pos < 0n || pos + count >= 1n << 63n)) return -EINVAL;
  return 0;
}

/**
 * /dev/zero's read (drivers/char/mem.c read_zero): clear_user page by page; a short clear ends
 * it with the bytes cleared, or -EFAULT if none.
 */
function read_zero(k: Kernel, buf: bigint, count: number): number {
  let cleared = 0;
  while (count > 0) {
    const chunk = Math.min(count, PAGE_SIZE);
    const left = k.uaccess.clearUser(buf + BigInt(cleared), chunk);
    if (left !== 0) {
      cleared += chunk - left;
      return cleared === 0 ? -EFAULT : cleared;
    }
    cleared += chunk;
    count -= chunk;
  }
  return cleared;
}

/** /dev/zero's read_iter (read_iter_zero): iov_iter_zero page by page until one clears nothing. */
function read_iter_zero(k: Kernel, to: IovIter): number {
  let written = 0;
  while (to.count > 0) {
    const n = to.zero(k, Math.min(to.count, PAGE_SIZE));
    if (n === 0 && to.count > 0) return written !== 0 ? written : -EFAULT;
    written += n;
  }
  return written;
}

/** ->read_iter: the tmpfs, a pipe, /dev/null (end of file), /dev/zero; a directory's ->read is generic_read_dir (-EISDIR). */
function readIter(k: Kernel, f: OpenFile, pos: bigint, to: IovIter): { ret: number; pos: bigint } {
  if (f.pipe) return { ret: pipe_read(k, f.pipe, to), pos };
  if (f.inode.fops) return f.inode.fops.read_iter ? f.inode.fops.read_iter(k, f, pos, to) : { ret: -EINVAL, pos };
  if (f.inode.chardev === 'null') return { ret: 0, pos };
  if (f.inode.chardev === 'zero') return { ret: read_iter_zero(k, to), pos };
  if (f.inode.isDir) return { ret: -EISDIR, pos };
  if (f.inode.attr) return sysfsRead(k, f.inode.attr, pos, to);
  const iocb = initSyncKiocb(f, pos);
  const ret = bufferedIo(k).shmem_file_read_iter(k, iocb, to);
  return { ret, pos: iocb.pos };
}

/** ->write_iter. */
function writeIter(k: Kernel, f: OpenFile, pos: bigint, from: IovIter): { ret: number; pos: bigint } {
  if (f.pipe) return { ret: pipe_write(k, f.pipe, from), pos };
  if (f.inode.fops) return f.inode.fops.write_iter ? f.inode.fops.write_iter(k, f, pos, from) : { ret: -EINVAL, pos };
  // /dev/null and /dev/zero (write_iter_null): everything is taken, nothing is read.
  if (f.inode.chardev) return { ret: from.count, pos };
  if (f.inode.attr) return sysfsWrite(k, f.inode.attr, pos, from);
  const iocb = initSyncKiocb(f, pos);
  const ret = shmem_file_write_iter(k, iocb, from);
  return { ret, pos: ret > 0 ? iocb.pos : pos };
}

/**
 * vfs_read / vfs_write: FMODE_READ/WRITE (-EBADF), FMODE_CAN_READ/WRITE (-EINVAL), access_ok on
 * the whole buffer (-EFAULT), rw_verify_area, the count clamped to MAX_RW_COUNT, then the file's
 * read_iter/write_iter over one user buffer. A zero count still goes to the file.
 */
function vfsReadWrite(k: Kernel, f: OpenFile, write: boolean, buf: bigint, count: bigint, pos: bigint | undefined): { ret: number; pos?: bigint } {
  if (!(write ? f.writable : f.readable)) return { ret: -EBADF };
  if ((f.fmode & (write ? FMODE_CAN_WRITE : FMODE_CAN_READ)) === 0) return { ret: -EINVAL };
  if (count >= 1n << 64n || !k.uaccess.accessOk(buf, Number(count))) return { ret: -EFAULT };
  const v = rwVerifyArea(pos, count);
  if (v !== 0) return { ret: v };
  const n = count > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : Number(count);
  if (!write && f.inode.chardev === 'zero') return { ret: read_zero(k, buf, n), pos };
  const iter = IovIter.ubuf(buf, n);
  return write ? writeIter(k, f, pos ?? 0n, iter) : readIter(k, f, pos ?? 0n, iter);
}

/** read(2) / write(2): ksys_read / ksys_write, the position taken from and put back into the file. */
export function sysReadWrite(k: Kernel, write: boolean, fd: bigint, buf: bigint, count: bigint): number {
  const f = k.files.get(u32(fd));
  if (!f) return -EBADF;
  const ppos = filePpos(f);
  const r = vfsReadWrite(k, f, write, buf, count, ppos);
  if (r.ret >= 0 && ppos !== undefined && r.pos !== undefined) f.pos = r.pos;
  return r.ret;
}

/** pread64(2) / pwrite64(2): a negative position is -EINVAL before the descriptor is looked at; streams are -ESPIPE. */
export function sysPreadPwrite(k: Kernel, write: boolean, fd: bigint, buf: bigint, count: bigint, posArg: bigint): number {
  const pos = BigInt.asIntN(64, posArg);
  if (pos < 0n) return -EINVAL;
  const f = k.files.get(u32(fd));
  if (!f) return -EBADF;
  if ((f.fmode & (write ? FMODE_PWRITE : FMODE_PREAD)) === 0) return -ESPIPE;
  return vfsReadWrite(k, f, write, buf, count, pos).ret;
}

/**
 * readv(2) / writev(2): do_readv/do_writev → vfs_readv/vfs_writev: the descriptor, its mode,
 * import_iovec, nothing to do for a total of 0, rw_verify_area, then the file's iterator
 * operation over all the segments at once.
 */
export function sysReadvWritev(k: Kernel, write: boolean, fd: bigint, vec: bigint, vlen: bigint): number {
  const f = k.files.get(u32(fd));
  if (!f) return -EBADF;
  if (!(write ? f.writable : f.readable)) return -EBADF;
  if ((f.fmode & (write ? FMODE_CAN_WRITE : FMODE_CAN_READ)) === 0) return -EINVAL;
  const iter = IovIter.importIovec(k, vec, u32(vlen));
  if (typeof iter === 'number') return iter;
  if (iter.count === 0) return 0;
  const ppos = filePpos(f);
  const v = rwVerifyArea(ppos, BigInt(iter.count));
  if (v !== 0) return v;
  const r = write ? writeIter(k, f, ppos ?? 0n, iter) : readIter(k, f, ppos ?? 0n, iter);
  if (r.ret >= 0 && ppos !== undefined) f.pos = r.pos;
  return r.ret;
}

// ---- names

/**
 * getname(): the path from user memory. -EFAULT if it cannot be read, -ENAMETOOLONG if it has
 * no NUL within PATH_MAX bytes, -ENOENT if empty (unless the caller allows an empty path).
 */
export function getname(k: Kernel, uaddr: bigint, allowEmpty = false): string | number {
  const r = k.uaccess.strncpyFromUser(uaddr, PATH_MAX);
  if (typeof r === 'number') return -EFAULT;
  if (r.length >= PATH_MAX) return -ENAMETOOLONG;
  if (r.length === 0 && !allowEmpty) return -ENOENT;
  return new TextDecoder('latin1').decode(r);
}

/** path_lookupat's result for a walk: the inode named, or -errno (ENOENT, ENOTDIR for "name/" on a file). */
function lookupFinal(w: Walk, wantDir: boolean): Inode | number {
  if (!w.inode) return -ENOENT;
  if ((wantDir || w.trailingSlash) && !w.inode.isDir) return -ENOTDIR;
  return w.inode;
}

/** Walks dirfd + path to its last component (path_init, link_path_walk). */
function walkAt(k: Kernel, dirfd: bigint, path: string): Walk | number {
  const start = k.files.startDir(s32(dirfd), path);
  if (typeof start === 'number') return start;
  return k.files.walk(start, path);
}

/**
 * openat(2): build_open_how/build_open_flags (unknown flags dropped, O_PATH keeps only its few,
 * O_CREAT|O_DIRECTORY is -EINVAL, O_TMPFILE needs write access), getname, a free descriptor
 * (-EMFILE), then path_openat: lookup or create, do_open's checks, O_TRUNC, and
 * do_dentry_open. O_DIRECT is accepted on tmpfs files (FMODE_CAN_ODIRECT since Linux 6.6) and
 * recorded in the file's flags.
 */
export function sysOpenat(k: Kernel, dirfd: bigint, pathArg: bigint, flagsArg: bigint, modeArg: bigint): number {
  const files = k.files;
  let flags = (u32(flagsArg) | O_LARGEFILE) & VALID_OPEN_FLAGS;
  if ((flags & O_PATH) !== 0) flags &= O_PATH_FLAGS | O_LARGEFILE;
  const willCreate = (flags & O_CREAT) !== 0 || (flags & __O_TMPFILE) !== 0;
  const mode = willCreate ? u32(modeArg) & S_IALLUGO : 0;
  if ((flags & O_CREAT) !== 0 && (flags & O_DIRECTORY) !== 0) return -EINVAL;
  if ((flags & __O_SYNC) !== 0) flags |= O_DSYNC;
  let accWrite = (flags & O_ACCMODE) === 1 || (flags & O_ACCMODE) === 2 || (flags & O_TRUNC) !== 0;
  if ((flags & __O_TMPFILE) !== 0) {
    if ((flags & (__O_TMPFILE | O_DIRECTORY | O_CREAT)) !== O_TMPFILE) return -EINVAL;
    if (!accWrite) return -EINVAL;
  }
  if ((flags & O_PATH) !== 0) accWrite = false;
  const path = getname(k, pathArg);
  if (typeof path === 'number') return path;
  if (!files.hasFreeFd()) return -EMFILE;
  const w = walkAt(k, dirfd, path);
  if (typeof w === 'number') return w;

  let inode: Inode;
  let created = false;
  if ((flags & __O_TMPFILE) !== 0) {
    // do_tmpfile: the path names the directory the unnamed file goes in.
    const dir = lookupFinal(w, true);
    if (typeof dir === 'number') return dir;
    if (dir.fs !== 'tmpfs') return -EOPNOTSUPP;
    const t = files.createTmpfile(dir, S_IFREG | (mode & ~files.umask));
    if (typeof t === 'number') return t;
    inode = t;
    created = true;
  } else if ((flags & O_CREAT) === 0) {
    const found = lookupFinal(w, (flags & O_DIRECTORY) !== 0);
    if (typeof found === 'number') return found;
    inode = found;
  } else {
    // open_last_lookups, create side: a trailing slash is -EISDIR whether or not the name exists.
    if (w.type === 'norm' && w.trailingSlash) return -EISDIR;
    if (w.inode) {
      if ((flags & O_EXCL) !== 0) return -EEXIST;
      if (w.inode.isDir) return -EISDIR;
      inode = w.inode;
    } else {
      const c = files.create(w.parent, w.last, S_IFREG | (mode & ~files.umask));
      if (typeof c === 'number') return c;
      inode = c;
      created = true;
    }
  }
  // may_open: a directory cannot be opened for writing.
  if (inode.isDir && accWrite) return -EISDIR;
  let fmode = 0;
  if ((flags & O_PATH) !== 0) fmode = FMODE_PATH;
  else {
    const acc = flags & O_ACCMODE;
    if (acc === 0 || acc === 2) fmode |= FMODE_READ | FMODE_CAN_READ;
    if (acc === 1 || acc === 2) fmode |= FMODE_WRITE | (inode.isDir ? 0 : FMODE_CAN_WRITE);
    // do_dentry_open: every file opened by name may seek, pread and pwrite (pipes never are).
    fmode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
    // tmpfs: since e88e0d366f9c ("tmpfs: trivial support for direct IO", v6.6).
    if (inode.isReg && inode.fs === 'tmpfs' && k.profile.behaviour.tmpfsDirectIo) fmode |= FMODE_CAN_ODIRECT;
    if (inode.fops?.directIo) fmode |= FMODE_CAN_ODIRECT;
    // do_dentry_open: O_DIRECT needs FMODE_CAN_ODIRECT.
    if ((flags & O_DIRECT) !== 0 && (fmode & FMODE_CAN_ODIRECT) === 0) return -EINVAL;
  }
  // handle_truncate: O_TRUNC on an existing regular file (not for O_PATH).
  if ((flags & O_TRUNC) !== 0 && inode.isReg && inode.fs === 'tmpfs' && !created && (flags & O_PATH) === 0) {
    k.files.truncatePages(inode, 0n);
    inode.size = 0n;
    inode.touchM(files.now());
  }
  const fFlags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
  const file = new OpenFile(inode, fFlags, fmode, path);
  return files.install(file, (flags & O_CLOEXEC) !== 0);
}

/** close(2). */
export function sysClose(k: Kernel, fd: bigint): number {
  return k.files.close(u32(fd));
}

/**
 * lseek(2): ksys_lseek → vfs_llseek. Streams are -ESPIPE; whence beyond SEEK_HOLE is -EINVAL.
 * tmpfs files: shmem_file_llseek (generic_file_llseek_size with MAX_LFS_FILESIZE, and
 * SEEK_DATA/SEEK_HOLE over the pages the file holds). Directories: dcache_dir_lseek.
 */
export function sysLseek(k: Kernel, fd: bigint, offsetArg: bigint, whenceArg: bigint): bigint | number {
  const f = k.files.get(u32(fd));
  if (!f) return -EBADF;
  const whence = u32(whenceArg);
  if (whence > 4) return -EINVAL;
  if ((f.fmode & FMODE_LSEEK) === 0 || f.pipe) return -ESPIPE;
  const offset = BigInt.asIntN(64, offsetArg);
  // null_lseek (/dev/null, /dev/zero): the position is always 0.
  if (f.inode.chardev) return (f.pos = 0n);
  const setpos = (p: bigint): bigint | number => {
    if (p < 0n || p > MAX_LFS_FILESIZE) return -EINVAL;
    f.pos = p;
    return p;
  };
  if (f.inode.isDir) {
    if (whence === 1) return setpos(BigInt.asIntN(64, offset + f.pos));
    if (whence === 0) return setpos(offset);
    return -EINVAL;
  }
  const eof = f.inode.size;
  switch (whence) {
    case 0:
      return setpos(offset);
    case 1:
      if (offset === 0n) return f.pos;
      return setpos(BigInt.asIntN(64, f.pos + offset));
    case 2:
      return setpos(BigInt.asIntN(64, offset + eof));
    default: {
      if (offset < 0n || offset >= eof) return -ENXIO;
      const r = seekHoleData(f.inode, offset, eof, whence === 3);
      return typeof r === 'number' ? r : setpos(r);
    }
  }
}

/** mapping_seek_hole_data over a tmpfs file's pages: a page present is data, a missing page a hole. */
function seekHoleData(inode: Inode, start: bigint, end: bigint, data: boolean): bigint | number {
  const P = BigInt(PAGE_SIZE);
  const first = Number(start / P);
  if (data) {
    let best: number | undefined;
    for (const index of inode.pages.keys()) if (index >= first && (best === undefined || index < best)) best = index;
    if (best === undefined) return -ENXIO;
    const at = best === first ? start : BigInt(best) * P;
    return at < end ? at : -ENXIO;
  }
  let index = first;
  while (inode.pages.has(index)) index++;
  const at = index === first ? start : BigInt(index) * P;
  return at < end ? at : end;
}

/** ftruncate(2): do_sys_ftruncate → do_ftruncate: only regular files open for writing. */
export function sysFtruncate(k: Kernel, fd: bigint, lengthArg: bigint): number {
  const length = BigInt.asIntN(64, lengthArg);
  if (length < 0n) return -EINVAL;
  const f = k.files.get(u32(fd));
  if (!f) return -EBADF;
  if (!f.inode.isReg || !f.writable) return -EINVAL;
  // A sysfs attribute (kernfs_iop_setattr) takes the new size without effect.
  if (f.inode.attr) return 0;
  const r = shmem_truncate(k, f.inode, length);
  // ftruncate passes ATTR_MTIME | ATTR_CTIME: the times move even when the size does not.
  if (r === 0) f.inode.touchM(k.files.now());
  return r;
}

// ---- stat

/** struct stat of asm-generic (arm64): 128 bytes (cp_new_stat). */
export function encodeStat(inode: Inode): Uint8Array {
  const b = new Uint8Array(128);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, inode.dev, true);
  v.setBigUint64(8, BigInt(inode.ino), true);
  v.setUint32(16, inode.mode, true);
  v.setUint32(20, inode.nlink, true);
  v.setUint32(24, inode.uid, true);
  v.setUint32(28, inode.gid, true);
  v.setBigUint64(32, inode.rdev, true);
  v.setBigInt64(48, inode.isReg || inode.isDir ? inode.size : 0n, true);
  v.setInt32(56, PAGE_SIZE, true); // st_blksize
  v.setBigInt64(64, inode.blocks, true);
  v.setBigInt64(72, inode.atime.sec, true);
  v.setBigUint64(80, inode.atime.nsec, true);
  v.setBigInt64(88, inode.mtime.sec, true);
  v.setBigUint64(96, inode.mtime.nsec, true);
  v.setBigInt64(104, inode.ctime.sec, true);
  v.setBigUint64(112, inode.ctime.nsec, true);
  return b;
}

function copyStat(k: Kernel, inode: Inode, statbuf: bigint): number {
  return k.uaccess.copyToUser(statbuf, encodeStat(inode)) !== 0 ? -EFAULT : 0;
}

/** fstat(2): vfs_fstat (O_PATH descriptors too), then cp_new_stat. */
export function sysFstat(k: Kernel, fd: bigint, statbuf: bigint): number {
  const f = k.files.getAny(s32(fd));
  if (!f) return -EBADF;
  return copyStat(k, f.inode, statbuf);
}

/** newfstatat(2): vfs_fstatat; AT_EMPTY_PATH with "" is fstat of dirfd. */
export function sysNewfstatat(k: Kernel, dirfd: bigint, pathArg: bigint, statbuf: bigint, flagArg: bigint): number {
  const flag = s32(flagArg);
  if ((flag & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) !== 0) return -EINVAL;
  const path = getname(k, pathArg, (flag & AT_EMPTY_PATH) !== 0);
  if (typeof path === 'number') return path;
  if (path === '') {
    if (s32(dirfd) === AT_FDCWD) return copyStat(k, k.files.cwd, statbuf);
    return sysFstat(k, dirfd, statbuf);
  }
  const w = walkAt(k, dirfd, path);
  if (typeof w === 'number') return w;
  const inode = lookupFinal(w, false);
  if (typeof inode === 'number') return inode;
  return copyStat(k, inode, statbuf);
}

// ---- directories

/**
 * unlinkat(2): flags other than AT_REMOVEDIR are -EINVAL. do_unlinkat: ".", ".." and "/" are
 * -EISDIR; a missing name -ENOENT; "name/" on a file -ENOTDIR; a directory -EISDIR. do_rmdir:
 * ".." -ENOTEMPTY, "." -EINVAL, "/" -EBUSY, a mountpoint -EBUSY, a file -ENOTDIR, a non-empty
 * directory -ENOTEMPTY.
 */
export function sysUnlinkat(k: Kernel, dirfd: bigint, pathArg: bigint, flagArg: bigint): number {
  const flag = s32(flagArg);
  if ((flag & ~AT_REMOVEDIR) !== 0) return -EINVAL;
  const rmdir = (flag & AT_REMOVEDIR) !== 0;
  const path = getname(k, pathArg);
  if (typeof path === 'number') return path;
  const w = walkAt(k, dirfd, path);
  if (typeof w === 'number') return w;
  if (rmdir) {
    if (w.type === 'dotdot') return -ENOTEMPTY;
    if (w.type === 'dot') return -EINVAL;
    if (w.type === 'root') return -EBUSY;
  } else if (w.type !== 'norm') return -EISDIR;
  const entry = w.parent.entries!.get(w.last);
  if (!entry) return -ENOENT;
  if (!rmdir && w.trailingSlash) return entry.isDir || entry.mounted ? -EISDIR : -ENOTDIR;
  return k.files.remove(w, rmdir);
}

/** mkdirat(2): filename_create (".", "..", "/" and existing names are -EEXIST), mode & ~umask. */
export function sysMkdirat(k: Kernel, dirfd: bigint, pathArg: bigint, modeArg: bigint): number {
  const path = getname(k, pathArg);
  if (typeof path === 'number') return path;
  const w = walkAt(k, dirfd, path);
  if (typeof w === 'number') return w;
  if (w.type !== 'norm' || w.inode || w.parent.entries!.has(w.last)) return -EEXIST;
  const mode = u32(modeArg) & ~k.files.umask & (0o777 | S_ISVTX);
  const r = k.files.create(w.parent, w.last, S_IFDIR | mode);
  return typeof r === 'number' ? r : 0;
}

/** getcwd(2): the path with its NUL (always "/": there is no chdir); -ERANGE if it does not fit. */
export function sysGetcwd(k: Kernel, buf: bigint, size: bigint): number {
  const cwd = new TextEncoder().encode('/\0');
  if (size < BigInt(cwd.length)) return -ERANGE;
  return k.uaccess.copyToUser(buf, cwd) !== 0 ? -EFAULT : cwd.length;
}

/** umask(2): returns the previous mask. */
export function sysUmask(k: Kernel, mask: bigint): number {
  const old = k.files.umask;
  k.files.umask = u32(mask) & 0o777;
  return old;
}

// ---- descriptors

const FIONREAD = 0x541b, FIONBIO = 0x5421, FIOASYNC = 0x5452, FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOQSIZE = 0x5460;

/**
 * ioctl(2): do_vfs_ioctl's generic commands (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE,
 * FIONREAD on a regular file), then the file's own: a pipe knows FIONREAD; nothing else knows
 * anything (terminal ioctls such as TCGETS and TIOCGWINSZ are -ENOTTY).
 */
export function sysIoctl(k: Kernel, fdArg: bigint, cmdArg: bigint, arg: bigint): number {
  const fd = u32(fdArg);
  const f = k.files.get(fd);
  if (!f) return -EBADF;
  const cmd = u32(cmdArg);
  const inode = f.inode;
  switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
      k.files.fds[fd]!.cloexec = cmd === FIOCLEX;
      return 0;
    case FIONBIO: {
      const on = k.uaccess.getUser(arg, 4);
      if (on === undefined) return -EFAULT;
      f.flags = on !== 0n ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
      return 0;
    }
    case FIOASYNC: {
      const on = k.uaccess.getUser(arg, 4);
      if (on === undefined) return -EFAULT;
      const flag = on !== 0n ? FASYNC : 0;
      if (((flag ^ f.flags) & FASYNC) !== 0) {
        if (!f.pipe) return -ENOTTY;
        f.flags = (f.flags & ~FASYNC) | flag;
      }
      return 0;
    }
    case FIOQSIZE:
      if (inode.isDir || inode.isReg) {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigInt64(0, inode.blocks * 512n, true);
        return k.uaccess.copyToUser(arg, b) !== 0 ? -EFAULT : 0;
      }
      return -ENOTTY;
    case FIONREAD:
      if (inode.isReg) return k.uaccess.putUser(arg, 4, BigInt.asUintN(32, inode.size - f.pos)) ? 0 : -EFAULT;
      if (f.pipe) return k.uaccess.putUser(arg, 4, BigInt(f.pipe.pending.length)) ? 0 : -EFAULT;
      return -ENOTTY;
    default:
      // vfs_ioctl: the file's unlocked_ioctl.
      return inode.fops?.unlocked_ioctl ? inode.fops.unlocked_ioctl(k, f, cmd, arg) : -ENOTTY;
  }
}

/** dup(2). */
export function sysDup(k: Kernel, oldfd: bigint): number {
  const f = k.files.getAny(u32(oldfd));
  if (!f) return -EBADF;
  f.inode.openCount++;
  return k.files.install(f, false);
}

/** dup3(2): flags other than O_CLOEXEC or oldfd == newfd are -EINVAL; newfd beyond RLIMIT_NOFILE is -EBADF. */
export function sysDup3(k: Kernel, oldfdArg: bigint, newfdArg: bigint, flagsArg: bigint): number {
  const flags = s32(flagsArg);
  const oldfd = u32(oldfdArg);
  const newfd = u32(newfdArg);
  if ((flags & ~O_CLOEXEC) !== 0) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  if (newfd >= NR_OPEN_DEFAULT) return -EBADF;
  const f = k.files.getAny(oldfd);
  if (!f) return -EBADF;
  f.inode.openCount++;
  if (k.files.fds[newfd]) k.files.close(newfd);
  k.files.fds[newfd] = { file: f, cloexec: (flags & O_CLOEXEC) !== 0 };
  return newfd;
}

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | FASYNC;

/** fcntl(2): the descriptor commands (F_DUPFD[_CLOEXEC], F_GETFD, F_SETFD, F_GETFL, F_SETFL); others -EINVAL. */
export function sysFcntl(k: Kernel, fdArg: bigint, cmdArg: bigint, arg: bigint): number {
  const fd = u32(fdArg);
  const f = k.files.getAny(fd);
  if (!f) return -EBADF;
  const cmd = u32(cmdArg);
  const isPath = (f.fmode & FMODE_PATH) !== 0;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = Number(BigInt.asUintN(32, arg));
      if (min >= NR_OPEN_DEFAULT) return -EINVAL;
      f.inode.openCount++;
      return k.files.install(f, cmd === F_DUPFD_CLOEXEC, min);
    }
    case F_GETFD:
      return k.files.fds[fd]!.cloexec ? 1 : 0;
    case F_SETFD:
      k.files.fds[fd]!.cloexec = (arg & 1n) !== 0n;
      return 0;
    case F_GETFL:
      return f.flags;
    case F_SETFL: {
      if (isPath) return -EBADF;
      const v = u32(arg);
      if ((v & O_DIRECT) !== 0 && (f.fmode & FMODE_CAN_ODIRECT) === 0) return -EINVAL;
      if ((v & FASYNC) !== 0 && !f.pipe) return -ENOTTY;
      f.flags = (v & SETFL_MASK) | (f.flags & ~SETFL_MASK);
      return 0;
    }
    default:
      return -EINVAL;
  }
}

// ---- mmap of files

/**
 * What mmap finds behind a descriptor: ksys_mmap_pgoff's fget (-EBADF, O_PATH included), then
 * the file's ->mmap: shmem_mmap for tmpfs files (file_accessed, pages from the page cache,
 * SIGBUS past the end of the file), mmap_zero for /dev/zero, none for /dev/null, pipes and
 * directories.
 */
export function mmapTarget(k: Kernel, fd: number): MmapTarget | number {
  const f = k.files.get(fd);
  if (!f) return -EBADF;
  const inode = f.inode;
  const kind = inode.isReg && inode.fs === 'tmpfs' ? 'shmem' : inode.chardev === 'zero' ? 'zero' : 'none';
  const open = (): MappedFile => {
    const files = k.files;
    files.refInode(inode);
    file_accessed(k, f);
    return {
      key: inode,
      ref: () => files.refInode(inode),
      unref: () => files.unrefInode(inode),
      fault(index: bigint): number | undefined {
        const pages = (inode.size + BigInt(PAGE_SIZE) - 1n) / BigInt(PAGE_SIZE);
        if (index >= pages) return undefined;
        const pa = files.getPage(inode, Number(index));
        if (pa < 0) return undefined;
        files.getMapped(pa);
        return pa;
      },
      putPage: (pa: number) => files.putMapped(pa),
      punch(from: bigint, to: bigint): void {
        for (const index of [...inode.pages.keys()]) if (index >= from && index < to) files.punchPage(inode, index);
      },
    };
  };
  return { readable: f.readable, writable: f.writable, kind, open };
}

// ---- sysfs and mount

/**
 * A sysfs attribute's read (kernfs_fop_read_iter → seq_read_iter): show() renders the contents,
 * and copy_to_iter hands out what lies at the position.
 */
function sysfsRead(k: Kernel, attr: SysfsAttr, pos: bigint, to: IovIter): { ret: number; pos: bigint } {
  const text = new TextEncoder().encode(attr.show());
  if (pos >= BigInt(text.length) || to.count === 0) return { ret: 0, pos };
  const n = to.copyToIter(k, text.subarray(Number(pos)), 0);
  return { ret: n === 0 ? -EFAULT : n, pos: pos + BigInt(n) };
}

/**
 * A sysfs attribute's write (kernfs_fop_write_iter → sysfs_kf_write): at most a page is copied in
 * (-EFAULT unless all of it), then store() decides; nothing to store is 0.
 */
function sysfsWrite(k: Kernel, attr: SysfsAttr, pos: bigint, from: IovIter): { ret: number; pos: bigint } {
  const len = Math.min(from.count, PAGE_SIZE);
  const buf = new Uint8Array(len);
  if (from.copyFromIter(k, buf, 0) !== len) return { ret: -EFAULT, pos };
  if (len === 0) return { ret: 0, pos };
  const r = attr.store(new TextDecoder('latin1').decode(buf), len);
  return { ret: r, pos: r > 0 ? pos + BigInt(r) : pos };
}

const TCF_NAMES = new Map([[1, 'sync'], [2, 'async'], [3, 'asymm']]);

/**
 * The sysfs tree the shim has: /sys/devices/system/cpu/cpu0/mte_tcf_preferred
 * (arch/arm64/kernel/mte.c mte_tcf_preferred_show/_store): "async" (the default), "sync" or
 * "asymm" (an MTE3 CPU), anything else -EINVAL. A new preference is applied to the thread at
 * once (Linux applies it at the next context switch).
 */
function populateSysfs(k: Kernel, root: Inode): void {
  const files = k.files;
  const cpu0 = files.mkdirSynthetic(files.mkdirSynthetic(files.mkdirSynthetic(files.mkdirSynthetic(root, 'devices'), 'system'), 'cpu'), 'cpu0');
  files.attrFile(cpu0, 'mte_tcf_preferred', {
    show: () => `${TCF_NAMES.get(k.mteTcfPreferred)}\n`,
    store(buf: string, count: number): number {
      let pref: number;
      if (sysfsStreq(buf, 'async')) pref = 2;
      else if (sysfsStreq(buf, 'sync')) pref = 1;
      // Asymmetric mode exists from v5.18 (766121ba5de3).
      else if (sysfsStreq(buf, 'asymm') && k.profile.behaviour.mteAsymm) pref = 3;
      else return -EINVAL;
      k.mteTcfPreferred = pref;
      k.applyTagSettings();
      return count;
    },
  });
}

/** Mount flags that ask for something other than a new mount (remount, bind, move, propagation). */
const MS_NOT_NEW = 0x20 | 0x1000 | 0x2000 | 0x8000 | 0x20000 | 0x40000 | 0x80000 | 0x100000;
const MS_MGC_MSK = 0xffff0000, MS_MGC_VAL = 0xc0ed0000;

/**
 * mount(2), for a new mount of a file system the shim has: the strings (-EFAULT), the target
 * path (user_path_at: -ENOENT, -ENOTDIR), then do_new_mount: no type is -EINVAL, a type other
 * than tmpfs and sysfs -ENODEV (granule has no others), a target that is not a directory
 * -ENOTDIR. Remounts, bind and move mounts and propagation changes are -EINVAL here.
 */
export function sysMount(k: Kernel, source: bigint, targetArg: bigint, typeArg: bigint, flagsArg: bigint, data: bigint): number {
  const type = typeArg === 0n ? undefined : k.uaccess.strncpyFromUser(typeArg, PAGE_SIZE);
  if (typeof type === 'number') return -EFAULT;
  if (source !== 0n && typeof k.uaccess.strncpyFromUser(source, PAGE_SIZE) === 'number') return -EFAULT;
  if (data !== 0n && k.uaccess.getUser(data, 1) === undefined) return -EFAULT;
  const target = getname(k, targetArg);
  if (typeof target === 'number') return target;
  const w = walkAt(k, BigInt(AT_FDCWD), target);
  if (typeof w === 'number') return w;
  const dir = lookupFinal(w, false);
  if (typeof dir === 'number') return dir;
  let flags = u32(flagsArg);
  if ((flags & MS_MGC_MSK) >>> 0 === MS_MGC_VAL) flags &= ~MS_MGC_MSK;
  if ((flags & MS_NOT_NEW) !== 0) return -EINVAL;
  if (type === undefined) return -EINVAL;
  const fstype = new TextDecoder('latin1').decode(type);
  if (fstype !== 'tmpfs' && fstype !== 'sysfs') return -ENODEV;
  if (!dir.isDir) return -ENOTDIR;
  k.files.mount(dir, fstype, fstype === 'sysfs' ? (root) => populateSysfs(k, root) : undefined);
  return 0;
}

// The file side of the shim (Linux fs/namei.c, fs/open.c, fs/file.c, mm/shmem.c in miniature):
// inodes, open file descriptions, the descriptor table, path lookup, and the one writable file
// system, an in-memory tmpfs mounted at /tmp.
//
// The name space is "/" holding "tmp", where the tmpfs is mounted (mode 1777, as distributions
// mount /tmp), "dev" with the character devices null (1:3) and zero (1:5) (drivers/char/mem.c),
// and an empty "sys" to mount sysfs on. Nothing else exists: a lookup elsewhere fails with
// ENOENT, and so does creating a name outside the tmpfs (the brief's rule; a real root file
// system would say EROFS or EACCES). The process is root, so permission bits never refuse
// anything.
//
// Descriptors 0, 1 and 2 are pipes (S_IFIFO) whose other ends are the host's stdin, stdout and
// stderr: read-only and write-only, not seekable, not terminals (TCGETS gives ENOTTY, so a libc
// buffers stdout fully, as when a program's output is piped).
//
// tmpfs limits (the defaults of a tmpfs mount on a machine with 128 MiB of RAM): size = 64 MiB
// of pages (TMPFS_MAX_PAGES; ENOSPC beyond it, or when guest RAM runs out), as many inodes;
// file size up to MAX_LFS_FILESIZE (2^63 - 1). A file's pages are its page cache, and they are
// frames of guest RAM, as in Linux: a hole costs nothing and reads as zeros, and a MAP_SHARED
// mapping maps the very frames read() and write() use, allocation tags included.

import type { OutputSink } from '../emulator/devices/output.js';
import { EBADF, EBUSY, EISDIR, EMFILE, ENAMETOOLONG, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY } from './errno.js';
import { REALTIME_EPOCH, type Timespec } from './time.js';
import type { FrameAllocator } from './pgtable.js';
import type { PhysMem } from '../mmu/physmem.js';
import type { Kernel } from './kernel.js';
import type { IovIter } from './iov_iter.js';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

// include/uapi/asm-generic/fcntl.h with arm64's own O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE.
export const O_ACCMODE = 0o3, O_RDONLY = 0, O_WRONLY = 0o1, O_RDWR = 0o2;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000, O_DSYNC = 0o10000, FASYNC = 0o20000, O_DIRECTORY = 0o40000;
export const O_NOFOLLOW = 0o100000, O_DIRECT = 0o200000, O_LARGEFILE = 0o400000, O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000, __O_SYNC = 0o4000000, O_SYNC = __O_SYNC | O_DSYNC, O_PATH = 0o10000000;
export const __O_TMPFILE = 0o20000000, O_TMPFILE = __O_TMPFILE | O_DIRECTORY;
/** VALID_OPEN_FLAGS: openat() drops anything else silently. */
export const VALID_OPEN_FLAGS = O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | __O_TMPFILE | __O_SYNC;
/** O_PATH_FLAGS: with O_PATH only these survive. */
export const O_PATH_FLAGS = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;

export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFBLK = 0o60000;
export const S_IFDIR = 0o40000, S_IFCHR = 0o20000, S_IFIFO = 0o10000, S_ISVTX = 0o1000, S_IALLUGO = 0o7777;

export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** RLIMIT_NOFILE's default soft limit. */
export const NR_OPEN_DEFAULT = 1024;
/** MAX_LFS_FILESIZE for 64-bit: the largest file offset. */
export const MAX_LFS_FILESIZE = (1n << 63n) - 1n;
/** tmpfs size= and nr_inodes= (half of a 128 MiB machine's RAM in pages). */
export const TMPFS_MAX_PAGES = 16384;
/** tmpfs directories: BOGO_DIRENT_SIZE per entry on top of two for "." and "..". */
const BOGO_DIRENT_SIZE = 20n;

/** Device numbers reported by fstat (new_encode_dev of anonymous block devices 0:N). */
export const DEV_ROOT = 0x1n, DEV_DEVTMPFS = 0x5n, DEV_PIPEFS = 0xdn, DEV_SYSFS = 0x14n, DEV_TMPFS = 0x1an;

/** FMODE_* bits of an open file (include/linux/fs.h). */
export const FMODE_READ = 0x1, FMODE_WRITE = 0x2, FMODE_LSEEK = 0x4, FMODE_PREAD = 0x8, FMODE_PWRITE = 0x10;
export const FMODE_PATH = 0x4000, FMODE_CAN_READ = 0x20000, FMODE_CAN_WRITE = 0x40000, FMODE_CAN_ODIRECT = 0x400000;

export type FsKind = 'root' | 'tmpfs' | 'pipefs' | 'devtmpfs' | 'sysfs';

export class Inode {
  nlink: number;
  readonly uid = 0;
  readonly gid = 0;
  /** Regular files: i_size. Directories: tmpfs's bogus size (40 + 20 per entry). */
  size = 0n;
  /** The page cache of a regular file (shmem: the pages are the file): page index -> frame. */
  readonly pages = new Map<number, number>();
  /** A sysfs attribute: its show() and store() (fs/sysfs/file.c). */
  attr?: SysfsAttr;
  /** Character devices: which one (drivers/char/mem.c) and st_rdev. */
  chardev?: 'null' | 'zero';
  /** A driver's file operations (the scenario devices of devices.ts). */
  fops?: FileOps;
  rdev = 0n;
  /** Directory entries. */
  readonly entries?: Map<string, Inode>;
  /** Directories: the parent ("/" is its own parent). */
  parent?: Inode;
  /** A mount on this directory ("/tmp"): lookups continue in the mounted root. */
  mounted?: Inode;
  /** The inode a mounted root covers (for ".." out of a mount). */
  covers?: Inode;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** Open file descriptions referring to this inode (an unlinked file lives until the last goes). */
  openCount = 0;

  constructor(
    readonly fs: FsKind,
    readonly ino: number,
    public mode: number,
    now: Timespec,
  ) {
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
    this.nlink = (mode & S_IFMT) === S_IFDIR ? 2 : 1;
    if ((mode & S_IFMT) === S_IFDIR) {
      this.entries = new Map();
      this.size = 2n * BOGO_DIRENT_SIZE;
    }
  }

  get isDir(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  get isReg(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }

  /** st_dev. */
  get dev(): bigint {
    return this.fs === 'tmpfs' ? DEV_TMPFS : this.fs === 'pipefs' ? DEV_PIPEFS : this.fs === 'devtmpfs' ? DEV_DEVTMPFS : this.fs === 'sysfs' ? DEV_SYSFS : DEV_ROOT;
  }

  /** st_blocks: 512-byte units of the pages the file holds. */
  get blocks(): bigint {
    return BigInt(this.pages.size * (PAGE_SIZE / 512));
  }

  touchM(now: Timespec): void {
    this.mtime = now;
    this.ctime = now;
  }
}

/**
 * A driver's struct file_operations (what the scenario devices implement): read_iter and
 * write_iter return the result and the new position; unlocked_ioctl -ENOTTY for a command it
 * does not know. `directIo`: the file accepts O_DIRECT (FMODE_CAN_ODIRECT).
 */
export interface FileOps {
  read_iter?(k: Kernel, f: OpenFile, pos: bigint, to: IovIter): { ret: number; pos: bigint };
  write_iter?(k: Kernel, f: OpenFile, pos: bigint, from: IovIter): { ret: number; pos: bigint };
  unlocked_ioctl?(k: Kernel, f: OpenFile, cmd: number, arg: bigint): number;
  directIo?: boolean;
}

/** A sysfs attribute file: show() gives the contents, store() takes a write (count or -errno). */
export interface SysfsAttr {
  show(): string;
  store(buf: string, count: number): number;
}

/** sysfs_streq: equal, ignoring one trailing newline on either side. */
export function sysfsStreq(a: string, b: string): boolean {
  const trim = (x: string): string => (x.endsWith('\n') ? x.slice(0, -1) : x);
  return trim(a) === trim(b);
}

/** A pipe whose other end is the host: stdin (read end) or stdout/stderr (write end). */
export interface HostPipe {
  /** Bytes read from the host but not yet consumed (a short copy_to_user leaves them in the pipe). */
  pending: Uint8Array;
  sink?: OutputSink;
  source?: (n: number) => Uint8Array;
}

/** An open file description (struct file). */
export class OpenFile {
  pos = 0n;
  constructor(
    readonly inode: Inode,
    /** f_flags: the open flags (O_ACCMODE, O_APPEND, O_DIRECT, O_NONBLOCK, ...), without O_CREAT etc. */
    public flags: number,
    /** f_mode: FMODE_* bits. */
    readonly fmode: number,
    readonly path: string,
    readonly pipe?: HostPipe,
  ) {
    inode.openCount++;
  }
  get readable(): boolean {
    return (this.fmode & FMODE_READ) !== 0;
  }
  get writable(): boolean {
    return (this.fmode & FMODE_WRITE) !== 0;
  }
}

export interface FileHost {
  stdout: OutputSink;
  stderr: OutputSink;
  stdin?: (n: number) => Uint8Array;
}

/** Result of a path walk to the last component (filename_parentat + the last lookup). */
export interface Walk {
  parent: Inode;
  /** The last component ("" for "/", "." or ".." as given). */
  last: string;
  /** LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT. */
  type: 'norm' | 'root' | 'dot' | 'dotdot';
  /** The path ended in "/". */
  trailingSlash: boolean;
  /** What the last component names (after following a mount), if it exists. */
  inode?: Inode;
}

export class Files {
  readonly fds: ({ file: OpenFile; cloexec: boolean } | undefined)[] = [];
  readonly root: Inode;
  readonly tmp: Inode;
  /** /dev. */
  readonly dev: Inode;
  private nextIno = 1;
  /** tmpfs pages and inodes in use (the size= and nr_inodes= limits). */
  tmpfsPages = 0;
  tmpfsInodes = 0;
  umask = 0o022;
  /** The working directory (the host's is not visible: "/"). */
  cwd: Inode;
  /** Clock for timestamps: CLOCK_REALTIME, bound at the first syscall (before it, boot time). */
  clock?: () => Timespec;
  /** Guest RAM for the page cache (bound with attach()). */
  private frames?: FrameAllocator;
  private mem?: PhysMem;
  /** unmap_mapping_range: drops the mappings of a file's pages from `index` on. */
  private unmapMapping: (inode: Inode, index: number, end?: number, evenCows?: boolean) => void = () => {};
  /** References to page-cache frames from page tables (the page cache holds one more). */
  private readonly mapped = new Map<number, number>();

  constructor(readonly host: FileHost) {
    const t0 = this.now();
    const pipeOf = (): Inode => new Inode('pipefs', this.nextIno++, S_IFIFO | 0o600, t0);
    this.root = new Inode('root', this.nextIno++, S_IFDIR | 0o755, t0);
    this.root.parent = this.root;
    const mountpoint = new Inode('root', this.nextIno++, S_IFDIR | 0o755, t0);
    mountpoint.parent = this.root;
    this.root.entries!.set('tmp', mountpoint);
    this.root.nlink++;
    this.tmp = new Inode('tmpfs', this.nextIno++, S_IFDIR | S_ISVTX | 0o777, t0);
    this.tmp.parent = this.tmp;
    this.tmp.covers = mountpoint;
    mountpoint.mounted = this.tmp;
    this.tmpfsInodes = 1;
    const dev = new Inode('devtmpfs', this.nextIno++, S_IFDIR | 0o755, t0);
    this.dev = dev;
    dev.parent = this.root;
    this.root.entries!.set('dev', dev);
    this.root.nlink++;
    for (const [name, minor] of [['null', 3n], ['zero', 5n]] as const) {
      const c = new Inode('devtmpfs', this.nextIno++, S_IFCHR | 0o666, t0);
      c.chardev = name;
      c.rdev = (1n << 8n) | minor;
      dev.entries!.set(name, c);
    }
    const sys = new Inode('root', this.nextIno++, S_IFDIR | 0o755, t0);
    sys.parent = this.root;
    this.root.entries!.set('sys', sys);
    this.root.nlink++;
    this.cwd = this.root;
    const stdin: HostPipe = { pending: new Uint8Array(0), source: host.stdin };
    const stdout: HostPipe = { pending: new Uint8Array(0), sink: host.stdout };
    const stderr: HostPipe = { pending: new Uint8Array(0), sink: host.stderr };
    this.fds[0] = { file: new OpenFile(pipeOf(), O_RDONLY, FMODE_READ | FMODE_CAN_READ, 'pipe:[stdin]', stdin), cloexec: false };
    this.fds[1] = { file: new OpenFile(pipeOf(), O_WRONLY, FMODE_WRITE | FMODE_CAN_WRITE, 'pipe:[stdout]', stdout), cloexec: false };
    this.fds[2] = { file: new OpenFile(pipeOf(), O_WRONLY, FMODE_WRITE | FMODE_CAN_WRITE, 'pipe:[stderr]', stderr), cloexec: false };
  }

  /** Binds the kernel's clock, frame allocator and address space (at the first syscall). */
  attach(clock: () => Timespec, frames: FrameAllocator, mem: PhysMem, unmapMapping: (inode: Inode, index: number, end?: number, evenCows?: boolean) => void): void {
    this.clock = clock;
    this.frames = frames;
    this.mem = mem;
    this.unmapMapping = unmapMapping;
  }

  get attached(): boolean {
    return this.frames !== undefined;
  }

  now(): Timespec {
    return this.clock ? this.clock() : { sec: REALTIME_EPOCH, nsec: 0n };
  }

  /** fdget(): the open file of a descriptor (O_PATH files included). */
  getAny(fd: number): OpenFile | undefined {
    return fd >= 0 && fd < this.fds.length ? this.fds[fd]?.file : undefined;
  }

  /** fdget() for I/O: O_PATH descriptors do not count (__fget_light with FMODE_PATH masked). */
  get(fd: number): OpenFile | undefined {
    const f = this.getAny(fd);
    return f && (f.fmode & FMODE_PATH) === 0 ? f : undefined;
  }

  /** get_unused_fd_flags + fd_install: the lowest free descriptor below RLIMIT_NOFILE. */
  install(file: OpenFile, cloexec: boolean, minFd = 0): number {
    let fd = minFd;
    while (fd < this.fds.length && this.fds[fd] !== undefined) fd++;
    if (fd >= NR_OPEN_DEFAULT) {
      this.release(file);
      return -EMFILE;
    }
    this.fds[fd] = { file, cloexec };
    return fd;
  }

  /** Whether another descriptor could be installed (get_unused_fd_flags before the open). */
  hasFreeFd(): boolean {
    for (let fd = 0; fd < NR_OPEN_DEFAULT; fd++) if (this.fds[fd] === undefined) return true;
    return false;
  }

  /** close_fd(): -EBADF for a descriptor that is not open. */
  close(fd: number): number {
    const f = this.getAny(fd);
    if (!f) return -EBADF;
    this.fds[fd] = undefined;
    this.release(f);
    return 0;
  }

  /** fput(): the last reference to an unlinked file frees its pages. */
  release(f: OpenFile): void {
    this.unrefInode(f.inode);
  }

  /** A reference to the inode from an open file or a mapping (iput when it goes). */
  refInode(inode: Inode): void {
    inode.openCount++;
  }

  unrefInode(inode: Inode): void {
    inode.openCount--;
    if (inode.openCount === 0 && inode.nlink === 0) this.evict(inode);
  }

  /** shmem_evict_inode: the pages and the inode go back to the tmpfs's budget. */
  private evict(inode: Inode): void {
    if (inode.fs !== 'tmpfs') return;
    for (const pa of inode.pages.values()) this.dropCachePage(pa);
    this.tmpfsPages -= inode.pages.size;
    inode.pages.clear();
    this.tmpfsInodes--;
  }

  // ---- tmpfs page cache (frames of guest RAM)

  /** The bytes of a page-cache frame. */
  pageBytes(pa: number): Uint8Array {
    const off = pa - this.mem!.ramBase;
    return this.mem!.bytes.subarray(off, off + PAGE_SIZE);
  }

  /**
   * shmem_get_folio(SGP_WRITE / SGP_CACHE): the frame of page `index`, allocated (zeroed, tags 0)
   * if absent; -ENOSPC at the tmpfs size limit or when guest RAM is exhausted.
   */
  getPage(inode: Inode, index: number): number {
    const p = inode.pages.get(index);
    if (p !== undefined) return p;
    if (this.tmpfsPages >= TMPFS_MAX_PAGES) return -ENOSPC;
    const pa = this.frames!.alloc();
    if (pa === undefined) return -ENOSPC;
    inode.pages.set(index, pa);
    this.tmpfsPages++;
    return pa;
  }

  /** A page-table reference to a page-cache frame (a MAP_SHARED fault). */
  getMapped(pa: number): void {
    this.mapped.set(pa, (this.mapped.get(pa) ?? 0) + 1);
  }

  /** Drops a page-table reference; the frame goes once the page cache has let go of it too. */
  putMapped(pa: number): void {
    const n = (this.mapped.get(pa) ?? 1) - 1;
    if (n > 0) this.mapped.set(pa, n);
    else {
      this.mapped.delete(pa);
      if (this.orphans.delete(pa)) this.frames!.release(pa);
    }
  }

  /** Frames removed from a page cache while still mapped somewhere. */
  private readonly orphans = new Set<number>();

  private dropCachePage(pa: number): void {
    if (this.mapped.has(pa)) this.orphans.add(pa);
    else this.frames!.release(pa);
  }

  /** Punches page `index` out of a file (shmem_fallocate PUNCH_HOLE of one page, mappings first). */
  punchPage(inode: Inode, index: number): void {
    const pa = inode.pages.get(index);
    if (pa === undefined) return;
    this.unmapMapping(inode, index, index + 1, false);
    inode.pages.delete(index);
    this.tmpfsPages--;
    this.dropCachePage(pa);
  }

  /**
   * shmem_setattr's truncation to `size` (truncate_pagecache): mappings of the pages past the new
   * end are removed first (unmap_mapping_range, private copies too), then those pages are
   * freed, and the partial last page's tail is zeroed.
   */
  truncatePages(inode: Inode, size: bigint): void {
    const keep = Number((size + BigInt(PAGE_SIZE) - 1n) >> BigInt(PAGE_SHIFT));
    this.unmapMapping(inode, keep);
    for (const [index, pa] of inode.pages) {
      if (index >= keep) {
        inode.pages.delete(index);
        this.tmpfsPages--;
        this.dropCachePage(pa);
      }
    }
    const tail = Number(size & BigInt(PAGE_SIZE - 1));
    const last = inode.pages.get(keep - 1);
    if (tail !== 0 && last !== undefined) this.pageBytes(last).fill(0, tail);
  }

  // ---- name space

  private newInode(fs: FsKind, mode: number): Inode | number {
    if (fs === 'tmpfs') {
      if (this.tmpfsInodes >= TMPFS_MAX_PAGES) return -ENOSPC;
      this.tmpfsInodes++;
    }
    return new Inode(fs, this.nextIno++, mode, this.now());
  }

  /** The inode a directory entry leads to, following mounts (__follow_mount; they stack). */
  private static follow(i: Inode): Inode {
    while (i.mounted) i = i.mounted;
    return i;
  }

  /**
   * do_new_mount of a fresh file system on the directory `target` (the mount stacks on whatever
   * is mounted there): 'tmpfs' (a new empty tmpfs sharing the size budget) or 'sysfs' (built by
   * `populate`). Returns the new root.
   */
  mount(target: Inode, fs: 'tmpfs' | 'sysfs', populate?: (root: Inode) => void): Inode {
    while (target.mounted) target = target.mounted;
    const root = new Inode(fs, this.nextIno++, S_IFDIR | (fs === 'tmpfs' ? S_ISVTX | 0o777 : 0o755), this.now());
    if (fs === 'tmpfs') this.tmpfsInodes++;
    root.parent = root;
    root.covers = target;
    target.mounted = root;
    populate?.(root);
    return root;
  }

  /** A node in /dev served by a driver's file operations (S_IFCHR or S_IFREG in `mode`). */
  addDevice(name: string, mode: number, fops: FileOps, rdev = 0n): Inode {
    const d = new Inode('devtmpfs', this.nextIno++, mode, this.now());
    d.fops = fops;
    d.rdev = rdev;
    this.dev.entries!.set(name, d);
    return d;
  }

  /** A directory of a synthetic file system (sysfs). */
  mkdirSynthetic(dir: Inode, name: string): Inode {
    const d = new Inode(dir.fs, this.nextIno++, S_IFDIR | 0o755, this.now());
    d.parent = dir;
    dir.entries!.set(name, d);
    dir.nlink++;
    return d;
  }

  /** A sysfs attribute file (0644, st_size 4096 as sysfs reports). */
  attrFile(dir: Inode, name: string, attr: SysfsAttr): Inode {
    const f = new Inode(dir.fs, this.nextIno++, S_IFREG | 0o644, this.now());
    f.attr = attr;
    f.size = 4096n;
    dir.entries!.set(name, f);
    return f;
  }

  /** ".." of a directory, leaving a mounted file system through the mountpoint (follow_dotdot). */
  private static dotdot(dir: Inode): Inode {
    const d = dir.covers ?? dir;
    return Files.follow(d.parent ?? d);
  }

  /**
   * path_parentat + the last component's lookup (fs/namei.c link_path_walk, walk_component):
   * the starting point is "/" for an absolute path, else the directory `start`; every
   * intermediate component must be an existing directory (ENOENT, ENOTDIR), no component may
   * exceed NAME_MAX (ENAMETOOLONG).
   */
  walk(start: Inode, path: string): Walk | number {
    let dir = path.startsWith('/') ? this.root : start;
    const parts = path.split('/');
    const trailingSlash = path.length > 1 && path.endsWith('/');
    const names = parts.filter((p) => p !== '');
    if (names.length === 0) return { parent: dir, last: '', type: 'root', trailingSlash: false, inode: dir };
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name.length > NAME_MAX) return -ENAMETOOLONG;
      if (!dir.isDir) return -ENOTDIR;
      const isLast = i === names.length - 1;
      if (isLast) {
        if (name === '.') return { parent: dir, last: name, type: 'dot', trailingSlash, inode: dir };
        if (name === '..') return { parent: dir, last: name, type: 'dotdot', trailingSlash, inode: Files.dotdot(dir) };
        const e = dir.entries!.get(name);
        return { parent: dir, last: name, type: 'norm', trailingSlash, inode: e ? Files.follow(e) : undefined };
      }
      if (name === '.') continue;
      if (name === '..') {
        dir = Files.dotdot(dir);
        continue;
      }
      const e = dir.entries!.get(name);
      if (!e) return -ENOENT;
      dir = Files.follow(e);
    }
    return -ENOENT;
  }

  /** The directory a relative path starts from: the cwd for AT_FDCWD, else the descriptor's directory. */
  startDir(dirfd: number, path: string): Inode | number {
    if (path.startsWith('/') || dirfd === AT_FDCWD) return this.cwd;
    const f = this.getAny(dirfd);
    if (!f) return -EBADF;
    if (!f.inode.isDir) return -ENOTDIR;
    return f.inode;
  }

  /** Adds a new tmpfs inode under `dir` (shmem_mknod); ENOENT outside the tmpfs, as for any other path. */
  create(dir: Inode, name: string, mode: number): Inode | number {
    if (dir.fs !== 'tmpfs') return -ENOENT;
    if (dir.nlink === 0) return -ENOENT;
    const inode = this.newInode('tmpfs', mode);
    if (typeof inode === 'number') return inode;
    const now = inode.ctime;
    dir.entries!.set(name, inode);
    dir.size += BOGO_DIRENT_SIZE;
    dir.touchM(now);
    if (inode.isDir) {
      inode.parent = dir;
      dir.nlink++;
    }
    return inode;
  }

  /** An unnamed tmpfs file in `dir` (O_TMPFILE: shmem_tmpfile). */
  createTmpfile(dir: Inode, mode: number): Inode | number {
    if (dir.fs !== 'tmpfs') return -ENOENT;
    const inode = this.newInode('tmpfs', mode);
    if (typeof inode === 'number') return inode;
    inode.nlink = 0;
    return inode;
  }

  /** vfs_unlink / vfs_rmdir on an entry that exists; `inode` is what the walk found. */
  remove(w: Walk, rmdir: boolean): number {
    const dir = w.parent;
    const entry = dir.entries!.get(w.last)!;
    if (rmdir) {
      if (!entry.isDir && !entry.mounted) return -ENOTDIR;
      if (entry.mounted) return -EBUSY;
      if (entry.entries!.size > 0) return -ENOTEMPTY;
    } else if (entry.isDir || entry.mounted) return -EISDIR;
    if (dir.fs !== 'tmpfs') return -ENOENT;
    const now = this.now();
    dir.entries!.delete(w.last);
    dir.size -= BOGO_DIRENT_SIZE;
    dir.touchM(now);
    entry.ctime = now;
    if (entry.isDir) {
      dir.nlink--;
      entry.nlink = 0;
    } else entry.nlink--;
    if (entry.nlink === 0 && entry.openCount === 0) {
      if (entry.isDir) this.tmpfsInodes--;
      else this.evict(entry);
    }
    return 0;
  }
}

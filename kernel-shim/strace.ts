// `--strace`: each syscall as strace prints it (strace 6.x, default options with -a0: one space
// before "="): `write(1, "hi\n", 3) = 3`, `openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT, 0644) = 3`,
// errors as `-1 ENOENT (No such file or directory)`, the common flags decoded symbolically.
// Strings follow strace's string_quote (C escapes, octal for other bytes, 32 characters then
// "..."), structures are abbreviated as strace abbreviates them, user memory is read the way a
// tracer reads it (no tag checks, no faults; unreadable memory prints as its address).

import type { Kernel } from './kernel.js';
import { ERRNOS, RESTART_CODES } from './errno.js';
import { S_IFMT } from './vfs.js';

/** strace's default -s: strings are cut after this many characters. */
export const MAX_STRLEN = 32;
/** print_array's default element limit (also -s). */
const MAX_ARRAY = 32;

/** What a formatter sees: the kernel (for memory), the arguments, and the result once known. */
export interface TraceCall {
  k: Kernel;
  a: bigint[];
  /** The return value (-errno for errors); undefined while the call is being entered. */
  ret?: bigint;
}

/** How strace shows one argument: printed on entry, or (`out`) after the call. */
export interface ArgFormatter {
  out?: boolean;
  fmt(t: TraceCall, i: number): string;
}

/** How the result is shown: decimal, hex (addresses), octal (umask), none ("?"), or custom. */
export type RetKind = 'dec' | 'hex' | 'oct' | 'none' | ((t: TraceCall) => string);

// ---- primitives

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

export const hex = (v: bigint | number): string => (BigInt(v) === 0n ? '0' : '0x' + BigInt.asUintN(64, BigInt(v)).toString(16));
/** printaddr. */
export const addr = (v: bigint): string => (v === 0n ? 'NULL' : '0x' + v.toString(16));
/** PRINT_VAL_03O: `%#03o`. */
export const oct = (v: number): string => (v === 0 ? '000' : ('0' + v.toString(8)).padStart(3, '0'));

/** sprint_byte_oct as string_quote uses it. */
function octByte(c: number, nextIsOctDigit: boolean): string {
  if (nextIsOctDigit) return c.toString(8).padStart(3, '0');
  return c.toString(8);
}

/** string_quote without QUOTE_0_TERMINATED: every byte of `b`, quoted. */
export function quote(b: Uint8Array, forceHex = false): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (forceHex) {
      s += '\\x' + c.toString(16).padStart(2, '0');
      continue;
    }
    switch (c) {
      case 0x22:
        s += '\\"';
        break;
      case 0x5c:
        s += '\\\\';
        break;
      case 0x0c:
        s += '\\f';
        break;
      case 0x0a:
        s += '\\n';
        break;
      case 0x0d:
        s += '\\r';
        break;
      case 0x09:
        s += '\\t';
        break;
      case 0x0b:
        s += '\\v';
        break;
      default:
        if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
        else s += '\\' + octByte(c, i + 1 < b.length && b[i + 1] >= 0x30 && b[i + 1] <= 0x37);
    }
  }
  return s + '"';
}

/** Tracer's view of user memory (ptrace's access_remote_vm). */
function peek(k: Kernel, a: bigint, n: number): Uint8Array {
  return k.as.peek(a, n);
}

/** printstrn / printstr_ex: `len` bytes at a, cut at MAX_STRLEN with "..."; the address if unreadable. */
export function printstrn(k: Kernel, a: bigint, len: bigint, forceHex = false): string {
  if (a === 0n) return 'NULL';
  const size = len > BigInt(MAX_STRLEN + 1) ? MAX_STRLEN + 1 : Number(len);
  const b = peek(k, a, size);
  if (b.length < size) return addr(a);
  const shown = b.subarray(0, Math.min(size, MAX_STRLEN));
  return quote(shown, forceHex) + (len > BigInt(MAX_STRLEN) ? '...' : '');
}

/** printpath / printstr with QUOTE_0_TERMINATED: up to the NUL (at most `max` - 1 bytes). */
export function printpath(k: Kernel, a: bigint, max = 4096): string {
  if (a === 0n) return 'NULL';
  const b = peek(k, a, max);
  const nul = b.indexOf(0);
  if (nul >= 0) return quote(b.subarray(0, nul));
  if (b.length < max) return addr(a);
  return quote(b.subarray(0, max - 1)) + '...';
}

/** printflags: the names of the set flags in table order, leftover bits in hex, `zero` for 0. */
export function flags(v: number, table: readonly (readonly [number, string])[], zero = '0'): string {
  if (v === 0) return zero;
  const out: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if (bit !== 0 && (rest & bit) === bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) out.push('0x' + rest.toString(16));
  return out.join('|');
}

/** printxval: the name, or the number with a "???" comment. */
export function xval(v: number, table: ReadonlyMap<number, string>, unknown: string): string {
  const n = table.get(v);
  if (n !== undefined) return n;
  return `${hex(v >>> 0)} /* ${unknown} */`;
}

// ---- tables (strace's xlat files, arm64 values)

export const OPEN_ACCESS = new Map([[0, 'O_RDONLY'], [1, 'O_WRONLY'], [2, 'O_RDWR'], [3, 'O_ACCMODE']]);
export const OPEN_FLAGS: [number, string][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'],
  [0o4010000, 'O_SYNC'], [0o4000000, '__O_SYNC'], [0o10000, 'O_DSYNC'], [0o200000, 'O_DIRECT'], [0o400000, 'O_LARGEFILE'],
  [0o100000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
  [0o20040000, 'O_TMPFILE'], [0o20000000, '__O_TMPFILE'], [0o40000, 'O_DIRECTORY'], [0o20000, 'FASYNC'],
];
export const PROT_FLAGS: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [8, 'PROT_SEM'], [0x01000000, 'PROT_GROWSDOWN'], [0x02000000, 'PROT_GROWSUP']];
const MAP_TYPES = new Map([[1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [3, 'MAP_SHARED_VALIDATE'], [8, 'MAP_DROPPABLE']]);
export const MAP_FLAGS: [number, string][] = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'],
  [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'], [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'], [0x20000, 'MAP_STACK'],
  [0x40000, 'MAP_HUGETLB'], [0x80000, 'MAP_SYNC'], [0x4000000, 'MAP_UNINITIALIZED'], [0x100000, 'MAP_FIXED_NOREPLACE'],
];
const WHENCE = new Map([[0, 'SEEK_SET'], [1, 'SEEK_CUR'], [2, 'SEEK_END'], [3, 'SEEK_DATA'], [4, 'SEEK_HOLE']]);
export const AT_FLAGS: [number, string][] = [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH'], [0x8000, 'AT_RECURSIVE']];
const MADVISE = new Map([
  [0, 'MADV_NORMAL'], [1, 'MADV_RANDOM'], [2, 'MADV_SEQUENTIAL'], [3, 'MADV_WILLNEED'], [4, 'MADV_DONTNEED'], [8, 'MADV_FREE'],
  [9, 'MADV_REMOVE'], [10, 'MADV_DONTFORK'], [11, 'MADV_DOFORK'], [12, 'MADV_MERGEABLE'], [13, 'MADV_UNMERGEABLE'],
  [14, 'MADV_HUGEPAGE'], [15, 'MADV_NOHUGEPAGE'], [16, 'MADV_DONTDUMP'], [17, 'MADV_DODUMP'], [18, 'MADV_WIPEONFORK'],
  [19, 'MADV_KEEPONFORK'], [20, 'MADV_COLD'], [21, 'MADV_PAGEOUT'], [22, 'MADV_POPULATE_READ'], [23, 'MADV_POPULATE_WRITE'],
  [24, 'MADV_DONTNEED_LOCKED'], [25, 'MADV_COLLAPSE'], [100, 'MADV_HWPOISON'], [101, 'MADV_SOFT_OFFLINE'],
  [102, 'MADV_GUARD_INSTALL'], [103, 'MADV_GUARD_REMOVE'],
]);
const CLOCKS = new Map([
  [0, 'CLOCK_REALTIME'], [1, 'CLOCK_MONOTONIC'], [2, 'CLOCK_PROCESS_CPUTIME_ID'], [3, 'CLOCK_THREAD_CPUTIME_ID'],
  [4, 'CLOCK_MONOTONIC_RAW'], [5, 'CLOCK_REALTIME_COARSE'], [6, 'CLOCK_MONOTONIC_COARSE'], [7, 'CLOCK_BOOTTIME'],
  [8, 'CLOCK_REALTIME_ALARM'], [9, 'CLOCK_BOOTTIME_ALARM'], [10, 'CLOCK_SGI_CYCLE'], [11, 'CLOCK_TAI'],
]);
const GRND_FLAGS: [number, string][] = [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']];
const IOCTLS = new Map([
  [0x5401, 'TCGETS'], [0x5402, 'TCSETS'], [0x5403, 'TCSETSW'], [0x5404, 'TCSETSF'], [0x540f, 'TIOCGPGRP'], [0x5410, 'TIOCSPGRP'],
  [0x5413, 'TIOCGWINSZ'], [0x5414, 'TIOCSWINSZ'], [0x541b, 'FIONREAD'], [0x5421, 'FIONBIO'], [0x5450, 'FIONCLEX'],
  [0x5451, 'FIOCLEX'], [0x5452, 'FIOASYNC'], [0x5460, 'FIOQSIZE'],
]);
const RLIMITS = new Map([
  [0, 'RLIMIT_CPU'], [1, 'RLIMIT_FSIZE'], [2, 'RLIMIT_DATA'], [3, 'RLIMIT_STACK'], [4, 'RLIMIT_CORE'], [5, 'RLIMIT_RSS'],
  [6, 'RLIMIT_NPROC'], [7, 'RLIMIT_NOFILE'], [8, 'RLIMIT_MEMLOCK'], [9, 'RLIMIT_AS'], [10, 'RLIMIT_LOCKS'],
  [11, 'RLIMIT_SIGPENDING'], [12, 'RLIMIT_MSGQUEUE'], [13, 'RLIMIT_NICE'], [14, 'RLIMIT_RTPRIO'], [15, 'RLIMIT_RTTIME'],
]);
const FCNTL_CMDS = new Map([[0, 'F_DUPFD'], [1, 'F_GETFD'], [2, 'F_SETFD'], [3, 'F_GETFL'], [4, 'F_SETFL'], [1030, 'F_DUPFD_CLOEXEC']]);
const MODE_TYPES = new Map([[0o140000, 'S_IFSOCK'], [0o120000, 'S_IFLNK'], [0o100000, 'S_IFREG'], [0o60000, 'S_IFBLK'], [0o40000, 'S_IFDIR'], [0o20000, 'S_IFCHR'], [0o10000, 'S_IFIFO']]);
export const PRCTL_OPTIONS = new Map([
  [1, 'PR_SET_PDEATHSIG'], [2, 'PR_GET_PDEATHSIG'], [3, 'PR_GET_DUMPABLE'], [4, 'PR_SET_DUMPABLE'], [15, 'PR_SET_NAME'],
  [16, 'PR_GET_NAME'], [22, 'PR_SET_SECCOMP'], [36, 'PR_SET_CHILD_SUBREAPER'], [38, 'PR_SET_NO_NEW_PRIVS'],
  [39, 'PR_GET_NO_NEW_PRIVS'], [50, 'PR_SVE_SET_VL'], [51, 'PR_SVE_GET_VL'], [54, 'PR_PAC_RESET_KEYS'],
  [55, 'PR_SET_TAGGED_ADDR_CTRL'], [56, 'PR_GET_TAGGED_ADDR_CTRL'], [0x59616d61, 'PR_SET_PTRACER'], [0x53564d41, 'PR_SET_VMA'],
]);

/** sprint_tagged_addr_val: `PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_SYNC|0xfffe<<PR_MTE_TAG_SHIFT`. */
export function taggedAddrCtrl(v: bigint): string {
  const enabled = (v & 1n) !== 0n ? 'PR_TAGGED_ADDR_ENABLE' : '!PR_TAGGED_ADDR_ENABLE';
  const tcf = ['PR_MTE_TCF_NONE', 'PR_MTE_TCF_SYNC', 'PR_MTE_TCF_ASYNC', 'PR_MTE_TCF_MASK'][Number((v >> 1n) & 3n)];
  let s = `${enabled}|${tcf}`;
  const tag = (v >> 3n) & 0xffffn;
  if (tag !== 0n) s += `|${hex(tag)}<<PR_MTE_TAG_SHIFT`;
  const rest = v & ~0x7ffffn;
  if (rest !== 0n) s += `|${hex(rest)}`;
  return s;
}

/** tprint_open_modes: access mode, then the flags. */
export function openFlags(v: number): string {
  const acc = xval(v & 3, OPEN_ACCESS, 'O_???');
  const rest = v & ~3;
  return rest === 0 ? acc : `${acc}|${flags(rest, OPEN_FLAGS)}`;
}

/** print_symbolic_mode_t. */
export function symbolicMode(mode: number): string {
  const type = mode & S_IFMT;
  const ifmt = type === 0 ? '' : MODE_TYPES.get(type);
  if (ifmt === undefined) return oct(mode);
  return `${ifmt}${ifmt ? '|' : ''}${mode & 0o4000 ? 'S_ISUID|' : ''}${mode & 0o2000 ? 'S_ISGID|' : ''}${mode & 0o1000 ? 'S_ISVTX|' : ''}${oct(mode & 0o777)}`;
}

/** print_mmap_flags. */
export function mmapFlags(v: number): string {
  const type = MAP_TYPES.get(v & 0xf) ?? `${hex(v & 0xf)} /* MAP_??? */`;
  const rest = v & ~0xf;
  return rest === 0 ? type : `${type}|${flags(rest, MAP_FLAGS)}`;
}

/** A struct field list as strace prints it: `{a=1, b=2}`. */
const struct = (fields: string[]): string => `{${fields.join(', ')}}`;

/** sprint_rlim64: RLIM64_INFINITY, N*1024, or N. */
function rlim(v: bigint): string {
  if (v === (1n << 64n) - 1n) return 'RLIM64_INFINITY';
  if (v > 1024n && v % 1024n === 0n) return `${v / 1024n}*1024`;
  return v.toString();
}

// ---- the argument kinds

/** Reads n bytes for a structure, or undefined if the tracer could not. */
function fetch(t: TraceCall, a: bigint, n: number): DataView | undefined {
  const b = peek(t.k, a, n);
  return b.length === n ? new DataView(b.buffer, b.byteOffset, n) : undefined;
}

const failed = (t: TraceCall): boolean => t.ret !== undefined && t.ret < 0n && t.ret >= -4095n;

function printIov(t: TraceCall, i: number, dataSize: bigint | undefined): string {
  const v = t.a[i];
  const n = Number(BigInt.asUintN(32, t.a[i + 1]));
  if (n === 0) return '[]';
  const shown = Math.min(n, MAX_ARRAY);
  const raw = fetch(t, v, shown * 16);
  if (!raw) return addr(v);
  let left = dataSize;
  const items: string[] = [];
  for (let j = 0; j < shown; j++) {
    const base = raw.getBigUint64(j * 16, true);
    const len = raw.getBigUint64(j * 16 + 8, true);
    let data: string;
    if (failed(t)) data = addr(base);
    else {
      let l = len;
      if (left !== undefined) {
        if (l > left) l = left;
        left -= l;
      }
      data = printstrn(t.k, base, l);
    }
    items.push(struct([`iov_base=${data}`, `iov_len=${len}`]));
  }
  return `[${items.join(', ')}${n > MAX_ARRAY ? ', ...' : ''}]`;
}

function printStat(t: TraceCall, i: number): string {
  const v = t.a[i];
  if (failed(t)) return addr(v);
  const d = fetch(t, v, 128);
  if (!d) return addr(v);
  const mode = d.getUint32(16, true);
  const type = mode & S_IFMT;
  const tail = type === 0o20000 || type === 0o60000 ? `st_rdev=${makedev(d.getBigUint64(32, true))}` : `st_size=${d.getBigInt64(48, true)}`;
  return struct([`st_mode=${symbolicMode(mode)}`, tail, '...']);
}

/** print_dev_t: makedev(major, minor) from a new_encode_dev value. */
function makedev(dev: bigint): string {
  const d = Number(dev & 0xffffffffn);
  const major = (d & 0xfff00) >>> 8;
  const minor = (d & 0xff) | ((d >>> 12) & 0xfff00);
  return `makedev(${hex(major)}, ${hex(minor)})`;
}

function printTimespec(t: TraceCall, v: bigint): string {
  const d = fetch(t, v, 16);
  if (!d) return addr(v);
  return struct([`tv_sec=${d.getBigInt64(0, true)}`, `tv_nsec=${d.getBigUint64(8, true)}`]);
}

function printRlimit(t: TraceCall, v: bigint): string {
  if (v === 0n) return 'NULL';
  const d = fetch(t, v, 16);
  if (!d) return addr(v);
  return struct([`rlim_cur=${rlim(d.getBigUint64(0, true))}`, `rlim_max=${rlim(d.getBigUint64(8, true))}`]);
}

function printUtsname(t: TraceCall, v: bigint): string {
  if (failed(t)) return addr(v);
  const b = peek(t.k, v, 390);
  if (b.length < 390) return addr(v);
  const field = (n: number): string => {
    const f = b.subarray(n * 65, n * 65 + 65);
    const nul = f.indexOf(0);
    return quote(f.subarray(0, nul < 0 ? 65 : nul));
  };
  return struct([`sysname=${field(0)}`, `nodename=${field(1)}`, '...']);
}

/** strace's argument printers, by name. Argument kinds the signals engineer uses stay: int, uint, hex, ptr. */
export const ARG_KINDS = {
  int: { fmt: (t: TraceCall, i: number) => String(s32(t.a[i])) },
  uint: { fmt: (t: TraceCall, i: number) => BigInt.asUintN(64, t.a[i]).toString() },
  count: { fmt: (t: TraceCall, i: number) => BigInt.asUintN(64, t.a[i]).toString() },
  off: { fmt: (t: TraceCall, i: number) => BigInt.asIntN(64, t.a[i]).toString() },
  hex: { fmt: (t: TraceCall, i: number) => hex(t.a[i]) },
  ptr: { fmt: (t: TraceCall, i: number) => addr(t.a[i]) },
  fd: { fmt: (t: TraceCall, i: number) => String(s32(t.a[i])) },
  dirfd: { fmt: (t: TraceCall, i: number) => (s32(t.a[i]) === -100 ? 'AT_FDCWD' : String(s32(t.a[i]))) },
  path: { fmt: (t: TraceCall, i: number) => printpath(t.k, t.a[i]) },
  /** A buffer the call reads: printed on entry, its length in the next argument. */
  wbuf: { fmt: (t: TraceCall, i: number) => printstrn(t.k, t.a[i], t.a[i + 1]) },
  /** A buffer the call fills: printed after, as many bytes as the result says. */
  rbuf: { out: true, fmt: (t: TraceCall, i: number) => (failed(t) || t.ret === undefined ? addr(t.a[i]) : printstrn(t.k, t.a[i], t.ret)) },
  randbuf: { out: true, fmt: (t: TraceCall, i: number) => (failed(t) || t.ret === undefined ? addr(t.a[i]) : printstrn(t.k, t.a[i], t.ret, true)) },
  oflags: { fmt: (t: TraceCall, i: number) => openFlags(u32(t.a[i])) },
  /** open's mode: shown only with O_CREAT or O_TMPFILE (the flags are the argument before). */
  omode: { fmt: (t: TraceCall, i: number) => ((u32(t.a[i - 1]) & 0o20000100) !== 0 ? oct(u32(t.a[i]) & 0o7777) : '') },
  mode: { fmt: (t: TraceCall, i: number) => oct(u32(t.a[i]) & 0o7777) },
  prot: { fmt: (t: TraceCall, i: number) => flags(u32(t.a[i]), PROT_FLAGS, 'PROT_NONE') },
  mapflags: { fmt: (t: TraceCall, i: number) => mmapFlags(u32(t.a[i])) },
  whence: { fmt: (t: TraceCall, i: number) => xval(u32(t.a[i]), WHENCE, 'SEEK_???') },
  atflags: { fmt: (t: TraceCall, i: number) => flags(u32(t.a[i]), AT_FLAGS) },
  madvise: { fmt: (t: TraceCall, i: number) => xval(u32(t.a[i]), MADVISE, 'MADV_???') },
  clockid: { fmt: (t: TraceCall, i: number) => (s32(t.a[i]) < 0 ? String(s32(t.a[i])) : xval(u32(t.a[i]), CLOCKS, 'CLOCK_???')) },
  grndflags: { fmt: (t: TraceCall, i: number) => flags(u32(t.a[i]), GRND_FLAGS) },
  ioctl: { fmt: (t: TraceCall, i: number) => IOCTLS.get(u32(t.a[i])) ?? hex(u32(t.a[i])) },
  fcntlcmd: { fmt: (t: TraceCall, i: number) => xval(u32(t.a[i]), FCNTL_CMDS, 'F_???') },
  rlimres: { fmt: (t: TraceCall, i: number) => xval(u32(t.a[i]), RLIMITS, 'RLIMIT_???') },
  rlimit: { fmt: (t: TraceCall, i: number) => printRlimit(t, t.a[i]) },
  rlimitout: { out: true, fmt: (t: TraceCall, i: number) => (failed(t) ? addr(t.a[i]) : printRlimit(t, t.a[i])) },
  iov: { fmt: (t: TraceCall, i: number) => printIov(t, i, undefined) },
  iovr: { out: true, fmt: (t: TraceCall, i: number) => printIov(t, i, failed(t) ? 0n : t.ret) },
  stat: { out: true, fmt: (t: TraceCall, i: number) => printStat(t, i) },
  timespec: { fmt: (t: TraceCall, i: number) => (t.a[i] === 0n ? 'NULL' : printTimespec(t, t.a[i])) },
  timespecout: { out: true, fmt: (t: TraceCall, i: number) => (failed(t) || t.a[i] === 0n ? addr(t.a[i]) : printTimespec(t, t.a[i])) },
  utsname: { out: true, fmt: (t: TraceCall, i: number) => printUtsname(t, t.a[i]) },
  cwd: { out: true, fmt: (t: TraceCall, i: number) => (failed(t) ? addr(t.a[i]) : printpath(t.k, t.a[i])) },
} satisfies Record<string, ArgFormatter>;

export type ArgKind = keyof typeof ARG_KINDS;

/** Formats the arguments: `phase` 'in' gives the entry-time ones, 'out' the rest (joined later). */
export function formatArgs(t: TraceCall, args: readonly (ArgKind | ArgFormatter)[], phase: 'in' | 'out', shown: (string | undefined)[]): void {
  args.forEach((kind, i) => {
    const f: ArgFormatter = typeof kind === 'string' ? ARG_KINDS[kind] : kind;
    if ((phase === 'out') === (f.out === true)) shown[i] = f.fmt(t, i);
  });
}

/** The result: `-1 ENAME (message)` for errors, `? ERESTARTSYS (...)` for restarts, else per kind. */
export function formatResult(t: TraceCall, kind: RetKind = 'dec'): string {
  if (kind === 'none') return '?';
  const r = t.ret ?? 0n;
  if (r < 0n && r >= -4095n) {
    const e = Number(-r);
    const restart = RESTART_CODES.get(e);
    if (restart) return `? ${restart[0]} (${restart[1]})`;
    const known = ERRNOS.get(e);
    return known ? `-1 ${known[0]} (${known[1]})` : `-1 E??? (errno ${e})`;
  }
  if (typeof kind === 'function') return kind(t);
  if (kind === 'hex') return hex(r);
  if (kind === 'oct') return oct(Number(r));
  return r.toString();
}

/** The `+++ exited with N +++` / `+++ killed by SIGSEGV (core dumped) +++` line. */
export function formatProcessEnd(end: { kind: 'exit'; status: number } | { kind: 'signal'; signo: number } | { kind: 'livelock'; livelock: { loop: string } }, signame: (n: number) => string, coreDumped = false): string {
  if (end.kind === 'exit') return `+++ exited with ${end.status} +++`;
  // granule's own: the livelock watchdog stopped the process inside a syscall.
  if (end.kind === 'livelock') return `+++ stopped by the livelock watchdog (soft lockup in ${end.livelock.loop}) +++`;
  return `+++ killed by ${signame(end.signo)} ${coreDumped ? '(core dumped) ' : ''}+++`;
}

const SI_CODES: Record<number, string> = { 0: 'SI_USER', 128: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER', [-3]: 'SI_MESGQ', [-4]: 'SI_ASYNCIO', [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL' };
const FAULT_CODES: Record<number, string[]> = {
  4: ['ILL_ILLOPC', 'ILL_ILLOPN', 'ILL_ILLADR', 'ILL_ILLTRP', 'ILL_PRVOPC', 'ILL_PRVREG', 'ILL_COPROC', 'ILL_BADSTK', 'ILL_BADIADDR'],
  5: ['TRAP_BRKPT', 'TRAP_TRACE', 'TRAP_BRANCH', 'TRAP_HWBKPT', 'TRAP_UNK', 'TRAP_PERF'],
  7: ['BUS_ADRALN', 'BUS_ADRERR', 'BUS_OBJERR', 'BUS_MCEERR_AR', 'BUS_MCEERR_AO'],
  8: ['FPE_INTDIV', 'FPE_INTOVF', 'FPE_FLTDIV', 'FPE_FLTOVF', 'FPE_FLTUND', 'FPE_FLTRES', 'FPE_FLTINV', 'FPE_FLTSUB', 'FPE_FLTUNK', 'FPE_CONDTRAP'],
  11: ['SEGV_MAPERR', 'SEGV_ACCERR', 'SEGV_BNDERR', 'SEGV_PKUERR', 'SEGV_ACCADI', 'SEGV_ADIDERR', 'SEGV_ADIPERR', 'SEGV_MTEAERR', 'SEGV_MTESERR', 'SEGV_CPERR'],
};

/**
 * The line strace prints when a signal is delivered (printsiginfo):
 * `--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MTESERR, si_addr=0x10} ---` for a fault,
 * `--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=1000, si_uid=0} ---` for one sent.
 */
export function formatSignalDelivery(signo: number, code: number, info: { addr?: bigint; pid?: number; uid?: number }, signame: (n: number) => string): string {
  const name = signame(signo);
  const faultNames = FAULT_CODES[signo];
  const codeName = code > 0 && faultNames?.[code - 1] ? faultNames[code - 1] : (SI_CODES[code] ?? String(code));
  const fields = [`si_signo=${name}`, `si_code=${codeName}`];
  if (code > 0 && faultNames) fields.push(`si_addr=${addr(info.addr ?? 0n)}`);
  else if (code <= 0) fields.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
  return `--- ${name} {${fields.join(', ')}} ---`;
}

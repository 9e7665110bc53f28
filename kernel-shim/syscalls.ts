// The Linux arm64 syscall table (include/uapi/asm-generic/unistd.h numbers): arguments in
// X0-X5, the number in X8, the result in X0 with -errno for errors (el0_svc → invoke_syscall).
// Anything not in the table returns -ENOSYS. `--strace` prints each call as strace does
// (strace.ts). The bodies live with their subsystem: fs-syscalls.ts, mm.ts, misc-syscalls.ts,
// and the signal syscalls in signal-syscalls.ts, which registers itself with defineSyscall.

import type { Kernel } from './kernel.js';
import { ENOSYS, ERRNOS } from './errno.js';
import { SYSCALL_NAMES } from './syscall-names.js';
import { ARG_KINDS, formatArgs, formatProcessEnd, formatResult, hex, openFlags, taggedAddrCtrl, PRCTL_OPTIONS, printpath, type ArgFormatter, type ArgKind, type RetKind, type TraceCall, xval } from './strace.js';
import { realtimeNow } from './time.js';
import {
  sysClose, sysDup, sysDup3, sysFcntl, sysFstat, sysFtruncate, sysGetcwd, sysIoctl, sysLseek, sysMkdirat, sysNewfstatat, sysOpenat,
  sysPreadPwrite, sysReadvWritev, sysReadWrite, sysUmask, sysUnlinkat, mmapTarget, sysMount,
} from './fs-syscalls.js';
import {
  sysClockGetres, sysClockGettime, sysExit, sysGetrandom, sysGetrlimit, sysGettimeofday, sysPrctl, sysPrlimit64, sysSetrlimit,
  sysFutex, sysSetRobustList, sysSetTidAddress, sysUname, PR_GET_NAME, PR_GET_TAGGED_ADDR_CTRL, PR_SET_NAME, PR_SET_TAGGED_ADDR_CTRL,
} from './misc-syscalls.js';

export { ENOENT, EIO, EBADF, ENOMEM, EACCES, EEXIST, ENOTDIR, EISDIR, EINVAL, EMFILE, ENOSPC, ESPIPE, ERANGE, ENAMETOOLONG, ENOSYS, ENODEV } from './errno.js';
export type { ArgKind } from './strace.js';

/** errno -> name (for reports). */
export const ERRNO_NAMES: Record<number, string> = Object.fromEntries([...ERRNOS].map(([n, [name]]) => [n, name]));

export interface SyscallDef {
  name: string;
  args: readonly (ArgKind | ArgFormatter)[];
  /** Returns the result (negative for -errno). */
  run(k: Kernel, a: bigint[]): bigint | number;
  /** How strace shows the result (default: decimal). */
  ret?: RetKind;
  /** A whole custom argument list for strace (calls whose arguments depend on each other). */
  format?: (t: TraceCall, phase: 'in' | 'out') => string | undefined;
}

export interface SyscallTrace {
  emit(line: string): void;
}

export const SYSCALLS = new Map<number, SyscallDef>();

export function defineSyscall(nr: number, name: string, args: readonly (ArgKind | ArgFormatter)[], run: SyscallDef['run'], opts: Pick<SyscallDef, 'ret' | 'format'> = {}): void {
  SYSCALLS.set(nr, { name, args, run, ...opts });
}

/** Runs the syscall in X8 with X0-X5 and writes the result to X0 (el0_svc → invoke_syscall). */
export function dispatchSyscall(k: Kernel): void {
  const cpu = k.m.cpu;
  if (!k.files.attached) k.files.attach(() => realtimeNow(k), k.frames, k.m.mem, (inode, index, end, evenCows) => k.as.unmapMapping(inode, index, end, evenCows));
  const nr = Number(cpu.readX(8));
  const a = [0, 1, 2, 3, 4, 5].map((i) => cpu.readX(i));
  const def = SYSCALLS.get(nr);
  const name = def?.name ?? SYSCALL_NAMES.get(nr)?.[0] ?? `syscall_${hex(nr)}`;
  const t: TraceCall = { k, a };
  let entry: (string | undefined)[] = [];
  let custom: string | undefined;
  if (k.trace) {
    if (def?.format) custom = def.format(t, 'in');
    else if (def) formatArgs(t, def.args, 'in', entry);
  }
  const log = k.syscallLog;
  if (log) log.push({ nr, name, args: a, start: k.snapshot() });
  const result = BigInt(def ? def.run(k, a) : -ENOSYS);
  if (log) {
    const rec = log[log.length - 1];
    rec.end = k.snapshot();
    if (k.end?.kind !== 'livelock') rec.ret = result;
  }
  k.syscallCounts.set(name, (k.syscallCounts.get(name) ?? 0) + 1);
  if (k.trace && k.end?.kind === 'livelock') {
    // The call never returns: strace's line for a call the process did not come back from.
    const args = def?.format ? (custom ?? '') : def ? entry.filter((x) => x !== undefined && x !== '').join(', ') : a.map(hex).join(', ');
    k.trace.emit(`${name}(${args} <unfinished ...>`);
    k.trace.emit(formatProcessEnd(k.end, String));
  } else if (k.trace) {
    t.ret = result;
    let args: string;
    if (def?.format) args = def.format(t, 'out') ?? custom ?? '';
    else if (def) {
      formatArgs(t, def.args, 'out', entry);
      args = entry.filter((s) => s !== '').join(', ');
    } else {
      // Not implemented: strace still knows the call; its arguments in hex.
      const n = SYSCALL_NAMES.get(nr)?.[1] ?? 6;
      args = a.slice(0, n).map(hex).join(', ');
    }
    entry = [];
    const exiting = def && (nr === SYS_EXIT || nr === SYS_EXIT_GROUP);
    k.trace.emit(`${name}(${args}) = ${formatResult(t, exiting ? 'none' : def?.ret)}`);
    if (exiting && k.end) k.trace.emit(formatProcessEnd(k.end, String));
  }
  // exit/exit_group end the process; the registers no longer matter.
  if (!k.end) cpu.writeX(0, BigInt.asUintN(64, result));
}

/** The `+++ ... +++` line strace prints when the process ends; for the code that ends it by a signal. */
export function traceProcessEnd(k: Kernel, signame: (signo: number) => string, coreDumped: boolean): void {
  if (k.trace && k.end) k.trace.emit(formatProcessEnd(k.end, signame, coreDumped));
}

// ---- the table

const SYS_EXIT = 93;
const SYS_EXIT_GROUP = 94;

// fs/read_write.c
defineSyscall(63, 'read', ['fd', 'rbuf', 'count'], (k, a) => sysReadWrite(k, false, a[0], a[1], a[2]));
defineSyscall(64, 'write', ['fd', 'wbuf', 'count'], (k, a) => sysReadWrite(k, true, a[0], a[1], a[2]));
defineSyscall(65, 'readv', ['fd', 'iovr', 'count'], (k, a) => sysReadvWritev(k, false, a[0], a[1], a[2]));
defineSyscall(66, 'writev', ['fd', 'iov', 'count'], (k, a) => sysReadvWritev(k, true, a[0], a[1], a[2]));
defineSyscall(67, 'pread64', ['fd', 'rbuf', 'count', 'off'], (k, a) => sysPreadPwrite(k, false, a[0], a[1], a[2], a[3]));
defineSyscall(68, 'pwrite64', ['fd', 'wbuf', 'count', 'off'], (k, a) => sysPreadPwrite(k, true, a[0], a[1], a[2], a[3]));
defineSyscall(62, 'lseek', ['fd', 'off', 'whence'], (k, a) => sysLseek(k, a[0], a[1], a[2]));
// fs/open.c, fs/namei.c, fs/stat.c
defineSyscall(56, 'openat', ['dirfd', 'path', 'oflags', 'omode'], (k, a) => sysOpenat(k, a[0], a[1], a[2], a[3]));
defineSyscall(57, 'close', ['fd'], (k, a) => sysClose(k, a[0]));
defineSyscall(46, 'ftruncate', ['fd', 'off'], (k, a) => sysFtruncate(k, a[0], a[1]));
defineSyscall(80, 'fstat', ['fd', 'stat'], (k, a) => sysFstat(k, a[0], a[1]));
defineSyscall(79, 'newfstatat', ['dirfd', 'path', 'stat', 'atflags'], (k, a) => sysNewfstatat(k, a[0], a[1], a[2], a[3]));
defineSyscall(35, 'unlinkat', ['dirfd', 'path', 'atflags'], (k, a) => sysUnlinkat(k, a[0], a[1], a[2]));
defineSyscall(34, 'mkdirat', ['dirfd', 'path', 'mode'], (k, a) => sysMkdirat(k, a[0], a[1], a[2]));
defineSyscall(17, 'getcwd', ['cwd', 'uint'], (k, a) => sysGetcwd(k, a[0], a[1]));
defineSyscall(40, 'mount', ['path', 'path', 'path', 'hex', 'ptr'], (k, a) => sysMount(k, a[0], a[1], a[2], a[3], a[4]));
defineSyscall(166, 'umask', ['mode'], (k, a) => sysUmask(k, a[0]), { ret: 'oct' });
// fs/ioctl.c, fs/fcntl.c, fs/file.c
defineSyscall(29, 'ioctl', ['fd', 'ioctl', 'hex'], (k, a) => sysIoctl(k, a[0], a[1], a[2]));
defineSyscall(23, 'dup', ['fd'], (k, a) => sysDup(k, a[0]));
defineSyscall(24, 'dup3', ['fd', 'fd', { fmt: (t, i) => (BigInt.asUintN(32, t.a[i]) === 0o2000000n ? 'O_CLOEXEC' : hex(BigInt.asUintN(32, t.a[i]))) }], (k, a) => sysDup3(k, a[0], a[1], a[2]));
defineSyscall(25, 'fcntl', [], (k, a) => sysFcntl(k, a[0], a[1], a[2]), { format: formatFcntl, ret: fcntlRet });

// kernel/exit.c, kernel/fork.c, kernel/sys.c
defineSyscall(SYS_EXIT, 'exit', ['int'], (k, a) => sysExit(k, a[0]));
defineSyscall(SYS_EXIT_GROUP, 'exit_group', ['int'], (k, a) => sysExit(k, a[0]));
defineSyscall(96, 'set_tid_address', ['ptr'], (k, a) => sysSetTidAddress(k, a[0]));
defineSyscall(99, 'set_robust_list', ['ptr', 'uint'], (k, a) => sysSetRobustList(k, a[0], a[1]));
defineSyscall(172, 'getpid', [], (k) => k.pid);
defineSyscall(178, 'gettid', [], (k) => k.pid);
defineSyscall(173, 'getppid', [], () => 1);
defineSyscall(174, 'getuid', [], () => 0);
defineSyscall(175, 'geteuid', [], () => 0);
defineSyscall(176, 'getgid', [], () => 0);
defineSyscall(177, 'getegid', [], () => 0);
defineSyscall(124, 'sched_yield', [], () => 0);
defineSyscall(160, 'uname', ['utsname'], (k, a) => sysUname(k, a[0]));
defineSyscall(167, 'prctl', [], (k, a) => sysPrctl(k, a), { format: formatPrctl, ret: prctlRet });
defineSyscall(163, 'getrlimit', ['rlimres', 'rlimitout'], (k, a) => sysGetrlimit(k, a[0], a[1]));
defineSyscall(164, 'setrlimit', ['rlimres', 'rlimit'], (k, a) => sysSetrlimit(k, a[0], a[1]));
defineSyscall(261, 'prlimit64', ['int', 'rlimres', 'rlimit', 'rlimitout'], (k, a) => sysPrlimit64(k, a[0], a[1], a[2], a[3]));
defineSyscall(98, 'futex', [], (k, a) => sysFutex(k, a), { format: formatFutex });
// kernel/time
defineSyscall(113, 'clock_gettime', ['clockid', 'timespecout'], (k, a) => sysClockGettime(k, a[0], a[1]));
defineSyscall(114, 'clock_getres', ['clockid', 'timespecout'], (k, a) => sysClockGetres(k, a[0], a[1]));
defineSyscall(169, 'gettimeofday', ['ptr', 'ptr'], (k, a) => sysGettimeofday(k, a[0], a[1]));
// drivers/char/random.c
defineSyscall(278, 'getrandom', ['randbuf', 'count', 'grndflags'], (k, a) => sysGetrandom(k, a[0], a[1], a[2]));

// mm/: arm64 sys_mmap, munmap, mprotect, madvise, brk (mm.ts)
defineSyscall(214, 'brk', ['ptr'], (k, a) => k.as.sysBrk(a[0]), { ret: 'hex' });
defineSyscall(222, 'mmap', ['ptr', 'count', 'prot', 'mapflags', 'fd', 'hex'], (k, a) =>
  k.as.mmap(a[0], a[1], Number(BigInt.asUintN(32, a[2])), Number(BigInt.asUintN(32, a[3])), Number(BigInt.asIntN(32, a[4])), a[5], (fd) => mmapTarget(k, fd)),
{ ret: 'hex' });
defineSyscall(215, 'munmap', ['ptr', 'count'], (k, a) => k.as.munmap(a[0], a[1]));
defineSyscall(226, 'mprotect', ['ptr', 'count', 'prot'], (k, a) => k.as.mprotect(a[0], a[1], Number(BigInt.asUintN(32, a[2]))));
defineSyscall(233, 'madvise', ['ptr', 'count', 'madvise'], (k, a) => k.as.madvise(a[0], a[1], Number(BigInt.asIntN(32, a[2]))));

// ---- prctl's strace form (strace's prctl.c: the arguments depend on the option)

function formatPrctl(t: TraceCall, phase: 'in' | 'out'): string | undefined {
  const option = Number(BigInt.asUintN(32, t.a[0]));
  const name = xval(option, PRCTL_OPTIONS, 'PR_???');
  const rest = (from: number): string[] => t.a.slice(from, 5).map(hex);
  switch (option) {
    case PR_SET_NAME:
      return phase === 'in' ? `${name}, ${printpath(t.k, t.a[1], 16)}` : undefined;
    case PR_GET_NAME:
      if (phase === 'in') return undefined;
      if (t.ret !== undefined && t.ret < 0n) return `${name}, ${hex(t.a[1])}`;
      return `${name}, ${printpath(t.k, t.a[1], 16)}`;
    case PR_SET_TAGGED_ADDR_CTRL:
      return phase === 'in' ? [name, taggedAddrCtrl(t.a[1]), ...rest(2)].join(', ') : undefined;
    case PR_GET_TAGGED_ADDR_CTRL:
      return phase === 'in' ? [name, ...rest(1)].join(', ') : undefined;
    default:
      return phase === 'in' ? [name, ...rest(1)].join(', ') : undefined;
  }
}

function prctlRet(t: TraceCall): string {
  const r = t.ret ?? 0n;
  if (Number(BigInt.asUintN(32, t.a[0])) === PR_GET_TAGGED_ADDR_CTRL) return `${hex(r)} (${taggedAddrCtrl(r)})`;
  return r.toString();
}

// ---- fcntl's strace form (strace's fcntl.c)

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
const FCNTL_NAMES = new Map([[F_DUPFD, 'F_DUPFD'], [F_GETFD, 'F_GETFD'], [F_SETFD, 'F_SETFD'], [F_GETFL, 'F_GETFL'], [F_SETFL, 'F_SETFL'], [F_DUPFD_CLOEXEC, 'F_DUPFD_CLOEXEC']]);

function formatFcntl(t: TraceCall, phase: 'in' | 'out'): string | undefined {
  if (phase === 'out') return undefined;
  const fd = String(Number(BigInt.asIntN(32, t.a[0])));
  const cmd = Number(BigInt.asUintN(32, t.a[1]));
  const name = xval(cmd, FCNTL_NAMES, 'F_???');
  const arg = BigInt.asUintN(32, t.a[2]);
  switch (cmd) {
    case F_GETFD:
    case F_GETFL:
      return `${fd}, ${name}`;
    case F_SETFD:
      return `${fd}, ${name}, ${arg === 1n ? 'FD_CLOEXEC' : arg === 0n ? '0' : hex(arg)}`;
    case F_SETFL:
      return `${fd}, ${name}, ${openFlags(Number(arg))}`;
    default:
      return `${fd}, ${name}, ${Number(BigInt.asIntN(32, t.a[2]))}`;
  }
}

function fcntlRet(t: TraceCall): string {
  const r = t.ret ?? 0n;
  const cmd = Number(BigInt.asUintN(32, t.a[1]));
  if (cmd === F_GETFL) return `${hex(r)} (flags ${openFlags(Number(r))})`;
  if (cmd === F_GETFD) return r === 0n ? '0' : `${hex(r)} (flags ${r === 1n ? 'FD_CLOEXEC' : hex(r)})`;
  return r.toString();
}

// ---- futex's strace form (strace's futex.c: the arguments shown depend on the operation)

const FUTEX_OPS = ['FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP', 'FUTEX_LOCK_PI', 'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET'];

function formatFutex(t: TraceCall, phase: 'in' | 'out'): string | undefined {
  if (phase === 'out') return undefined;
  const op = Number(BigInt.asUintN(32, t.a[1]));
  const cmd = op & 127;
  let name = FUTEX_OPS[cmd] ?? hex(cmd);
  if ((op & 128) !== 0) name += '_PRIVATE';
  if ((op & 256) !== 0) name += '|FUTEX_CLOCK_REALTIME';
  const val = String(Number(BigInt.asIntN(32, t.a[2])));
  const timeout = t.a[3] === 0n ? 'NULL' : formatTimespecArg(t, 3);
  const bitset = (v: bigint): string => (BigInt.asUintN(32, v) === 0xffffffffn ? 'FUTEX_BITSET_MATCH_ANY' : hex(BigInt.asUintN(32, v)));
  switch (cmd) {
    case 0:
      return [hex(t.a[0]), name, val, timeout].join(', ');
    case 9:
      return [hex(t.a[0]), name, val, timeout, bitset(t.a[5])].join(', ');
    case 10:
      return [hex(t.a[0]), name, val, bitset(t.a[5])].join(', ');
    default:
      return [hex(t.a[0]), name, val].join(', ');
  }
}

function formatTimespecArg(t: TraceCall, i: number): string {
  const f = ARG_KINDS.timespec;
  return f.fmt(t, i);
}

// The Linux arm64 syscall table subset (include/uapi/asm-generic/unistd.h numbers): arguments
// in X0-X5, the number in X8, the result in X0 with -errno for errors. Anything not listed
// returns -ENOSYS. `--strace` prints each call as strace does.

import type { Kernel } from './kernel.js';
import { EFAULT } from './uaccess.js';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, PROT_EXEC, PROT_MTE, PROT_READ, PROT_WRITE, TASK_SIZE, pageDown, pageUp,
} from './mm.js';

export const ENOENT = 2, EIO = 5, EBADF = 9, ENOMEM = 12, EACCES = 13, EEXIST = 17, ENOTDIR = 20, EISDIR = 21;
export const EINVAL = 22, EMFILE = 24, ENOSPC = 28, ESPIPE = 29, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, ENODEV = 19;

export const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 9: 'EBADF', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES',
  14: 'EFAULT', 17: 'EEXIST', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 24: 'EMFILE', 25: 'ENOTTY',
  28: 'ENOSPC', 29: 'ESPIPE', 34: 'ERANGE', 36: 'ENAMETOOLONG', 38: 'ENOSYS', 95: 'EOPNOTSUPP', 512: 'ERESTARTSYS', 513: 'ERESTARTNOINTR',
};

/** How strace shows an argument. */
export type ArgKind = 'int' | 'uint' | 'hex' | 'ptr' | 'fd' | 'path' | 'wbuf' | 'rbuf' | 'count';

export interface SyscallDef {
  name: string;
  args: ArgKind[];
  /** Returns the result (negative for -errno). */
  run(k: Kernel, a: bigint[]): bigint | number;
}

export interface SyscallTrace {
  emit(line: string): void;
}

export const SYSCALLS = new Map<number, SyscallDef>();

export function defineSyscall(nr: number, name: string, args: ArgKind[], run: SyscallDef['run']): void {
  SYSCALLS.set(nr, { name, args, run });
}

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

/** Runs the syscall in X8 with X0-X5 and writes the result to X0 (el0_svc → invoke_syscall). */
export function dispatchSyscall(k: Kernel): void {
  const cpu = k.m.cpu;
  const nr = Number(cpu.readX(8));
  const a = [0, 1, 2, 3, 4, 5].map((i) => cpu.readX(i));
  const def = SYSCALLS.get(nr);
  const before = k.trace && def ? formatArgs(k, def, a, false) : undefined;
  const result = BigInt(def ? def.run(k, a) : -ENOSYS);
  k.syscallCounts.set(def?.name ?? `syscall_${nr}`, (k.syscallCounts.get(def?.name ?? `syscall_${nr}`) ?? 0) + 1);
  if (k.trace) {
    const shown = def ? formatArgs(k, def, a, true, result, before) : a.slice(0, 6).map((v) => '0x' + v.toString(16)).join(', ');
    k.trace.emit(`${def?.name ?? `syscall_${nr}`}(${shown}) = ${formatResult(result)}`);
  }
  // exit/exit_group end the process; the registers no longer matter.
  if (!k.end) cpu.writeX(0, BigInt.asUintN(64, result));
}

export function formatResult(r: bigint): string {
  if (r < 0n && r >= -4095n) {
    const e = Number(-r);
    return `-1 ${ERRNO_NAMES[e] ?? `E${e}`} (errno ${e})`;
  }
  return r > 0xffffn ? '0x' + r.toString(16) : r.toString();
}

/** Reads user memory for strace without faulting anything in (unmapped bytes end the string). */
function peek(k: Kernel, addr: bigint, max: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < max; i++) {
    const a = addr + BigInt(i);
    const pa = k.m.mmu.translateForDebug(Number(a & 0xffffffffn), Number((a >> 32n) & 0xffffffffn));
    const off = pa === undefined ? -1 : k.m.mem.ramOffset(pa, 1);
    if (off < 0) break;
    out.push(k.m.mem.bytes[off]);
  }
  return Uint8Array.from(out);
}

/** A C-style quoted string, cut at 32 bytes like strace's default -s. */
export function quote(bytes: Uint8Array, limit = 32): string {
  let s = '"';
  for (const b of bytes.subarray(0, limit)) {
    if (b === 0x22 || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b === 10) s += '\\n';
    else if (b === 9) s += '\\t';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8);
  }
  return s + '"' + (bytes.length > limit ? '...' : '');
}

function formatArgs(k: Kernel, def: SyscallDef, a: bigint[], after: boolean, result?: bigint, before?: string): string {
  if (after && before !== undefined && !def.args.includes('rbuf')) return before;
  return def.args
    .map((kind, i) => {
      const v = a[i];
      switch (kind) {
        case 'int':
        case 'fd':
          return String(s32(v));
        case 'uint':
        case 'count':
          return v.toString();
        case 'path': {
          const b = peek(k, v, 256);
          const nul = b.indexOf(0);
          return nul < 0 ? `0x${v.toString(16)}` : quote(b.subarray(0, nul), 256);
        }
        case 'wbuf':
          return quote(peek(k, v, Math.min(Number(a[i + 1] ?? 0n), 33)));
        case 'rbuf':
          if (!after || result === undefined || result < 0n) return `0x${v.toString(16)}`;
          return quote(peek(k, v, Math.min(Number(result), 33)));
        default:
          return v === 0n ? 'NULL' : `0x${v.toString(16)}`;
      }
    })
    .join(', ');
}

// ---- process

const SYS_EXIT = 93;
const SYS_EXIT_GROUP = 94;
defineSyscall(SYS_EXIT, 'exit', ['int'], (k, a) => {
  k.kill({ kind: 'exit', status: s32(a[0]) & 0xff });
  return 0;
});
defineSyscall(SYS_EXIT_GROUP, 'exit_group', ['int'], (k, a) => {
  k.kill({ kind: 'exit', status: s32(a[0]) & 0xff });
  return 0;
});
defineSyscall(172, 'getpid', [], (k) => k.pid);
defineSyscall(178, 'gettid', [], (k) => k.pid);
defineSyscall(173, 'getppid', [], () => 1);
defineSyscall(174, 'getuid', [], () => 0);
defineSyscall(175, 'geteuid', [], () => 0);
defineSyscall(176, 'getgid', [], () => 0);
defineSyscall(177, 'getegid', [], () => 0);
defineSyscall(96, 'set_tid_address', ['ptr'], (k) => k.pid);
defineSyscall(124, 'sched_yield', [], () => 0);

// ---- memory

defineSyscall(214, 'brk', ['ptr'], (k, a) => {
  const as = k.as;
  const want = a[0];
  if (want < as.brkStart || want >= TASK_SIZE) return as.brk;
  const oldTop = pageUp(as.brk);
  const newTop = pageUp(want);
  if (newTop > oldTop) {
    if (as.overlaps(oldTop, newTop)) return as.brk;
    as.addVma({ start: oldTop, end: newTop, prot: PROT_READ | PROT_WRITE, mte: false, name: '[heap]' });
  } else if (newTop < oldTop) as.removeRange(newTop, oldTop);
  as.brk = want;
  return as.brk;
});

defineSyscall(222, 'mmap', ['ptr', 'uint', 'hex', 'hex', 'fd', 'hex'], (k, a) => {
  const [addr, length, protArg, flagsArg] = a;
  const prot = u32(protArg);
  const flags = u32(flagsArg);
  const len = pageUp(length);
  if (length === 0n || len > TASK_SIZE) return -EINVAL;
  if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_MTE)) !== 0) return -EINVAL;
  if ((flags & (MAP_SHARED | MAP_PRIVATE)) === 0) return -EINVAL;
  // Only anonymous memory (PROT_MTE is allowed only for anonymous and RAM-backed files).
  if ((flags & MAP_ANONYMOUS) === 0) return -ENODEV;
  let start: bigint | undefined;
  if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0) {
    if ((addr & 0xfffn) !== 0n || addr + len > TASK_SIZE) return -EINVAL;
    if ((flags & MAP_FIXED_NOREPLACE) !== 0 && k.as.overlaps(addr, addr + len)) return -EEXIST;
    start = addr;
  } else if (addr !== 0n && !k.as.overlaps(pageDown(addr), pageDown(addr) + len) && pageDown(addr) + len <= TASK_SIZE) {
    start = pageDown(addr);
  } else start = k.as.findFree(len);
  if (start === undefined) return -ENOMEM;
  k.as.addVma({ start, end: start + len, prot: prot & 7, mte: (prot & PROT_MTE) !== 0, name: '[anon]' });
  return start;
});

defineSyscall(215, 'munmap', ['ptr', 'uint'], (k, a) => {
  const [addr, length] = a;
  if ((addr & 0xfffn) !== 0n || length === 0n || addr + length > TASK_SIZE) return -EINVAL;
  k.as.removeRange(addr, addr + pageUp(length));
  return 0;
});

defineSyscall(226, 'mprotect', ['ptr', 'uint', 'hex'], (k, a) => {
  const [addr, length, protArg] = a;
  const prot = u32(protArg);
  if ((addr & 0xfffn) !== 0n || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_MTE)) !== 0) return -EINVAL;
  if (length === 0n) return 0;
  return k.as.protect(addr, addr + pageUp(length), prot);
});

// ---- files: the standard streams (tmpfs and the rest: see vfs.ts)

defineSyscall(64, 'write', ['fd', 'wbuf', 'count'], (k, a) => {
  const f = k.files.get(s32(a[0]));
  if (!f || f.kind === 'stdin') return -EBADF;
  const n = Number(a[2] > 0x7ffff000n ? 0x7ffff000n : a[2]);
  const buf = new Uint8Array(n);
  const left = k.uaccess.copyFromUser(buf, a[1], n);
  if (left === n && n > 0) return -EFAULT;
  if (f.kind === 'file') return -EBADF;
  f.sink.write(buf.subarray(0, n - left));
  return n - left;
});

defineSyscall(63, 'read', ['fd', 'rbuf', 'count'], (k, a) => {
  const f = k.files.get(s32(a[0]));
  if (!f || f.kind !== 'stdin') return -EBADF;
  const data = k.files.host.stdin?.(Number(a[2] > 0x7ffff000n ? 0x7ffff000n : a[2])) ?? new Uint8Array(0);
  if (data.length === 0) return 0;
  const left = k.uaccess.copyToUser(a[1], data);
  return left === data.length ? -EFAULT : data.length - left;
});

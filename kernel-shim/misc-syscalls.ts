// Process, time and identity syscalls (kernel/sys.c, kernel/exit.c, kernel/fork.c,
// kernel/time/posix-timers.c, drivers/char/random.c, arch/arm64/kernel/process.c): exit,
// prctl (names and the tagged address ABI), uname, clocks, getrandom, resource limits and the
// trivial identity calls a static program's start-up makes. syscalls.ts holds the table.

import type { Kernel } from './kernel.js';
import { EAGAIN, EFAULT, EINVAL, ENOSYS, EPERM, ESRCH, ETIMEDOUT } from './errno.js';
import { IovIter, MAX_RW_COUNT } from './iov_iter.js';
import { clockGet, clockRes, type Timespec } from './time.js';

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

/** What uname(2) reports. The release names the Linux version whose behaviour the shim follows. */
export const UTS = {
  sysname: 'Linux',
  // A kernel nobody has given a host name to (UTS_NODENAME's default).
  nodename: '(none)',
  release: '6.14.0-granule',
  version: '#1 SMP PREEMPT granule kernel shim',
  machine: 'aarch64',
  domainname: '(none)',
};

/** Per-process state of these syscalls (the kernel object is not theirs to extend). */
interface TaskState {
  /** set_tid_address's clear_child_tid. */
  clearChildTid: bigint;
  robustList: bigint;
  /** The getrandom generator: xoshiro128** over 32-bit words, seeded from KernelOptions.seed. */
  rng: Uint32Array;
  rlimits: [bigint, bigint][];
  /** PR_SET_PDEATHSIG's signal. */
  pdeathSignal: number;
}

const tasks = new WeakMap<Kernel, TaskState>();

export const RLIM_INFINITY = (1n << 64n) - 1n;
export const RLIMIT_NOFILE = 7;
const RLIM_NLIMITS = 16;

/** Linux's default limits for a process started by init (include/asm-generic/resource.h, with 8 MiB of stack). */
function defaultRlimits(): [bigint, bigint][] {
  const inf = RLIM_INFINITY;
  return [
    [inf, inf], // CPU
    [inf, inf], // FSIZE
    [inf, inf], // DATA
    [8n << 20n, inf], // STACK
    [0n, inf], // CORE
    [inf, inf], // RSS
    [3847n, 3847n], // NPROC
    [1024n, 4096n], // NOFILE
    [8n << 20n, 8n << 20n], // MEMLOCK
    [inf, inf], // AS
    [inf, inf], // LOCKS
    [3847n, 3847n], // SIGPENDING
    [819200n, 819200n], // MSGQUEUE
    [0n, 0n], // NICE
    [0n, 0n], // RTPRIO
    [inf, inf], // RTTIME
  ];
}

export function taskState(k: Kernel): TaskState {
  let t = tasks.get(k);
  if (!t) {
    // splitmix32 of the seed into the four xoshiro words (never all zero).
    let x = (k.o.seed ?? 1) >>> 0;
    const rng = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      rng[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((rng[0] | rng[1] | rng[2] | rng[3]) === 0) rng[0] = 1;
    t = { clearChildTid: 0n, robustList: 0n, rng, rlimits: defaultRlimits(), pdeathSignal: 0 };
    tasks.set(k, t);
  }
  return t;
}

/** The next 32 random bits (xoshiro128**). */
function nextRandom(s: Uint32Array): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}
const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** Fills `out` from the seeded generator. */
export function randomBytes(k: Kernel, out: Uint8Array): void {
  const s = taskState(k).rng;
  for (let i = 0; i < out.length; i += 4) {
    const w = nextRandom(s);
    for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = (w >>> (8 * j)) & 0xff;
  }
}

// ---- process

/** exit(2) / exit_group(2): the status's low byte is the exit code; the process ends. */
export function sysExit(k: Kernel, status: bigint): number {
  k.kill({ kind: 'exit', status: s32(status) & 0xff });
  return 0;
}

/** set_tid_address(2): remembers clear_child_tid, returns the thread id. */
export function sysSetTidAddress(k: Kernel, tidptr: bigint): number {
  taskState(k).clearChildTid = tidptr;
  return k.pid;
}

/** set_robust_list(2): the length must be sizeof(struct robust_list_head) = 24. */
export function sysSetRobustList(k: Kernel, head: bigint, len: bigint): number {
  if (len !== 24n) return -EINVAL;
  taskState(k).robustList = head;
  return 0;
}

// ---- prctl

export const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_TAGGED_ADDR_CTRL = 55, PR_GET_TAGGED_ADDR_CTRL = 56;
export const PR_TAGGED_ADDR_ENABLE = 1, PR_MTE_TCF_SYNC = 2, PR_MTE_TCF_ASYNC = 4, PR_MTE_TAG_SHIFT = 3;
export const PR_MTE_TAG_MASK = 0xffff << PR_MTE_TAG_SHIFT;
const TASK_COMM_LEN = 16;

/**
 * prctl(2) (kernel/sys.c): the option is an int; unknown options are -EINVAL.
 * - PR_SET_PDEATHSIG: a valid signal number or 0 (-EINVAL); PR_GET_PDEATHSIG: put_user of it.
 * - PR_SET_NAME: up to TASK_COMM_LEN - 1 bytes of the string (-EFAULT if unreadable).
 * - PR_GET_NAME: the 16-byte comm, NUL padded.
 * - PR_SET_TAGGED_ADDR_CTRL (arch/arm64/kernel/process.c set_tagged_addr_ctrl): arg3-arg5 must
 *   be 0, and arg2 may hold only PR_TAGGED_ADDR_ENABLE, the TCF bits and the include mask
 *   (-EINVAL otherwise); the thread's SCTLR_EL1.TCF0 and GCR_EL1 follow (mte_update_sctlr_user,
 *   mte_update_gcr_excl; with both TCF bits the preferred mode, async, wins).
 * - PR_GET_TAGGED_ADDR_CTRL: arg2-arg5 must be 0; returns what was set, both TCF bits if both
 *   were requested.
 */
export function sysPrctl(k: Kernel, a: bigint[]): number {
  const option = s32(a[0]);
  switch (option) {
    case PR_SET_PDEATHSIG:
      if (a[1] > 64n) return -EINVAL;
      taskState(k).pdeathSignal = Number(a[1]);
      return 0;
    case PR_GET_PDEATHSIG:
      return k.uaccess.putUser(a[1], 4, BigInt(taskState(k).pdeathSignal)) ? 0 : -EFAULT;
    case PR_SET_NAME: {
      const name = k.uaccess.strncpyFromUser(a[1], TASK_COMM_LEN - 1);
      if (typeof name === 'number') return -EFAULT;
      k.name = new TextDecoder('latin1').decode(name);
      return 0;
    }
    case PR_GET_NAME: {
      const comm = new Uint8Array(TASK_COMM_LEN);
      const name = latin1(k.name);
      comm.set(name.subarray(0, TASK_COMM_LEN - 1));
      return k.uaccess.copyToUser(a[1], comm) !== 0 ? -EFAULT : 0;
    }
    case PR_SET_TAGGED_ADDR_CTRL: {
      if (a[2] !== 0n || a[3] !== 0n || a[4] !== 0n) return -EINVAL;
      const valid = BigInt(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | PR_MTE_TAG_MASK);
      if ((a[1] & ~valid) !== 0n) return -EINVAL;
      k.taggedAddrCtrl = Number(a[1]);
      k.applyTagSettings();
      return 0;
    }
    case PR_GET_TAGGED_ADDR_CTRL:
      if (a[1] !== 0n || a[2] !== 0n || a[3] !== 0n || a[4] !== 0n) return -EINVAL;
      return k.taggedAddrCtrl;
    default:
      return -EINVAL;
  }
}

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}

// ---- uname

/** struct new_utsname: six 65-byte NUL-padded strings. */
export function encodeUtsname(): Uint8Array {
  const b = new Uint8Array(6 * 65);
  [UTS.sysname, UTS.nodename, UTS.release, UTS.version, UTS.machine, UTS.domainname].forEach((s, i) => b.set(latin1(s).subarray(0, 64), i * 65));
  return b;
}

/** uname(2) (newuname): the whole struct or -EFAULT. */
export function sysUname(k: Kernel, buf: bigint): number {
  return k.uaccess.copyToUser(buf, encodeUtsname()) !== 0 ? -EFAULT : 0;
}

// ---- time

function encodeTimespec(t: Timespec): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, t.sec, true);
  v.setBigInt64(8, t.nsec, true);
  return b;
}

/** clock_gettime(2): an unknown clock is -EINVAL, then put_timespec64 (-EFAULT). */
export function sysClockGettime(k: Kernel, clockid: bigint, tp: bigint): number {
  const t = clockGet(k, s32(clockid));
  if (!t) return -EINVAL;
  return k.uaccess.copyToUser(tp, encodeTimespec(t)) !== 0 ? -EFAULT : 0;
}

/** clock_getres(2): NULL tp is fine. */
export function sysClockGetres(k: Kernel, clockid: bigint, tp: bigint): number {
  const t = clockRes(k, s32(clockid));
  if (!t) return -EINVAL;
  if (tp === 0n) return 0;
  return k.uaccess.copyToUser(tp, encodeTimespec(t)) !== 0 ? -EFAULT : 0;
}

/** gettimeofday(2): struct timeval from CLOCK_REALTIME, struct timezone all zero. */
export function sysGettimeofday(k: Kernel, tv: bigint, tz: bigint): number {
  if (tv !== 0n) {
    const t = clockGet(k, 0)!;
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setBigInt64(0, t.sec, true);
    v.setBigInt64(8, t.nsec / 1000n, true);
    if (k.uaccess.copyToUser(tv, b) !== 0) return -EFAULT;
  }
  if (tz !== 0n && k.uaccess.copyToUser(tz, new Uint8Array(8)) !== 0) return -EFAULT;
  return 0;
}

// ---- getrandom

export const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
const CHACHA_BLOCK_SIZE = 64;
const CHACHA_KEY_SIZE = 32;
/** Low bits of the kernel address of the key bytes getrandom copies for short requests. */
const CHACHA_STATE_KEY_ADDR = 8;

/**
 * getrandom(2) (drivers/char/random.c): unknown flags or GRND_INSECURE|GRND_RANDOM are
 * -EINVAL; the buffer goes through import_ubuf (clamped to MAX_RW_COUNT, access_ok); then
 * get_random_bytes_user: one copy for 32 bytes or fewer, else 64-byte blocks until one is
 * copied short. Returns the bytes copied, or -EFAULT if none. The bytes come from a generator
 * seeded with KernelOptions.seed, so runs are reproducible.
 */
export function sysGetrandom(k: Kernel, buf: bigint, lenArg: bigint, flagsArg: bigint): number {
  const flags = u32(flagsArg);
  if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) !== 0) return -EINVAL;
  if ((flags & (GRND_INSECURE | GRND_RANDOM)) === (GRND_INSECURE | GRND_RANDOM)) return -EINVAL;
  const len = lenArg > BigInt(MAX_RW_COUNT) ? MAX_RW_COUNT : Number(lenArg);
  if (!k.uaccess.accessOk(buf, len)) return -EFAULT;
  const iter = IovIter.ubuf(buf, len);
  if (iter.count === 0) return 0;
  let ret = 0;
  if (iter.count <= CHACHA_KEY_SIZE) {
    const key = new Uint8Array(CHACHA_KEY_SIZE);
    randomBytes(k, key);
    // The bytes are &chacha_state[4] on the kernel stack, 8 bytes off a 16-byte boundary in
    // Debian's 6.1 build: the copy's prologue stores 8 bytes before its first pair (so
    // getrandom(p + 8, 32) with granule 1 bad returns 8 there).
    ret = iter.copyToIter(k, key, CHACHA_STATE_KEY_ADDR);
  } else {
    const block = new Uint8Array(CHACHA_BLOCK_SIZE);
    for (;;) {
      randomBytes(k, block);
      const copied = iter.copyToIter(k, block, 0);
      ret += copied;
      if (iter.count === 0 || copied !== CHACHA_BLOCK_SIZE) break;
    }
  }
  return ret !== 0 ? ret : -EFAULT;
}

// ---- resource limits

function readRlimit(k: Kernel, uaddr: bigint): [bigint, bigint] | undefined {
  const b = new Uint8Array(16);
  if (k.uaccess.copyFromUser(b, uaddr, 16) !== 0) return undefined;
  const v = new DataView(b.buffer);
  return [v.getBigUint64(0, true), v.getBigUint64(8, true)];
}

function writeRlimit(k: Kernel, uaddr: bigint, r: [bigint, bigint]): boolean {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, r[0], true);
  v.setBigUint64(8, r[1], true);
  return k.uaccess.copyToUser(uaddr, b) === 0;
}

/** do_prlimit: resource range, cur <= max, NOFILE's max at most nr_open (1048576). */
function doPrlimit(k: Kernel, resource: number, next: [bigint, bigint] | undefined): [bigint, bigint] | number {
  if (resource >= RLIM_NLIMITS) return -EINVAL;
  const lim = taskState(k).rlimits;
  if (next) {
    if (next[0] > next[1]) return -EINVAL;
    if (resource === RLIMIT_NOFILE && next[1] > 1048576n) return -EPERM;
  }
  const old = lim[resource];
  if (next) lim[resource] = next;
  return old;
}

/**
 * prlimit64(2): only this process (pid 0 or its own; -ESRCH otherwise). Limits are recorded and
 * reported; the shim enforces none of them (RLIMIT_NOFILE's 1024 descriptors are fixed).
 */
export function sysPrlimit64(k: Kernel, pid: bigint, resource: bigint, newRlim: bigint, oldRlim: bigint): number {
  let next: [bigint, bigint] | undefined;
  if (newRlim !== 0n) {
    next = readRlimit(k, newRlim);
    if (!next) return -EFAULT;
  }
  const p = s32(pid);
  if (p !== 0 && p !== k.pid) return -ESRCH;
  const old = doPrlimit(k, u32(resource), next);
  if (typeof old === 'number') return old;
  if (oldRlim !== 0n && !writeRlimit(k, oldRlim, old)) return -EFAULT;
  return 0;
}

/** getrlimit(2). */
export function sysGetrlimit(k: Kernel, resource: bigint, rlim: bigint): number {
  const old = doPrlimit(k, u32(resource), undefined);
  if (typeof old === 'number') return old;
  return writeRlimit(k, rlim, old) ? 0 : -EFAULT;
}

/** setrlimit(2): the new limit is read first (-EFAULT). */
export function sysSetrlimit(k: Kernel, resource: bigint, rlim: bigint): number {
  const next = readRlimit(k, rlim);
  if (!next) return -EFAULT;
  const r = doPrlimit(k, u32(resource), next);
  return typeof r === 'number' ? r : 0;
}

// ---- futex

export const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
export const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

/**
 * futex(2) (kernel/futex/syscalls.c, waitwake.c) for a process with one thread: FUTEX_WAIT and
 * FUTEX_WAIT_BITSET read the word (get_user: -EFAULT, a tag-checked access in sync mode) and
 * return -EAGAIN when it differs from val; FUTEX_WAKE and FUTEX_WAKE_BITSET wake nobody (0)
 * without touching the word. A misaligned word is -EINVAL, a zero bitset -EINVAL, an invalid
 * timeout -EINVAL. A wait that would sleep times out at once when it has a timeout
 * (-ETIMEDOUT; nothing else can run meanwhile); without one it could never end, and the
 * process is ended with a report instead of hanging. Other operations: -ENOSYS.
 */
export function sysFutex(k: Kernel, a: bigint[]): number {
  const [uaddr, opArg, valArg, utime, , val3Arg] = a;
  const op = u32(opArg);
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  if ((op & FUTEX_CLOCK_REALTIME) !== 0 && cmd !== FUTEX_WAIT_BITSET) return -ENOSYS;
  const wait = cmd === FUTEX_WAIT || cmd === FUTEX_WAIT_BITSET;
  if (!wait && cmd !== FUTEX_WAKE && cmd !== FUTEX_WAKE_BITSET) return -ENOSYS;
  let timeout = false;
  if (wait && utime !== 0n) {
    const b = new Uint8Array(16);
    if (k.uaccess.copyFromUser(b, utime, 16) !== 0) return -EFAULT;
    const v = new DataView(b.buffer);
    const sec = v.getBigInt64(0, true);
    const nsec = v.getBigInt64(8, true);
    if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -EINVAL;
    timeout = true;
  }
  const bitset = cmd === FUTEX_WAIT_BITSET || cmd === FUTEX_WAKE_BITSET ? u32(val3Arg) : 0xffffffff;
  if (bitset === 0) return -EINVAL;
  // get_futex_key: the word must be 4-byte aligned.
  if ((uaddr & 3n) !== 0n) return -EINVAL;
  if (!wait) return 0;
  const word = k.uaccess.getUser(uaddr, 4);
  if (word === undefined) return -EFAULT;
  if (word !== BigInt.asUintN(32, valArg)) return -EAGAIN;
  if (timeout) return -ETIMEDOUT;
  k.kill({ kind: 'signal', signo: 9, report: 'granule: futex wait with no timeout in a single-threaded process: it would sleep forever (killed)\n' });
  return 0;
}

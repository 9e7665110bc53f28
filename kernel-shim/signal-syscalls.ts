// The signal syscalls (kernel/signal.c, arch/arm64/kernel/signal.c): rt_sigaction,
// rt_sigprocmask, rt_sigpending, rt_sigreturn, sigaltstack, and kill/tkill/tgkill aimed at this
// process (the only one there is). Argument checks and their order follow Linux 6.1; the state
// lives in Signals (signals.ts). kernel.ts imports this module for its side effect.

import { defineSyscall } from './syscalls.js';
import type { Kernel } from './kernel.js';
import { addr, type ArgFormatter, type TraceCall } from './strace.js';
import {
  NSIG, SA_EXPOSE_TAGBITS, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART, SA_RESTORER, SA_SIGINFO, SA_UNSUPPORTED,
  SI_TKILL, SI_USER, SIGRTMIN, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, UC_SIGMASK, signalName, type SigAction,
} from './signals.js';

const ESRCH = 3, EFAULT = 14, EINVAL = 22;
const SIGSET_SIZE = 8n;
const SIGACTION_SIZE = 32;
const STACK_T_SIZE = 24;

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

// ---- how strace shows them (strace 6.x: printsignal, sprintsigmask_n, print_sigaction,
// print_stack_t); user memory is read as a tracer reads it (AddressSpace.peek).

const failed = (t: TraceCall): boolean => t.ret !== undefined && t.ret < 0n && t.ret >= -4095n;

function peekView(t: TraceCall, a: bigint, n: number): DataView | undefined {
  const b = t.k.as.peek(a, n);
  return b.length < n ? undefined : new DataView(b.buffer, b.byteOffset, n);
}

/** A signal number as strace prints it: SIGSEGV, SIGRTMIN, SIGRT_3, or the number. */
function sigName(n: number): string {
  if (n >= 1 && n < SIGRTMIN) return signalName(n);
  if (n === SIGRTMIN) return 'SIGRTMIN';
  if (n > SIGRTMIN && n <= NSIG) return `SIGRT_${n - SIGRTMIN}`;
  return String(n);
}

/** A sigset: `[USR1 USR2]`, or `~[...]` (the complement) when more than half of it is set. */
function sigset(m: bigint): string {
  const set = (x: bigint): number[] => Array.from({ length: NSIG }, (_, i) => i + 1).filter((s) => (x >> BigInt(s - 1)) & 1n);
  const on = set(m);
  const names = (l: number[]): string => l.map((s) => sigName(s).replace(/^SIG/, '')).join(' ');
  if (on.length > NSIG / 2) return `~[${names(set(~m & ((1n << 64n) - 1n)))}]`;
  return `[${names(on)}]`;
}

const SA_FLAG_NAMES: [number, string][] = [
  [SA_RESTORER, 'SA_RESTORER'], [SA_ONSTACK, 'SA_ONSTACK'], [SA_RESTART, 'SA_RESTART'], [SA_NODEFER, 'SA_NODEFER'], [SA_RESETHAND, 'SA_RESETHAND'],
  [SA_SIGINFO, 'SA_SIGINFO'], [SA_NOCLDSTOP, 'SA_NOCLDSTOP'], [SA_NOCLDWAIT, 'SA_NOCLDWAIT'], [SA_UNSUPPORTED, 'SA_UNSUPPORTED'], [SA_EXPOSE_TAGBITS, 'SA_EXPOSE_TAGBITS'],
];

function namedFlags(v: number, table: [number, string][]): string {
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) !== 0) {
      parts.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0 || parts.length === 0) parts.push('0x' + rest.toString(16));
  return parts.join('|');
}

function printSigaction(t: TraceCall, a: bigint): string {
  if (a === 0n) return 'NULL';
  const v = peekView(t, a, SIGACTION_SIZE);
  if (!v) return addr(a);
  const handler = v.getBigUint64(0, true);
  const flags = Number(v.getBigUint64(8, true) & 0xffffffffn);
  const fields = [`sa_handler=${handler === 0n ? 'SIG_DFL' : handler === 1n ? 'SIG_IGN' : addr(handler)}`, `sa_mask=${sigset(v.getBigUint64(24, true))}`, `sa_flags=${namedFlags(flags, SA_FLAG_NAMES)}`];
  if ((flags & SA_RESTORER) !== 0) fields.push(`sa_restorer=${addr(v.getBigUint64(16, true))}`);
  return `{${fields.join(', ')}}`;
}

function printSigsetAt(t: TraceCall, a: bigint, n = 8): string {
  if (a === 0n) return 'NULL';
  const v = peekView(t, a, 8);
  return v && n === 8 ? sigset(v.getBigUint64(0, true)) : addr(a);
}

function printStack(t: TraceCall, a: bigint): string {
  if (a === 0n) return 'NULL';
  const v = peekView(t, a, STACK_T_SIZE);
  if (!v) return addr(a);
  const f = v.getUint32(8, true);
  const flags = namedFlags(f, [[SS_ONSTACK, 'SS_ONSTACK'], [SS_DISABLE, 'SS_DISABLE'], [SS_AUTODISARM, 'SS_AUTODISARM']]);
  return `{ss_sp=${addr(v.getBigUint64(0, true))}, ss_flags=${f === 0 ? '0' : flags}, ss_size=${v.getBigUint64(16, true)}}`;
}

const SIGNO: ArgFormatter = { fmt: (t, i) => sigName(s32(t.a[i])) };
const SIGACTION_IN: ArgFormatter = { fmt: (t, i) => printSigaction(t, t.a[i]) };
const SIGACTION_OUT: ArgFormatter = { out: true, fmt: (t, i) => (failed(t) ? addr(t.a[i]) : printSigaction(t, t.a[i])) };
const SIGSET_IN: ArgFormatter = { fmt: (t, i) => printSigsetAt(t, t.a[i]) };
const SIGSET_OUT: ArgFormatter = { out: true, fmt: (t, i) => (failed(t) ? addr(t.a[i]) : printSigsetAt(t, t.a[i])) };
const HOW: ArgFormatter = { fmt: (t, i) => ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][s32(t.a[i])] ?? `${s32(t.a[i])} /* SIG_??? */` };
const STACK_IN: ArgFormatter = { fmt: (t, i) => printStack(t, t.a[i]) };
const STACK_OUT: ArgFormatter = { out: true, fmt: (t, i) => (failed(t) ? addr(t.a[i]) : printStack(t, t.a[i])) };
/** rt_sigreturn({mask=[...]}): the mask of the frame at sp, read on entry. */
const SIGRETURN_FRAME: ArgFormatter = {
  fmt: (t) => {
    const v = peekView(t, t.k.m.cpu.bankedSp(0) + BigInt(UC_SIGMASK), 8);
    return v ? `{mask=${sigset(v.getBigUint64(0, true))}}` : '{mask=?}';
  },
};

function readBytes(k: Kernel, uaddr: bigint, n: number): DataView | undefined {
  const b = new Uint8Array(n);
  if (k.uaccess.copyFromUser(b, uaddr, n) !== 0) return undefined;
  return new DataView(b.buffer);
}

// rt_sigaction(sig, act, oact, sigsetsize): struct sigaction is {sa_handler, sa_flags,
// sa_restorer, sa_mask} (asm-generic, with SA_RESTORER), 8 bytes each.
defineSyscall(134, 'rt_sigaction', [SIGNO, SIGACTION_IN, SIGACTION_OUT, 'uint'], (k, a) => {
  const [sigArg, act, oact, size] = a;
  if (size !== SIGSET_SIZE) return -EINVAL;
  let newAct: SigAction | undefined;
  if (act !== 0n) {
    const v = readBytes(k, act, SIGACTION_SIZE);
    if (!v) return -EFAULT;
    newAct = { handler: v.getBigUint64(0, true), flags: Number(v.getBigUint64(8, true) & 0xffffffffn), restorer: v.getBigUint64(16, true), mask: v.getBigUint64(24, true) };
  }
  const old = k.signals.sigaction(s32(sigArg), newAct);
  if (typeof old === 'number') return old;
  if (oact !== 0n) {
    const b = new Uint8Array(SIGACTION_SIZE);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, old.handler, true);
    v.setBigUint64(8, BigInt(old.flags >>> 0), true);
    v.setBigUint64(16, old.restorer, true);
    v.setBigUint64(24, old.mask, true);
    if (k.uaccess.copyToUser(oact, b) !== 0) return -EFAULT;
  }
  return 0;
});

// rt_sigprocmask(how, set, oset, sigsetsize): `how` is only checked when a set is given.
defineSyscall(135, 'rt_sigprocmask', [HOW, SIGSET_IN, SIGSET_OUT, 'uint'], (k, a) => {
  const [how, set, oset, size] = a;
  if (size !== SIGSET_SIZE) return -EINVAL;
  const old = k.signals.blocked;
  if (set !== 0n) {
    const v = k.uaccess.getUser(set, 8);
    if (v === undefined) return -EFAULT;
    const r = k.signals.sigprocmask(s32(how), v);
    if (r !== 0) return r;
  }
  if (oset !== 0n && !k.uaccess.putUser(oset, 8, old)) return -EFAULT;
  return 0;
});

// rt_sigpending(set, sigsetsize): the pending signals that are blocked.
defineSyscall(136, 'rt_sigpending', [SIGSET_OUT, 'uint'], (k, a) => {
  const [set, size] = a;
  if (size > SIGSET_SIZE) return -EINVAL;
  const all = new Uint8Array(8);
  new DataView(all.buffer).setBigUint64(0, k.signals.pendingBlocked(), true);
  if (size > 0n && k.uaccess.copyToUser(set, all.subarray(0, Number(size))) !== 0) return -EFAULT;
  return 0;
});

defineSyscall(139, 'rt_sigreturn', [SIGRETURN_FRAME], (k) => k.signals.sigreturn());

// sigaltstack(uss, uoss): stack_t is {ss_sp, ss_flags (int), ss_size}.
defineSyscall(132, 'sigaltstack', [STACK_IN, STACK_OUT], (k, a) => {
  const [uss, uoss] = a;
  const sig = k.signals;
  const sp = k.m.cpu.bankedSp(0);
  let ss;
  if (uss !== 0n) {
    const v = readBytes(k, uss, STACK_T_SIZE);
    if (!v) return -EFAULT;
    ss = { sp: v.getBigUint64(0, true), flags: v.getInt32(8, true), size: v.getBigUint64(16, true) };
  }
  const old = { sp: sig.altstack.sp, size: sig.altstack.size, flags: sig.sasSsFlags(sp) | (sig.altstack.flags & SS_AUTODISARM) };
  if (ss) {
    const r = sig.doSigaltstack(ss, sp);
    if (r !== 0) return r;
  }
  if (uoss !== 0n) {
    const b = new Uint8Array(STACK_T_SIZE);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, old.sp, true);
    v.setInt32(8, old.flags | 0, true);
    v.setBigUint64(16, old.size, true);
    if (k.uaccess.copyToUser(uoss, b) !== 0) return -EFAULT;
  }
  return 0;
});

/** check_kill_permission's valid_signal(), then the signal (0 only checks). */
function sendToSelf(k: Kernel, sig: number, code: number): number {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  if (sig !== 0) k.signals.sendFromUser(sig, code);
  return 0;
}

// kill(pid, sig): this process by its pid, its process group (0 or -pgid; it leads its own), or
// -1 ("every process but init and the caller": none here, so -ESRCH).
defineSyscall(129, 'kill', ['int', SIGNO], (k, a) => {
  const pid = s32(a[0]);
  const sig = s32(a[1]);
  if (pid === k.pid || pid === 0 || pid === -k.pid) return sendToSelf(k, sig, SI_USER);
  return -ESRCH;
});

defineSyscall(130, 'tkill', ['int', SIGNO], (k, a) => {
  const tid = s32(a[0]);
  if (tid <= 0) return -EINVAL;
  return tid === k.pid ? sendToSelf(k, s32(a[1]), SI_TKILL) : -ESRCH;
});

defineSyscall(131, 'tgkill', ['int', 'int', SIGNO], (k, a) => {
  const tgid = s32(a[0]);
  const tid = s32(a[1]);
  if (tid <= 0 || tgid <= 0) return -EINVAL;
  return tgid === k.pid && tid === k.pid ? sendToSelf(k, s32(a[2]), SI_TKILL) : -ESRCH;
});

// Signals as arm64 Linux generates and delivers them (kernel/signal.c, arch/arm64/kernel/signal.c,
// arch/arm64/mm/fault.c, arch/arm64/kernel/traps.c; Linux 6.1, the oracle kernel): dispositions,
// the blocked mask, the pending queue, force_sig_fault versus send_sig_fault, the rt_sigframe
// written to the user stack with the uaccess routines (as setup_rt_frame's __put_user does), and
// rt_sigreturn reading it back with Linux's checks. When a signal kills the process, the report
// granule prints comes from signal-report.ts. The syscalls are in signal-syscalls.ts.
//
// Frame layout (struct rt_sigframe; this core has no FP/SIMD, SVE or SME, so, as Linux does when
// system_supports_fpsimd() is false, there is no fpsimd_context record):
//   +0     siginfo_t (128 bytes; written only with SA_SIGINFO)
//   +128   struct ucontext: uc_flags +0, uc_link +8, uc_stack +16 (ss_sp, ss_flags, ss_size),
//          uc_sigmask +40 (8 bytes, then padding to glibc's 128-byte sigset_t),
//          uc_mcontext +176 (16-aligned): fault_address, regs[31], sp, pc, pstate, __reserved[4096]
//   +592   __reserved: esr_context {ESR_MAGIC, 16, esr} when the thread's fault_code is set, then
//          the null terminator record {0, 0}
//   +4688  frame record {fp, lr} (sizeof(struct rt_sigframe) = 4688, a multiple of 16)

import type { Kernel } from './kernel.js';
import { TASK_SIZE } from './mm.js';
import { fatalReport } from './signal-report.js';
import { formatSignalDelivery } from './strace.js';
import { mapVdso, vdsoImage } from './vdso.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8;
export const SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15;
export const SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23;
export const SIGXCPU = 24, SIGXFSZ = 25, SIGWINCH = 28, SIGSYS = 31;
export const SIGRTMIN = 32;
export const NSIG = 64;

// si_code values (include/uapi/asm-generic/siginfo.h).
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, SEGV_MTEAERR = 8, SEGV_MTESERR = 9;
export const BUS_ADRALN = 1, BUS_ADRERR = 2, BUS_OBJERR = 3;
export const ILL_ILLOPC = 1;
export const TRAP_BRKPT = 1;
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;
/** The syscall restart code an async tag fault at a syscall leaves in x0 (include/linux/errno.h). */
export const ERESTARTNOINTR = 513;

// sa_flags (arch/arm64/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h).
export const SA_NOCLDSTOP = 0x1, SA_NOCLDWAIT = 0x2, SA_SIGINFO = 0x4, SA_UNSUPPORTED = 0x400, SA_EXPOSE_TAGBITS = 0x800;
export const SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
/** The flags rt_sigaction keeps (UAPI_SA_FLAGS); the rest are cleared so programs can probe support. */
export const UAPI_SA_FLAGS = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER;
export const SIG_DFL = 0n, SIG_IGN = 1n;
export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;
/** MINSIGSTKSZ of the arm64 UAPI: sigaltstack refuses smaller stacks with -ENOMEM. */
export const MINSIGSTKSZ_UAPI = 5120;

export const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

export function signalName(signo: number): string {
  if (SIGNAL_NAMES[signo]) return SIGNAL_NAMES[signo];
  if (signo >= SIGRTMIN && signo <= NSIG) return signo === SIGRTMIN ? 'SIGRTMIN' : `SIGRTMIN+${signo - SIGRTMIN}`;
  return `signal ${signo}`;
}

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
const maskOf = (...sigs: number[]): bigint => sigs.reduce((m, s) => m | bit(s), 0n);
/** SIG_KERNEL_IGNORE_MASK: default action "ignore". */
const KERNEL_IGNORE = maskOf(SIGCONT, SIGCHLD, SIGWINCH, SIGURG);
/** SIG_KERNEL_STOP_MASK: default action "stop". granule has no job control, so they are ignored. */
const KERNEL_STOP = maskOf(SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU);
/** SIG_KERNEL_COREDUMP_MASK: "terminate and dump core" (no core file is written). */
export const KERNEL_COREDUMP = maskOf(SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS);
/** SYNCHRONOUS_MASK: dequeued before any other pending signal. */
const SYNCHRONOUS = maskOf(SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS);
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
const UNBLOCKABLE = maskOf(SIGKILL, SIGSTOP);
const ALL_SIGNALS = (1n << 64n) - 1n;

// ---- frame geometry (arch/arm64/include/uapi/asm/{ucontext,sigcontext}.h)

export const SIGINFO_SIZE = 128;
export const UC = 128;
export const UC_STACK = UC + 16;
export const UC_SIGMASK = UC + 40;
export const MCONTEXT = UC + 176;
export const MC_FAULT_ADDRESS = MCONTEXT;
export const MC_REGS = MCONTEXT + 8;
export const MC_SP = MC_REGS + 31 * 8;
export const MC_PC = MC_SP + 8;
export const MC_PSTATE = MC_PC + 8;
export const MC_RESERVED = MCONTEXT + 288;
export const RESERVED_SIZE = 4096;
/** sizeof(struct rt_sigframe). */
export const RT_SIGFRAME_SIZE = MC_RESERVED + RESERVED_SIZE;
export const FRAME_RECORD_SIZE = 16;
export const ESR_MAGIC = 0x45535201;
export const FPSIMD_MAGIC = 0x46508001;
export const EXTRA_MAGIC = 0x45585401;
const ESR_CONTEXT_SIZE = 16;
const TERMINATOR_SIZE = 16;
const EXTRA_CONTEXT_SIZE = 32;
/** Linux's sanity limit on a frame with an extra_context (SIGFRAME_MAXSZ). */
const SIGFRAME_MAXSZ = 256 * 1024;
/**
 * AT_MINSIGSTKSZ Linux computes for this core (minsigstksz_setup): the largest frame (with an
 * esr_context), the frame record and 16 bytes of alignment padding.
 */
export const SIGNAL_MINSIGSTKSZ = RT_SIGFRAME_SIZE + FRAME_RECORD_SIZE + 16;

// PSTATE bits (SPSR layout) that sigreturn checks.
const PSR_TCO = 1n << 25n;
const PSR_SS = 1n << 21n;
const PSR_DAIF = 0xfn << 6n;
const PSR_MODE32 = 1n << 4n;
const PSR_MODE_MASK = 0xfn;
const PSR_NZCV = 0xfn << 28n;
/** SPSR_EL1_AARCH64_RES0_BITS: 63:32, 27:26, 23:22 (UAO, PAN), 20:13 (IL ...), 5. */
const SPSR_RES0 = (0xffff_ffffn << 32n) | (3n << 26n) | (3n << 22n) | (0xffn << 13n) | (1n << 5n);

const EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_SYS64 = 0x18, EC_IABT_LOW = 0x20, EC_DABT_LOW = 0x24, EC_BRK = 0x3c;

/** Bits 63:56 replaced by bit 55 (untagged_addr on arm64). */
export const untagged = (a: bigint): bigint => BigInt.asUintN(64, BigInt.asIntN(56, a));
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const roundDown16 = (v: bigint): bigint => v & ~15n;

/** A kernel siginfo: the fields granule fills in (the rest of the 128 bytes are zero). */
export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for the fault layout (SIL_FAULT). */
  addr?: bigint;
  /** si_pid and si_uid for kill/tkill (SIL_KILL). */
  pid?: number;
  uid?: number;
}

/** A queued signal with what the fatal report needs to say where it came from. */
export interface QueuedSignal {
  info: SigInfo;
  /** The user PC when the signal was generated (ELR_EL1: the faulting instruction, or after the SVC). */
  pc: bigint;
  /** ESR_EL1 of the fault, 0 for signals that are not faults. */
  esr: number;
  /** The untouched si_addr (tag bits kept) for the report. */
  rawAddr?: bigint;
  /** A line of explanation for the report (bad sigreturn frame, failed frame setup). */
  note?: string;
  /** 'blocked' or 'ignored' when forcing the signal overrode the program's disposition. */
  overridden?: string;
}

export interface SigAction {
  handler: bigint;
  flags: number;
  restorer: bigint;
  mask: bigint;
}

export interface AltStack {
  sp: bigint;
  size: bigint;
  flags: number;
}

const defaultAction = (): SigAction => ({ handler: SIG_DFL, flags: 0, restorer: 0n, mask: 0n });

export class Signals {
  /** Dispositions, indexed by signal number (1..64). */
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, defaultAction);
  /** The blocked mask (bit signo-1). */
  blocked = 0n;
  /** The pending queue in generation order, and the pending set (struct sigpending). */
  readonly queue: QueuedSignal[] = [];
  pendingSet = 0n;
  /** sigaltstack: sas_ss_sp, sas_ss_size, sas_ss_flags (SS_DISABLE at exec, as Linux shows it). */
  altstack: AltStack = { sp: 0n, size: 0n, flags: SS_DISABLE };
  /**
   * thread.fault_address and thread.fault_code: set by the fault paths (set_thread_esr,
   * arm64_notify_die), never cleared, and written to sigcontext.fault_address and to the
   * esr_context record of every later frame, as Linux 6.1 does.
   */
  faultAddress = 0n;
  faultCode = 0;
  /** Where the [vdso] is mapped (vdso.ts; exec maps it). */
  vdsoBase: bigint | undefined;
  /** orig_x0 of a syscall that returned -ERESTARTNOINTR on this kernel entry. */
  private restartX0: bigint | undefined;

  constructor(private readonly k: Kernel) {}

  // ---- generation

  /**
   * A synchronous fault from EL0 (arm64_force_sig_fault → force_sig_fault): the thread's fault
   * state is recorded first as the Linux path for that exception class does, then the signal is
   * forced: if it is blocked or ignored, the handler is reset to SIG_DFL and the signal unblocked.
   */
  force(signo: number, code: number, addr: bigint, esr: number): void {
    this.recordFault(addr, esr);
    const k = this.k;
    this.forceInfo({ signo, code, addr }, { pc: k.m.cpu.sys.elr, esr, rawAddr: addr });
  }

  /** send_sig_fault(): a fault-layout signal that is not forced (the async tag check fault). */
  send(signo: number, code: number, addr: bigint, _esr: number): void {
    // At a syscall about to be restarted, the place it was noticed is the SVC itself.
    const elr = this.k.m.cpu.sys.elr;
    this.sendInfo({ signo, code, addr }, { pc: this.restartX0 !== undefined ? elr - 4n : elr, esr: 0, rawAddr: addr });
  }

  /**
   * Which thread fault state the exception's Linux path records: data and instruction aborts
   * call set_thread_esr(untagged address, esr) (with the ESR reduced to a level-0 translation
   * fault for addresses outside TTBR0); undefined instructions and trapped system instructions
   * and WFx (do_undefinstr → force_signal_inject(..., err = 0)) reset both to 0; SP/PC alignment
   * and the other classes (arm64_notify_die, bad_el0_sync) record fault_address = 0 and
   * fault_code = esr; BRK (brk_handler → send_user_sigtrap) records nothing.
   */
  private recordFault(addr: bigint, esr: number): void {
    const ec = esr >>> 26;
    if (ec === EC_DABT_LOW || ec === EC_IABT_LOW) {
      const a = untagged(addr);
      let e = esr >>> 0;
      if (a >= TASK_SIZE) {
        e = ec === EC_DABT_LOW ? (e & (0xfc000000 | (1 << 25) | (1 << 8) | (1 << 6))) | 0x04 : (e & (0xfc000000 | (1 << 25))) | 0x04;
      }
      this.faultAddress = a;
      this.faultCode = e >>> 0;
    } else if (ec === EC_UNKNOWN || ec === EC_WFX || ec === EC_SYS64) {
      this.faultAddress = 0n;
      this.faultCode = 0;
    } else if (ec !== EC_BRK) {
      this.faultAddress = 0n;
      this.faultCode = esr >>> 0;
    }
  }

  /** force_sig_info_to_task(info, current, HANDLER_CURRENT). */
  private forceInfo(info: SigInfo, ctx: Omit<QueuedSignal, 'info'>, handlerDefault = false): void {
    const action = this.actions[info.signo];
    const blocked = (this.blocked & bit(info.signo)) !== 0n;
    const ignored = action.handler === SIG_IGN;
    if (blocked || ignored || handlerDefault) {
      action.handler = SIG_DFL;
      if (blocked) this.blocked &= ~bit(info.signo);
    }
    const overridden = blocked && ignored ? 'blocked and ignored' : blocked ? 'blocked' : ignored ? 'ignored' : undefined;
    this.enqueue(info, overridden && !handlerDefault ? { ...ctx, overridden } : ctx);
  }

  /** send_signal_locked() for a signal that is not forced: ignored ones are dropped here. */
  sendInfo(info: SigInfo, ctx: Omit<QueuedSignal, 'info'>): void {
    if (this.ignoredAtGeneration(info.signo)) return;
    this.enqueue(info, ctx);
  }

  /** sig_ignored(): blocked signals are never ignored (the handler may change before unblocking). */
  private ignoredAtGeneration(signo: number): boolean {
    if ((this.blocked & bit(signo)) !== 0n) return false;
    return this.handlerIgnores(signo);
  }

  /** sig_handler_ignored(): SIG_IGN, or SIG_DFL for a signal whose default is to ignore it. */
  private handlerIgnores(signo: number): boolean {
    const h = this.actions[signo].handler;
    return h === SIG_IGN || (h === SIG_DFL && (KERNEL_IGNORE & bit(signo)) !== 0n);
  }

  /** __send_signal_locked(): a standard signal already pending is not queued again (legacy_queue). */
  private enqueue(info: SigInfo, ctx: Omit<QueuedSignal, 'info'>): void {
    if (info.signo < SIGRTMIN && (this.pendingSet & bit(info.signo)) !== 0n) return;
    this.queue.push({ info, ...ctx });
    this.pendingSet |= bit(info.signo);
  }

  /** A signal from kill/tkill/tgkill to this process (SI_USER or SI_TKILL, with the sender's pid). */
  sendFromUser(signo: number, code: number): void {
    this.sendInfo({ signo, code, pid: this.k.pid, uid: 0 }, { pc: this.k.m.cpu.sys.elr, esr: 0 });
  }

  /** The signals pending and blocked (rt_sigpending). */
  pendingBlocked(): bigint {
    return this.pendingSet & this.blocked;
  }

  // ---- delivery (do_notify_resume → do_signal → get_signal → handle_signal)

  /**
   * The syscall being entered returns -ERESTARTNOINTR without running (el0_svc_common with a
   * pending async tag fault): x0 gets the error and its argument is kept as orig_x0.
   */
  restartSyscall(): void {
    const cpu = this.k.m.cpu;
    this.restartX0 = cpu.readX(0);
    cpu.writeX(0, u64(-BigInt(ERESTARTNOINTR)));
  }

  /**
   * do_notify_resume(): do_signal runs only when a signal is deliverable (TIF_SIGPENDING); it
   * first rewinds a syscall that returned -ERESTARTNOINTR to its SVC with x0 = orig_x0, then
   * delivers every deliverable signal. Without one, -ERESTARTNOINTR reaches the program, as on
   * Linux when the async fault's SIGSEGV is blocked or ignored.
   */
  deliverPending(): void {
    const restart = this.restartX0;
    this.restartX0 = undefined;
    if ((this.pendingSet & ~this.blocked) === 0n) return;
    if (restart !== undefined) {
      this.k.m.cpu.writeX(0, restart);
      this.k.m.cpu.sys.elr -= 4n;
    }
    while (!this.k.end && (this.pendingSet & ~this.blocked) !== 0n) {
      const sig = this.dequeue();
      if (!sig) return;
      const signo = sig.info.signo;
      // strace sees every dequeued signal (ptrace_signal, before the tag bits are hidden).
      this.k.trace?.emit(formatSignalDelivery(signo, sig.info.code, sig.info, signalName));
      const action = this.actions[signo];
      if (action.handler === SIG_IGN) continue;
      if (action.handler === SIG_DFL) {
        if ((KERNEL_IGNORE & bit(signo)) !== 0n || (KERNEL_STOP & bit(signo)) !== 0n) continue;
        this.k.kill({ kind: 'signal', signo, report: fatalReport(this.k, sig) });
        return;
      }
      const ka = { ...action };
      if ((action.flags & SA_RESETHAND) !== 0) action.handler = SIG_DFL;
      if ((ka.flags & SA_EXPOSE_TAGBITS) === 0) hideTagBits(sig.info);
      this.handleSignal(sig, ka);
    }
  }

  /**
   * dequeue_synchronous_signal(), then dequeue_signal(): the first queued synchronous signal
   * raised by the kernel (si_code > 0) when any synchronous signal is deliverable, else the
   * lowest-numbered deliverable one (synchronous signals first, next_signal), oldest first.
   */
  private dequeue(): QueuedSignal | undefined {
    const deliverable = this.pendingSet & ~this.blocked;
    let index = -1;
    if ((deliverable & SYNCHRONOUS) !== 0n) {
      index = this.queue.findIndex((q) => q.info.code > SI_USER && (bit(q.info.signo) & SYNCHRONOUS) !== 0n);
    }
    if (index < 0) {
      let set = deliverable;
      if ((set & SYNCHRONOUS) !== 0n) set &= SYNCHRONOUS;
      if (set === 0n) return undefined;
      let signo = 1;
      while ((set & bit(signo)) === 0n) signo++;
      index = this.queue.findIndex((q) => q.info.signo === signo);
      if (index < 0) {
        this.pendingSet &= ~bit(signo);
        return undefined;
      }
    }
    const [sig] = this.queue.splice(index, 1);
    if (!this.queue.some((q) => q.info.signo === sig.info.signo)) this.pendingSet &= ~bit(sig.info.signo);
    return sig;
  }

  /** handle_signal(): the frame, then signal_setup_done (signal_delivered, or force_sigsegv). */
  private handleSignal(sig: QueuedSignal, ka: SigAction): void {
    const oldset = this.blocked;
    const failure = this.setupRtFrame(sig, ka, oldset);
    if (failure !== undefined) {
      this.forceSigsegv(sig.info.signo, failure);
      return;
    }
    let blocked = this.blocked | ka.mask;
    if ((ka.flags & SA_NODEFER) === 0) blocked |= bit(sig.info.signo);
    this.blocked = blocked & ~UNBLOCKABLE;
    if ((this.altstack.flags & SS_AUTODISARM) !== 0) this.altstack = { sp: 0n, size: 0n, flags: SS_DISABLE };
  }

  /**
   * force_sigsegv(): the frame could not be written. SIGSEGV itself becomes fatal (force_fatal_sig);
   * another signal turns into a SIGSEGV (SI_KERNEL) that a SIGSEGV handler may still catch.
   */
  private forceSigsegv(signo: number, note: string): void {
    const ctx = { pc: this.k.m.cpu.sys.elr, esr: 0, note };
    if (signo === SIGSEGV) this.forceInfo({ signo: SIGSEGV, code: SI_KERNEL }, ctx, true);
    else this.forceInfo({ signo: SIGSEGV, code: SI_KERNEL }, ctx);
  }

  /** on_sig_stack(sp) */
  onSigStack(sp: bigint): boolean {
    if ((this.altstack.flags & SS_AUTODISARM) !== 0) return false;
    return sp > this.altstack.sp && sp - this.altstack.sp <= this.altstack.size;
  }

  /** sas_ss_flags(sp): SS_DISABLE without a stack, SS_ONSTACK while on it, else 0. */
  sasSsFlags(sp: bigint): number {
    if (this.altstack.size === 0n) return SS_DISABLE;
    return this.onSigStack(sp) ? SS_ONSTACK : 0;
  }

  /**
   * setup_rt_frame(): get_sigframe (sigsp, the frame record, the frame below it), then the fields
   * Linux writes, each with the uaccess routines; then setup_return. Returns why it failed, or
   * undefined.
   */
  private setupRtFrame(sig: QueuedSignal, ka: SigAction, oldset: bigint): string | undefined {
    const k = this.k;
    const cpu = k.m.cpu;
    const regs = Array.from({ length: 31 }, (_, i) => cpu.readX(i));
    const sp = cpu.bankedSp(0);
    const pc = cpu.sys.elr;
    const pstate = cpu.sys.spsr;

    // setup_sigframe_layout(): no fpsimd/SVE/SME records on this core.
    let size = MC_RESERVED;
    let esrOffset = 0;
    if (this.faultCode !== 0) {
      esrOffset = size;
      size += ESR_CONTEXT_SIZE;
    }
    const endOffset = size;
    size += TERMINATOR_SIZE;
    const frameSize = BigInt(Math.max(size, RT_SIGFRAME_SIZE) + 15) & ~15n;

    const spTop = (ka.flags & SA_ONSTACK) !== 0 && this.sasSsFlags(sp) === 0 ? u64(this.altstack.sp + this.altstack.size) : sp;
    const nextFrame = roundDown16(u64(spTop - BigInt(FRAME_RECORD_SIZE)));
    const frame = u64(roundDown16(nextFrame) - frameSize);
    const failed = `could not write the signal frame for ${signalName(sig.info.signo)} at 0x${frame.toString(16)} (sp 0x${spTop.toString(16)})`;
    if (frame > nextFrame || spTop < frame || !k.uaccess.accessOk(frame, Number(spTop - frame))) return failed;

    const w = new FrameWriter();
    // rt_sigframe.uc: uc_flags, uc_link, uc_stack (__save_altstack: the raw sas_ss_flags).
    w.u64(UC, 0n).u64(UC + 8, 0n).u64(UC_STACK, this.altstack.sp).u32(UC_STACK + 8, this.altstack.flags).u64(UC_STACK + 16, this.altstack.size);
    // setup_sigframe(): the frame record, the registers, fault_address, the mask and the records.
    w.u64(MC_FAULT_ADDRESS, this.faultAddress);
    regs.forEach((v, i) => w.u64(MC_REGS + 8 * i, v));
    w.u64(MC_SP, sp).u64(MC_PC, pc).u64(MC_PSTATE, pstate);
    w.u64(UC_SIGMASK, oldset);
    if (esrOffset !== 0) w.u32(esrOffset, ESR_MAGIC).u32(esrOffset + 4, ESR_CONTEXT_SIZE).u64(esrOffset + 8, BigInt(this.faultCode));
    w.u32(endOffset, 0).u32(endOffset + 4, 0);
    const record = new FrameWriter().u64(0, regs[29]).u64(8, regs[30]);
    if ((ka.flags & SA_SIGINFO) !== 0) w.bytes(0, encodeSigInfo(sig.info));
    if (!w.flush(k, frame) || !record.flush(k, nextFrame)) return failed;

    // setup_return(): x0 = signo, sp = the frame, x29 = the frame record, pc = the handler,
    // PSTATE.TCO cleared, x30 = sa_restorer or the vDSO trampoline; x1/x2 with SA_SIGINFO.
    cpu.writeX(0, BigInt(sig.info.signo));
    cpu.setBankedSp(0, frame);
    cpu.writeX(29, nextFrame);
    cpu.sys.elr = ka.handler;
    cpu.sys.spsr = pstate & ~PSR_TCO;
    cpu.writeX(30, (ka.flags & SA_RESTORER) !== 0 ? ka.restorer : this.vdsoSigtramp());
    if ((ka.flags & SA_SIGINFO) !== 0) {
      cpu.writeX(1, frame);
      cpu.writeX(2, frame + BigInt(UC));
    }
    return undefined;
  }

  /** VDSO_SYMBOL(vdso, sigtramp): __kernel_rt_sigreturn in the [vdso] (mapped now if exec did not). */
  private vdsoSigtramp(): bigint {
    const base = this.vdsoBase ?? mapVdso(this.k);
    return base + BigInt(vdsoImage().sigreturn);
  }

  // ---- rt_sigreturn

  /**
   * sys_rt_sigreturn(): the frame at SP (16-aligned, in the user range), restore_sigframe (the
   * mask, the registers, valid_user_regs, parse_user_sigframe), then restore_altstack. Returns
   * the restored x0; a bad frame raises SIGSEGV (arm64_notify_segfault(sp)) and returns 0.
   */
  sigreturn(): bigint {
    const k = this.k;
    const cpu = k.m.cpu;
    const ua = k.uaccess;
    const frame = cpu.bankedSp(0);
    const svc = cpu.sys.elr - 4n;
    const bad = (why: string): bigint => {
      this.notifySegfault(cpu.bankedSp(0), svc, `rt_sigreturn refused the frame at 0x${frame.toString(16)}: ${why}`);
      return 0n;
    };
    if ((frame & 15n) !== 0n) return bad('the stack pointer is not 16-byte aligned');
    if (!ua.accessOk(frame, RT_SIGFRAME_SIZE)) return bad('the frame is outside the user address space');

    let err = false;
    const mask = ua.getUser(frame + BigInt(UC_SIGMASK), 8);
    if (mask === undefined) err = true;
    else this.setBlocked(mask);
    const block = new Uint8Array(MC_PSTATE + 8 - MC_REGS);
    if (ua.copyFromUser(block, frame + BigInt(MC_REGS), block.length) !== 0) err = true;
    const view = new DataView(block.buffer);
    const get = (off: number): bigint => view.getBigUint64(off - MC_REGS, true);
    for (let i = 0; i < 31; i++) cpu.writeX(i, get(MC_REGS + 8 * i));
    cpu.setBankedSp(0, get(MC_SP));
    cpu.sys.elr = get(MC_PC);
    const { pstate, valid } = validUserPstate(get(MC_PSTATE));
    cpu.sys.spsr = pstate;
    if (err) return bad('the frame could not be read');
    if (!valid) return bad(`pstate 0x${get(MC_PSTATE).toString(16)} is not a valid EL0 state`);
    const parse = this.parseUserSigframe(frame);
    if (parse !== undefined) return bad(parse);

    // restore_altstack(): only an unreadable uc_stack fails; do_sigaltstack's errors are ignored.
    const st = new Uint8Array(24);
    if (ua.copyFromUser(st, frame + BigInt(UC_STACK), 24) !== 0) return bad('uc_stack could not be read');
    const sv = new DataView(st.buffer);
    this.doSigaltstack({ sp: sv.getBigUint64(0, true), flags: sv.getInt32(8, true), size: sv.getBigUint64(16, true) }, cpu.bankedSp(0));
    return cpu.readX(0);
  }

  /** parse_user_sigframe() for a core without FP/SIMD, SVE and SME: returns why it is invalid. */
  private parseUserSigframe(frame: bigint): string | undefined {
    const ua = this.k.uaccess;
    let base = frame + BigInt(MC_RESERVED);
    let offset = 0n;
    let limit = BigInt(RESERVED_SIZE);
    let haveExtra = false;
    for (;;) {
      if (limit - offset < 8n) return 'the record list in __reserved is not terminated';
      if ((offset & 15n) !== 0n) return 'a record in __reserved is not 16-byte aligned';
      const head = base + offset;
      const magic = ua.getUser(head, 4);
      const size = ua.getUser(head + 4n, 4);
      if (magic === undefined || size === undefined) return 'a record in __reserved could not be read';
      if (limit - offset < size) return `the record at +0x${(head - frame).toString(16)} runs past the end of its area`;
      switch (Number(magic)) {
        case 0:
          return size !== 0n ? 'the terminator record has a non-zero size' : undefined;
        case ESR_MAGIC:
          break;
        case EXTRA_MAGIC: {
          if (haveExtra || size < BigInt(EXTRA_CONTEXT_SIZE)) return 'a bad extra_context record';
          const datap = ua.getUser(head + 8n, 8);
          const extraSize = ua.getUser(head + 16n, 4);
          if (datap === undefined || extraSize === undefined) return 'the extra_context record could not be read';
          if (limit - offset - size < BigInt(TERMINATOR_SIZE)) return 'no terminator after extra_context';
          const end = head + size;
          const endMagic = ua.getUser(end, 4);
          const endSize = ua.getUser(end + 4n, 4);
          if (endMagic === undefined || endSize === undefined) return 'the record after extra_context could not be read';
          if (endMagic !== 0n || endSize !== 0n) return 'extra_context is not followed by a terminator';
          haveExtra = true;
          const userp = end + BigInt(TERMINATOR_SIZE);
          if ((datap & 15n) !== 0n || (extraSize & 15n) !== 0n || datap !== userp) return 'a bad extra_context data pointer';
          if (extraSize > frame + BigInt(SIGFRAME_MAXSZ) - userp) return 'extra_context is too large';
          base = datap;
          offset = 0n;
          limit = extraSize;
          if (!ua.accessOk(base, Number(limit))) return 'extra_context is outside the user address space';
          continue;
        }
        case FPSIMD_MAGIC:
          return 'an fpsimd_context record on a core without FP/SIMD';
        default:
          return `an unknown record (magic 0x${magic.toString(16)})`;
      }
      if (size < 8n) return 'a record smaller than its header';
      if (limit - offset < size) return 'a record runs past the end of its area';
      offset += size;
    }
  }

  /**
   * arm64_notify_segfault(addr): SEGV_MAPERR when no VMA lies at or above addr (find_vma), else
   * SEGV_ACCERR; through arm64_notify_die, so fault_address = 0 and fault_code = 0. `pc` (the
   * rt_sigreturn SVC) is for the report: the registers already hold the refused frame's.
   */
  private notifySegfault(addr: bigint, pc: bigint, note: string): void {
    const a = untagged(addr);
    const code = this.k.as.vmas.some((v) => v.end > a) ? SEGV_ACCERR : SEGV_MAPERR;
    this.faultAddress = 0n;
    this.faultCode = 0;
    this.forceInfo({ signo: SIGSEGV, code, addr }, { pc, esr: 0, rawAddr: addr, note });
  }

  // ---- state changes behind the syscalls

  /** set_current_blocked(): SIGKILL and SIGSTOP are never blocked. */
  setBlocked(mask: bigint): void {
    this.blocked = BigInt.asUintN(64, mask) & ~UNBLOCKABLE;
  }

  /** do_sigaction(): returns the old action, or a negative errno. */
  sigaction(signo: number, act: SigAction | undefined): SigAction | number {
    if (signo < 1 || signo > NSIG || (act && (UNBLOCKABLE & bit(signo)) !== 0n)) return -22;
    const old = { ...this.actions[signo] };
    old.flags &= UAPI_SA_FLAGS;
    if (act) {
      this.actions[signo] = { handler: act.handler, flags: (act.flags & UAPI_SA_FLAGS) >>> 0, restorer: act.restorer, mask: act.mask & ~UNBLOCKABLE & ALL_SIGNALS };
      // Setting a disposition that ignores the signal discards it if pending (POSIX 3.3.1.3).
      if (this.handlerIgnores(signo)) this.flush(signo);
    }
    return old;
  }

  private flush(signo: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].info.signo === signo) this.queue.splice(i, 1);
    this.pendingSet &= ~bit(signo);
  }

  /** sigprocmask(how, set): -EINVAL for an unknown `how`. */
  sigprocmask(how: number, set: bigint): number {
    const s = set & ~UNBLOCKABLE;
    if (how === SIG_BLOCK) this.setBlocked(this.blocked | s);
    else if (how === SIG_UNBLOCK) this.setBlocked(this.blocked & ~s);
    else if (how === SIG_SETMASK) this.setBlocked(s);
    else return -22;
    return 0;
  }

  /** do_sigaltstack() with sp the current user stack pointer: 0 or a negative errno. */
  doSigaltstack(ss: AltStack, sp: bigint): number {
    if (this.onSigStack(sp)) return -1; // EPERM
    const mode = ss.flags & ~SS_AUTODISARM;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -22;
    if (this.altstack.sp === ss.sp && this.altstack.size === ss.size && this.altstack.flags === ss.flags) return 0;
    if (mode === SS_DISABLE) {
      this.altstack = { sp: 0n, size: 0n, flags: ss.flags >>> 0 };
      return 0;
    }
    if (ss.size < BigInt(MINSIGSTKSZ_UAPI)) return -12; // ENOMEM
    this.altstack = { sp: ss.sp, size: ss.size, flags: ss.flags >>> 0 };
    return 0;
  }
}

/** hide_si_addr_tag_bits() → arch_untagged_si_addr(): every fault layout except SIGTRAP/TRAP_BRKPT. */
function hideTagBits(info: SigInfo): void {
  if (info.addr === undefined) return;
  if (info.signo === SIGTRAP && info.code === TRAP_BRKPT) return;
  info.addr = untagged(info.addr);
}

/** valid_user_regs() → valid_native_regs(): RES0 bits and SS cleared; EL0t, AArch64, DAIF clear. */
function validUserPstate(raw: bigint): { pstate: bigint; valid: boolean } {
  let p = raw & ~SPSR_RES0 & ~PSR_SS;
  const valid = (p & PSR_MODE_MASK) === 0n && (p & PSR_MODE32) === 0n && (p & PSR_DAIF) === 0n;
  if (!valid) p &= PSR_NZCV;
  return { pstate: p, valid };
}

/** The 128-byte siginfo_t for the user: signo, errno 0, code, and the layout's fields. */
export function encodeSigInfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(0, info.signo, true);
  v.setInt32(8, info.code, true);
  if (info.addr !== undefined) v.setBigUint64(16, u64(info.addr), true);
  if (info.pid !== undefined) v.setInt32(16, info.pid, true);
  if (info.uid !== undefined) v.setUint32(20, info.uid, true);
  return b;
}

/** Collects the frame's fields as (offset, bytes) runs and writes each run with copy_to_user. */
class FrameWriter {
  private readonly parts = new Map<number, Uint8Array>();
  u64(off: number, v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, u64(v), true);
    this.parts.set(off, b);
    return this;
  }
  u32(off: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.parts.set(off, b);
    return this;
  }
  bytes(off: number, b: Uint8Array): this {
    this.parts.set(off, b);
    return this;
  }
  /** Writes the fields at base + offset, contiguous ones together; false if any byte faulted. */
  flush(k: Kernel, base: bigint): boolean {
    const offs = [...this.parts.keys()].sort((a, b) => a - b);
    let i = 0;
    while (i < offs.length) {
      let j = i;
      let end = offs[i] + this.parts.get(offs[i])!.length;
      while (j + 1 < offs.length && offs[j + 1] === end) {
        j++;
        end = offs[j] + this.parts.get(offs[j])!.length;
      }
      const run = new Uint8Array(end - offs[i]);
      for (let t = i; t <= j; t++) run.set(this.parts.get(offs[t])!, offs[t] - offs[i]);
      if (k.uaccess.copyToUser(base + BigInt(offs[i]), run) !== 0) return false;
      i = j + 1;
    }
    return true;
  }
}

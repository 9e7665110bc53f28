// Signals (kernel/signal.c, arch/arm64/kernel/signal.c): generation, blocking, default actions,
// and the report granule prints when a signal kills the process.

import type { Kernel } from './kernel.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8;
export const SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15;
export const SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGURG = 23, SIGWINCH = 28, SIGSYS = 31;
export const NSIG = 64;

// si_code values (include/uapi/asm-generic/siginfo.h).
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, SEGV_MTEAERR = 8, SEGV_MTESERR = 9;
export const BUS_ADRALN = 1;
export const ILL_ILLOPC = 1;
export const TRAP_BRKPT = 1;
export const SI_USER = 0, SI_KERNEL = 0x80;

export const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

/** Signals whose default action is to be ignored (the rest terminate; stop/cont are ignored here). */
const DEFAULT_IGNORE = new Set([SIGCHLD, SIGURG, SIGWINCH, SIGCONT, SIGSTOP, SIGTSTP, 21, 22]);

export interface PendingSignal {
  signo: number;
  code: number;
  addr: bigint;
  /** ESR for faults (the esr_context record), else 0. */
  esr: number;
  /** force_sig_fault: a synchronous fault the program cannot block or ignore away. */
  forced: boolean;
}

export class Signals {
  readonly pending: PendingSignal[] = [];

  constructor(private readonly k: Kernel) {}

  /**
   * force_sig_fault(): a synchronous fault. If the signal is blocked or ignored it is unblocked
   * and reset to the default action, so the process dies (force_sig_info_to_task).
   */
  force(signo: number, code: number, addr: bigint, esr: number): void {
    this.pending.push({ signo, code, addr, esr, forced: true });
  }

  /** send_sig_fault()/send_signal(): may stay pending while blocked, or be ignored. */
  send(signo: number, code: number, addr: bigint, esr: number): void {
    this.pending.push({ signo, code, addr, esr, forced: false });
  }

  /** do_signal() on the way back to user space. */
  deliverPending(): void {
    while (this.pending.length > 0 && !this.k.end) {
      const s = this.pending.shift()!;
      if (DEFAULT_IGNORE.has(s.signo)) continue;
      this.k.kill({ kind: 'signal', signo: s.signo, report: this.report(s) });
    }
  }

  /** What granule prints on stderr when a signal kills the process. */
  report(s: PendingSignal): string {
    const name = SIGNAL_NAMES[s.signo] ?? `signal ${s.signo}`;
    const elr = this.k.m.cpu.sys.elr;
    return `granule: ${name} (si_code ${s.code}) at pc 0x${elr.toString(16)}, address 0x${s.addr.toString(16)}: killed\n`;
  }
}

// The kernel shim: a small Linux-like kernel in TypeScript that owns the EL1 exception vector
// (DESIGN.md decision 6). User programs run at EL0 on the real MMU; every SVC, abort and
// undefined instruction enters the vector through the architectural exception path, the
// handler here works on the CPU state as arm64 Linux's el0_sync would (arch/arm64/kernel/
// entry-common.c), and leaves through the architectural ERET.

import type { Machine } from '../emulator/machine.js';
import { EC, exceptionReturn } from '../emulator/exceptions.js';
import type { OutputSink } from '../emulator/devices/output.js';
import { FrameAllocator, MAIR_VALUE, PAGE_SIZE, PageTables } from './pgtable.js';
import { AddressSpace } from './mm.js';
import { Files } from './vfs.js';
import { dispatchSyscall, type SyscallTrace } from './syscalls.js';
import { UserAccess } from './uaccess.js';
import { defaultProfile, parseProfile, type KernelProfile } from './profiles.js';
import { DEFAULT_LIVELOCK_LIMIT, formatLivelock, KernelCounters, UaccessState, type FaultCounts, type LivelockReport } from './retry.js';
import { registerScenarioDevices } from './devices.js';
import type { PerfSampler } from './perf.js';
import './signal-syscalls.js';
import { Signals, signalName, SIGBUS, SIGILL, SIGSEGV, SIGTRAP, SEGV_ACCERR, SEGV_MAPERR, SEGV_MTEAERR, SEGV_MTESERR, BUS_ADRALN, BUS_ADRERR, ILL_ILLOPC, TRAP_BRKPT } from './signals.js';

/** Kernel half of the address space (TTBR1_EL1): the vector page, then the kernel stack. */
export const KERNEL_BASE = 0xffff_0000_0000_0000n;
export const VECTORS = KERNEL_BASE;
export const KERNEL_STACK_TOP = KERNEL_BASE + 0x0010_0000n;
const KERNEL_STACK_PAGES = 4;

/** Instructions charged for each kernel entry and exit on a timed machine (see onSyncFromEl0). */
const KERNEL_ENTRY_INSTRUCTIONS = 150;

/** The user ASID (TTBR0_EL1[63:48]); TCR_EL1.AS = 1 selects 16-bit ASIDs. */
export const USER_ASID = 1;

// TCR_EL1 as Linux's __cpu_setup programs it for 48-bit VAs and 4 KiB pages (T0SZ = T1SZ = 16,
// TG1 = 4 KiB, IPS = 48 bits, 16-bit ASIDs from TTBR0, TBI0 for the tagged address ABI).
const TCR_VALUE = 16n | (16n << 16n) | (2n << 30n) | (3n << 8n) | (3n << 10n) | (3n << 12n) | (3n << 24n) | (3n << 26n) | (3n << 28n) | (5n << 32n) | (1n << 36n) | (1n << 37n);
// SCTLR_EL1 bits Linux sets for EL0 (INIT_SCTLR_EL1_MMU_ON): M, C, SA, SA0, I, DZE, UCT, nTWE,
// SPAN, UCI, ATA, ATA0, ITFSB, plus the RES1 bits. TCF0 is per thread (prctl).
const SCTLR_BASE = 0x1n | 0x4n | 0x8n | 0x10n | 0x1000n | (1n << 14n) | (1n << 15n) | (1n << 18n) | (1n << 23n) | (1n << 26n) | (1n << 37n) | (1n << 42n) | (1n << 43n) | 0x30d00800n;
const SCTLR_TCF0_SHIFT = 38n;

export interface KernelOptions {
  stdout: OutputSink;
  stderr: OutputSink;
  /** Reads up to `n` bytes of the host's stdin (returns fewer at end of file). */
  stdin?: (n: number) => Uint8Array;
  /** `--strace`: called for every syscall with its formatted line. */
  strace?: (line: string) => void;
  /** Seed for getrandom and AT_RANDOM (DESIGN.md decision 9: no host randomness). */
  seed?: number;
  /** Which kernel's behaviour to follow (profiles.ts): a profile or its name; default linux-6.14. */
  profile?: KernelProfile | string;
  /** Iterations without progress after which a retry loop is reported as a livelock (default 100000). */
  livelockLimit?: number;
}

/**
 * How the process ended: an exit status, a fatal signal (the CLI exits 128 + signo), or the
 * livelock watchdog stopping it inside a kernel retry loop (exit status 125).
 */
export type ProcessEnd = { kind: 'exit'; status: number } | { kind: 'signal'; signo: number; report: string } | { kind: 'livelock'; livelock: LivelockReport; report: string };

/** Exit status when the livelock watchdog stops a run. */
export const EXIT_LIVELOCK = 125;

/** Counters at one moment (Kernel.snapshot). */
export interface CounterSnapshot {
  /** Instructions the program retired (EL0; the EL1 routines of the instruction-level path excluded). */
  instructions: number;
  /** Kernel instructions (Kernel.kernelInstructions). */
  kernelInstructions: number;
  /** Cycles, or null in functional mode. */
  cycles: number | null;
  retries: number;
  faults: FaultCounts;
  samples: number;
}

/** One syscall of Kernel.syscallLog: its number, arguments, result (none if it never returned) and counters. */
export interface SyscallRecord {
  nr: number;
  name: string;
  args: bigint[];
  ret?: bigint;
  start: CounterSnapshot;
  end?: CounterSnapshot;
}

export class Kernel {
  readonly frames: FrameAllocator;
  readonly kernelTables: PageTables;
  readonly userTables: PageTables;
  readonly as: AddressSpace;
  readonly files: Files;
  readonly uaccess: UserAccess;
  readonly signals: Signals;
  /** PR_SET_TAGGED_ADDR_CTRL value (ENABLE | TCF bits | include mask << 3). */
  taggedAddrCtrl = 0;
  readonly pid = 1000;
  name = 'granule';
  end: ProcessEnd | undefined;
  readonly syscallCounts = new Map<string, number>();
  readonly trace?: SyscallTrace;
  /** The kernel version whose behaviour the shim follows (profiles.ts). */
  readonly profile: KernelProfile;
  /** Retry iterations without progress before the watchdog reports a livelock. */
  livelockLimit: number;
  /** Faults, retries and samples, for reports. */
  readonly counters = new KernelCounters();
  /** The thread's retriable-uaccess flags and interrupt nesting (retry.ts). */
  readonly thread: UaccessState;
  /** The perf-like sampler, once a program armed it through /dev/granule-perf (perf.ts). */
  sampler: PerfSampler | undefined;
  /** When set, every syscall is recorded with the counters before and after it (`granule scenario`). */
  syscallLog: SyscallRecord[] | undefined;

  constructor(
    readonly m: Machine,
    readonly o: KernelOptions,
  ) {
    this.frames = new FrameAllocator(m);
    this.kernelTables = new PageTables(m, this.frames);
    this.userTables = new PageTables(m, this.frames);
    this.as = new AddressSpace(m, this.frames, this.userTables, USER_ASID);
    this.files = new Files(o);
    this.profile = typeof o.profile === 'string' ? parseProfile(o.profile) : (o.profile ?? defaultProfile());
    this.livelockLimit = o.livelockLimit ?? DEFAULT_LIVELOCK_LIMIT;
    this.thread = new UaccessState(this);
    this.uaccess = new UserAccess(this);
    this.uaccess.fixups = { ...this.profile.behaviour.fixups };
    this.signals = new Signals(this);
    if (o.strace) this.trace = { emit: o.strace };
    registerScenarioDevices(this);
    this.boot();
  }

  /**
   * Kernel instructions so far: the work charged to the timing model (typed-array copies, loops,
   * entry and exit) and the routines run at EL1 by the instruction-level path; in functional
   * mode, the instructions the uaccess routines retired or stand for.
   */
  kernelInstructions(): number {
    const el1 = this.uaccess.el1Instructions;
    const t = this.m.timing;
    if (t) return t.kernelWorkInstructions + el1;
    return this.uaccess.path === 'instruction' ? el1 : this.uaccess.routineInstructions;
  }

  /** The counters a syscall record keeps (what `granule scenario` reports for the call it measures). */
  snapshot(): CounterSnapshot {
    const c = this.counters;
    return {
      instructions: this.m.instructions - this.uaccess.el1Instructions,
      kernelInstructions: this.kernelInstructions(),
      cycles: this.m.timing ? this.m.timing.cycles() : null,
      retries: c.retries,
      faults: { ...c.faults },
      samples: c.samples,
    };
  }

  /** The watchdog stops the process in a retry loop that makes no progress (soft lockup). */
  livelock(r: LivelockReport): void {
    if (this.end) return;
    this.kill({ kind: 'livelock', livelock: r, report: formatLivelock(r, this.name, this.pid) });
  }

  /** Translation regime, vectors and the kernel stack, as Linux has them before the first exec. */
  private boot(): void {
    const { m } = this;
    const s = m.cpu.sys;
    for (let i = 0; i < KERNEL_STACK_PAGES; i++) {
      const pa = this.frames.alloc()!;
      this.kernelTables.map(KERNEL_STACK_TOP - BigInt((i + 1) * PAGE_SIZE), pa, { read: true, write: true, exec: false, mte: false, user: false });
    }
    // The vector page exists so that the architectural entry has somewhere to go; the handlers
    // run before its first instruction is fetched.
    this.kernelTables.map(VECTORS, this.frames.alloc()!, { read: true, write: false, exec: true, mte: false, user: false });
    s.mair = MAIR_VALUE;
    s.tcr = TCR_VALUE;
    s.ttbr0 = (BigInt(USER_ASID) << 48n) | BigInt(this.userTables.root);
    s.ttbr1 = BigInt(this.kernelTables.root);
    s.vbar = VECTORS;
    s.sctlr = SCTLR_BASE;
    m.cpu.hooks.translationChanged('sctlr');
    m.cpu.setBankedSp(1, KERNEL_STACK_TOP);
    m.setVectorHandler(VECTORS + 0x400n, () => this.onSyncFromEl0());
    // el1_sync: faults inside the uaccess routines resolve through their exception table.
    m.setVectorHandler(VECTORS + 0x200n, () => this.uaccess.onSyncFromEl1() || this.onUnexpected(0x200));
    for (const off of [0x000n, 0x080n, 0x100n, 0x180n, 0x280n, 0x300n, 0x380n, 0x480n, 0x500n, 0x580n]) {
      m.setVectorHandler(VECTORS + off, () => this.onUnexpected(Number(off)));
    }
  }

  /**
   * The CPU's mte_tcf_preferred (sysfs): 1 sync, 2 async (the default), 3 asymm, as TCF0 values.
   * Written through /sys/devices/system/cpu/cpu0/mte_tcf_preferred (vfs.ts).
   */
  mteTcfPreferred = 2;

  /**
   * SCTLR_EL1.TCF0 from the prctl value (mte_update_sctlr_user): SYNC|ASYNC also allows asymm
   * on an MTE3 CPU; the preferred mode wins if it was requested, else asymm, async, sync in
   * that order among those requested.
   */
  tcf0(): number {
    const sync = (this.taggedAddrCtrl & 2) !== 0;
    const async = (this.taggedAddrCtrl & 4) !== 0;
    // Asymmetric mode only on kernels that have it (766121ba5de3, v5.18).
    const requested = (sync ? 1 << 1 : 0) | (async ? 1 << 2 : 0) | (sync && async && this.profile.behaviour.mteAsymm ? 1 << 3 : 0);
    const pref = 1 << this.mteTcfPreferred;
    const resolved = (requested & pref) !== 0 ? pref : requested;
    return resolved & (1 << 3) ? 3 : resolved & (1 << 2) ? 2 : resolved & (1 << 1) ? 1 : 0;
  }

  /** Programs SCTLR_EL1.TCF0 and GCR_EL1 for the thread (mte_update_sctlr_user, mte_update_gcr_excl). */
  applyTagSettings(): void {
    const s = this.m.cpu.sys;
    s.sctlr = (s.sctlr & ~(3n << SCTLR_TCF0_SHIFT)) | (BigInt(this.tcf0()) << SCTLR_TCF0_SHIFT);
    const include = (this.taggedAddrCtrl >>> 3) & 0xffff;
    // RRND = 1 as Linux sets it; Exclude = ~include.
    s.gcr = BigInt((~include & 0xffff) | 0x10000);
    this.m.cpu.hooks.translationChanged('sctlr');
  }

  /**
   * PSTATE.TCO as kernel entry leaves it: kernel accesses to user memory run with TCO = 0 when
   * the thread checks synchronously (mte_disable_tco_entry); async/none leave it set, so they
   * are not checked.
   */
  private entryTco(): void {
    const tcf0 = this.tcf0();
    if (tcf0 === 1 || tcf0 === 3) {
      this.m.cpu.tco = 0;
      this.m.cpu.hooks.memoryStateChanged();
    }
  }

  /**
   * The thread's state after prctl(PR_SET_TAGGED_ADDR_CTRL, ctrl) and the next kernel entry: for
   * code that calls the kernel's routines directly (the copy benchmarks).
   */
  setTaggedAddrCtrl(ctrl: number): void {
    this.taggedAddrCtrl = ctrl;
    this.applyTagSettings();
    this.entryTco();
  }

  // ---- exception entry from EL0 (el0_sync)

  private onSyncFromEl0(): void {
    const { m } = this;
    const cpu = m.cpu;
    const esr = Number(cpu.sys.esr);
    const ec = esr >>> 26;
    const far = cpu.sys.far;
    this.entryTco();
    const asyncFault = this.takeAsyncTagFault();
    // On a timed machine the entry/exit path costs what Linux's el0_sync bookkeeping would
    // (an assumption: about 150 simple instructions around the handler proper).
    m.timing?.chargeKernelInstructions('alu', KERNEL_ENTRY_INSTRUCTIONS);
    switch (ec) {
      case EC.SVC:
        // A pending async fault comes before the syscall: el0_svc_common returns -ERESTARTNOINTR
        // and do_signal restarts the SVC if a signal is then deliverable (signals.ts).
        if (asyncFault) this.signals.restartSyscall();
        else dispatchSyscall(this);
        break;
      case EC.DATA_ABORT_LOWER:
      case EC.INSN_ABORT_LOWER:
        this.userAbort(esr, far, ec === EC.INSN_ABORT_LOWER);
        break;
      case EC.PC_ALIGN:
      case EC.SP_ALIGN:
        this.signals.force(SIGBUS, BUS_ADRALN, ec === EC.PC_ALIGN ? cpu.sys.elr : cpu.bankedSp(0), esr);
        break;
      case EC.BRK:
        this.signals.force(SIGTRAP, TRAP_BRKPT, cpu.sys.elr, esr);
        break;
      default:
        this.signals.force(SIGILL, ILL_ILLOPC, cpu.sys.elr, esr);
    }
    if (asyncFault) this.signals.send(SIGSEGV, SEGV_MTEAERR, 0n, 0);
    this.returnToUser();
  }

  /** TFSRE0_EL1.TF0 set while TCF0 is async or asymmetric: an async fault to report (mte_check_tfsr_entry). */
  private takeAsyncTagFault(): boolean {
    const s = this.m.cpu.sys;
    if ((this.tcf0() & 2) === 0) return false;
    const pending = (s.tfsre0 & 1n) !== 0n;
    s.tfsre0 = 0n;
    return pending;
  }

  /** Timed machines: a new page costs clear_page's loop over it and its lines through the caches. */
  private chargePageFault(va: bigint): void {
    const t = this.m.timing;
    if (!t) return;
    t.chargeKernelWork('clear16', PAGE_SIZE / 16);
    const entry = this.userTables.lookup(va & ~0xfffn);
    if (entry) t.memoryAccess(entry.pa, PAGE_SIZE, true);
  }

  /** A Data or Instruction Abort from EL0: demand paging, or a signal (do_mem_abort). */
  private userAbort(esr: number, far: bigint, fetch: boolean): void {
    const fsc = esr & 0x3f;
    const write = !fetch && (esr & (1 << 6)) !== 0;
    const untagged = BigInt.asUintN(64, BigInt.asIntN(56, far));
    if ((fsc & 0x3c) === 0x04 || (fsc & 0x3c) === 0x08) {
      const r = this.as.handleFault(untagged, fetch ? 'exec' : write ? 'write' : 'read');
      if (r === 'mapped') {
        this.chargePageFault(untagged);
        return;
      }
      // VM_FAULT_SIGBUS (a file page past the end of the file): SIGBUS, BUS_ADRERR.
      if (r === 'sigbus') return this.signals.force(SIGBUS, BUS_ADRERR, far, esr);
      this.signals.force(SIGSEGV, r === 'maperr' ? SEGV_MAPERR : SEGV_ACCERR, far, esr);
      return;
    }
    // A permission fault outside every VMA (the kernel half) is SEGV_MAPERR (__do_page_fault: VM_FAULT_BADMAP).
    if ((fsc & 0x3c) === 0x0c) return this.signals.force(SIGSEGV, this.as.find(untagged) ? SEGV_ACCERR : SEGV_MAPERR, far, esr);
    if (fsc === 0x11) {
      // FAR[63:60] is UNKNOWN for a tag check fault: Linux replaces it with the untagged
      // address's bits and keeps the logical tag in [59:56] (do_tag_check_fault).
      const fixed = (far & 0x0fff_ffff_ffff_ffffn) | (untagged & 0xf000_0000_0000_0000n);
      return this.signals.force(SIGSEGV, SEGV_MTESERR, fixed, esr);
    }
    if (fsc === 0x21) return this.signals.force(SIGBUS, BUS_ADRALN, far, esr);
    this.signals.force(SIGSEGV, SEGV_MAPERR, far, esr);
  }

  /** Vectors the shim does not expect to be used: a kernel bug, reported like an oops. */
  private onUnexpected(offset: number): void {
    const s = this.m.cpu.sys;
    this.kill({
      kind: 'signal',
      signo: SIGSEGV,
      report: `granule: kernel shim: unexpected exception at vector +0x${offset.toString(16)} (ESR 0x${s.esr.toString(16)}, FAR 0x${s.far.toString(16)}, ELR 0x${s.elr.toString(16)})\n`,
    });
  }

  /** ret_to_user: pending signals, the async-fault register cleared, then ERET. */
  private returnToUser(): void {
    if (this.end) return;
    this.signals.deliverPending();
    if (this.end) return;
    // Faults generated by kernel uaccess in async mode are dropped (mte_thread_switch / ret_to_user).
    this.m.cpu.sys.tfsre0 = 0n;
    exceptionReturn(this.m.cpu);
  }

  /** Ends the process: the run loop returns and the CLI reports it. */
  kill(end: ProcessEnd): void {
    this.end = end;
    // strace's last line when a signal ends the process (no core: RLIMIT_CORE is 0). An exit's
    // `+++ exited with N +++` follows the exit_group line (syscalls.ts).
    if (end.kind === 'signal') this.trace?.emit(`+++ killed by ${signalName(end.signo)} +++`);
    this.m.exitStatus = end.kind === 'exit' ? end.status & 0xff : end.kind === 'livelock' ? EXIT_LIVELOCK : 128 + end.signo;
    this.m.haltReason = 'halt';
  }
}

// What the kernel discussion's retry loops share (issue 5): counting their iterations, the
// livelock watchdog, the faults the uaccess routines take, and the two unmerged proposals that
// change how a loop learns that a copy hit a sub-page fault (kernel-uaccess.md §1.7):
//
// - begin_retriable_uaccess()/end_retriable_uaccess() (Catalin Marinas, seed thread, 28 Oct
//   2021): "a TIF flag to mark the retriable region and another to track whether a
//   non-recoverable fault occurred". The fault handler sets the second when a tag check fault
//   (not a page fault) hits a uaccess while the first is set. Nothing tells it whether the
//   fault came from the region's own copy or from an interrupt that arrived in the middle of it
//   (Linus Torvalds, 27 Oct 2021: "a subsequent NMI that _also_ takes a (completely unrelated)
//   page fault"), unless the flags are saved on exception entry (`+save-on-entry`).
// - distinct error codes (same email): the copy tells the loop which kind of fault stopped it,
//   -EFAULT for one that faulting the page in can fix, -EACCES for one it cannot.
//
// Every retry loop counts its iterations through a RetryLoop. An iteration "without progress"
// moved nothing; after `livelockLimit` of them in a row the watchdog stops the process with a
// report in the style of the kernel's soft-lockup message, and granule exits with status 125.

import type { Kernel } from './kernel.js';

export const DEFAULT_LIVELOCK_LIMIT = 100000;

/** Faults the kernel's user accesses took (EL1), by type; `nested` counts those taken inside the sampler's interrupt. */
export interface FaultCounts {
  /** Synchronous tag check faults (DFSC 0x11): sub-page faults, never fixed by faulting a page in. */
  tagCheck: number;
  /** Translation or access flag faults that went to the exception table (page faults disabled, or no VMA). */
  translation: number;
  /** Permission faults (a read-only page written, for example). */
  permission: number;
  /** Page faults handle_mm_fault() resolved (the access was then retried). */
  pageFault: number;
  /** Of all the above, those taken while the perf-like sampler's interrupt was running. */
  nested: number;
}

export type FaultKind = 'tagCheck' | 'translation' | 'permission' | 'pageFault';

/** TIF flags of the retriable-uaccess proposal. */
export const TIF_RETRIABLE_UACCESS = 1;
export const TIF_UACCESS_SUBPAGE_FAULT = 2;

export interface LivelockReport {
  /** The kernel function whose loop spun. */
  loop: string;
  /** The user address the loop could not get past. */
  uaddr: bigint;
  /** Bytes (or items) the call still had to move. */
  left: number;
  /** Iterations in a row without progress (the limit), and all retries of this call. */
  stalled: number;
  iterations: number;
  /** Cycles and kernel instructions since the loop started (cycles null in functional mode). */
  cycles: number | null;
  instructions: number;
  callTrace: readonly string[];
  profile: string;
}

/** The soft-lockup style report printed when the watchdog stops a run. */
export function formatLivelock(r: LivelockReport, comm: string, pid: number): string {
  const hex = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
  const lines = [
    `watchdog: BUG: soft lockup - CPU#0 stuck in ${r.loop} for ${r.stalled} iterations without progress! [${comm}:${pid}]`,
    `CPU: 0 PID: ${pid} Comm: ${comm} Kernel: ${r.profile} (granule kernel shim)`,
    `loop: ${r.loop}: no progress at user address ${hex(r.uaddr)}, ${r.left} bytes left`,
    `iterations: ${r.stalled} without progress, ${r.iterations} retries in this call; ${r.cycles === null ? 'cycles: n/a (functional mode)' : `${r.cycles} cycles`}, ${r.instructions} kernel instructions in the loop`,
    'Call trace:',
    ...r.callTrace.map((f) => ` ${f}`),
  ];
  return lines.map((l) => `granule: ${l}\n`).join('');
}

/**
 * One invocation of a kernel retry loop: counts its retries (in the kernel's totals too) and
 * watches for iterations without progress.
 */
export class RetryLoop {
  iterations = 0;
  private stalled = 0;
  private readonly startCycles: number | null;
  private readonly startInstructions: number;

  constructor(
    private readonly k: Kernel,
    readonly name: string,
    readonly callTrace: readonly string[],
  ) {
    this.startCycles = k.m.timing ? k.m.timing.cycles() : null;
    this.startInstructions = k.kernelInstructions();
  }

  /**
   * The loop is about to go round again for data it did not finish. `progress`: the pass that
   * just ended moved something. Returns false when the watchdog stopped the process (the caller
   * unwinds with -EINTR, as for a fatal signal; the syscall never returns to user space).
   */
  retry(progress: boolean, uaddr: bigint, left: number): boolean {
    this.iterations++;
    this.k.counters.retries++;
    this.k.counters.byLoop.set(this.name, (this.k.counters.byLoop.get(this.name) ?? 0) + 1);
    this.stalled = progress ? 0 : this.stalled + 1;
    if (this.stalled < this.k.livelockLimit) return true;
    const t = this.k.m.timing;
    this.k.livelock({
      loop: this.name,
      uaddr,
      left,
      stalled: this.stalled,
      iterations: this.iterations,
      cycles: t && this.startCycles !== null ? t.cycles() - this.startCycles : null,
      instructions: this.k.kernelInstructions() - this.startInstructions,
      callTrace: this.callTrace,
      profile: this.k.profile.name,
    });
    return false;
  }
}

/** The kernel's counters for reports (`granule scenario`, tests). */
export class KernelCounters {
  readonly faults: FaultCounts = { tagCheck: 0, translation: 0, permission: 0, pageFault: 0, nested: 0 };
  /** Retry iterations of every loop, and per loop. */
  retries = 0;
  readonly byLoop = new Map<string, number>();
  /** Sampler interrupts taken. */
  samples = 0;
}

export interface SavedUaccessState {
  flags: number;
  lastFault: FaultKind | undefined;
}

/** Per-thread state of the unmerged proposals, and the nesting of the sampler's interrupts. */
export class UaccessState {
  /** TIF_RETRIABLE_UACCESS | TIF_UACCESS_SUBPAGE_FAULT. */
  flags = 0;
  /** Interrupt nesting depth (the sampler). */
  inInterrupt = 0;
  /** The kind of the last fault a user access took (distinct-errors; reset by the copies that report it). */
  lastFault: FaultKind | undefined;

  constructor(private readonly k: Kernel) {}

  /**
   * The fault handler's part (do_mem_abort → __do_kernel_fault → fixup_exception): counts the
   * fault, and with +retriable-uaccess a tag check fault inside a retriable region sets the
   * thread's flag -- whoever took it.
   */
  noteFault(kind: FaultKind): void {
    const c = this.k.counters.faults;
    c[kind]++;
    if (this.inInterrupt > 0) c.nested++;
    if (kind !== 'pageFault') this.lastFault = kind;
    if (kind === 'tagCheck' && this.k.profile.options.retriableUaccess && (this.flags & TIF_RETRIABLE_UACCESS) !== 0) this.flags |= TIF_UACCESS_SUBPAGE_FAULT;
  }

  /** begin_retriable_uaccess(): marks the region, clears the fault flag; returns the old flags. */
  beginRetriable(): number {
    const old = this.flags;
    this.flags = TIF_RETRIABLE_UACCESS;
    return old;
  }

  /** end_retriable_uaccess(old): whether a sub-page fault hit the region (the loop must not retry); restores the old flags. */
  endRetriable(old: number): boolean {
    const subpage = (this.flags & TIF_UACCESS_SUBPAGE_FAULT) !== 0;
    this.flags = old;
    return subpage;
  }

  /**
   * Exception entry for a nested interrupt. The interrupted context's registers are saved as on
   * any exception entry, so a copy's own return value (the distinct error) survives; the TIF
   * flags live in thread_info and are saved and cleared only with +save-on-entry.
   */
  enterInterrupt(): SavedUaccessState {
    this.inInterrupt++;
    const saved = { flags: this.flags, lastFault: this.lastFault };
    if (this.k.profile.options.saveOnEntry) this.flags = 0;
    return saved;
  }

  exitInterrupt(saved: SavedUaccessState): void {
    if (this.k.profile.options.saveOnEntry) this.flags = saved.flags;
    this.lastFault = saved.lastFault;
    this.inInterrupt--;
  }
}

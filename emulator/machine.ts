// The machine: CPU + physical memory + MMU + devices, and the run loop (DESIGN.md decisions 3,
// 6, 10). The loop executes decoded ops from a per-physical-page cache; inside one page it
// stays in a tight loop, leaving only on a branch out of the page, an exception, a change of
// translation state or the budget. Guest faults become architectural exceptions; anything else
// thrown from guest execution is a granule bug.

import { PhysMem } from '../mmu/physmem.js';
import { Mmu } from '../mmu/access.js';
import { MemoryFault } from '../mmu/walk.js';
import { Cpu } from './cpu.js';
import { decodeOp, NEXT, Op } from './decoded.js';
import { ArchException, dataAbort, EC, instructionAbort, takeSyncException } from './exceptions.js';
import './exec/index.js';
import type { TimingConfig } from './timing/config.js';
import type { TimingDesc } from './timing/desc.js';
import { TimingModel } from './timing/model.js';
import { TimedMmu } from './timing/timed-mmu.js';

export interface MachineOptions {
  ramBase?: number;
  ramSize?: number;
  /** Architectural TLB capacity (entries). */
  tlbEntries?: number;
}

/**
 * Why run() returned: the instruction budget, the `until` address, the guest halted (semihosting
 * exit, PSCI), stop() was called, WFI with nothing to wake it, or a fault loop (exceptions taken
 * back to back without any instruction completing, e.g. a vector that cannot be fetched).
 */
export type StopReason = 'count' | 'until' | 'halt' | 'stop' | 'wfi' | 'fault-loop';

export interface RunResult {
  reason: StopReason;
  /** Instructions executed by this call. */
  instructions: number;
}

/** A TypeScript handler that owns an exception vector entry (the kernel shim's, for example). */
export type VectorHandler = (m: Machine) => void;

const PAGE_OPS = 1024;
/** Exceptions in a row with no instruction completing before run() gives up (fault loop). */
const FAULT_LOOP_LIMIT = 64;

export class Machine {
  readonly cpu = new Cpu();
  readonly mem: PhysMem;
  readonly mmu: Mmu;
  /**
   * The cycle model (DESIGN.md decision 8), or undefined in functional mode. The kernel shim
   * charges its work through it: `machine.timing?.chargeKernelWork(...)`, `memoryAccess(...)`.
   */
  timing: TimingModel | undefined;
  /** Instructions retired since reset. */
  instructions = 0;
  /** Set by devices (semihosting exit, PSCI) or the API to end run() after this instruction. */
  haltReason: StopReason | undefined;
  exitStatus = 0;
  /**
   * Board hooks for the exception-generating instructions a board may own: semihosting on
   * `HLT #imm` and firmware calls (PSCI) on `HVC/SMC #imm`. They return true when they handled
   * the call (the instruction then completes); otherwise the instruction is UNDEFINED.
   */
  semihosting?: (imm: number) => boolean;
  hypercall?: (imm: number, kind: 'hvc' | 'smc') => boolean;
  /** Counts of synchronous exceptions taken, by EC. */
  readonly exceptionCounts = new Map<number, number>();
  /** Handlers keyed by the vector address (low 32 bits; high half checked on call). */
  private readonly vectorHandlers = new Map<number, { hi: number; fn: VectorHandler }>();
  /** Decoded pages by physical page number. */
  private readonly pages = new Map<number, (Op | undefined)[]>();
  /** The last synchronous exception taken (for reports). */
  lastException: ArchException | undefined;
  private lastExceptionAt = -1;
  private exceptionsWithoutProgress = 0;
  /** Set when cached fetch state (translation, EL, code) may be stale: re-translate the PC. */
  private refetch = true;

  constructor(o: MachineOptions = {}) {
    this.mem = new PhysMem(o.ramBase ?? 0x40000000, o.ramSize ?? 128 * 1024 * 1024);
    this.mmu = new Mmu(this.mem, this.cpu, o.tlbEntries ?? 1024);
    this.cpu.hooks = {
      translationChanged: () => {
        this.mmu.flushHost();
        this.mmu.refresh();
        this.refetch = true;
      },
      memoryStateChanged: () => {
        this.mmu.refresh();
        this.refetch = true;
      },
      counter: () => BigInt(this.instructions),
    };
    this.cpu.machine = this;
    this.cpu.mmu = this.mmu;
    this.mmu.onCodeWrite = (paPage) => {
      this.pages.delete(paPage);
      this.mmu.unmarkCode(paPage);
      this.refetch = true;
    };
  }

  /**
   * Turns the cycle model on with `config` (or off with undefined). A timed machine runs the
   * same semantics through a timed run loop and an Mmu subclass that reports each access; the
   * functional loop and memory path stay as they are. CNTVCT follows the cycle count.
   */
  setTiming(config: TimingConfig | undefined): void {
    if (!config) {
      this.timing = undefined;
      if (this.mmu instanceof TimedMmu) Object.setPrototypeOf(this.mmu, Mmu.prototype);
      this.cpu.hooks.counter = () => BigInt(this.instructions);
      return;
    }
    // The Mmu object becomes a TimedMmu in place: whoever holds a reference to it (the kernel
    // shim's uaccess does) keeps using the one memory path, now reporting.
    if (!(this.mmu instanceof TimedMmu)) Object.setPrototypeOf(this.mmu, TimedMmu.prototype);
    const model = new TimingModel(config, this.cpu, this.mem);
    (this.mmu as TimedMmu).attach(model);
    this.timing = model;
    this.cpu.hooks.counter = () => BigInt(Math.floor(model.cycles()));
  }

  /** Lets a TypeScript handler own the vector entry at `address` (e.g. VBAR_EL1 + 0x400). */
  setVectorHandler(address: bigint, fn: VectorHandler): void {
    this.vectorHandlers.set(Number(address & 0xffffffffn), { hi: Number(address >> 32n), fn });
  }

  /** Drops every decoded page (IC IALLU, or code loaded behind the CPU's back). */
  invalidateCode(): void {
    for (const pa of this.pages.keys()) this.mmu.unmarkCode(pa);
    this.pages.clear();
    this.refetch = true;
  }

  /** Asks the run loop to re-translate the PC (context synchronization: ISB, exception return). */
  contextSync(): void {
    this.refetch = true;
  }

  /**
   * WFI, or WFE with no event pending: the PE would sleep until an interrupt (or event). This
   * machine has no interrupt sources, so none can ever arrive: the run stops with reason 'wfi'.
   * The instruction has completed, so a later run() resumes after it, as a wake-up would.
   */
  waitForInterrupt(): void {
    this.haltReason = 'wfi';
  }

  private decodedPage(pa: number): (Op | undefined)[] {
    const key = pa / 4096;
    let page = this.pages.get(key);
    if (!page) {
      page = new Array<Op | undefined>(PAGE_OPS);
      this.pages.set(key, page);
      this.mmu.markCode(key);
    }
    return page;
  }

  private decodeSlot(page: (Op | undefined)[], paPage: number, idx: number): Op {
    const off = this.mem.ramOffset(paPage + idx * 4, 4);
    // Fetching from something that is not RAM: a synchronous external abort on the fetch.
    if (off < 0) throw instructionAbort(this.cpu, 0x10, this.cpu.pcLo, this.cpu.pcHi);
    const op = decodeOp(this.mem.u32[off >>> 2]);
    page[idx] = op;
    return op;
  }

  /** Turns a fault from the memory path into the Data/Instruction Abort the architecture takes. */
  private abortFor(f: MemoryFault, fetch: boolean): ArchException {
    if (fetch) return instructionAbort(this.cpu, f.fsc, f.vaLo, f.vaHi);
    return dataAbort(this.cpu, f.fsc, f.write, f.vaLo, f.vaHi);
  }

  private take(e: ArchException): void {
    this.exceptionCounts.set(e.ec, (this.exceptionCounts.get(e.ec) ?? 0) + 1);
    this.lastException = e;
    if (this.instructions === this.lastExceptionAt) {
      if (++this.exceptionsWithoutProgress >= FAULT_LOOP_LIMIT) this.haltReason = 'fault-loop';
    } else {
      this.lastExceptionAt = this.instructions;
      this.exceptionsWithoutProgress = 0;
    }
    takeSyncException(this.cpu, e);
    this.refetch = true;
  }

  /** Requests run() to return after the current instruction (API and hooks). */
  stop(): void {
    this.haltReason = 'stop';
  }

  /**
   * Runs until `maxInsns` instructions have retired, the PC reaches `until`, or the guest halts.
   */
  run(maxInsns: number, until?: bigint): RunResult {
    if (this.timing) return this.runTimed(maxInsns, until, this.timing);
    const cpu = this.cpu;
    const start = this.instructions;
    const limit = start + maxInsns;
    const untilLo = until === undefined ? -1 : Number(until & 0xffffffffn);
    const untilHi = until === undefined ? -1 : Number(until >> 32n);
    this.haltReason = undefined;
    let page: (Op | undefined)[] = [];
    let paPage = 0;
    let pageLo = 0;
    let pageHi = 0;
    this.refetch = true;
    while (this.instructions < limit) {
      if (cpu.pcLo === untilLo && cpu.pcHi === untilHi) return { reason: 'until', instructions: this.instructions - start };
      if (this.vectorHandlers.size !== 0) {
        const h = this.vectorHandlers.get(cpu.pcLo);
        if (h && h.hi === cpu.pcHi) {
          h.fn(this);
          this.refetch = true;
          if (this.haltReason) return { reason: this.haltReason, instructions: this.instructions - start };
          continue;
        }
      }
      if (this.refetch || (cpu.pcLo & ~0xfff) >>> 0 !== pageLo || cpu.pcHi !== pageHi) {
        try {
          if ((cpu.pcLo & 3) !== 0) throw new ArchException(EC.PC_ALIGN, 0, cpu.pcLo, cpu.pcHi, true);
          paPage = this.mmu.translateFetch(cpu.pcLo, cpu.pcHi);
          // PSTATE.IL (set by an illegal ERET, or restored from SPSR) makes the next instruction
          // take an Illegal Execution State exception, after PC alignment and Instruction Aborts
          // (as QEMU orders them). IL only becomes 1 through paths that force this refetch.
          if (cpu.il !== 0) throw new ArchException(EC.ILLEGAL_STATE, 0);
        } catch (e) {
          if (e instanceof MemoryFault) this.take(this.abortFor(e, true));
          else if (e instanceof ArchException) this.take(e);
          else throw e;
          continue;
        }
        page = this.decodedPage(paPage);
        pageLo = (cpu.pcLo & ~0xfff) >>> 0;
        pageHi = cpu.pcHi;
        this.refetch = false;
      }
      let idx = (cpu.pcLo & 0xfff) >>> 2;
      try {
        // The hot loop: straight-line code and branches within the page stay here.
        for (;;) {
          const op = page[idx] ?? this.decodeSlot(page, paPage, idx);
          const r = op.exec(cpu, op);
          this.instructions++;
          if (r === NEXT) {
            cpu.pcLo = (cpu.pcLo + 4) >>> 0;
            if (++idx === PAGE_OPS) {
              if (cpu.pcLo === 0) cpu.pcHi = (cpu.pcHi + 1) >>> 0;
              break;
            }
          } else if (this.refetch || (cpu.pcLo & ~0xfff) >>> 0 !== pageLo || cpu.pcHi !== pageHi) break;
          else idx = (cpu.pcLo & 0xfff) >>> 2;
          if (this.instructions >= limit || this.haltReason !== undefined || this.refetch || cpu.pcLo === untilLo) break;
        }
      } catch (e) {
        if (e instanceof ArchException) this.take(e);
        else if (e instanceof MemoryFault) this.take(this.abortFor(e, false));
        else throw e;
      }
      if (this.haltReason !== undefined) return { reason: this.haltReason, instructions: this.instructions - start };
    }
    return { reason: 'count', instructions: this.instructions - start };
  }

  /**
   * The run loop of a timed machine: run() with the cycle model told about every instruction
   * (its fetch line, its descriptor, how it ended) and every exception. Kept apart so that the
   * functional loop above carries none of it.
   */
  private runTimed(maxInsns: number, until: bigint | undefined, model: TimingModel): RunResult {
    const cpu = this.cpu;
    const mmu = this.mmu as TimedMmu;
    const core = model.core;
    const mem = model.mem;
    model.kernelPresent = this.vectorHandlers.size !== 0;
    const start = this.instructions;
    const limit = start + maxInsns;
    const untilLo = until === undefined ? -1 : Number(until & 0xffffffffn);
    const untilHi = until === undefined ? -1 : Number(until >> 32n);
    /** log2 of instructions per L1I line: the fetch model sees each line once per visit. */
    const lineShift = Math.log2(model.config.memory.l1i.line / 4);
    this.haltReason = undefined;
    let page: (Op | undefined)[] = [];
    let descs: TimingDesc[] = [];
    let paPage = 0;
    let pageLo = 0;
    let pageHi = 0;
    let line = -1;
    this.refetch = true;
    while (this.instructions < limit) {
      if (cpu.pcLo === untilLo && cpu.pcHi === untilHi) return { reason: 'until', instructions: this.instructions - start };
      if (this.vectorHandlers.size !== 0) {
        const h = this.vectorHandlers.get(cpu.pcLo);
        if (h && h.hi === cpu.pcHi) {
          const el = cpu.el;
          h.fn(this);
          mem.takeDelays();
          this.refetch = true;
          if (el !== 0 && cpu.el === 0) model.exceptionReturn();
          if (this.haltReason) return { reason: this.haltReason, instructions: this.instructions - start };
          continue;
        }
      }
      if (this.refetch || (cpu.pcLo & ~0xfff) >>> 0 !== pageLo || cpu.pcHi !== pageHi) {
        try {
          if ((cpu.pcLo & 3) !== 0) throw new ArchException(EC.PC_ALIGN, 0, cpu.pcLo, cpu.pcHi, true);
          paPage = this.mmu.translateFetch(cpu.pcLo, cpu.pcHi);
          if (cpu.il !== 0) throw new ArchException(EC.ILLEGAL_STATE, 0);
        } catch (e) {
          if (e instanceof MemoryFault) this.takeTimed(this.abortFor(e, true), model);
          else if (e instanceof ArchException) this.takeTimed(e, model);
          else throw e;
          continue;
        }
        page = this.decodedPage(paPage);
        descs = model.descriptorsFor(page);
        pageLo = (cpu.pcLo & ~0xfff) >>> 0;
        pageHi = cpu.pcHi;
        line = -1;
        this.refetch = false;
      }
      let idx = (cpu.pcLo & 0xfff) >>> 2;
      try {
        for (;;) {
          const op = page[idx] ?? this.decodeSlot(page, paPage, idx);
          const d = descs[idx] ?? (descs[idx] = model.describe(op.word, op.row));
          if (idx >>> lineShift !== line) {
            line = idx >>> lineShift;
            model.fetch(cpu.pcLo, cpu.pcHi, paPage + idx * 4, mmu.translating, mmu.currentAsid);
          }
          const pcLo = cpu.pcLo;
          const pcHi = cpu.pcHi;
          const r = op.exec(cpu, op);
          this.instructions++;
          const t = core.issue(d, mem.extra, mem.pre);
          if (d.special !== 0) model.after(d, t, r, pcLo, pcHi);
          if (r === NEXT) {
            cpu.pcLo = (cpu.pcLo + 4) >>> 0;
            if (++idx === PAGE_OPS) {
              if (cpu.pcLo === 0) cpu.pcHi = (cpu.pcHi + 1) >>> 0;
              break;
            }
          } else if (this.refetch || (cpu.pcLo & ~0xfff) >>> 0 !== pageLo || cpu.pcHi !== pageHi) break;
          else idx = (cpu.pcLo & 0xfff) >>> 2;
          if (this.instructions >= limit || this.haltReason !== undefined || this.refetch || cpu.pcLo === untilLo) break;
        }
      } catch (e) {
        mmu.resetDepth();
        model.mem.takeDelays();
        if (e instanceof ArchException) this.takeTimed(e, model);
        else if (e instanceof MemoryFault) this.takeTimed(this.abortFor(e, false), model);
        else throw e;
      }
      if (this.haltReason !== undefined) return { reason: this.haltReason, instructions: this.instructions - start };
    }
    return { reason: 'count', instructions: this.instructions - start };
  }

  private takeTimed(e: ArchException, model: TimingModel): void {
    this.take(e);
    model.exceptionEntry(e.ec);
  }

  /** Executes exactly one instruction (for tracing and single-stepping). */
  step(): RunResult {
    return this.run(1);
  }
}

// The public embedding API: what `import { Machine } from 'granule'` gives a research script.
// Unicorn's verbs in camelCase (regRead/regWrite, memRead/memWrite, run with a count or an
// address to stop at) plus MTE tags. 64-bit values are bigints here, at the edge only.

import { Machine as Core, type StopReason } from './machine.js';
import { createVirtMachine, VIRT_DEFAULT_RAM, VIRT_RAM_BASE } from './devices/virt.js';
import { BufferSink, type OutputSink } from './devices/output.js';
import { loadElfPhysical } from './loader/load.js';
import { collectStats, type RunStats } from './stats.js';
import { SYSREGS } from './sysregs.js';
import { resolveTimingConfig, type CpuName, type TimingConfig } from './timing/config.js';
import { parseSysreg } from '../isa/operands.js';

export type { RunStats, StopReason, CpuName, TimingConfig };
export type { TimingStats } from './stats.js';

export interface MachineOptions {
  /** Board: 'virt' (QEMU-virt-compatible bare metal, RAM at 0x40000000). */
  board?: 'virt';
  /** RAM size in bytes (default 128 MiB). */
  memory?: number;
  /** Where UART output goes; by default it is collected and readable as `uartText()`. */
  uart?: OutputSink;
  /**
   * Cycle model: 'cortex-a510' (in-order), 'neoverse-n2' (out-of-order), or 'none' (the
   * default: functional, fastest). With a model, stats() reports cycles and the model's figures.
   */
  cpu?: CpuName | 'none';
  /** Overrides of the profile's parameters, as in `granule run --timing-config FILE.json`. */
  timingConfig?: unknown;
}

export interface RunOptions {
  /** Stop after this many instructions (default: 100 million). */
  count?: number;
  /** Stop when the PC reaches this address (before executing it). */
  until?: bigint;
}

export interface StopInfo {
  reason: StopReason;
  instructions: number;
  pc: bigint;
  /** Exit status, when the guest halted through semihosting or PSCI. */
  exitStatus?: number;
}

/** Thrown for bad API use (unmapped addresses, unknown registers); guest faults never throw. */
export class GranuleError extends Error {}

export class Machine {
  /** The emulator core, for experts; its shape may change between versions. */
  readonly core: Core;
  private readonly uartSink: BufferSink | undefined;
  private readonly stderrSink = new BufferSink();

  constructor(o: MachineOptions = {}) {
    this.uartSink = o.uart ? undefined : new BufferSink();
    const uart = o.uart ?? this.uartSink!;
    this.core = createVirtMachine({ ramSize: o.memory ?? VIRT_DEFAULT_RAM, uart, stdout: uart, stderr: this.stderrSink });
    const cpu = o.cpu ?? 'none';
    if (cpu !== 'none') this.core.setTiming(resolveTimingConfig(cpu, o.timingConfig));
    else if (o.timingConfig !== undefined) throw new GranuleError('timingConfig needs a cpu model (cortex-a510 or neoverse-n2)');
  }

  /** Cycles so far, or null in functional mode. */
  cycles(): number | null {
    return this.core.timing ? this.core.timing.cycles() : null;
  }

  /** Loads an ELF64 AArch64 executable at its physical addresses and sets the PC to its entry. */
  loadElf(bytes: Uint8Array): bigint {
    const { entry } = loadElfPhysical(this.core, bytes);
    this.core.cpu.pc = entry;
    return entry;
  }

  /** Copies raw bytes into physical memory (RAM starts at 0x40000000 on virt). */
  loadBytes(address: bigint, bytes: Uint8Array): void {
    const off = this.core.mem.ramOffset(Number(address), bytes.length);
    if (off < 0) throw new GranuleError(`0x${address.toString(16)}+${bytes.length} is not in RAM`);
    this.core.mem.bytes.set(bytes, off);
    this.core.invalidateCode();
  }

  /** x0..x30, sp, pc, nzcv (as bits 31:28), or any system register name MRS accepts. */
  regRead(name: string): bigint {
    const cpu = this.core.cpu;
    const n = name.toLowerCase();
    const x = /^x(\d+)$/.exec(n);
    if (x && Number(x[1]) <= 30) return cpu.readX(Number(x[1]));
    if (n === 'sp') return cpu.readSp();
    if (n === 'pc') return cpu.pc;
    if (n === 'nzcv') return BigInt(cpu.nzcv) << 28n;
    const def = this.sysreg(name);
    if (!def.read) throw new GranuleError(`system register ${name} cannot be read`);
    return def.read(cpu);
  }

  regWrite(name: string, value: bigint): void {
    const cpu = this.core.cpu;
    const n = name.toLowerCase();
    const v = BigInt.asUintN(64, value);
    const x = /^x(\d+)$/.exec(n);
    if (x && Number(x[1]) <= 30) return cpu.writeX(Number(x[1]), v);
    if (n === 'sp') return cpu.writeSp(v);
    if (n === 'pc') {
      cpu.pc = v;
      return;
    }
    if (n === 'nzcv') {
      cpu.nzcv = Number((v >> 28n) & 0xfn);
      return;
    }
    const def = this.sysreg(name);
    if (!def.write) throw new GranuleError(`system register ${name} cannot be written`);
    def.write(cpu, v);
  }

  private sysreg(name: string): NonNullable<ReturnType<typeof SYSREGS.get>> {
    const key = parseSysreg(name, true) ?? parseSysreg(name, false);
    const def = key === undefined ? undefined : SYSREGS.get(key);
    if (!def) throw new GranuleError(`unknown register '${name}'`);
    return def;
  }

  /** Physical address of `address` through the current translation (EL and regime of the CPU). */
  private physical(address: bigint): number {
    const pa = this.core.mmu.translateForDebug(Number(address & 0xffffffffn), Number((address >> 32n) & 0xffffffffn));
    if (pa === undefined) throw new GranuleError(`0x${address.toString(16)} is not mapped`);
    return pa;
  }

  private ramOffset(address: bigint, length: number): number[] {
    const offs: number[] = [];
    for (let i = 0; i < length; i++) {
      const off = this.core.mem.ramOffset(this.physical(address + BigInt(i)), 1);
      if (off < 0) throw new GranuleError(`0x${(address + BigInt(i)).toString(16)} is not RAM`);
      offs.push(off);
    }
    return offs;
  }

  /** Reads guest memory at a virtual address, as the CPU would see it now (no tag checks). */
  memRead(address: bigint, length: number): Uint8Array {
    return Uint8Array.from(this.ramOffset(address, length), (off) => this.core.mem.bytes[off]);
  }

  memWrite(address: bigint, bytes: Uint8Array): void {
    this.ramOffset(address, bytes.length).forEach((off, i) => {
      this.core.mem.bytes[off] = bytes[i];
    });
    this.core.invalidateCode();
  }

  /** Allocation tags of `count` granules from the granule holding `address`. */
  tagRead(address: bigint, count: number): number[] {
    const base = address & ~15n;
    return Array.from({ length: count }, (_, i) => this.core.mem.tags[this.ramOffset(base + BigInt(16 * i), 1)[0] >>> 4]);
  }

  tagWrite(address: bigint, tags: number[]): void {
    const base = address & ~15n;
    tags.forEach((t, i) => {
      this.core.mem.setTag(this.ramOffset(base + BigInt(16 * i), 1)[0] >>> 4, t & 0xf);
    });
  }

  /** Runs the guest; returns why it stopped. Guest faults are taken as exceptions, never thrown. */
  run(o: RunOptions = {}): StopInfo {
    const r = this.core.run(o.count ?? 100_000_000, o.until);
    return {
      reason: r.reason,
      instructions: r.instructions,
      pc: this.core.cpu.pc,
      exitStatus: r.reason === 'halt' ? this.core.exitStatus : undefined,
    };
  }

  /** Requests a running guest to stop after the current instruction (from a device or hook). */
  stop(): void {
    this.core.stop();
  }

  /** UART output so far (when no `uart` sink was given). */
  uartText(): string {
    return this.uartSink?.text() ?? '';
  }

  /** Semihosting console output so far (QEMU prints it on stderr). */
  semihostingText(): string {
    return this.stderrSink.text();
  }

  /** Instruction, exception, TLB and tag-check counts; with a cycle model, cycles, IPC and its figures. */
  stats(): RunStats {
    return collectStats(this.core);
  }
}

export const RAM_BASE = BigInt(VIRT_RAM_BASE);
export { disassemble } from '../isa/disasm.js';
export { assemble, toFlatBinary } from '../isa/asm/assembler.js';
export { writeElfExecutable } from '../isa/asm/elf-writer.js';
export { PROFILES as TIMING_PROFILES } from './timing/config.js';
/** Linux user mode: a static executable as a process on the kernel shim ({ machine, kernel }). */
export { createUserProcess, type UserProcessOptions } from '../kernel-shim/process.js';
export { BufferSink } from './devices/output.js';

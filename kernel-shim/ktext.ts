// Kernel text for the shim: the AArch64 uaccess routines of copy-routine.ts, assembled by
// granule's assembler and mapped into the kernel half (TTBR1) as kernel text, with their
// exception table. The shim calls them at EL1 through a nested run of the machine (as the
// kernel's C code would call them), and the EL1 synchronous vector resolves their faults the
// way arm64's do_mem_abort → do_page_fault / __do_kernel_fault → fixup_exception does.

import { assemble } from '../isa/asm/assembler.js';
import type { ElfSegment } from '../isa/asm/elf-writer.js';
import { EC, exceptionReturn } from '../emulator/exceptions.js';
import { SLOTS } from '../emulator/cpu.js';
import type { Kernel } from './kernel.js';
import { PAGE_SIZE } from './pgtable.js';
import { COPY_ROUTINE_SOURCE } from './copy-routine.js';
import { ExceptionTable, fixupException } from './extable.js';

/** Where the routines live: kernel half, above the vector page and the kernel stack. */
export const KTEXT_BASE = 0xffff_0000_0020_0000n;
/**
 * The kernel buffers the shim copies through when it calls the routines (grown on demand). Its
 * page number is 128 modulo 256 so that, in the MMU's direct-mapped host TLB (256 entries by
 * VA[19:12]), it does not evict a 2 MiB-aligned user buffer's page while both are being copied.
 */
export const KDATA_BASE = 0xffff_0000_0108_0000n;
const KDATA_MAX_PAGES = 4096;

interface Assembled {
  segments: ElfSegment[];
  symbols: Map<string, bigint>;
  extable: { vaddr: bigint; bytes: Uint8Array };
}

let assembled: Assembled | undefined;

/** Assembles the routines once per process (the address is fixed, so the image is too). */
function assembleRoutines(): Assembled {
  if (assembled) return assembled;
  const { errors, image } = assemble(COPY_ROUTINE_SOURCE, { file: 'copy-routine.s', base: KTEXT_BASE });
  if (!image) throw new Error(`internal: kernel uaccess routines do not assemble:\n${errors.map((e) => e.format()).join('\n')}`);
  const symbols = new Map<string, bigint>();
  for (const s of image.symbols) if (s.binding === 'global') symbols.set(s.name, s.value);
  const table = image.segments.find((s) => s.name === '__ex_table');
  if (!table) throw new Error('internal: kernel uaccess routines have no exception table');
  assembled = { segments: image.segments, symbols, extable: { vaddr: table.vaddr, bytes: table.data } };
  return assembled;
}

const TRANSLATION = 0x04;
const ACCESS_FLAG = 0x08;
const PERMISSION = 0x0c;
const TAG_CHECK = 0x11;

export class KernelText {
  readonly table: ExceptionTable;
  private readonly symbols: Map<string, bigint>;
  private readonly returnAddress: bigint;
  /** Physical frames of the kernel buffer at KDATA_BASE, one per page. */
  private readonly dataFrames: number[] = [];
  private readonly savedX = new Uint32Array(SLOTS * 2);
  /** x1 after the last call (get_user's value). */
  x1 = 0n;
  /** Instructions the last call retired (including the fixups and retried faults). */
  lastInstructions = 0;
  /** Instructions all calls retired at EL1 (the machine counts them with the guest's). */
  totalInstructions = 0;

  constructor(private readonly k: Kernel) {
    const a = assembleRoutines();
    const { m, frames, kernelTables } = k;
    for (const seg of a.segments) {
      const exec = seg.flags.includes('x');
      for (let off = 0; off < seg.memSize; off += PAGE_SIZE) {
        const pa = frames.alloc();
        if (pa === undefined) throw new Error('out of guest memory for kernel text');
        const chunk = seg.data.subarray(off, Math.min(off + PAGE_SIZE, seg.data.length));
        m.mem.bytes.set(chunk, pa - m.mem.ramBase);
        kernelTables.map(seg.vaddr + BigInt(off), pa, { read: true, write: false, exec, mte: false, user: false });
      }
    }
    this.symbols = a.symbols;
    this.table = new ExceptionTable(a.extable.vaddr, a.extable.bytes);
    this.returnAddress = this.symbol('kcall_return');
  }

  symbol(name: string): bigint {
    const v = this.symbols.get(name);
    if (v === undefined) throw new Error(`internal: no kernel routine ${name}`);
    return v;
  }

  // ---- the kernel buffer

  /** Maps the kernel buffer so that [KDATA_BASE, KDATA_BASE + size) exists. */
  ensureBuffer(size: number): void {
    const pages = Math.ceil(size / PAGE_SIZE);
    if (pages > KDATA_MAX_PAGES) throw new Error(`internal: kernel buffer of ${size} bytes`);
    while (this.dataFrames.length < pages) {
      const pa = this.k.frames.alloc();
      if (pa === undefined) throw new Error('out of guest memory for the kernel buffer');
      this.k.kernelTables.map(KDATA_BASE + BigInt(this.dataFrames.length * PAGE_SIZE), pa, { read: true, write: true, exec: false, mte: false, user: false });
      this.dataFrames.push(pa);
    }
  }

  /**
   * The physical runs of the kernel buffer's first `size` bytes (wrapping past its largest size):
   * what a typed-array copy of that size stands for on a timed machine.
   */
  bufferRanges(size: number): { pa: number; size: number }[] {
    const max = KDATA_MAX_PAGES * PAGE_SIZE;
    this.ensureBuffer(Math.min(size, max));
    const out: { pa: number; size: number }[] = [];
    for (let at = 0; at < size; at += PAGE_SIZE) {
      out.push({ pa: this.dataFrames[Math.floor((at % max) / PAGE_SIZE)], size: Math.min(PAGE_SIZE, size - at) });
    }
    return out;
  }

  /** Copies bytes into the kernel buffer at `offset`. */
  writeBuffer(offset: number, bytes: Uint8Array): void {
    this.ensureBuffer(offset + bytes.length);
    const mem = this.k.m.mem;
    for (let done = 0; done < bytes.length; ) {
      const at = offset + done;
      const n = Math.min(bytes.length - done, PAGE_SIZE - (at % PAGE_SIZE));
      mem.bytes.set(bytes.subarray(done, done + n), this.dataFrames[Math.floor(at / PAGE_SIZE)] - mem.ramBase + (at % PAGE_SIZE));
      done += n;
    }
  }

  /** Copies `into.length` bytes out of the kernel buffer at `offset`. */
  readBuffer(offset: number, into: Uint8Array): void {
    this.ensureBuffer(offset + into.length);
    const mem = this.k.m.mem;
    for (let done = 0; done < into.length; ) {
      const at = offset + done;
      const n = Math.min(into.length - done, PAGE_SIZE - (at % PAGE_SIZE));
      const from = this.dataFrames[Math.floor(at / PAGE_SIZE)] - mem.ramBase + (at % PAGE_SIZE);
      into.set(mem.bytes.subarray(from, from + n), done);
      done += n;
    }
  }

  // ---- calling a routine

  /**
   * Calls the routine `name` at EL1 with x0..x2 = args and returns x0 (x1 in `this.x1`): the
   * interrupted context (registers, PC, PSTATE, ELR/SPSR/ESR/FAR_EL1) is saved and restored
   * around a nested run that stops when the routine returns to `kcall_return`. PSTATE.TCO and
   * PAN are kept, so the routine's LDTR/STTR see the tag-check state the shim runs with.
   * Returns undefined when the run ended otherwise (the process was killed by an oops).
   */
  call(name: string, args: readonly bigint[], budget: number): bigint | undefined {
    const entry = this.symbol(name);
    const { m } = this.k;
    const cpu = m.cpu;
    const s = cpu.sys;
    this.savedX.set(cpu.x);
    const pcLo = cpu.pcLo;
    const pcHi = cpu.pcHi;
    const pstate = cpu.packPstate();
    const { elr, spsr, esr, far } = s;
    cpu.selectStack(1, 1);
    cpu.daif = 0xf;
    cpu.uao = 0;
    cpu.hooks.memoryStateChanged();
    for (let i = 0; i < args.length; i++) cpu.writeX(i, args[i]);
    cpu.writeX(30, this.returnAddress);
    cpu.pc = entry;
    const before = m.instructions;
    const r = m.run(budget, this.returnAddress);
    this.lastInstructions = m.instructions - before;
    this.totalInstructions += this.lastInstructions;
    const result = r.reason === 'until' ? cpu.readX(0) : undefined;
    this.x1 = cpu.readX(1);
    if (r.reason === 'count') throw new Error(`internal: kernel routine ${name} did not return within ${budget} instructions`);
    cpu.unpackPstate(pstate);
    cpu.x.set(this.savedX);
    cpu.pcLo = pcLo;
    cpu.pcHi = pcHi;
    s.elr = elr;
    s.spsr = spsr;
    s.esr = esr;
    s.far = far;
    m.contextSync();
    return result;
  }

  // ---- the EL1 synchronous vector (VBAR_EL1 + 0x200)

  /**
   * A synchronous exception taken from EL1 (el1_sync → do_mem_abort). A translation or access
   * flag fault on a user address is a page fault: with page faults enabled the page is faulted
   * in (handle_mm_fault) and the access re-executed. Anything else, or a page fault that cannot
   * be resolved, goes to the exception table (__do_kernel_fault → fixup_exception) and resumes
   * at the fixup. Returns false when no entry covers the PC: a kernel oops.
   */
  onSyncFromEl1(): boolean {
    const { m } = this.k;
    const cpu = m.cpu;
    const s = cpu.sys;
    const esr = Number(s.esr);
    if (esr >>> 26 !== EC.DATA_ABORT_SAME) return false;
    const fsc = esr & 0x3c;
    const far = s.far;
    const userAddress = (far & (1n << 55n)) === 0n;
    if (userAddress && (fsc === TRANSLATION || fsc === ACCESS_FLAG) && this.k.uaccess.pagefaultDisabled === 0) {
      const untagged = BigInt.asUintN(64, BigInt.asIntN(56, far));
      if (this.k.as.handleFault(untagged, (esr & (1 << 6)) !== 0 ? 'write' : 'read') === 'mapped') {
        this.k.uaccess.noteFault('pageFault');
        exceptionReturn(cpu);
        return true;
      }
    }
    this.k.uaccess.noteFault((esr & 0x3f) === TAG_CHECK ? 'tagCheck' : fsc === PERMISSION ? 'permission' : 'translation');
    const entry = this.table.lookup(s.elr);
    if (!entry || !fixupException(cpu, entry)) return false;
    exceptionReturn(cpu);
    return true;
  }
}

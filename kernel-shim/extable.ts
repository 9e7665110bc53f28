// The kernel shim's exception table (arch/arm64/include/asm/asm-extable.h, arch/arm64/mm/
// extable.c): entries built by the assembler in arm64's layout (insn and fixup as 32-bit
// offsets from the entry's fields, then a 16-bit type and 16-bit data), looked up by the
// faulting PC, and the per-type handlers fixup_exception() dispatches to.

import type { Cpu } from '../emulator/cpu.js';
import { MemoryFault } from '../mmu/walk.js';
import { EX_TYPE_KACCESS_ERR_ZERO, EX_TYPE_LOAD_UNALIGNED_ZEROPAD, EX_TYPE_UACCESS_ERR_ZERO } from './copy-routine.js';

export const EFAULT_ERR = -14;

export interface ExtableEntry {
  /** Address of the instruction that may fault. */
  insn: bigint;
  /** Where execution resumes. */
  fixup: bigint;
  type: number;
  data: number;
}

export class ExceptionTable {
  /** Entries by the low 32 bits of the instruction address (the kernel text is far below 4 GiB). */
  private readonly byInsn = new Map<number, ExtableEntry>();
  readonly entries: readonly ExtableEntry[];

  /** Parses a `__ex_table` section placed at `vaddr`: 12-byte entries. */
  constructor(vaddr: bigint, bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const entries: ExtableEntry[] = [];
    for (let at = 0; at + 12 <= bytes.length; at += 12) {
      const base = vaddr + BigInt(at);
      entries.push({
        insn: base + BigInt(view.getInt32(at, true)),
        fixup: base + 4n + BigInt(view.getInt32(at + 4, true)),
        type: view.getInt16(at + 8, true),
        data: view.getInt16(at + 10, true),
      });
    }
    // sort_extable(): by instruction address.
    entries.sort((a, b) => (a.insn < b.insn ? -1 : a.insn > b.insn ? 1 : 0));
    this.entries = entries;
    for (const e of entries) this.byInsn.set(Number(e.insn & 0xffffffffn), e);
  }

  /** search_exception_tables(pc). */
  lookup(pc: bigint): ExtableEntry | undefined {
    const e = this.byInsn.get(Number(pc & 0xffffffffn));
    return e !== undefined && e.insn === pc ? e : undefined;
  }
}

/** Reads an 8-byte kernel word for the LOAD_UNALIGNED_ZEROPAD handler (undefined if it faults). */
function kernelRead64(cpu: Cpu, addr: bigint): bigint | undefined {
  try {
    const lo = cpu.mmu.read64(Number(addr & 0xffffffffn), Number(addr >> 32n), 0);
    return (BigInt(cpu.mmu.hi >>> 0) << 32n) | BigInt(lo >>> 0);
  } catch (e) {
    if (e instanceof MemoryFault) return undefined;
    throw e;
  }
}

/**
 * fixup_exception(regs): applies the entry's handler to the interrupted context (the CPU's
 * registers, with ELR_EL1 as regs->pc) and returns true, or false for a type it cannot handle.
 * The caller then returns from the exception (ERET) to ELR_EL1.
 */
export function fixupException(cpu: Cpu, e: ExtableEntry): boolean {
  switch (e.type) {
    case EX_TYPE_UACCESS_ERR_ZERO:
    case EX_TYPE_KACCESS_ERR_ZERO: {
      // ex_handler_uaccess_err_zero: err register = -EFAULT, zero register = 0 (31: none).
      const err = e.data & 0x1f;
      const zero = (e.data >>> 5) & 0x1f;
      if (err !== 31) cpu.writeX(err, BigInt.asUintN(64, BigInt(EFAULT_ERR)));
      if (zero !== 31) cpu.writeX(zero, 0n);
      break;
    }
    case EX_TYPE_LOAD_UNALIGNED_ZEROPAD: {
      // ex_handler_load_unaligned_zeropad: reread the aligned word, shift the bytes past the
      // faulting one out (little-endian), so they read as zero.
      const data = e.data & 0x1f;
      const addr = cpu.readX((e.data >>> 5) & 0x1f);
      const word = kernelRead64(cpu, addr & ~7n);
      if (word === undefined) return false;
      cpu.writeX(data, word >> (8n * (addr & 7n)));
      break;
    }
    default:
      return false;
  }
  cpu.sys.elr = e.fixup;
  return true;
}

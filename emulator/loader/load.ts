// Loads an ELF64 AArch64 executable into physical memory for a bare-metal board: every PT_LOAD
// segment at its physical address (p_paddr, as QEMU's -kernel loader does), file bytes then
// zeros up to p_memsz. Like QEMU, bytes that fall outside RAM (GNU ld often starts the first
// segment a page below .text, to map the ELF headers) are dropped; a segment with no byte in
// RAM is an error. Errors are one-line ElfErrors.

import { ElfError, parseElf, requireAArch64, PT_LOAD, type ElfFile } from './elf.js';
import type { Machine } from '../machine.js';

export interface LoadedImage {
  entry: bigint;
  elf: ElfFile;
}

const hex = (v: bigint | number): string => '0x' + BigInt(v).toString(16);

export function loadElfPhysical(m: Machine, bytes: Uint8Array): LoadedImage {
  const elf = parseElf(bytes);
  requireAArch64(elf);
  if (elf.type !== 2) throw new ElfError(`ELF type ${elf.type} is not an executable (ET_EXEC) for a bare-metal machine`);
  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  if (loads.length === 0) throw new ElfError('ELF has no loadable segments');
  const ramStart = BigInt(m.mem.ramBase);
  const ramEnd = ramStart + BigInt(m.mem.ramSize);
  for (const p of loads) {
    const start = p.paddr > ramStart ? p.paddr : ramStart;
    const end = p.paddr + BigInt(p.memsz) < ramEnd ? p.paddr + BigInt(p.memsz) : ramEnd;
    if (start >= end) throw new ElfError(`segment at ${hex(p.paddr)} (${p.memsz} bytes) is outside RAM ${hex(ramStart)}-${hex(ramEnd)}`);
    // Copy [start, end): the file-backed part first, then zeros up to p_memsz.
    for (let pa = start; pa < end; ) {
      const rel = Number(pa - p.paddr);
      const off = Number(pa - ramStart);
      if (rel < p.filesz) {
        const n = Math.min(p.filesz - rel, Number(end - pa));
        m.mem.bytes.set(bytes.subarray(p.offset + rel, p.offset + rel + n), off);
        pa += BigInt(n);
      } else {
        m.mem.bytes.fill(0, off, off + Number(end - pa));
        pa = end;
      }
    }
  }
  m.invalidateCode();
  return { entry: elf.entry, elf };
}

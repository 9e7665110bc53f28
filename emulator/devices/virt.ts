// The subset of QEMU's `virt` board granule models, so one bare-metal ELF runs on both: RAM at
// 0x40000000, the PL011 UART at 0x09000000, semihosting on HLT #0xF000 and PSCI on HVC/SMC #0.
// The CPU starts at EL1 with the MMU off, all registers zero and DAIF masked, at the entry.

import { Machine } from '../machine.js';
import { attachPsci } from './psci.js';
import { Pl011, PL011_BASE, PL011_SIZE } from './pl011.js';
import { attachSemihosting } from './semihosting.js';
import type { OutputSink } from './output.js';

export const VIRT_RAM_BASE = 0x40000000;
export const VIRT_DEFAULT_RAM = 128 * 1024 * 1024;

export interface VirtOptions {
  ramSize?: number;
  /** The UART's output (stdout for the CLI). */
  uart: OutputSink;
  /** Semihosting handles 1 and 2, and its console (stderr, as QEMU prints it). */
  stdout: OutputSink;
  stderr: OutputSink;
  tlbEntries?: number;
}

export function createVirtMachine(o: VirtOptions): Machine {
  const m = new Machine({ ramBase: VIRT_RAM_BASE, ramSize: o.ramSize ?? VIRT_DEFAULT_RAM, tlbEntries: o.tlbEntries });
  m.mem.addMmio(PL011_BASE, PL011_SIZE, new Pl011(o.uart));
  attachSemihosting(m, { stdout: o.stdout, stderr: o.stderr });
  attachPsci(m);
  return m;
}

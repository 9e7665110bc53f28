// The PL011 UART of QEMU's virt board, as much as bare-metal programs use: the data register
// (UARTDR, offset 0x000) sends a byte, the flag register (UARTFR, 0x018) always reads 0x90
// (TX FIFO empty, RX FIFO empty: QEMU's value), the PrimeCell ID registers read like QEMU's;
// everything else reads 0 and ignores writes.

import type { MmioDevice } from '../../mmu/physmem.js';
import type { OutputSink } from './output.js';

export const PL011_BASE = 0x09000000;
export const PL011_SIZE = 0x1000;

const UARTDR = 0x000;
const UARTFR = 0x018;
/** UARTPeriphID0..3, UARTPCellID0..3 (PL011 r1p5, as QEMU models it). */
const ID_REGS = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export class Pl011 implements MmioDevice {
  constructor(private readonly out: OutputSink) {}

  read(offset: number): number {
    if (offset === UARTFR) return 0x90;
    if (offset >= 0xfe0 && offset < 0x1000) return ID_REGS[(offset - 0xfe0) >> 2];
    return 0;
  }

  write(offset: number, _size: number, value: number): void {
    if (offset === UARTDR) this.out.write(Uint8Array.of(value & 0xff));
  }
}

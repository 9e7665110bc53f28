// --trace: each executed instruction with its address, word, disassembly and the registers it
// changed, and each exception taken. It single-steps the machine, so it is slow by design.

import { disassemble } from '../isa/disasm.js';
import { SLOT_SP } from './cpu.js';
import type { Machine, RunResult } from './machine.js';

const hex64 = (lo: number, hi: number): string => '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
const REG_NAMES = Array.from({ length: 32 }, (_, i) => (i === SLOT_SP ? 'sp' : `x${i}`));

export class Tracer {
  private readonly before = new Uint32Array(64);

  constructor(
    private readonly m: Machine,
    private readonly emit: (line: string) => void,
  ) {}

  /** The word at the PC, read through the current translation (undefined if unmapped). */
  private wordAtPc(): number | undefined {
    const { cpu, mmu, mem } = this.m;
    const pa = mmu.translateForDebug(cpu.pcLo, cpu.pcHi);
    const off = pa === undefined ? -1 : mem.ramOffset(pa, 4);
    return off < 0 ? undefined : mem.view.getUint32(off, true);
  }

  run(maxInsns: number): RunResult {
    const { m } = this;
    const { cpu } = m;
    const start = m.instructions;
    while (m.instructions - start < maxInsns) {
      const pcLo = cpu.pcLo;
      const pcHi = cpu.pcHi;
      const word = this.wordAtPc();
      this.before.set(cpu.x.subarray(0, 64));
      const nzcv = cpu.nzcv;
      const el = cpu.el;
      const exceptionBefore = m.lastException;
      const r = m.run(1);
      const retired = r.instructions > 0;
      const text = word === undefined ? '(unmapped)' : disassemble(word, (BigInt(pcHi) << 32n) | BigInt(pcLo));
      const changes: string[] = [];
      for (let n = 0; n < 32; n++) {
        if (cpu.x[2 * n] !== this.before[2 * n] || cpu.x[2 * n + 1] !== this.before[2 * n + 1]) changes.push(`${REG_NAMES[n]}=${hex64(cpu.x[2 * n], cpu.x[2 * n + 1])}`);
      }
      if (cpu.nzcv !== nzcv) changes.push(`nzcv=${cpu.nzcv.toString(2).padStart(4, '0')}`);
      if (cpu.el !== el) changes.push(`el=${cpu.el}`);
      const wordText = word === undefined ? '--------' : word.toString(16).padStart(8, '0');
      if (retired) this.emit(`${hex64(pcLo, pcHi)}  ${wordText}  ${text.padEnd(32)} ${changes.join(' ')}`.trimEnd());
      if (m.lastException !== exceptionBefore && m.lastException) {
        const e = m.lastException;
        this.emit(`${hex64(pcLo, pcHi)}  exception: ESR ${hex64(e.esr, 0)}${e.hasFar ? ` FAR ${hex64(e.farLo, e.farHi)}` : ''} -> ${hex64(cpu.pcLo, cpu.pcHi)} (EL${cpu.el})`);
      }
      if (r.reason !== 'count') return { reason: r.reason, instructions: m.instructions - start };
    }
    return { reason: 'count', instructions: m.instructions - start };
  }
}

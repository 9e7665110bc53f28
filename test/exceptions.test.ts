// The exception model (emulator/exceptions.ts and the exception-generating instructions):
// vector offsets, ELR/SPSR/ESR/FAR, PSTATE on entry, SP banking, ERET (legal and illegal) and
// the Illegal Execution State exception. Values marked "QEMU" were observed with
// qemu-system-aarch64 10.0.2 (`-M virt,mte=on -cpu max`) in the same situation.

import { describe, expect, it } from 'vitest';
import type { Machine } from '../emulator/machine.js';
import { enterException, VECTOR } from '../emulator/exceptions.js';
import { a64, CODE_BASE, putWords, runToVector, VBAR, vectoredMachine, type Outcome } from './helpers/machine.js';

const UNDEF = 0x02000000;
const ILLEGAL_STATE = 0x3a000000;
const PSR = { N: 1 << 31, Z: 1 << 30, C: 1 << 29, V: 1 << 28, TCO: 1 << 25, DIT: 1 << 24, UAO: 1 << 23, PAN: 1 << 22, IL: 1 << 20, SSBS: 1 << 12, D: 1 << 9, A: 1 << 8, I: 1 << 7, F: 1 << 6 };
const DAIF = PSR.D | PSR.A | PSR.I | PSR.F;
const EL0t = 0b0000;
const EL1t = 0b0100;
const EL1h = 0b0101;
/** ADD X0, X1, #1: a marker instruction that must not run after a fault. */
const MARK = a64.addImm(0, 1, 1);

function put(m: Machine, pa: bigint, words: number[]): void {
  putWords(m, pa, words);
  m.invalidateCode();
}

const AT = CODE_BASE + 0x100n;

/** Places `words` at AT and runs them at `el` with SPSel `spsel`. */
function exec(m: Machine, words: number[], el: 0 | 1, spsel: 0 | 1 = el): Outcome {
  put(m, AT, words);
  m.cpu.selectStack(el, spsel);
  return runToVector(m, AT, AT + BigInt(words.length * 4));
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

describe('exception entry: vectors, ELR, SPSR, ESR', () => {
  it('from EL1 with SP_EL1: +0x200, SPSR.M = EL1h (QEMU SPSR 0x3c5 with DAIF masked)', () => {
    const m = vectoredMachine();
    m.cpu.daif = 0xf;
    const o = exec(m, [a64.brk(1)], 1);
    expect(o.vector).toBe(0x200);
    expect(hex(o.esr)).toBe('0xf2000001');
    expect(o.elr).toBe(AT);
    expect(hex(o.spsr)).toBe('0x3c5');
  });

  it('from EL1 with SP_EL0: +0x000, SPSR.M = EL1t (QEMU 0x3c4)', () => {
    const m = vectoredMachine();
    m.cpu.daif = 0xf;
    const o = exec(m, [a64.brk(1)], 1, 0);
    expect(o.vector).toBe(0x000);
    expect(hex(o.spsr)).toBe('0x3c4');
  });

  it('from EL0: +0x400, SPSR.M = EL0t; BRK #1000 is ESR 0xF20003E8 and ELR the BRK (QEMU)', () => {
    const m = vectoredMachine();
    m.cpu.daif = 0;
    const o = exec(m, [a64.nop, a64.brk(1000)], 0);
    expect(o.vector).toBe(0x400);
    expect(hex(o.esr)).toBe('0xf20003e8');
    expect(o.elr).toBe(AT + 4n);
    expect(o.spsr).toBe(EL0t);
  });

  it('IRQ, FIQ and SError offsets add to each "taken from" base; IRQ leaves ESR and FAR alone', () => {
    const cases: [0 | 1, 0 | 1, number][] = [[1, 0, 0x000], [1, 1, 0x200], [0, 0, 0x400]];
    for (const [el, spsel, base] of cases) {
      for (const type of [VECTOR.IRQ, VECTOR.FIQ, VECTOR.SERROR]) {
        const m = vectoredMachine();
        m.cpu.sys.esr = 0x1234n;
        m.cpu.sys.far = 0x5678n;
        m.cpu.selectStack(el, spsel);
        m.cpu.pc = AT;
        enterException(m.cpu, type, undefined, m.cpu.pcLo, m.cpu.pcHi);
        expect(m.cpu.pc).toBe(VBAR + BigInt(base + type));
        expect(m.cpu.sys.elr).toBe(AT);
        expect(m.cpu.sys.esr).toBe(0x1234n);
        expect(m.cpu.sys.far).toBe(0x5678n);
        expect(m.cpu.el).toBe(1);
      }
    }
  });

  it('SPSR_EL1 packs every PSTATE field (TCO in bit 25); PSTATE after entry is EL1h, DAIF masked, TCO = 1, UAO = 0', () => {
    const m = vectoredMachine();
    const c = m.cpu;
    c.nzcv = 0b1001;
    c.daif = 0b0101;
    Object.assign(c, { pan: 1, uao: 1, tco: 1, dit: 1, ssbs: 1, btype: 2 });
    const o = exec(m, [a64.brk(2)], 1);
    expect(hex(o.spsr)).toBe(hex(PSR.N | PSR.V | PSR.TCO | PSR.DIT | PSR.UAO | PSR.PAN | PSR.SSBS | (2 << 10) | PSR.A | PSR.F | EL1h));
    expect([c.el, c.spsel, c.daif, c.tco, c.uao, c.btype, c.ssbs, c.il]).toEqual([1, 1, 0xf, 1, 0, 0, 0, 0]);
    expect([c.nzcv, c.dit, c.pan]).toEqual([0b1001, 1, 1]);
  });

  it('PAN is set on entry when SCTLR_EL1.SPAN = 0, kept when SPAN = 1; SSBS comes from DSSBS', () => {
    for (const span of [0n, 1n]) {
      const m = vectoredMachine();
      m.cpu.sys.sctlr = (m.cpu.sys.sctlr & ~(1n << 23n)) | (span << 23n) | (1n << 44n);
      m.cpu.pan = 0;
      exec(m, [a64.brk(0)], 0);
      expect(m.cpu.pan).toBe(span ? 0 : 1);
      expect(m.cpu.ssbs).toBe(1);
    }
  });

  it('TCO is set on entry from EL0 and restored by ERET (SPSR bit 25)', () => {
    const m = vectoredMachine();
    m.cpu.tco = 0;
    const o = exec(m, [a64.msrImm(3, 4, 1), a64.svc(0)], 0);
    expect(o.spsr & PSR.TCO).toBe(PSR.TCO);
    expect(m.cpu.tco).toBe(1);
    m.cpu.sys.spsr = 0n;
    m.cpu.sys.elr = AT + 0x100n;
    put(m, AT + 0x100n, [a64.brk(0)]);
    const o2 = exec(m, [a64.eret], 1);
    expect(o2.elr).toBe(AT + 0x100n);
    expect(o2.spsr & PSR.TCO).toBe(0);
  });

  it('a non-abort exception leaves FAR_EL1 unchanged; VBAR_EL1[10:0] read as zero', () => {
    const m = vectoredMachine();
    m.cpu.sys.far = 0xfeedn;
    m.cpu.writeX(1, VBAR | 0x7ffn);
    const o = exec(m, [a64.msr(3, 0, 12, 0, 0, 1), a64.mrs(2, 3, 0, 12, 0, 0), 0x00000000 /* UDF #0 */], 1);
    expect(o.vector).toBe(0x200);
    expect(o.esr).toBe(UNDEF);
    expect(o.far).toBe(0xfeedn);
    expect(m.cpu.readX(2)).toBe(VBAR);
  });
});

describe('exception-generating instructions', () => {
  it('SVC #0 from EL0: ESR 0x56000000, ELR = the next instruction (QEMU)', () => {
    const m = vectoredMachine();
    const o = exec(m, [a64.svc(0), MARK], 0);
    expect(o.vector).toBe(0x400);
    expect(hex(o.esr)).toBe('0x56000000');
    expect(o.elr).toBe(AT + 4n);
    expect(m.exceptionCounts.get(0x15)).toBe(1);
  });

  it('SVC #0x1234 from EL1 goes to +0x200 with the immediate in ISS[15:0]', () => {
    const m = vectoredMachine();
    const o = exec(m, [a64.svc(0x1234)], 1);
    expect(o.vector).toBe(0x200);
    expect(hex(o.esr)).toBe('0x56001234');
    expect(o.elr).toBe(AT + 4n);
  });

  it('UDF #0, HLT #0, HVC #0 and SMC #0 are UNDEFINED (ESR 0x02000000, ELR = the instruction; QEMU)', () => {
    for (const w of [0x00000000, 0x0000abcd, a64.hlt(0), a64.hvc(0), a64.smc(0)]) {
      for (const el of [0, 1] as const) {
        const m = vectoredMachine();
        m.cpu.writeX(1, 7n);
        const o = exec(m, [w, MARK], el);
        expect(o.esr).toBe(UNDEF);
        expect(o.elr).toBe(AT);
        expect(m.cpu.readX(0)).toBe(0n);
      }
    }
  });

  it('HVC/SMC reach the board hook at EL1 only; a handled call completes', () => {
    const m = vectoredMachine();
    const calls: [number, string][] = [];
    m.hypercall = (imm, kind) => {
      calls.push([imm, kind]);
      m.cpu.writeX(0, 0x10001n);
      return kind === 'hvc';
    };
    expect(exec(m, [a64.hvc(5)], 1).reason).toBe('until');
    expect(m.cpu.readX(0)).toBe(0x10001n);
    expect(exec(m, [a64.smc(6)], 1).esr).toBe(UNDEF);
    expect(exec(m, [a64.hvc(7)], 0).esr).toBe(UNDEF);
    expect(calls).toEqual([[5, 'hvc'], [6, 'smc']]);
  });

  it('HLT reaches the semihosting hook', () => {
    const m = vectoredMachine();
    const seen: number[] = [];
    m.semihosting = (imm) => {
      seen.push(imm);
      return imm === 0xf000;
    };
    expect(exec(m, [a64.hlt(0xf000)], 1).reason).toBe('until');
    expect(exec(m, [a64.hlt(1)], 1).esr).toBe(UNDEF);
    expect(seen).toEqual([0xf000, 1]);
  });
});

describe('SP banking', () => {
  it('EL0 uses SP_EL0; entry switches to SP_EL1; ERET switches back', () => {
    const m = vectoredMachine();
    m.cpu.selectStack(1, 1);
    m.cpu.writeSp(0xb000n);
    m.cpu.setBankedSp(0, 0xa000n);
    put(m, AT, [a64.svc(0)]);
    m.cpu.selectStack(0, 0);
    expect(m.cpu.readSp()).toBe(0xa000n);
    runToVector(m, AT, AT + 4n);
    expect(m.cpu.readSp()).toBe(0xb000n);
    expect(m.cpu.bankedSp(0)).toBe(0xa000n);
    m.cpu.setBankedSp(0, 0xa100n);
    put(m, AT + 0x100n, [a64.eret]);
    m.cpu.sys.elr = AT + 0x200n;
    put(m, AT + 0x200n, [a64.nop]);
    runToVector(m, AT + 0x100n, AT + 0x204n);
    expect(m.cpu.el).toBe(0);
    expect(m.cpu.readSp()).toBe(0xa100n);
    expect(m.cpu.bankedSp(1)).toBe(0xb000n);
  });

  it('at EL1 with SPSel = 0 the current SP is SP_EL0, and entry selects SP_EL1', () => {
    const m = vectoredMachine();
    m.cpu.selectStack(1, 1);
    m.cpu.writeSp(0xb000n);
    m.cpu.setBankedSp(0, 0xa000n);
    m.cpu.selectStack(1, 0);
    expect(m.cpu.readSp()).toBe(0xa000n);
    put(m, AT, [a64.brk(0)]);
    runToVector(m, AT, AT + 4n);
    expect(m.cpu.readSp()).toBe(0xb000n);
    expect(Number(m.cpu.sys.spsr) & 0xf).toBe(EL1t);
  });
});

describe('ERET', () => {
  /** Sets SPSR/ELR, runs ERET at EL1h from AT, and stops at the next exception or at `end`. */
  const eret = (m: Machine, spsr: number, elr: bigint, target: number[], end = elr + BigInt(target.length * 4)): Outcome => {
    m.cpu.sys.spsr = BigInt(spsr >>> 0);
    m.cpu.sys.elr = elr;
    put(m, elr & 0xffffffffffffn, target);
    put(m, AT, [a64.eret]);
    m.cpu.selectStack(1, 1);
    return runToVector(m, AT, end);
  };

  it('to EL0 restores NZCV, DAIF, TCO, PAN, DIT, SSBS and selects SP_EL0 (QEMU: BRK then shows SPSR 0x82000000)', () => {
    const m = vectoredMachine();
    m.cpu.exclusivePa = 0x40000000;
    const spsr = PSR.N | PSR.TCO;
    const o = eret(m, spsr, AT + 0x100n, [a64.nop, a64.brk(0)]);
    expect(o.vector).toBe(0x400);
    expect(hex(o.spsr)).toBe('0x82000000');
    expect(m.cpu.exclusivePa).toBe(-1);
    const m2 = vectoredMachine();
    const r = eret(m2, PSR.Z | PSR.C | PSR.DIT | PSR.SSBS | PSR.PAN | PSR.I | EL0t, AT + 0x100n, [a64.nop]);
    expect(r.reason).toBe('until');
    const c = m2.cpu;
    expect([c.el, c.spsel, c.nzcv, c.dit, c.ssbs, c.pan, c.daif, c.tco, c.il]).toEqual([0, 0, 0b0110, 1, 1, 1, 0b0010, 0, 0]);
  });

  it('to EL1t and EL1h', () => {
    for (const [mode, spsel] of [[EL1t, 0], [EL1h, 1]] as const) {
      const m = vectoredMachine();
      const r = eret(m, PSR.V | DAIF | mode, AT + 0x100n, [a64.nop]);
      expect(r.reason).toBe('until');
      expect([m.cpu.el, m.cpu.spsel, m.cpu.nzcv, m.cpu.daif]).toEqual([1, spsel, 0b0001, 0xf]);
    }
  });

  it('strips the tag of ELR when TBI applies to the target (ASL BranchAddr)', () => {
    const m = vectoredMachine();
    m.cpu.sys.tcr = 1n << 37n;
    const r = eret(m, EL1h, 0x5a00_0000_0000_0000n | (AT + 0x100n), [a64.nop], AT + 0x104n);
    expect(r.reason).toBe('until');
    expect(m.cpu.pc).toBe(AT + 0x104n);
  });

  it('to a misaligned ELR: PC alignment fault, ESR 0x8A000000, FAR = ELR = the PC', () => {
    const m = vectoredMachine();
    const o = eret(m, EL0t, AT + 0x102n, [], AT + 0x200n);
    expect(o.vector).toBe(0x400);
    expect(hex(o.esr)).toBe('0x8a000000');
    expect(o.far).toBe(AT + 0x102n);
    expect(o.elr).toBe(AT + 0x102n);
  });

  it('to an unmapped ELR at EL0: Instruction Abort from the lower EL, translation fault level 1', () => {
    const m = vectoredMachine({ mmu: true });
    const o = eret(m, EL0t, 0x8000_0000n, [], 0x8000_0004n);
    expect(o.vector).toBe(0x400);
    expect(hex(o.esr)).toBe('0x82000005');
    expect(o.far).toBe(0x8000_0000n);
  });

  it('is UNDEFINED at EL0 (QEMU)', () => {
    const m = vectoredMachine();
    const o = exec(m, [a64.eret], 0);
    expect(o.esr).toBe(UNDEF);
    expect(o.elr).toBe(AT);
  });

  const illegal: [string, number][] = [
    ['M = EL2h (not implemented)', 0x3c9],
    ['M = EL0 with M[0] = 1', 0x3c1],
    ['M[4] = 1 (AArch32)', 0x3d5],
    ['M[1] = 1', 0x3c7],
  ];
  for (const [name, spsr] of illegal) {
    it(`illegal return (${name}): EL/SP kept, IL set, next instruction takes EC 0x0E (QEMU: ESR 0x3a000000, SPSR 0x021003c5)`, () => {
      const m = vectoredMachine();
      Object.assign(m.cpu, { tco: 1, pan: 0, daif: 0 });
      m.cpu.nzcv = 0b1111;
      m.cpu.writeX(1, 7n);
      const o = eret(m, spsr, AT + 0x100n, [MARK]);
      expect(o.vector).toBe(0x200);
      expect(hex(o.esr)).toBe(hex(ILLEGAL_STATE));
      expect(o.elr).toBe(AT + 0x100n);
      expect(hex(o.spsr)).toBe('0x21003c5');
      expect(m.cpu.readX(0)).toBe(0n); // the instruction did not run
      expect(m.cpu.il).toBe(0); // cleared by the exception entry
    });
  }

  it('an illegal return restores PAN from SPSR (QEMU keeps it; the architecture restores it)', () => {
    const m = vectoredMachine();
    m.cpu.pan = 0;
    const o = eret(m, 0x3c9 | PSR.PAN, AT + 0x100n, [MARK]);
    expect(o.esr).toBe(ILLEGAL_STATE);
    expect(o.spsr & PSR.PAN).toBe(PSR.PAN);
  });

  it('a legal return with SPSR.IL = 1 also takes EC 0x0E on the next instruction (QEMU: SPSR 0x001003c5)', () => {
    const m = vectoredMachine();
    m.cpu.tco = 1;
    const o = eret(m, 0x3c5 | PSR.IL, AT + 0x100n, [MARK]);
    expect(hex(o.esr)).toBe(hex(ILLEGAL_STATE));
    expect(hex(o.spsr)).toBe('0x1003c5');
    expect(o.elr).toBe(AT + 0x100n);
  });

  it('a PC alignment fault on the return address comes before the Illegal Execution State exception', () => {
    const m = vectoredMachine();
    const o = eret(m, 0x3c9, AT + 0x102n, [], AT + 0x200n);
    expect(hex(o.esr)).toBe('0x8a000000');
    expect(o.spsr & PSR.IL).toBe(PSR.IL);
  });

  it('PSTATE.IL set through the API makes the next instruction take EC 0x0E at the current EL', () => {
    const m = vectoredMachine();
    put(m, AT, [MARK]);
    m.cpu.selectStack(0, 0);
    m.cpu.il = 1;
    const o = runToVector(m, AT, AT + 4n);
    expect(o.vector).toBe(0x400);
    expect(hex(o.esr)).toBe(hex(ILLEGAL_STATE));
    expect(o.spsr & PSR.IL).toBe(PSR.IL);
  });
});

// System instructions (emulator/exec/system.ts): MRS/MSR access rules, MSR (immediate), FlagM,
// hints, DC/IC/TLBI/AT. ESR values marked "QEMU" were observed with qemu-system-aarch64 10.0.2
// (`-M virt,mte=on -cpu max`) running the same instruction at the same EL with the same
// SCTLR_EL1/CNTKCTL_EL1 settings; where QEMU is not the architecture the test says so.

import { describe, expect, it } from 'vitest';
import type { Machine } from '../emulator/machine.js';
import { a64, CODE_BASE, EL0_ALIAS, putWords, RAM_BASE, runToVector, vectoredMachine, type Outcome } from './helpers/machine.js';

const UNDEF = 0x02000000;

const SCTLR_UMA = 1n << 9n;
const SCTLR_DZE = 1n << 14n;
const SCTLR_UCT = 1n << 15n;
const SCTLR_nTWI = 1n << 16n;
const SCTLR_nTWE = 1n << 18n;
const SCTLR_UCI = 1n << 26n;

// System register encodings (op0, op1, CRn, CRm, op2).
type Enc = [number, number, number, number, number];
const R = {
  MIDR: [3, 0, 0, 0, 0], SCTLR: [3, 0, 1, 0, 0], CTR: [3, 3, 0, 0, 1], DCZID: [3, 3, 0, 0, 7], CNTFRQ: [3, 3, 14, 0, 0],
  CNTVCT: [3, 3, 14, 0, 2], CNTKCTL: [3, 0, 14, 1, 0], CNTV_TVAL: [3, 3, 14, 3, 0], CNTV_CTL: [3, 3, 14, 3, 1], CNTV_CVAL: [3, 3, 14, 3, 2],
  CNTP_CTL: [3, 3, 14, 2, 1], DAIF: [3, 3, 4, 2, 1], NZCV: [3, 3, 4, 2, 0], TCO: [3, 3, 4, 2, 7], PAN: [3, 0, 4, 2, 3],
  TPIDR_EL0: [3, 3, 13, 0, 2], TPIDRRO_EL0: [3, 3, 13, 0, 3], CurrentEL: [3, 0, 4, 2, 2], SP_EL0: [3, 0, 4, 1, 0],
  SP_EL1: [3, 4, 4, 1, 0], SPSel: [3, 0, 4, 2, 0], FPCR: [3, 3, 4, 4, 0], GMID: [3, 1, 0, 0, 4], CCSIDR: [3, 1, 0, 0, 0],
  ID_AA64PFR1: [3, 0, 0, 4, 1], ID_AA64MMFR2: [3, 0, 0, 7, 2], PAR: [3, 0, 7, 4, 0],
} satisfies Record<string, Enc>;
const mrs = (rt: number, r: Enc): number => a64.mrs(rt, ...r);
const msr = (r: Enc, rt: number): number => a64.msr(...r, rt);

const WFI = 0xd503207f;
const WFE = 0xd503205f;
const SEVL = 0xd50320bf;
const CFINV = 0xd500401f;
const XAFLAG = 0xd500403f;
const AXFLAG = 0xd500405f;
const ISB = a64.isb;

/**
 * Writes `words` at physical `pa` and drops decoded instructions (as a loader would; with
 * `stale`, the words land behind the CPU's back), then runs them from `va` at `el` (EL1 with
 * SP_EL1, EL0 with SP_EL0) until they end or an exception reaches a vector.
 */
function exec(m: Machine, words: number[], el: 0 | 1 = 1, va = CODE_BASE + 0x100n, pa = va, stale = false): Outcome {
  putWords(m, pa, words);
  if (!stale) m.invalidateCode();
  m.cpu.selectStack(el, el);
  return runToVector(m, va, va + BigInt(words.length * 4));
}

/** Expects the first instruction of `words` (run at `el` from CODE_BASE + 0x100) to take `esr`. */
function expectTrap(m: Machine, words: number[], el: 0 | 1, esr: number): Outcome {
  const o = exec(m, words, el);
  expect(o.reason, `esr 0x${o.esr.toString(16)}`).toBe('stop');
  expect(o.vector).toBe(el === 0 ? 0x400 : 0x200);
  expect('0x' + o.esr.toString(16)).toBe('0x' + (esr >>> 0).toString(16));
  expect(o.elr).toBe(CODE_BASE + 0x100n);
  return o;
}

const hex32 = (v: number): string => '0x' + (v >>> 0).toString(16);

function expectRuns(m: Machine, words: number[], el: 0 | 1): void {
  const o = exec(m, words, el);
  expect(o.reason, `esr 0x${o.esr.toString(16)}`).toBe('until');
}

describe('MRS/MSR access rules at EL0 (QEMU 10 syndromes, SCTLR_EL1 and CNTKCTL_EL1 at reset)', () => {
  const cases: [string, number, number][] = [
    ['MRS X0, SCTLR_EL1 (EL1 register)', mrs(0, R.SCTLR), UNDEF],
    ['MRS X0, CurrentEL', mrs(0, R.CurrentEL), UNDEF],
    ['MRS X0, SP_EL0', mrs(0, R.SP_EL0), UNDEF],
    ['MSR TPIDRRO_EL0, X0 (read-only at EL0)', msr(R.TPIDRRO_EL0, 0), UNDEF],
    ['MSR CNTFRQ_EL0, X10 (writable only at EL1)', msr(R.CNTFRQ, 10), UNDEF],
    ['MSR S3_0_C0_C7_7, X16 (write to the ID space)', a64.msr(3, 0, 0, 7, 7, 16), UNDEF],
    ['MSR SPSel, X20', msr(R.SPSel, 20), UNDEF],
    ['MRS X21, S3_1_C15_C0_0 (IMPDEF, not implemented)', a64.mrs(21, 3, 1, 15, 0, 0), UNDEF],
    ['MRS X0, MIDR_EL1 (FEAT_IDST)', mrs(0, R.MIDR), 0x62300001],
    ['MRS X15, MIDR_EL1', mrs(15, R.MIDR), 0x623001e1],
    ['MRS X11, S3_0_C0_C7_7 (reserved ID register)', a64.mrs(11, 3, 0, 0, 7, 7), 0x623e016f],
    ['MRS X12, GMID_EL1', mrs(12, R.GMID), 0x62384181],
    ['MRS X19, CCSIDR_EL1', mrs(19, R.CCSIDR), 0x62304261],
    ['MRS X13, S3_3_C0_C0_0', a64.mrs(13, 3, 3, 0, 0, 0), 0x6230c1a1],
    ['MRS X7, CTR_EL0 (UCT = 0)', mrs(7, R.CTR), 0x6232c0e1],
    ['MRS X8, CNTVCT_EL0 (EL0VCTEN = 0)', mrs(8, R.CNTVCT), 0x6234f901],
    ['MRS X9, CNTFRQ_EL0 (EL0PCTEN = EL0VCTEN = 0)', mrs(9, R.CNTFRQ), 0x6230f921],
    ['MRS X14, CNTP_CTL_EL0 (EL0PTEN = 0)', mrs(14, R.CNTP_CTL), 0x6232f9c5],
    ['MRS X5, DAIF (UMA = 0)', mrs(5, R.DAIF), 0x6232d0a5],
    ['MSR DAIF, X6 (UMA = 0)', msr(R.DAIF, 6), 0x6232d0c4],
  ];
  for (const [name, word, esr] of cases) {
    it(name, () => {
      expectTrap(vectoredMachine(), [word], 0, esr);
    });
  }

  it('MRS of an EL1 register from EL0 leaves the destination and PSTATE alone', () => {
    const m = vectoredMachine();
    m.cpu.writeX(0, 0x1234n);
    const o = expectTrap(m, [mrs(0, R.SCTLR)], 0, UNDEF);
    expect(m.cpu.readX(0)).toBe(0x1234n);
    expect(o.spsr & 0x1f).toBe(0); // EL0t
  });

  it('registers EL0 may use: DCZID_EL0, TPIDR_EL0, TPIDRRO_EL0 (read), NZCV, TCO, DIT, SSBS', () => {
    const m = vectoredMachine();
    m.cpu.sys.tpidrro0 = 0x77n;
    m.cpu.writeX(1, 0xabcdn);
    m.cpu.writeX(2, 0x60000000n);
    expectRuns(m, [
      mrs(0, R.DCZID), msr(R.TPIDR_EL0, 1), mrs(3, R.TPIDR_EL0), mrs(4, R.TPIDRRO_EL0), msr(R.NZCV, 2), mrs(5, R.NZCV),
      a64.mrs(6, 3, 3, 4, 2, 5), a64.mrs(7, 3, 3, 4, 2, 6), mrs(8, R.TCO),
    ], 0);
    expect(m.cpu.readX(0)).toBe(0x14n); // BS = 4 (64 bytes), DZP = 1 with DZE = 0 (QEMU)
    expect(m.cpu.readX(3)).toBe(0xabcdn);
    expect(m.cpu.readX(4)).toBe(0x77n);
    expect(m.cpu.readX(5)).toBe(0x60000000n);
    expect(m.cpu.nzcv).toBe(0b0110);
    m.cpu.sys.sctlr |= SCTLR_DZE;
    expectRuns(m, [mrs(0, R.DCZID)], 0);
    expect(m.cpu.readX(0)).toBe(0x4n);
  });

  it('trap controls open EL0 access: UCT, UMA, CNTKCTL_EL1', () => {
    const m = vectoredMachine();
    m.cpu.sys.sctlr |= SCTLR_UCT | SCTLR_UMA;
    m.cpu.sys.cntkctl = 0x303n;
    m.cpu.writeX(6, 0x80n);
    m.cpu.sys.cntvCval = 0n;
    m.cpu.sys.cntvCtl = 1n;
    expectRuns(m, [mrs(7, R.CTR), msr(R.DAIF, 6), mrs(5, R.DAIF), mrs(9, R.CNTFRQ), mrs(8, R.CNTVCT), mrs(10, R.CNTV_CTL)], 0);
    expect(m.cpu.readX(7)).toBe(0xb444c004n);
    expect(m.cpu.readX(5)).toBe(0x80n);
    expect(m.cpu.daif).toBe(0b0010);
    expect(m.cpu.readX(9)).toBe(1_000_000_000n);
    expect(m.cpu.readX(8)).toBeGreaterThan(0n);
    expect(m.cpu.readX(10)).toBe(5n); // ENABLE and ISTATUS (CVAL 0 <= count)
  });
});

describe('MRS/MSR access rules at EL1', () => {
  it('reserved ID registers read as zero; other unallocated ID-space encodings trap (QEMU)', () => {
    const m = vectoredMachine();
    m.cpu.writeX(0, 0x55n);
    expectRuns(m, [a64.mrs(0, 3, 0, 0, 7, 7)], 1);
    expect(m.cpu.readX(0)).toBe(0n);
    expectTrap(m, [a64.mrs(0, 3, 0, 0, 0, 1)], 1, 0x62320001);
  });

  const undefs: [string, number][] = [
    ['MRS X0, S3_0_C15_C0_0', a64.mrs(0, 3, 0, 15, 0, 0)],
    ['MRS X0, SP_EL1 (EL2 and up only)', mrs(0, R.SP_EL1)],
    ['MSR SP_EL1, X0', msr(R.SP_EL1, 0)],
    ['MRS X0, FPCR (no FP; QEMU with FP traps with EC 0x07)', mrs(0, R.FPCR)],
    ['MSR MIDR_EL1, X0 (read-only)', msr(R.MIDR, 0)],
    ['MSR CurrentEL, X0 (read-only)', msr(R.CurrentEL, 0)],
    ['MSR CTR_EL0, X0 (read-only)', msr(R.CTR, 0)],
  ];
  for (const [name, word] of undefs) {
    it(`${name} is UNDEFINED`, () => {
      expectTrap(vectoredMachine(), [word], 1, UNDEF);
    });
  }

  it('SP_EL0 is UNDEFINED while it is the current SP (SPSel = 0), vector +0x000 (QEMU)', () => {
    const m = vectoredMachine();
    const o = exec(m, [a64.msrImm(0, 5, 0), mrs(0, R.SP_EL0)], 1);
    expect(o.vector).toBe(0x000);
    expect(o.esr).toBe(UNDEF);
    expect(o.elr).toBe(CODE_BASE + 0x104n);
    expect(o.spsr & 0x1f).toBe(0b00100); // EL1t
  });

  it('SP_EL0 reads and writes the EL0 bank while SP_EL1 is current; SPSel switches banks', () => {
    const m = vectoredMachine();
    m.cpu.setBankedSp(0, 0x1000n);
    m.cpu.writeSp(0x2000n);
    m.cpu.writeX(1, 0x3000n);
    m.cpu.writeX(2, 0n);
    expectRuns(m, [mrs(0, R.SP_EL0), msr(R.SP_EL0, 1), mrs(3, R.SPSel), msr(R.SPSel, 2), mrs(4, R.SPSel)], 1);
    expect(m.cpu.readX(0)).toBe(0x1000n);
    expect(m.cpu.readX(3)).toBe(1n);
    expect(m.cpu.readX(4)).toBe(0n);
    expect(m.cpu.spsel).toBe(0);
    expect(m.cpu.readSp()).toBe(0x3000n); // SP_EL0 is now current
    expect(m.cpu.bankedSp(1)).toBe(0x2000n);
  });

  it('CurrentEL, SCTLR_EL1 reset value, ID registers', () => {
    const m = vectoredMachine();
    expectRuns(m, [mrs(0, R.CurrentEL), mrs(1, R.SCTLR), mrs(2, R.ID_AA64PFR1), mrs(3, R.ID_AA64MMFR2), mrs(4, R.GMID), mrs(5, R.DCZID)], 1);
    expect(m.cpu.readX(0)).toBe(4n);
    expect(m.cpu.readX(1)).toBe(0xc50838n); // QEMU 10 -cpu max
    expect((m.cpu.readX(2) >> 8n) & 0xfn).toBe(3n); // MTE3
    expect((m.cpu.readX(3) >> 36n) & 0xfn).toBe(1n); // IDS
    expect(m.cpu.readX(4)).toBe(6n); // QEMU
    expect(m.cpu.readX(5)).toBe(4n); // QEMU
  });

  it('CNTFRQ_EL0 is writable at EL1; timer TVAL and CTL.ISTATUS follow the counter', () => {
    const m = vectoredMachine();
    m.cpu.writeX(1, 1_000_000n);
    m.cpu.writeX(2, 1n);
    m.cpu.writeX(3, 0xffff_ffff_ffff_0000n);
    expectRuns(m, [msr(R.CNTFRQ, 1), mrs(0, R.CNTFRQ), msr(R.CNTV_CVAL, 3), msr(R.CNTV_CTL, 2), mrs(4, R.CNTV_CTL), mrs(5, R.CNTV_TVAL)], 1);
    expect(m.cpu.readX(0)).toBe(1_000_000n);
    expect(m.cpu.readX(4)).toBe(1n); // enabled, CVAL far in the future: ISTATUS = 0
    const tval = BigInt.asIntN(32, m.cpu.readX(5));
    expect(tval).toBeLessThan(-0xff00n); // CVAL - count, as a 32-bit value
    m.cpu.writeX(6, 10n);
    expectRuns(m, [msr(R.CNTV_TVAL, 6), mrs(7, R.CNTV_CVAL)], 1);
    expect(m.cpu.readX(7)).toBe(BigInt(m.instructions - 2) + 10n); // the count when the MSR ran
  });
});

describe('MSR (immediate)', () => {
  it('UAO, PAN and SPSel are UNDEFINED at EL0 (QEMU)', () => {
    for (const w of [a64.msrImm(0, 3, 1), a64.msrImm(0, 4, 1), a64.msrImm(0, 5, 1)]) expectTrap(vectoredMachine(), [w], 0, UNDEF);
  });

  it('DAIFSet/DAIFClr at EL0 with UMA = 0: EC 0x18, Op0 = 0, Op1 = 3, CRn = 4, CRm = imm, Rt = 31', () => {
    // QEMU 10 reports 0x620793e4 / 0x6207d3fe: Op1 and Op2 swapped in the ISS (oracles.md).
    expectTrap(vectoredMachine(), [a64.msrImm(3, 6, 2)], 0, 0x620cd3e4);
    expectTrap(vectoredMachine(), [a64.msrImm(3, 7, 15)], 0, 0x620ed3fe);
  });

  it('DAIFSet/DAIFClr at EL0 with UMA = 1, and at EL1', () => {
    const m = vectoredMachine();
    m.cpu.sys.sctlr |= SCTLR_UMA;
    m.cpu.daif = 0;
    expectRuns(m, [a64.msrImm(3, 6, 2)], 0);
    expect(m.cpu.daif).toBe(2);
    expectRuns(m, [a64.msrImm(3, 6, 0xd), a64.msrImm(3, 7, 0x6)], 1);
    expect(m.cpu.daif).toBe(0b1001);
  });

  it('TCO, SSBS and DIT at EL0; PAN, UAO and SPSel at EL1', () => {
    const m = vectoredMachine();
    expectRuns(m, [a64.msrImm(3, 4, 1), a64.msrImm(3, 1, 1), a64.msrImm(3, 2, 1)], 0);
    expect([m.cpu.tco, m.cpu.ssbs, m.cpu.dit]).toEqual([1, 1, 1]);
    expectRuns(m, [a64.msrImm(3, 4, 0), a64.msrImm(0, 4, 1), a64.msrImm(0, 3, 1), mrs(0, R.PAN), mrs(1, R.TCO)], 1);
    expect([m.cpu.tco, m.cpu.pan, m.cpu.uao]).toEqual([0, 1, 1]);
    expect(m.cpu.readX(0)).toBe(1n << 22n);
    expect(m.cpu.readX(1)).toBe(0n);
    m.cpu.setBankedSp(0, 0x5550n);
    expectRuns(m, [a64.msrImm(0, 5, 0)], 1);
    expect(m.cpu.readSp()).toBe(0x5550n);
  });
});

describe('FlagM: CFINV, XAFLAG, AXFLAG, RMIF, SETF8, SETF16', () => {
  const run = (word: number, nzcv: number): number => {
    const m = vectoredMachine();
    m.cpu.nzcv = nzcv;
    expectRuns(m, [word], 0);
    return m.cpu.nzcv;
  };
  it('match the ASL definitions for every NZCV', () => {
    for (let f = 0; f < 16; f++) {
      const [z, c, v] = [(f >> 2) & 1, (f >> 1) & 1, f & 1];
      expect(run(CFINV, f)).toBe(f ^ 2);
      const xn = c === 0 && z === 0 ? 1 : 0;
      const xv = c === 0 && z === 1 ? 1 : 0;
      expect(run(XAFLAG, f)).toBe((xn << 3) | ((z & c) << 2) | ((c | z) << 1) | xv);
      expect(run(AXFLAG, f)).toBe(((z | v) << 2) | ((c & (v ^ 1)) << 1));
    }
  });

  // Reference from the ASL: RMIF takes bits 3..0 of ROR(Xn, imm6) into the NZCV bits `mask` selects;
  // SETF8/16 set N = bit 7/15, Z = (bits 7:0/15:0 == 0), V = bit 8/16 XOR bit 7/15, and keep C.
  const ror64 = (v: bigint, n: number): bigint => BigInt.asUintN(64, (v >> BigInt(n)) | (v << BigInt(64 - n)));
  const runWith = (word: number, nzcv: number, x1: bigint): number => {
    const m = vectoredMachine();
    m.cpu.nzcv = nzcv;
    m.cpu.writeX(1, x1);
    expectRuns(m, [word], 0);
    return m.cpu.nzcv;
  };
  it('RMIF matches the ASL for every rotation and mask', () => {
    const value = 0x8f00_1234_5678_9abcn;
    for (let imm6 = 0; imm6 < 64; imm6 += 7) {
      for (let mask = 0; mask < 16; mask++) {
        const word = 0xba000420 | (imm6 << 15) | mask; // rmif x1, #imm6, #mask (llvm-mc: rmif x1, #3, #5 = 0xba018425)
        const bits = Number(ror64(value, imm6) & 0xfn);
        expect(runWith(word, 0b0110, value)).toBe((0b0110 & ~mask) | (bits & mask));
      }
    }
  });
  it('SETF8 and SETF16 match the ASL', () => {
    for (const [word, width] of [[0x3a00082d, 8], [0x3a00482d, 16]] as const) {
      for (const v of [0n, 0x80n, 0x7fn, 0x100n, 0x180n, 0x8000n, 0x18000n, 0xffffn, 0xffff_ffffn]) {
        const top = Number((v >> BigInt(width - 1)) & 1n);
        const next = Number((v >> BigInt(width)) & 1n);
        const zero = (v & ((1n << BigInt(width)) - 1n)) === 0n ? 1 : 0;
        for (const c of [0, 1]) expect(runWith(word, c << 1, v)).toBe((top << 3) | (zero << 2) | (c << 1) | (top ^ next));
      }
    }
  });
});

describe('hints: WFI, WFE, SEV', () => {
  it('WFI at EL0 with nTWI = 0 traps: ESR 0x07E00000 (QEMU)', () => {
    const m = vectoredMachine();
    m.cpu.sys.sctlr &= ~SCTLR_nTWI;
    expectTrap(m, [WFI], 0, 0x07e00000);
  });

  it('WFI with nTWI = 1 (reset) or at EL1 idles: the run stops with reason wfi after the WFI', () => {
    for (const el of [0, 1] as const) {
      const m = vectoredMachine();
      const o = exec(m, [WFI, a64.nop], el);
      expect(o.reason).toBe('wfi');
      expect(m.cpu.pc).toBe(CODE_BASE + 0x104n);
      expect(m.cpu.el).toBe(el);
    }
  });

  it('WFE consumes a pending event; without one it traps at EL0 (nTWE = 0) or idles', () => {
    const m = vectoredMachine();
    m.cpu.sys.sctlr &= ~SCTLR_nTWE;
    m.cpu.eventRegister = 0;
    expectRuns(m, [SEVL, WFE], 0);
    expect(m.cpu.eventRegister).toBe(0);
    expectTrap(m, [WFE], 0, 0x07e00001);
    const o = exec(vectoredMachine(), [WFE, a64.nop], 1);
    expect(o.reason).toBe('wfi');
  });

  it('ERET sets the event register: the first WFE at EL0 completes, the second traps (QEMU did not trap the first)', () => {
    const m = vectoredMachine();
    m.cpu.sys.sctlr &= ~SCTLR_nTWE;
    m.cpu.sys.spsr = 0n;
    m.cpu.sys.elr = CODE_BASE + 0x200n;
    putWords(m, CODE_BASE + 0x200n, [WFE, WFE]);
    const o = exec(m, [a64.eret], 1);
    expect(o.reason).toBe('stop');
    expect(o.esr).toBe(0x07e00001);
    expect(o.elr).toBe(CODE_BASE + 0x204n);
  });

  it('NOP-space hints (YIELD, CSDB, BTI, PACIASP, ESB) do nothing', () => {
    const m = vectoredMachine();
    m.cpu.nzcv = 0b1010;
    expectRuns(m, [0xd503203f, 0xd503229f, 0xd503241f, 0xd503233f, 0xd503221f, 0xd503231f], 0);
    expect(m.cpu.nzcv).toBe(0b1010);
  });

  it('CLREX clears the local monitor; DSB, DMB, SB do not trap at EL0', () => {
    const m = vectoredMachine();
    m.cpu.exclusivePa = 0x40000000;
    expectRuns(m, [0xd503305f, 0xd5033f9f, 0xd5033bbf, 0xd50330ff, ISB], 0);
    expect(m.cpu.exclusivePa).toBe(-1);
  });
});

describe('SYS at EL0: UCI/DZE traps and EL1-only operations (QEMU 10 syndromes)', () => {
  const traps: [string, number, number][] = [
    ['DC CIVAC, X1', a64.sys(3, 7, 14, 1, 1), 0x6212dc3c],
    ['DC CVAU, X2', a64.sys(3, 7, 11, 1, 2), 0x6212dc56],
    ['IC IVAU, X3', a64.sys(3, 7, 5, 1, 3), 0x6212dc6a],
    ['DC CVAP, X1', a64.sys(3, 7, 12, 1, 1), 0x6212dc38],
    ['DC CVADP, X1', a64.sys(3, 7, 13, 1, 1), 0x6212dc3a],
    ['DC CGVAC, X1', a64.sys(3, 7, 10, 3, 1), 0x6216dc34],
    ['DC CVAC, X1', a64.sys(3, 7, 10, 1, 1), 0x6212dc34],
  ];
  for (const [name, word, esr] of traps) {
    it(`${name} with UCI = 0 traps`, () => {
      expectTrap(vectoredMachine(), [word], 0, esr);
    });
  }
  const undefs: [string, number][] = [
    ['IC IALLU', a64.sys(0, 7, 5, 0, 31)],
    ['IC IALLUIS', a64.sys(0, 7, 1, 0, 31)],
    ['TLBI VMALLE1', a64.sys(0, 8, 7, 0, 31)],
    ['TLBI VAE1IS, X0', a64.sys(0, 8, 3, 1, 0)],
    ['DC IVAC, X1', a64.sys(0, 7, 6, 1, 1)],
    ['DC CISW, X1', a64.sys(0, 7, 14, 2, 1)],
    ['AT S1E0R, X1', a64.sys(0, 7, 8, 2, 1)],
    ['SYS #3, C7, C5, #0, X0 (unallocated)', a64.sys(3, 7, 5, 0, 0)],
    ['SYSL X0, #3, C0, C0, #0', 0xd52b0000],
    ['ERET', a64.eret],
  ];
  for (const [name, word] of undefs) {
    it(`${name} is UNDEFINED`, () => {
      expectTrap(vectoredMachine(), [word], 0, UNDEF);
    });
  }

  it('with UCI = 1 the clean operations run at EL0', () => {
    const m = vectoredMachine();
    m.cpu.sys.sctlr |= SCTLR_UCI;
    m.cpu.writeX(1, RAM_BASE + 0x2000n);
    expectRuns(m, [a64.sys(3, 7, 14, 1, 1), a64.sys(3, 7, 11, 1, 1), a64.sys(3, 7, 5, 1, 1), a64.sys(3, 7, 12, 1, 1), a64.sys(3, 7, 14, 3, 1)], 0);
  });
});

describe('DC ZVA, GVA, GZVA (exec/loadstore.ts, exec/mte.ts) through SYS', () => {
  it('at EL0 with DZE = 0 trap with EC 0x18 (QEMU)', () => {
    expectTrap(vectoredMachine(), [a64.sys(3, 7, 4, 1, 1)], 0, 0x6212dc28);
    expectTrap(vectoredMachine(), [a64.sys(3, 7, 4, 3, 1)], 0, 0x6216dc28);
    expectTrap(vectoredMachine(), [a64.sys(3, 7, 4, 4, 1)], 0, 0x6218dc28);
  });

  it('at EL0 with DZE = 1, DC ZVA zeroes its 64-byte block', () => {
    const m = vectoredMachine({ mmu: true, el0Alias: true });
    m.cpu.sys.sctlr |= SCTLR_DZE;
    m.mem.bytes.fill(0xaa, 0x3000, 0x3100);
    m.cpu.writeX(1, RAM_BASE + EL0_ALIAS + 0x3047n);
    const va = CODE_BASE + EL0_ALIAS + 0x100n;
    expect(exec(m, [a64.sys(3, 7, 4, 1, 1)], 0, va, CODE_BASE + 0x100n).reason).toBe('until');
    expect([m.mem.bytes[0x303f], m.mem.bytes[0x3040], m.mem.bytes[0x307f], m.mem.bytes[0x3080]]).toEqual([0xaa, 0, 0, 0xaa]);
    // An EL1-only page: permission fault, WnR = 1, CM = 0, FAR = Xt (QEMU reports the same at level 1).
    m.cpu.writeX(1, RAM_BASE + 0x3047n);
    const o = exec(m, [a64.sys(3, 7, 4, 1, 1)], 0, va, CODE_BASE + 0x100n);
    expect(hex32(o.esr)).toBe('0x9200004e');
    expect(o.far).toBe(RAM_BASE + 0x3047n);
  });

  it('at EL1 on an unmapped VA: translation fault with WnR = 1, CM = 0, FAR = Xt with its tag (QEMU)', () => {
    const m = vectoredMachine({ mmu: true });
    m.cpu.writeX(1, 0x8000_0000n);
    const o = exec(m, [a64.sys(3, 7, 4, 1, 1)], 1);
    expect(hex32(o.esr)).toBe('0x96000045');
    expect(o.far).toBe(0x8000_0000n);
    m.cpu.writeX(1, 0x0500_0000_8000_0010n);
    const o2 = exec(m, [a64.sys(3, 7, 4, 3, 1)], 1);
    expect(hex32(o2.esr)).toBe('0x96000045');
    expect(o2.far).toBe(0x0500_0000_8000_0010n);
  });
});

describe('SYS at EL1: unallocated and feature-less encodings', () => {
  for (const [name, word] of [
    ['SYS #0, C0, C0, #0, X0', a64.sys(0, 0, 0, 0, 0)],
    ['SYSL X0, #0, C0, C0, #0', 0xd5280000],
    ['CFP RCTX, X0 (no FEAT_SPECRES)', a64.sys(3, 7, 3, 4, 0)],
    ['TLBI ALLE1 (EL2)', a64.sys(4, 8, 7, 4, 31)],
    ['AT S1E2R, X0 (EL2)', a64.sys(4, 7, 8, 0, 0)],
  ] as const) {
    it(`${name} is UNDEFINED`, () => {
      expectTrap(vectoredMachine(), [word], 1, UNDEF);
    });
  }
});

// ---- Cache maintenance: translation and permission checks (ASL AArch64.DC/IC)

describe('DC/IC by VA: faults report CM = 1, WnR = 1, FAR = Xt', () => {
  it('EL0 clean of an EL1-only page is a permission fault (QEMU treats DC as a NOP)', () => {
    const m = vectoredMachine({ mmu: true, el0Alias: true });
    m.cpu.sys.sctlr |= SCTLR_UCI;
    m.cpu.writeX(1, RAM_BASE + 0x200010n);
    const va = CODE_BASE + EL0_ALIAS + 0x100n;
    const o = exec(m, [a64.sys(3, 7, 14, 1, 1)], 0, va, CODE_BASE + 0x100n);
    expect(o.vector).toBe(0x400);
    expect(o.esr).toBe(0x9200014e); // EC 0x24, CM, WnR, permission fault level 2
    expect(o.far).toBe(RAM_BASE + 0x200010n);
    expect(o.elr).toBe(va);
    // IC IVAU needs the same read permission (mte-arch.md §6.4; IMPDEF in the architecture).
    const o2 = exec(m, [a64.sys(3, 7, 5, 1, 1)], 0, va, CODE_BASE + 0x100n);
    expect(o2.esr).toBe(0x9200014e);
    // Through the EL0 alias the same memory is readable: no fault.
    m.cpu.writeX(1, RAM_BASE + EL0_ALIAS + 0x200010n);
    expect(exec(m, [a64.sys(3, 7, 14, 1, 1), a64.sys(3, 7, 5, 1, 1)], 0, va, CODE_BASE + 0x100n).reason).toBe('until');
  });

  it('EL1 maintenance of an unmapped VA is a translation fault', () => {
    const m = vectoredMachine({ mmu: true });
    m.cpu.writeX(1, 0x0500_0000_8000_0010n);
    for (const w of [a64.sys(3, 7, 14, 1, 1), a64.sys(3, 7, 10, 1, 1), a64.sys(0, 7, 6, 1, 1), a64.sys(3, 7, 5, 1, 1)]) {
      const o = exec(m, [w], 1);
      expect(o.vector).toBe(0x200);
      expect(o.esr).toBe(0x96000145); // EC 0x25, CM, WnR, translation fault level 1
      expect(o.far).toBe(0x0500_0000_8000_0010n);
    }
  });

  it('EL1 clean ignores PAN and EL0 permissions; DC IVAC needs write permission', () => {
    const m = vectoredMachine({ mmu: true, el0Alias: true });
    m.cpu.pan = 1;
    m.cpu.writeX(1, RAM_BASE + EL0_ALIAS + 0x3000n);
    expectRuns(m, [a64.sys(3, 7, 14, 1, 1), a64.sys(0, 7, 6, 1, 1)], 1);
  });
});

describe('IC IVAU / IC IALLU invalidate decoded instructions', () => {
  it('code changed behind the CPU stays stale until IC; then runs (self-modifying code)', () => {
    const m = vectoredMachine();
    // ADD X0, X1, #v with X1 = 0 (the integer families may not be there yet; ADD is).
    const setX0 = (v: number): number => a64.addImm(0, 1, v);
    m.cpu.writeX(1, 0n);
    const target = CODE_BASE + 0x100n;
    exec(m, [setX0(1)], 1, target, target, true);
    expect(m.cpu.readX(0)).toBe(1n);
    // The new word lands in RAM without a guest store: the decoded page still holds MOVZ #1.
    exec(m, [setX0(2)], 1, target, target, true);
    expect(m.cpu.readX(0)).toBe(1n);
    // ISB alone does not discard decoded instructions.
    exec(m, [ISB], 1, CODE_BASE + 0x200n, CODE_BASE + 0x200n, true);
    exec(m, [setX0(2)], 1, target, target, true);
    expect(m.cpu.readX(0)).toBe(1n);
    // IC IVAU on the line, ISB, then the new instruction runs. (Each helper program has its own
    // address: a slot decoded once would otherwise be stale too.)
    m.cpu.writeX(5, target);
    exec(m, [a64.sys(3, 7, 5, 1, 5), ISB], 1, CODE_BASE + 0x300n, CODE_BASE + 0x300n, true);
    exec(m, [setX0(2)], 1, target, target, true);
    expect(m.cpu.readX(0)).toBe(2n);
    // IC IALLU at EL1, and IC IVAU at EL0 with UCI = 1, do the same.
    exec(m, [setX0(3)], 1, target, target, true);
    expect(m.cpu.readX(0)).toBe(2n);
    exec(m, [a64.sys(0, 7, 5, 0, 31), ISB], 1, CODE_BASE + 0x400n, CODE_BASE + 0x400n, true);
    exec(m, [setX0(3)], 1, target, target, true);
    expect(m.cpu.readX(0)).toBe(3n);
    exec(m, [setX0(4)], 0, target, target, true);
    m.cpu.sys.sctlr |= SCTLR_UCI;
    exec(m, [a64.sys(3, 7, 5, 1, 5), ISB], 0, CODE_BASE + 0x500n, CODE_BASE + 0x500n, true);
    exec(m, [setX0(4)], 0, target, target, true);
    expect(m.cpu.readX(0)).toBe(4n);
  });
});

// ---- TLB maintenance and AT, on a page-table layout of our own

const L1 = RAM_BASE + 0xf00000n;
const L2 = L1 + 0x1000n;
const L3 = L1 + 0x2000n;
/** VA of the 2 MiB region mapped by L3 pages. */
const PAGES = RAM_BASE + 0xa00000n;
const P1 = RAM_BASE + 0x800000n;
const P2 = RAM_BASE + 0x801000n;
const AF = 1n << 10n;
const NG = 1n << 11n;
const ISH = 3n << 8n;
const ap = (v: number): bigint => BigInt(v) << 6n;
const attrIdx = (v: number): bigint => BigInt(v) << 2n;

function w64(m: Machine, pa: bigint, v: bigint): void {
  m.mem.view.setBigUint64(Number(pa - RAM_BASE), v, true);
}

/**
 * MMU on with T0SZ = 25 (walk from level 1), 16-bit ASIDs, TBI0: identity 2 MiB blocks (EL1
 * only, global) for RAM 0x40000000..0x409fffff and the tables, and L3 pages for PAGES.
 * MAIR: 0 = Tagged Normal 0xF0, 1 = Device-nGnRnE, 2 = Normal 0xFF, 3 = Normal non-cacheable.
 */
function paged(asid = 1): Machine {
  const m = vectoredMachine();
  w64(m, L1 + 8n, L2 | 3n);
  for (const i of [0n, 1n, 2n, 3n, 4n, 7n]) w64(m, L2 + i * 8n, (RAM_BASE + (i << 21n)) | AF | ISH | 1n);
  w64(m, L2 + 5n * 8n, L3 | 3n);
  m.mem.view.setBigUint64(Number(P1 - RAM_BASE), 0x1111n, true);
  m.mem.view.setBigUint64(Number(P2 - RAM_BASE), 0x2222n, true);
  const s = m.cpu.sys;
  s.mair = 0x44ff00f0n;
  s.tcr = 25n | (1n << 37n) | (5n << 32n) | (1n << 23n) | (1n << 36n);
  s.ttbr0 = L1 | (BigInt(asid) << 48n);
  s.sctlr |= 1n;
  m.cpu.hooks.translationChanged('sctlr');
  return m;
}

/** Maps page `n` of PAGES. */
function mapPage(m: Machine, n: number, desc: bigint): void {
  w64(m, L3 + BigInt(n) * 8n, desc | 3n);
}

/** A data read at EL1 through the memory path (and so through the TLB). */
function read(m: Machine, va: bigint): number {
  return m.mmu.read64(Number(va & 0xffffffffn), Number(va >> 32n), 0);
}

/** TLBI operand for a VA: Xt[43:0] = VA[55:12], Xt[63:48] = ASID. */
const vaOperand = (va: bigint, asid: number): bigint => ((va >> 12n) & ((1n << 44n) - 1n)) | (BigInt(asid) << 48n);

const TLBI = {
  VMALLE1: a64.sys(0, 8, 7, 0, 31), VAE1: a64.sys(0, 8, 7, 1, 13), ASIDE1: a64.sys(0, 8, 7, 2, 13), VAAE1: a64.sys(0, 8, 7, 3, 13),
  VALE1: a64.sys(0, 8, 7, 5, 13), VAALE1: a64.sys(0, 8, 7, 7, 13),
};

/** Caches P1 for PAGES (page 0), then points the page-table entry at P2 without maintenance. */
function staleSetup(nG: boolean, asid = 1): Machine {
  const m = paged(asid);
  mapPage(m, 0, P1 | AF | ISH | (nG ? NG : 0n));
  expect(read(m, PAGES)).toBe(0x1111);
  mapPage(m, 0, P2 | AF | ISH | (nG ? NG : 0n));
  expect(read(m, PAGES)).toBe(0x1111); // the TLB keeps the old translation
  return m;
}

function tlbi(m: Machine, word: number, xt = 0n): void {
  m.cpu.writeX(13, xt);
  expectRuns(m, [word, 0xd5033b9f /* DSB ISH */, ISB], 1);
}

describe('TLBI: a stale entry stays until the right invalidation', () => {
  it('VAE1 of another page keeps it; VAE1 of the page removes it', () => {
    const m = staleSetup(true);
    tlbi(m, TLBI.VAE1, vaOperand(PAGES + 0x1000n, 1));
    expect(read(m, PAGES)).toBe(0x1111);
    tlbi(m, TLBI.VAE1, vaOperand(PAGES, 1));
    expect(read(m, PAGES)).toBe(0x2222);
  });

  it('VAE1 with another ASID keeps an ASID-tagged entry but removes a global one', () => {
    const m = staleSetup(true);
    tlbi(m, TLBI.VAE1, vaOperand(PAGES, 2));
    expect(read(m, PAGES)).toBe(0x1111);
    const g = staleSetup(false);
    tlbi(g, TLBI.VAE1, vaOperand(PAGES, 2));
    expect(read(g, PAGES)).toBe(0x2222);
  });

  it('ASIDE1 of another ASID keeps the entry; of its ASID removes it', () => {
    const m = staleSetup(true);
    tlbi(m, TLBI.ASIDE1, 2n << 48n);
    expect(read(m, PAGES)).toBe(0x1111);
    tlbi(m, TLBI.ASIDE1, 1n << 48n);
    expect(read(m, PAGES)).toBe(0x2222);
  });

  it('global entries survive ASIDE1; VMALLE1 removes them', () => {
    const m = staleSetup(false);
    tlbi(m, TLBI.ASIDE1, 1n << 48n);
    expect(read(m, PAGES)).toBe(0x1111);
    tlbi(m, TLBI.VMALLE1);
    expect(read(m, PAGES)).toBe(0x2222);
  });

  it('VAAE1 and VAALE1 hit every ASID', () => {
    for (const w of [TLBI.VAAE1, TLBI.VAALE1]) {
      const m = staleSetup(true);
      tlbi(m, w, vaOperand(PAGES, 7));
      expect(read(m, PAGES)).toBe(0x2222);
    }
  });

  it('VALE1 removes the last-level entry for its ASID', () => {
    const m = staleSetup(true);
    tlbi(m, TLBI.VALE1, vaOperand(PAGES, 1));
    expect(read(m, PAGES)).toBe(0x2222);
  });

  it('the IS and OS forms act like the local ones; range forms invalidate (at least) the range', () => {
    const forms: [number, bigint][] = [
      [a64.sys(0, 8, 3, 0, 31), 0n], [a64.sys(0, 8, 1, 0, 31), 0n],
      [a64.sys(0, 8, 3, 1, 13), vaOperand(PAGES, 1)], [a64.sys(0, 8, 1, 1, 13), vaOperand(PAGES, 1)],
      [a64.sys(0, 8, 3, 2, 13), 1n << 48n], [a64.sys(0, 8, 1, 2, 13), 1n << 48n],
      [a64.sys(0, 8, 3, 3, 13), vaOperand(PAGES, 9)], [a64.sys(0, 8, 1, 7, 13), vaOperand(PAGES, 9)],
      [a64.sys(0, 8, 3, 5, 13), vaOperand(PAGES, 1)], [a64.sys(0, 8, 1, 5, 13), vaOperand(PAGES, 1)],
      // RVAE1, RVAE1IS, RVAALE1OS (FEAT_TLBIRANGE)
      [a64.sys(0, 8, 6, 1, 13), (1n << 48n) | (1n << 46n) | (PAGES >> 12n)], [a64.sys(0, 8, 2, 1, 13), 1n << 48n], [a64.sys(0, 8, 5, 7, 13), 0n],
    ];
    for (const [w, xt] of forms) {
      const m = staleSetup(true);
      tlbi(m, w, xt);
      expect(read(m, PAGES), `0x${w.toString(16)}`).toBe(0x2222);
    }
  });

  it('with 8-bit ASIDs (TCR_EL1.AS = 0) the operand ASID[15:8] is ignored', () => {
    const m = staleSetup(true);
    m.cpu.sys.tcr &= ~(1n << 36n);
    tlbi(m, TLBI.ASIDE1, 0x0101n << 48n);
    expect(read(m, PAGES)).toBe(0x2222);
  });

  it('entries are ASID-tagged: a TTBR0 ASID switch walks afresh, switching back finds the stale entry', () => {
    const m = staleSetup(true);
    m.cpu.writeX(14, L1 | (2n << 48n));
    m.cpu.writeX(15, L1 | (1n << 48n));
    expectRuns(m, [a64.msr(3, 0, 2, 0, 0, 14), ISB], 1);
    expect(read(m, PAGES)).toBe(0x2222);
    expectRuns(m, [a64.msr(3, 0, 2, 0, 0, 15), ISB], 1);
    expect(read(m, PAGES)).toBe(0x1111);
  });
});

describe('AT: PAR_EL1 (values in QEMU 10 format: bit 11 RES1, NS = 1)', () => {
  const AT = { S1E1R: a64.sys(0, 7, 8, 0, 1), S1E1W: a64.sys(0, 7, 8, 1, 1), S1E0R: a64.sys(0, 7, 8, 2, 1), S1E0W: a64.sys(0, 7, 8, 3, 1), S1E1RP: a64.sys(0, 7, 9, 0, 1), S1E1WP: a64.sys(0, 7, 9, 1, 1) };
  const at = (m: Machine, word: number, va: bigint): bigint => {
    m.cpu.writeX(1, va);
    expectRuns(m, [word, ISB, mrs(0, R.PAR)], 1);
    expect(m.cpu.readX(0)).toBe(m.cpu.sys.par);
    return m.cpu.sys.par;
  };
  const hex = (v: bigint): string => '0x' + v.toString(16);

  it('successful translations: PA, ATTR, SH (0b10 for Device and non-cacheable), NS', () => {
    const m = paged();
    mapPage(m, 0, P1 | AF | ISH);
    mapPage(m, 1, P1 | AF | ISH | attrIdx(1));
    mapPage(m, 2, P1 | AF | ISH | attrIdx(3));
    mapPage(m, 3, P1 | AF | attrIdx(2));
    expect(hex(at(m, AT.S1E1R, PAGES + 0x123n))).toBe('0xf000000040800b80');
    expect(hex(at(m, AT.S1E1W, PAGES))).toBe('0xf000000040800b80');
    expect(hex(at(m, AT.S1E1R, 0x0500_0000_0000_0000n | PAGES))).toBe('0xf000000040800b80'); // TBI0
    expect(hex(at(m, AT.S1E1R, PAGES + 0x1000n))).toBe('0x40800b00');
    expect(hex(at(m, AT.S1E1R, PAGES + 0x2000n))).toBe('0x4400000040800b00');
    expect(hex(at(m, AT.S1E1R, PAGES + 0x3000n))).toBe('0xff00000040800a00');
    expect(hex(at(m, AT.S1E1R, RAM_BASE + 0x123456n))).toBe('0xf000000040123b80'); // a 2 MiB block
  });

  it('faults: translation (levels 0, 1, 2), access flag, permission by EL', () => {
    const m = paged();
    mapPage(m, 0, P1 | AF | ISH | ap(0));
    mapPage(m, 1, P1 | AF | ISH | ap(1));
    mapPage(m, 2, P1 | AF | ISH | ap(2));
    mapPage(m, 3, P1 | AF | ISH | ap(3));
    mapPage(m, 4, P1 | ISH);
    expect(hex(at(m, AT.S1E1R, 0x80_0000_0000n))).toBe('0x809'); // QEMU: above 39 bits, level 0
    expect(hex(at(m, AT.S1E1R, 0x8000_0000n))).toBe('0x80b'); // QEMU: level 1
    expect(hex(at(m, AT.S1E1R, RAM_BASE + 0xc00000n))).toBe('0x80d'); // level 2
    expect(hex(at(m, AT.S1E1R, PAGES + 0x5000n))).toBe('0x80f'); // level 3
    expect(hex(at(m, AT.S1E1R, PAGES + 0x4000n))).toBe('0x817'); // access flag, level 3
    expect(hex(at(m, AT.S1E0R, PAGES))).toBe('0x81f'); // EL1-only page
    expect(hex(at(m, AT.S1E0W, PAGES + 0x1000n))).toBe('0xf000000040800b80');
    expect(hex(at(m, AT.S1E1W, PAGES + 0x2000n))).toBe('0x81f'); // EL1 read-only
    expect(hex(at(m, AT.S1E1R, PAGES + 0x2000n))).toBe('0xf000000040800b80');
    expect(hex(at(m, AT.S1E0W, PAGES + 0x3000n))).toBe('0x81f'); // read-only for both
    expect(hex(at(m, AT.S1E0R, PAGES + 0x3000n))).toBe('0xf000000040800b80');
  });

  it('PAN applies to S1E1RP/S1E1WP only (QEMU)', () => {
    const m = paged();
    mapPage(m, 1, P1 | AF | ISH | ap(1));
    expect(hex(at(m, AT.S1E1RP, PAGES + 0x1000n))).toBe('0xf000000040800b80');
    m.cpu.pan = 1;
    expect(hex(at(m, AT.S1E1RP, PAGES + 0x1000n))).toBe('0x81f');
    expect(hex(at(m, AT.S1E1WP, PAGES + 0x1000n))).toBe('0x81f');
    expect(hex(at(m, AT.S1E1R, PAGES + 0x1000n))).toBe('0xf000000040800b80');
  });

  it('AT walks afresh: it sees a changed entry the TLB still holds stale (as QEMU)', () => {
    const m = staleSetup(true);
    expect(hex(at(m, AT.S1E1R, PAGES))).toBe('0xf000000040801b80');
    expect(read(m, PAGES)).toBe(0x1111);
  });

  it('with the MMU off: PA = VA, Device-nGnRnE', () => {
    const m = vectoredMachine();
    expect(hex(at(m, AT.S1E1R, RAM_BASE + 0x1234n))).toBe('0x40001b00');
  });
});

// Loads and stores (emulator/exec/loadstore.ts): every addressing mode and size, sign
// extension, writeback, pairs, literal, prefetch, the ordered forms, unprivileged accesses,
// page-crossing accesses, fault priority and syndromes, and DC ZVA.

import { describe, expect, it } from 'vitest';
import { decodeOp } from '../emulator/decoded.js';
import { ArchException } from '../emulator/exceptions.js';
import { DCZ_BLOCK_BYTES, executeDcZva } from '../emulator/exec/loadstore.js';
import { MemoryFault } from '../mmu/access.js';
import {
  DABT_LOWER, DABT_SAME, DATA, enableMte, enterEl0, esr, fill, insn, memMachine, read64, readBytes, run, SCTLR, setPageAp, setPageAttr,
  setSctlr, setTags, tagged, taken, TCF, unmapPage, write64, WNR, type MemMachine,
} from './helpers/mem.js';
import { bareMachine, RAM_BASE } from './helpers/machine.js';

const X = (mm: MemMachine, n: number): bigint => mm.m.cpu.readX(n);

/** Runs `src` with x1 = DATA (and other registers as given); expects it to complete. */
function exec(src: string, regs: Record<number, bigint> = {}, setup?: (mm: MemMachine) => void): MemMachine {
  const mm = memMachine(src);
  mm.m.cpu.writeX(1, DATA);
  for (const [n, v] of Object.entries(regs)) mm.m.cpu.writeX(Number(n), BigInt.asUintN(64, v));
  setup?.(mm);
  run(mm);
  expect(taken(mm)).toBeUndefined();
  return mm;
}

/** Runs `src` expecting it to stop at the first instruction with a Data Abort. */
function abort(src: string, regs: Record<number, bigint> = {}, setup?: (mm: MemMachine) => void): MemMachine {
  const mm = memMachine(src);
  mm.m.cpu.writeX(1, DATA);
  for (const [n, v] of Object.entries(regs)) mm.m.cpu.writeX(Number(n), BigInt.asUintN(64, v));
  setup?.(mm);
  run(mm);
  expect(taken(mm)).toBeDefined();
  return mm;
}

const PATTERN = 0x8182838485868788n;

describe('single-register loads: sizes and extension', () => {
  const cases: [string, bigint][] = [
    ['ldrb w0, [x1]', 0x88n],
    ['ldrh w0, [x1]', 0x8788n],
    ['ldr w0, [x1]', 0x85868788n],
    ['ldr x0, [x1]', PATTERN],
    ['ldrsb w0, [x1]', 0xffffff88n],
    ['ldrsb x0, [x1]', 0xffffffffffffff88n],
    ['ldrsh w0, [x1]', 0xffff8788n],
    ['ldrsh x0, [x1]', 0xffffffffffff8788n],
    ['ldrsw x0, [x1]', 0xffffffff85868788n],
    ['ldrsb w0, [x1, #8]', 0x7fn],
    ['ldrsh x0, [x1, #8]', 0x7f7fn],
    ['ldrsw x0, [x1, #8]', 0x7f7f7f7fn],
  ];
  for (const [src, want] of cases) {
    it(src, () => {
      const mm = exec(src, { 0: -1n }, (mm) => {
        write64(mm.m, DATA, PATTERN);
        write64(mm.m, DATA + 8n, 0x7f7f7f7f7f7f7f7fn);
      });
      expect(X(mm, 0)).toBe(want);
    });
  }
});

describe('single-register stores: sizes', () => {
  const cases: [string, bigint][] = [
    ['strb w0, [x1]', 0xeeeeeeeeeeeeee88n],
    ['strh w0, [x1]', 0xeeeeeeeeeeee8788n],
    ['str w0, [x1]', 0xeeeeeeee85868788n],
    ['str x0, [x1]', PATTERN],
  ];
  for (const [src, want] of cases) {
    it(src, () => {
      const mm = exec(src, { 0: PATTERN }, (mm) => fill(mm.m, DATA, 16, 0xee));
      expect(read64(mm.m, DATA)).toBe(want);
      expect(read64(mm.m, DATA + 8n)).toBe(0xeeeeeeeeeeeeeeeen);
    });
  }
});

describe('addressing modes', () => {
  it('unsigned offset is scaled by the size', () => {
    const mm = exec('ldrh w2, [x1, #6]\nldr w3, [x1, #12]\nldr x4, [x1, #32760]\nstr x4, [x1, #16]', {}, (mm) => {
      write64(mm.m, DATA, 0x1111222233334444n);
      write64(mm.m, DATA + 8n, 0x5555666677778888n);
      write64(mm.m, DATA + 32760n, 0x0123456789abcdefn);
    });
    expect(X(mm, 2)).toBe(0x1111n);
    expect(X(mm, 3)).toBe(0x55556666n);
    expect(X(mm, 4)).toBe(0x0123456789abcdefn);
    expect(read64(mm.m, DATA + 16n)).toBe(0x0123456789abcdefn);
  });

  it('unscaled offset, negative and unaligned', () => {
    const mm = exec('ldur x2, [x1, #-3]\nstur w2, [x1, #5]\nldurh w3, [x1, #255]', { 1: DATA + 16n }, (mm) => {
      write64(mm.m, DATA + 8n, 0x0102030405060708n);
      write64(mm.m, DATA + 16n, 0x1112131415161718n);
    });
    expect(X(mm, 2)).toBe(0x1415161718010203n);
    expect(readBytes(mm.m, DATA + 21n, 4)).toEqual([0x03, 0x02, 0x01, 0x18]);
    expect(X(mm, 3)).toBe(0n);
  });

  it('pre-index writes the address back before... only after the access', () => {
    const mm = exec('ldr x2, [x1, #8]!\nstr x2, [x1, #-16]!', {}, (mm) => write64(mm.m, DATA + 8n, 42n));
    expect(X(mm, 2)).toBe(42n);
    expect(X(mm, 1)).toBe(DATA - 8n);
    expect(read64(mm.m, DATA - 8n)).toBe(42n);
  });

  it('post-index accesses the base, then adds the offset', () => {
    const mm = exec('ldrb w2, [x1], #1\nldrb w3, [x1], #-256\nstrh w2, [x1], #255', {}, (mm) => write64(mm.m, DATA, 0xbbaan));
    expect(X(mm, 2)).toBe(0xaan);
    expect(X(mm, 3)).toBe(0xbbn);
    expect(X(mm, 1)).toBe(DATA - 255n + 255n);
    expect(readBytes(mm.m, DATA - 255n, 2)).toEqual([0xaa, 0]);
  });

  it('a load with writeback into its own base: the writeback wins (QEMU order)', () => {
    const mm = exec('ldr x1, [x1], #8', {}, (mm) => write64(mm.m, DATA, 0x1234n));
    expect(X(mm, 1)).toBe(DATA + 8n);
  });

  it('a store with writeback of its own base stores the old value', () => {
    const mm = exec('str x1, [x1, #8]!');
    expect(read64(mm.m, DATA + 8n)).toBe(DATA);
    expect(X(mm, 1)).toBe(DATA + 8n);
  });

  it('register offset: LSL, UXTW, SXTW, SXTX, with and without scaling', () => {
    const src = [
      'ldr x10, [x1, x2]', // x2 = 8
      'ldr x11, [x1, x3, lsl #3]', // x3 = 2
      'ldr w12, [x1, w4, uxtw #2]', // w4 = 3 (upper bits of x4 ignored)
      'ldr x13, [x1, w5, sxtw]', // w5 = -8
      'ldrh w14, [x1, x6, sxtx #1]', // x6 = -1
      'ldrb w15, [x1, x7, lsl #0]', // x7 = 9
      'strb w15, [x1, w4, uxtw]',
    ].join('\n');
    const mm = exec(src, { 1: DATA + 64n, 2: 8n, 3: 2n, 4: 0xffffffff00000003n, 5: 0xfffffff8n, 6: -1n, 7: 9n }, (mm) => {
      for (let i = -2n; i < 4n; i++) write64(mm.m, DATA + 64n + i * 8n, 0x1000n * (i + 10n) + 0x1122n);
    });
    expect(X(mm, 10)).toBe(0xc122n);
    expect(X(mm, 11)).toBe(0xd122n);
    expect(X(mm, 12)).toBe(0n);
    expect(X(mm, 13)).toBe(0xa122n);
    expect(X(mm, 14)).toBe(0n);
    expect(X(mm, 15)).toBe(0xc1n);
    expect(readBytes(mm.m, DATA + 67n, 1)).toEqual([0xc1]);
  });

  it('register 31 is XZR for Rt and the index, SP for the base', () => {
    const mm = exec('str xzr, [x1]\nstr x2, [sp, #-16]!\nldr x3, [sp], #16\nldr x4, [x1, xzr]', { 2: 77n }, (mm) => write64(mm.m, DATA, -1n));
    expect(read64(mm.m, DATA)).toBe(0n);
    expect(X(mm, 3)).toBe(77n);
    expect(X(mm, 4)).toBe(0n);
    expect(mm.m.cpu.readSp()).toBe(RAM_BASE + 0x1000000n - 0x20000n);
  });

  it('loads to XZR are discarded', () => {
    const mm = exec('ldr xzr, [x1]\norr x2, xzr, xzr', {}, (mm) => write64(mm.m, DATA, 5n));
    expect(X(mm, 2)).toBe(0n);
  });
});

describe('literal and prefetch', () => {
  it('LDR (literal) W/X/LDRSW', () => {
    const mm = exec('ldr w2, 1f\nldr x3, 1f\nldrsw x4, 1f\nb 2f\n.balign 8\n1: .quad 0x11223344aabbccdd\n2:');
    expect(X(mm, 2)).toBe(0xaabbccddn);
    expect(X(mm, 3)).toBe(0x11223344aabbccddn);
    expect(X(mm, 4)).toBe(0xffffffffaabbccddn);
  });

  it('PRFM never accesses memory, faults or checks SP alignment', () => {
    const mm = exec('prfm pldl1keep, [x2]\nprfum pstl2strm, [x2, #-1]\nprfm plil3keep, [x2, x3, lsl #3]\nprfm pldl1keep, [sp, #8]\nprfm pldl1keep, 1f\n1:', { 2: 0x7fff00000000n, 3: 7n }, (mm) => {
      mm.m.cpu.writeSp(RAM_BASE + 0x100003n);
      setSctlr(mm.m, SCTLR.SA);
    });
    expect(mm.m.instructions).toBe(5);
  });
});

describe('pairs', () => {
  it('LDP/STP W and X, offset, pre and post-index', () => {
    const src = [
      'stp x2, x3, [x1]',
      'stp w4, w5, [x1, #16]',
      'ldp x6, x7, [x1]',
      'ldp w8, w9, [x1, #16]',
      'stp x3, x2, [x1, #32]!',
      'ldp w10, w11, [x1], #-8',
    ].join('\n');
    const mm = exec(src, { 2: 0x1111111111111111n, 3: 0x2222222222222222n, 4: 0x33333333aaaaaaaan, 5: 0x44444444bbbbbbbbn });
    expect(X(mm, 6)).toBe(0x1111111111111111n);
    expect(X(mm, 7)).toBe(0x2222222222222222n);
    expect(X(mm, 8)).toBe(0xaaaaaaaan);
    expect(X(mm, 9)).toBe(0xbbbbbbbbn);
    expect(read64(mm.m, DATA + 16n)).toBe(0xbbbbbbbbaaaaaaaan);
    expect(read64(mm.m, DATA + 32n)).toBe(0x2222222222222222n);
    expect(X(mm, 10)).toBe(0x22222222n);
    expect(X(mm, 11)).toBe(0x22222222n);
    expect(X(mm, 1)).toBe(DATA + 24n);
  });

  it('LDPSW sign-extends; LDNP/STNP behave as LDP/STP; unaligned pairs work', () => {
    const mm = exec('ldpsw x2, x3, [x1]\nstnp x2, x3, [x1, #24]\nldnp w4, w5, [x1, #4]\nldp x6, x7, [x8]', { 8: DATA + 3n }, (mm) => {
      write64(mm.m, DATA, 0x7fffffff80000000n);
    });
    expect(X(mm, 2)).toBe(0xffffffff80000000n);
    expect(X(mm, 3)).toBe(0x7fffffffn);
    expect(read64(mm.m, DATA + 24n)).toBe(0xffffffff80000000n);
    expect(read64(mm.m, DATA + 32n)).toBe(0x7fffffffn);
    expect(X(mm, 4)).toBe(0x7fffffffn);
    expect(X(mm, 5)).toBe(0n);
    expect(X(mm, 6)).toBe(0x0000007fffffff80n);
  });

  it('a pair store faulting on its second page stores nothing (FAR = the second page)', () => {
    const page2 = DATA + 0x2000n;
    const mm = abort('stp x2, x3, [x1]', { 1: page2 - 8n, 2: -1n, 3: -1n }, (mm) => unmapPage(mm.m, page2));
    expect(taken(mm)).toEqual({ esr: esr(DABT_SAME, WNR | 0x07), far: page2, elr: insn(0), vector: 0x200n });
    expect(read64(mm.m, page2 - 8n)).toBe(0n);
    expect(X(mm, 1)).toBe(page2 - 8n);
  });

  it('a pair load faulting leaves both registers and the base unchanged', () => {
    const page2 = DATA + 0x2000n;
    const mm = abort('ldp x2, x3, [x1], #16', { 1: page2 - 8n, 2: 5n, 3: 6n }, (mm) => unmapPage(mm.m, page2));
    expect(taken(mm)!.esr).toBe(esr(DABT_SAME, 0x07));
    expect([X(mm, 1), X(mm, 2), X(mm, 3)]).toEqual([page2 - 8n, 5n, 6n]);
  });

  it('a pair store into a read-only second page: permission fault, nothing stored', () => {
    const page2 = DATA + 0x3000n;
    const mm = abort('stp w2, w3, [x1]', { 1: page2 - 4n, 2: -1n, 3: -1n }, (mm) => setPageAp(mm.m, page2, 2n));
    expect(taken(mm)).toEqual({ esr: esr(DABT_SAME, WNR | 0x0f), far: page2, elr: insn(0), vector: 0x200n });
    expect(read64(mm.m, page2 - 8n)).toBe(0n);
  });

  it('Device memory (MMU off) needs each element aligned, not the pair', () => {
    const m = bareMachine([0xa9000c22, 0xa9401424]); // stp x2, x3, [x1]; ldp x4, x5, [x1]
    m.cpu.writeX(1, RAM_BASE + 0x100008n);
    m.cpu.writeX(2, 1n);
    m.cpu.writeX(3, 2n);
    m.run(2, RAM_BASE + 8n);
    expect([m.cpu.readX(4), m.cpu.readX(5)]).toEqual([1n, 2n]);
  });
});

describe('page-crossing single accesses', () => {
  it('an unaligned load crossing two mapped pages reads both', () => {
    const page2 = DATA + 0x1000n;
    const mm = exec('ldr x2, [x1]', { 1: page2 - 3n }, (mm) => {
      write64(mm.m, page2 - 8n, 0xaabbccdd00000000n);
      write64(mm.m, page2, 0x0000000000112233n);
    });
    expect(X(mm, 2)).toBe(0x112233aabbccn);
  });

  it('a store crossing into an unmapped page: translation fault L3, FAR = the second page, nothing stored', () => {
    const page2 = DATA + 0x1000n;
    const mm = abort('str x2, [x1]', { 1: page2 - 2n, 2: -1n }, (mm) => unmapPage(mm.m, page2));
    expect(taken(mm)).toEqual({ esr: esr(DABT_SAME, WNR | 0x07), far: page2, elr: insn(0), vector: 0x200n });
    expect(readBytes(mm.m, page2 - 2n, 2)).toEqual([0, 0]);
  });

  it('a tagged store crossing pages whose second granule mismatches: nothing stored, FAR = that granule', () => {
    const page2 = DATA + 0x1000n;
    const mm = abort('str x2, [x1]', { 1: tagged(page2 - 4n, 3), 2: -1n }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, page2 - 16n, 3);
      setTags(mm.m, page2, 4);
    });
    expect(taken(mm)).toEqual({ esr: esr(DABT_SAME, WNR | 0x11), far: tagged(page2, 3), elr: insn(0), vector: 0x200n });
    expect(readBytes(mm.m, page2 - 4n, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('fault priority and syndromes', () => {
  it('translation fault on a load: ESR 0x96000007, FAR = the tagged address, no writeback', () => {
    const va = tagged(DATA + 0x5008n, 7);
    const mm = abort('nop\nldr x2, [x1, #8]!', { 1: va }, (mm) => unmapPage(mm.m, DATA + 0x5000n));
    expect(taken(mm)).toEqual({ esr: 0x96000007n, far: va + 8n, elr: insn(1), vector: 0x200n });
    expect(X(mm, 1)).toBe(va);
  });

  it('store to a read-only page: permission fault, WnR = 1', () => {
    const mm = abort('str x2, [x1]', {}, (mm) => setPageAp(mm.m, DATA, 2n));
    expect(taken(mm)!.esr).toBe(0x9600004fn);
  });

  it('SCTLR_EL1.A: unaligned access faults (DFSC 0x21) before translation', () => {
    const mm = abort('ldr w2, [x1, #2]', {}, (mm) => {
      setSctlr(mm.m, SCTLR.A);
      unmapPage(mm.m, DATA);
    });
    expect(taken(mm)).toEqual({ esr: 0x96000021n, far: DATA + 2n, elr: insn(0), vector: 0x200n });
    const st = abort('stur x2, [x1, #4]', {}, (mm) => setSctlr(mm.m, SCTLR.A));
    expect(taken(st)!.esr).toBe(0x96000061n);
    const ok = exec('ldrb w2, [x1, #3]\nldrh w3, [x1, #2]\nldp w4, w5, [x9]', { 9: DATA + 4n }, (mm) => setSctlr(mm.m, SCTLR.A));
    expect(ok.m.instructions).toBe(3);
    const pair = abort('ldp x4, x5, [x9]', { 9: DATA + 4n }, (mm) => setSctlr(mm.m, SCTLR.A));
    expect(taken(pair)!.far).toBe(DATA + 4n);
  });

  it('SP alignment (SCTLR_EL1.SA) comes first: EC 0x26, no access', () => {
    const mm = abort('ldr x2, [sp, #8]', {}, (mm) => {
      mm.m.cpu.writeSp(DATA + 8n);
      setSctlr(mm.m, SCTLR.SA | SCTLR.A);
      unmapPage(mm.m, DATA);
    });
    expect(taken(mm)!.esr).toBe(0x9a000000n);
    const off = exec('ldr x2, [sp, #1]\nstp x2, x3, [sp, #-16]!', {}, (mm) => {
      mm.m.cpu.writeSp(DATA + 8n);
      setSctlr(mm.m, 0n, SCTLR.SA);
    });
    expect(off.m.cpu.readSp()).toBe(DATA - 8n);
  });

  it('MMU off: data is Device, so unaligned accesses fault; aligned ones work', () => {
    const m = bareMachine([0xb9400022, 0xf9400423]); // ldr w2, [x1]; ldr x3, [x1, #8]
    m.cpu.writeX(1, RAM_BASE + 0x100002n);
    m.cpu.sys.vbar = RAM_BASE + 0x8000n;
    m.setVectorHandler(RAM_BASE + 0x8200n, (mm) => mm.stop());
    m.run(10);
    expect(m.cpu.sys.esr).toBe(0x96000021n);
    expect(m.cpu.sys.far).toBe(RAM_BASE + 0x100002n);
  });
});

describe('unprivileged LDTR/STTR', () => {
  it('at EL1 with UAO = 0 they use EL0 permissions', () => {
    const mm = abort('ldtr x2, [x1]');
    expect(taken(mm)).toEqual({ esr: 0x9600000fn, far: DATA, elr: insn(0), vector: 0x200n });
    const st = abort('sttrb w2, [x1, #-1]', { 1: DATA + 1n });
    expect(taken(st)!.esr).toBe(0x9600004fn);
  });

  it('with UAO = 1 they are ordinary EL1 accesses', () => {
    const mm = exec('ldtrsh x2, [x1]\nsttr w2, [x1, #8]', {}, (mm) => {
      write64(mm.m, DATA, 0x8001n);
      mm.m.cpu.uao = 1;
      mm.m.cpu.hooks.memoryStateChanged();
    });
    expect(X(mm, 2)).toBe(0xffffffffffff8001n);
    expect(read64(mm.m, DATA + 8n)).toBe(0xffff8001n);
  });

  it('ignore PAN on EL0-accessible memory where LDR faults', () => {
    const setup = (mm: MemMachine): void => {
      setPageAp(mm.m, DATA, 1n);
      write64(mm.m, DATA, 99n);
      mm.m.cpu.pan = 1;
      mm.m.cpu.hooks.memoryStateChanged();
    };
    expect(X(exec('ldtr x2, [x1]\nsttrh w2, [x1, #8]', {}, setup), 2)).toBe(99n);
    expect(taken(abort('ldr x2, [x1]', {}, setup))!.esr).toBe(0x9600000fn);
  });

  it('use the EL0 tag-check settings (TCF0, TFSRE0_EL1), faulting from EL1', () => {
    const setup = (tcf: bigint, tcf0: bigint) => (mm: MemMachine): void => {
      setPageAp(mm.m, DATA, 1n);
      enableMte(mm.m, tcf, tcf0);
      setTags(mm.m, DATA, 5);
    };
    const va = tagged(DATA, 3);
    expect(taken(abort('ldtr x2, [x1]', { 1: va }, setup(TCF.NONE, TCF.SYNC)))).toEqual({ esr: 0x96000011n, far: va, elr: insn(0), vector: 0x200n });
    const quiet = exec('ldtr x2, [x1]\nldr x3, [x1]', { 1: va }, setup(TCF.NONE, TCF.ASYNC));
    expect(quiet.m.cpu.sys.tfsre0).toBe(1n);
    expect(quiet.m.cpu.sys.tfsr).toBe(0n);
    expect(taken(abort('ldr x2, [x1]\nldtr x3, [x1]', { 1: va }, setup(TCF.SYNC, TCF.NONE)))!.elr).toBe(insn(0));
    expect(exec('ldtr x3, [x1]', { 1: va }, setup(TCF.SYNC, TCF.NONE)).m.instructions).toBe(1);
  });

  it('at EL0 they are ordinary EL0 accesses', () => {
    const mm = memMachine('ldtr x2, [x1]\nsttr x2, [x1, #8]\nldr x3, [x1, #-8]', { el0Alias: true });
    mm.m.cpu.writeX(1, DATA + 0x40000000n + 8n);
    write64(mm.m, DATA + 8n, 1234n);
    enterEl0(mm);
    run(mm);
    expect(taken(mm)).toBeUndefined();
    expect(read64(mm.m, DATA + 16n)).toBe(1234n);
    expect(mm.m.cpu.readX(3)).toBe(0n);
  });
});

describe('ordered accesses (LDAR/STLR/LDAPR/LDAPUR/STLUR/LDLAR/STLLR)', () => {
  it('all sizes load and store, with the LDAPUR sign extensions', () => {
    const src = [
      'stlrb w2, [x1]', 'stlrh w2, [x1, #0]', 'ldarb w3, [x1]', 'ldarh w4, [x1]', 'stlr x2, [x1]', 'ldar w5, [x1]', 'ldar x6, [x1]',
      'ldapr x7, [x1]', 'ldaprb w8, [x1]', 'stllr w2, [x1]', 'ldlar x9, [x1]', 'stlurh w2, [x1, #10]', 'ldapursh x10, [x1, #10]',
      'ldapursb w11, [x1, #10]', 'ldapursw x12, [x1, #8]', 'ldapur x13, [x1]', 'stlur x2, [x1, #-8]', 'ldlarh w14, [x1, #0]', 'stllrb w2, [x1]',
    ].join('\n');
    const mm = exec(src, { 1: DATA + 16n, 2: 0xfedcba9876548321n });
    expect([X(mm, 3), X(mm, 4), X(mm, 5), X(mm, 6), X(mm, 7), X(mm, 8)]).toEqual([0x21n, 0x8321n, 0x76548321n, 0xfedcba9876548321n, 0xfedcba9876548321n, 0x21n]);
    expect(X(mm, 9)).toBe(0xfedcba9876548321n);
    expect(X(mm, 10)).toBe(0xffffffffffff8321n);
    expect(X(mm, 11)).toBe(0x21n);
    expect(X(mm, 12)).toBe(0xffffffff83210000n);
    expect(X(mm, 13)).toBe(0xfedcba9876548321n);
    expect(read64(mm.m, DATA + 8n)).toBe(0xfedcba9876548321n);
    expect(X(mm, 14)).toBe(0x8321n);
  });

  it('need natural alignment (no FEAT_LSE2): loads WnR = 0, stores WnR = 1', () => {
    expect(taken(abort('ldar w2, [x1]', { 1: DATA + 2n }))).toEqual({ esr: 0x96000021n, far: DATA + 2n, elr: insn(0), vector: 0x200n });
    expect(taken(abort('stlrh w2, [x1]', { 1: DATA + 1n }))!.esr).toBe(0x96000061n);
    expect(taken(abort('ldapur x2, [x1, #4]'))!.far).toBe(DATA + 4n);
    expect(taken(abort('stlur w2, [x1, #-2]'))!.esr).toBe(0x96000061n);
    expect(exec('ldarb w2, [x1]\nstlurb w2, [x1, #3]', { 1: DATA + 1n }).m.instructions).toBe(2);
  });
});

describe('tag checking of the load/store forms (mte-arch.md §3.1)', () => {
  const checked = (src: string, regs: Record<number, bigint>): boolean => {
    const mm = memMachine(src);
    for (const [n, v] of Object.entries(regs)) mm.m.cpu.writeX(Number(n), v);
    mm.m.cpu.writeSp(tagged(DATA + 0x100n, 3));
    enableMte(mm.m);
    setPageAp(mm.m, DATA, 1n);
    setTags(mm.m, DATA, 5, 64);
    run(mm);
    const t = taken(mm);
    if (t) expect(t.esr & 0x3fn).toBe(0x11n);
    return t !== undefined;
  };
  const x1 = { 1: tagged(DATA + 0x40n, 3), 2: 8n };
  const cases: [string, boolean][] = [
    ['ldr x0, [x1]', true], ['ldur x0, [x1, #-1]', true], ['ldr x0, [x1], #8', true], ['ldr x0, [x1, #8]!', true],
    ['ldr x0, [x1, x2]', true], ['ldtr x0, [x1]', true], ['ldp x3, x4, [x1]', true], ['ldar x0, [x1]', true], ['stlur w0, [x1]', true],
    ['ldr x0, [sp]', false], ['ldur x0, [sp, #-8]', false], ['ldtrb w0, [sp, #1]', false], ['stp x3, x4, [sp, #16]', false],
    ['ldnp x3, x4, [sp]', false], ['ldar x0, [sp]', false], ['ldapurb w0, [sp, #3]', false],
    ['ldr x0, [sp, #-16]!', true], ['str x0, [sp], #16', true], ['stp x3, x4, [sp, #-16]!', true], ['ldp x3, x4, [sp], #16', true],
    ['ldr x0, [sp, x2]', true],
    ['ldr x0, 1f\nb 2f\n1: .quad 0\n2:', false],
    ['prfm pldl1keep, [x1]', false],
  ];
  for (const [src, want] of cases) it(`${src.split('\n')[0]}: ${want ? 'checked' : 'unchecked'}`, () => expect(checked(src, x1)).toBe(want));

  it('the literal is not checked even when its granule has another tag', () => {
    const mm = memMachine('ldr x0, 1f\nb 2f\n.balign 16\n1: .quad 7\n2:');
    enableMte(mm.m);
    setTags(mm.m, RAM_BASE, 9, 4);
    run(mm);
    expect(taken(mm)).toBeUndefined();
    expect(mm.m.cpu.readX(0)).toBe(7n);
  });
});

describe('DC ZVA (executeDcZva)', () => {
  const DC_ZVA_X2 = 0xd50b7422;
  const call = (mm: MemMachine, xt: bigint): unknown => {
    mm.m.cpu.writeX(2, xt);
    try {
      executeDcZva(mm.m.cpu, decodeOp(DC_ZVA_X2));
      return undefined;
    } catch (e) {
      return e;
    }
  };

  it('zeroes the 64-byte block holding Xt', () => {
    expect(DCZ_BLOCK_BYTES).toBe(64);
    const mm = memMachine('nop');
    fill(mm.m, DATA, 192, 0xaa);
    expect(call(mm, DATA + 64n + 37n)).toBeUndefined();
    expect(readBytes(mm.m, DATA + 63n, 66)).toEqual([0xaa, ...Array(64).fill(0), 0xaa]);
  });

  it('is tag checked against Xt[59:56]: the lowest mismatching granule is reported', () => {
    const mm = memMachine('nop');
    enableMte(mm.m);
    fill(mm.m, DATA, 64, 0xaa);
    setTags(mm.m, DATA, 6, 4);
    setTags(mm.m, DATA + 32n, 2);
    const f = call(mm, tagged(DATA + 5n, 6));
    expect(f).toBeInstanceOf(MemoryFault);
    const mf = f as MemoryFault;
    expect([mf.kind, mf.write, (BigInt(mf.vaHi) << 32n) | BigInt(mf.vaLo)]).toEqual(['tag-check', true, tagged(DATA + 32n, 6)]);
    expect(readBytes(mm.m, DATA, 1)).toEqual([0xaa]);
    setTags(mm.m, DATA, 2);
    expect((call(mm, tagged(DATA + 5n, 6)) as MemoryFault).vaLo).toBe(Number(DATA & 0xffffffffn));
    setTags(mm.m, DATA, 6, 4);
    expect(call(mm, tagged(DATA + 5n, 6))).toBeUndefined();
    expect(readBytes(mm.m, DATA, 64)).toEqual(Array(64).fill(0));
  });

  it('translation and permission faults report FAR = Xt and WnR = 1; Device memory takes an Alignment fault', () => {
    const mm = memMachine('nop');
    unmapPage(mm.m, DATA + 0x1000n);
    const f = call(mm, DATA + 0x1033n) as MemoryFault;
    expect([f.kind, f.fsc, f.write, f.vaLo]).toEqual(['translation', 0x07, true, Number((DATA + 0x1033n) & 0xffffffffn)]);
    setPageAp(mm.m, DATA + 0x2000n, 2n);
    expect((call(mm, DATA + 0x2001n) as MemoryFault).fsc).toBe(0x0f);
    setPageAttr(mm.m, DATA + 0x3000n, 0x00);
    const d = call(mm, DATA + 0x3009n) as MemoryFault;
    expect([d.kind, d.write, d.vaLo]).toEqual(['alignment', true, Number((DATA + 0x3009n) & 0xffffffffn)]);
  });

  it('at EL0 needs SCTLR_EL1.DZE, else traps with EC 0x18', () => {
    const mm = memMachine('nop', { el0Alias: true });
    enterEl0(mm);
    const e = call(mm, DATA + 0x40000000n);
    expect(e).toBeInstanceOf(ArchException);
    expect((e as ArchException).esr).toBe(0x62000000 + ((1 << 20) | (3 << 14) | (7 << 10) | (4 << 1) | (2 << 5) | (1 << 17)));
    setSctlr(mm.m, SCTLR.DZE);
    fill(mm.m, DATA, 64, 1);
    expect(call(mm, DATA + 0x40000000n)).toBeUndefined();
    expect(readBytes(mm.m, DATA, 64)).toEqual(Array(64).fill(0));
  });
});

describe('EL0 data aborts', () => {
  it('report EC 0x24', () => {
    const mm = memMachine('ldr x2, [x1]', { el0Alias: true });
    mm.m.cpu.writeX(1, 0x1008n);
    enterEl0(mm);
    run(mm);
    expect(taken(mm)).toEqual({ esr: esr(DABT_LOWER, 0x05), far: 0x1008n, elr: insn(0) + 0x40000000n, vector: 0x400n });
  });
});

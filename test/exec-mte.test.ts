// MTE instructions and tag checking (emulator/exec/mte.ts, mmu/access.ts): the pseudocode
// helpers against mte-arch.md §2.5 and the QEMU-observed IRG sequence, IRG/GMI/SUBP/ADDG/SUBG,
// LDG and the tag stores in all forms, LDGM/STGM/STZGM, DC GVA/GZVA, and tag check faults:
// syndromes, sync/async/asymmetric, TCO, TCMA, TBI, untagged memory, MMU off, EL0.

import { describe, expect, it } from 'vitest';
import { decodeOp } from '../emulator/decoded.js';
import { chooseNonExcludedTag, executeDcGva, executeDcGzva, nextRandomTagBit, randomTag } from '../emulator/exec/mte.js';
import { MemoryFault } from '../mmu/access.js';
import {
  DATA, EL0_ALIAS, enableMte, enterEl0, fill, insn, memMachine, read64, readBytes, run, SCTLR, setPageAp, setPageAttr, setSctlr, setTags,
  tagAt, tagged, taken, TCF, unmapPage, write64, type MemMachine, type MemOptions,
} from './helpers/mem.js';
import { bareMachine, RAM_BASE } from './helpers/machine.js';

const X = (mm: MemMachine, n: number): bigint => mm.m.cpu.readX(n);
const tagOf = (v: bigint): number => Number((v >> 56n) & 0xfn);

function go(src: string, regs: Record<number, bigint> = {}, setup?: (mm: MemMachine) => void, o: MemOptions = {}): MemMachine {
  const mm = memMachine(src, o);
  mm.m.cpu.writeX(1, DATA);
  for (const [n, v] of Object.entries(regs)) mm.m.cpu.writeX(Number(n), BigInt.asUintN(64, v));
  setup?.(mm);
  run(mm);
  return mm;
}
function exec(src: string, regs: Record<number, bigint> = {}, setup?: (mm: MemMachine) => void): MemMachine {
  const mm = go(src, regs, setup);
  expect(taken(mm)).toBeUndefined();
  return mm;
}
/** MTE on (ATA/ATA0, TCF sync) with GCR_EL1/RGSR_EL1 as given. */
const mte = (gcr = 0n, rgsr = 0n) => (mm: MemMachine): void => {
  enableMte(mm.m);
  mm.m.cpu.sys.gcr = gcr;
  mm.m.cpu.sys.rgsr = rgsr;
};

describe('ChooseNonExcludedTag and the RGSR_EL1 LFSR', () => {
  it('matches the mte-arch.md §2.5 vectors', () => {
    expect(chooseNonExcludedTag(0, 0, 0x0001)).toBe(1);
    expect(chooseNonExcludedTag(15, 1, 0x0001)).toBe(1);
    expect(chooseNonExcludedTag(3, 2, 0x00a0)).toBe(6);
    expect(chooseNonExcludedTag(7, 0, 0xffff)).toBe(0);
    expect(chooseNonExcludedTag(14, 3, 0x8001)).toBe(3);
    expect(chooseNonExcludedTag(5, 0, 0)).toBe(5);
  });

  it('NextRandomTagBit/RandomTag step SEED (RGSR[23:8]) and keep TAG', () => {
    const m = bareMachine([]);
    m.cpu.sys.rgsr = 0x000105n;
    expect(nextRandomTagBit(m.cpu)).toBe(1);
    expect(m.cpu.sys.rgsr).toBe(0x800005n);
    m.cpu.sys.rgsr = 0x000100n;
    expect(randomTag(m.cpu)).toBe(1);
    expect(m.cpu.sys.rgsr).toBe(0x100000n);
  });

  it('IRG follows the §2.5 table (exclude = Xm | GCR_EL1.Exclude)', () => {
    const table: [bigint, bigint, number, bigint][] = [
      [0x000100n, 0x0001n, 1, 0x100001n],
      [0x100001n, 0x0001n, 1, 0x010001n],
      [0x010001n, 0x0001n, 9, 0x801009n],
      [0x801009n, 0x0001n, 15, 0x68010fn],
      [0xace105n, 0x0000n, 7, 0x2ace07n],
      [0x2ace07n, 0x0000n, 9, 0x22ac09n],
      [0x22ac09n, 0x0000n, 0, 0x722a00n],
    ];
    for (const [rgsr, exclude, tag, after] of table) {
      const viaXm = exec('irg x2, x1, x3', { 3: exclude }, mte(0n, rgsr));
      expect([tagOf(X(viaXm, 2)), viaXm.m.cpu.sys.rgsr]).toEqual([tag, after]);
      const viaGcr = exec('irg x2, x1', {}, mte(exclude, rgsr));
      expect([tagOf(X(viaGcr, 2)), viaGcr.m.cpu.sys.rgsr]).toEqual([tag, after]);
    }
  });

  it('eight IRGs from RGSR_EL1 = 0xace100 give 2 4 b f 6 9 d 9 and end at 0xc43709 (QEMU 10)', () => {
    const src = Array.from({ length: 8 }, (_, i) => `irg x${i + 2}, x1`).join('\n');
    const mm = exec(src, { 1: 0xf0ff_ffff_ffff_ffffn }, mte(0n, 0xace100n));
    expect(Array.from({ length: 8 }, (_, i) => tagOf(X(mm, i + 2)).toString(16)).join(' ')).toBe('2 4 b f 6 9 d 9');
    expect(mm.m.cpu.sys.rgsr).toBe(0xc43709n);
    expect(X(mm, 2)).toBe(0xf2ff_ffff_ffff_ffffn);
  });

  it('IRG with everything but one tag excluded; all excluded gives 0 (and still steps SEED)', () => {
    expect(tagOf(X(exec('irg x2, x1', {}, mte(0xffdfn, 0x123400n)), 2))).toBe(5);
    const zero = exec('irg x2, x1, x3', { 1: tagged(DATA, 7), 3: 0xfffen }, mte(0n, 0x123400n));
    expect(tagOf(X(zero, 2))).toBe(0);
    const all = exec('irg x2, x1, x3', { 3: 0xffffn }, mte(0n, 0x000105n));
    expect(tagOf(X(all, 2))).toBe(0);
    expect(all.m.cpu.sys.rgsr).toBe(0x100000n);
  });

  it('GCR_EL1.RRND = 1 with a zero SEED takes a deterministic non-zero seed (QEMU uses its RNG)', () => {
    const a = exec('irg x2, x1\nirg x3, x1', {}, mte(0x10000n, 0n));
    const b = exec('irg x2, x1\nirg x3, x1', {}, mte(0x10000n, 0n));
    expect(a.m.cpu.sys.rgsr).toBe(b.m.cpu.sys.rgsr);
    expect([X(a, 2), X(a, 3)]).toEqual([X(b, 2), X(b, 3)]);
    expect(a.m.cpu.sys.rgsr >> 8n).not.toBe(0n);
    // A non-zero SEED with RRND = 1 runs the same LFSR as RRND = 0.
    const c = exec('irg x2, x1', {}, mte(0x10000n, 0xace105n));
    expect([tagOf(X(c, 2)), c.m.cpu.sys.rgsr]).toEqual([7, 0x2ace07n]);
  });

  it('without tag access IRG gives tag 0 and leaves RGSR_EL1 alone; Xd and Xn may be SP', () => {
    const mm = exec('irg x2, x1\nirg sp, sp', { 1: tagged(DATA, 9) }, (mm) => {
      mm.m.cpu.sys.rgsr = 0xace100n;
      mm.m.cpu.writeSp(tagged(DATA, 4));
    });
    expect(X(mm, 2)).toBe(DATA);
    expect(mm.m.cpu.sys.rgsr).toBe(0xace100n);
    expect(mm.m.cpu.readSp()).toBe(DATA);
  });
});

describe('GMI, SUBP(S), ADDG/SUBG', () => {
  it('GMI inserts the tag bit into the mask', () => {
    const mm = exec('gmi x2, x1, x3\ngmi x4, sp, xzr', { 1: tagged(DATA, 11), 3: 0xffff_0000_0000_0001n }, (mm) => mm.m.cpu.writeSp(tagged(0n, 15)));
    expect(X(mm, 2)).toBe(0xffff_0000_0000_0801n);
    expect(X(mm, 4)).toBe(0x8000n);
  });

  it('SUBP subtracts the sign-extended 56-bit addresses; SUBPS/CMPP set NZCV', () => {
    const mm = exec('subp x2, x3, x4\nsubps x5, x4, x3\ncmpp x3, x3', { 3: 0x3a00_0000_0000_0100n, 4: 0x4f80_0000_0000_0000n });
    expect(X(mm, 2)).toBe(0x0080_0000_0000_0100n);
    expect(X(mm, 5)).toBe(BigInt.asUintN(64, -0x0080_0000_0000_0100n));
    expect(mm.m.cpu.nzcv).toBe(0b0110);
    const neg = exec('subps x5, x4, x3', { 3: 0x0000_0000_0000_0100n, 4: 0x0080_0000_0000_0000n });
    expect(neg.m.cpu.nzcv).toBe(0b1010);
    expect(X(neg, 5)).toBe(0xff7f_ffff_ffff_ff00n);
    // Operands of 56 bits sign-extended never overflow the 64-bit subtraction: V stays 0.
    const low = exec('subps x5, x4, x3', { 3: 0x007f_ffff_ffff_ffffn, 4: 0x0080_0000_0000_0000n });
    expect([low.m.cpu.nzcv, X(low, 5)]).toEqual([0b1010, 0xff00_0000_0000_0001n]);
  });

  it('ADDG/SUBG: address arithmetic over 64 bits, tag = ChooseNonExcludedTag(start, uimm4, GCR.Exclude)', () => {
    const mm = exec('addg x2, x1, #1008, #15\nsubg x3, x1, #16, #2\naddg x4, x5, #0, #0\nsubg sp, sp, #32, #1', { 1: tagged(DATA, 3), 5: tagged(DATA, 4) }, (mm) => {
      mte(0x0030n)(mm);
      mm.m.cpu.writeSp(tagged(DATA + 64n, 14));
    });
    // From 3, fifteen steps over the allowed tags (4 and 5 excluded): 6, 7, ..., 15, 0, 1, 2, 3, 6.
    expect(X(mm, 2)).toBe(tagged(DATA + 1008n, 6));
    expect(X(mm, 3)).toBe(tagged(DATA - 16n, 7));
    expect(X(mm, 4)).toBe(tagged(DATA, 6));
    expect(mm.m.cpu.readSp()).toBe(tagged(DATA + 32n, 15));
  });

  it('ADDG carries into the top byte; without tag access the tag is 0', () => {
    const mm = exec('addg x2, x1, #16, #1\nsubg x3, x4, #16, #1', { 1: 0x00ff_ffff_ffff_fff0n, 4: 0n });
    // 0x00ff_ffff_ffff_fff0 + 16 carries into bit 56, which the tag (0) then replaces.
    expect(X(mm, 2)).toBe(0n);
    expect(X(mm, 3)).toBe(0xf0ff_ffff_ffff_fff0n);
  });
});

describe('LDG', () => {
  it('loads the tag of the granule (address aligned down) into Xt[59:56], keeping the rest of Xt', () => {
    const mm = exec('ldg x2, [x1, #-16]\nldg x3, [x1, #4080]\nldg xzr, [x1]\nldg x4, [sp]', { 1: DATA + 0x107n, 2: 0xf0ff_1234_5678_9abcn, 3: 0n, 4: -1n }, (mm) => {
      mte()(mm);
      setTags(mm.m, DATA + 0xf0n, 0xa);
      setTags(mm.m, DATA + 0x1000n + 0xf0n, 0xb);
      mm.m.cpu.writeSp(DATA + 0x2000n);
      setTags(mm.m, DATA + 0x2000n, 0x5);
    });
    expect(X(mm, 2)).toBe(0xfaff_1234_5678_9abcn);
    expect(X(mm, 3)).toBe(0x0b00_0000_0000_0000n);
    expect(X(mm, 4)).toBe(0xf5ff_ffff_ffff_ffffn);
  });

  it('reads 0 with tag access disabled, from untagged memory, and with the MMU off', () => {
    const off = exec('ldg x2, [x1]', { 2: tagged(0n, 9) }, (mm) => setTags(mm.m, DATA, 4));
    expect(X(off, 2)).toBe(0n);
    const untagged = exec('ldg x2, [x1]', { 2: tagged(0n, 9) }, (mm) => {
      mte()(mm);
      setPageAttr(mm.m, DATA, 0xff);
      setTags(mm.m, DATA, 4);
    });
    expect(X(untagged, 2)).toBe(0n);
    const m = bareMachine([0xd9600022]); // ldg x2, [x1]
    enableMte(m);
    m.mem.setTag(0x1000, 3);
    m.cpu.writeX(1, RAM_BASE + 0x10000n);
    m.cpu.writeX(2, tagged(0n, 9));
    m.run(1);
    expect(m.cpu.readX(2)).toBe(0n);
  });

  it('translates as a read: an unmapped page faults with WnR = 0 and the aligned address', () => {
    const mm = go('ldg x2, [x1, #16]', { 1: DATA + 0x1003n }, (mm) => unmapPage(mm.m, DATA + 0x1000n));
    expect(taken(mm)).toEqual({ esr: 0x96000007n, far: DATA + 0x1010n, elr: insn(0), vector: 0x200n });
  });
});

describe('STG, STZG, ST2G, STZ2G', () => {
  it('STG in the offset, pre- and post-index forms, with Xt = SP', () => {
    const src = 'stg x2, [x1]\nstg x3, [x1, #32]!\nstg x2, [x1], #-4096\nstg sp, [x4, #-16]';
    const mm = exec(src, { 2: tagged(0n, 6), 3: tagged(-1n, 7), 4: DATA + 0x100n }, (mm) => {
      mte()(mm);
      mm.m.cpu.writeSp(tagged(DATA + 0x200n, 0xd));
      fill(mm.m, DATA, 64, 0x11);
    });
    expect([tagAt(mm.m, DATA), tagAt(mm.m, DATA + 16n), tagAt(mm.m, DATA + 32n)]).toEqual([6, 0, 6]);
    expect(X(mm, 1)).toBe(DATA + 32n - 4096n);
    expect(tagAt(mm.m, DATA + 0xf0n)).toBe(0xd);
    expect(readBytes(mm.m, DATA, 1)).toEqual([0x11]);
  });

  it('STZG zeroes the granule; ST2G/STZ2G do two granules with one tag, even across pages', () => {
    const src = 'stzg x2, [x1]\nst2g x2, [x1, #64]\nstz2g x3, [x5]';
    const mm = exec(src, { 2: tagged(0n, 3), 3: tagged(0n, 0xe), 5: DATA + 0x1000n - 16n }, (mm) => {
      mte()(mm);
      fill(mm.m, DATA, 0x2000, 0x77);
    });
    expect(readBytes(mm.m, DATA, 17)).toEqual([...Array(16).fill(0), 0x77]);
    expect([tagAt(mm.m, DATA), tagAt(mm.m, DATA + 16n), tagAt(mm.m, DATA + 64n), tagAt(mm.m, DATA + 80n), tagAt(mm.m, DATA + 96n)]).toEqual([3, 0, 3, 3, 0]);
    expect(readBytes(mm.m, DATA + 64n, 1)).toEqual([0x77]);
    expect(readBytes(mm.m, DATA + 0x1000n - 17n, 34)).toEqual([0x77, ...Array(32).fill(0), 0x77]);
    expect([tagAt(mm.m, DATA + 0xff0n), tagAt(mm.m, DATA + 0x1000n)]).toEqual([0xe, 0xe]);
  });

  it('need 16-byte alignment (before translation): Alignment fault, WnR = 1, no writeback', () => {
    const mm = go('stg x2, [x1, #16]!', { 1: DATA + 0x1008n }, (mm) => unmapPage(mm.m, DATA + 0x1000n));
    expect(taken(mm)).toEqual({ esr: 0x96000061n, far: DATA + 0x1018n, elr: insn(0), vector: 0x200n });
    expect(X(mm, 1)).toBe(DATA + 0x1008n);
  });

  it('an ST2G/STZ2G whose second granule faults changes nothing', () => {
    const page2 = DATA + 0x1000n;
    const mm = go('stz2g x2, [x1]', { 1: page2 - 16n, 2: tagged(0n, 5) }, (mm) => {
      mte()(mm);
      fill(mm.m, page2 - 16n, 16, 0x99);
      unmapPage(mm.m, page2);
    });
    expect(taken(mm)).toEqual({ esr: 0x96000047n, far: page2, elr: insn(0), vector: 0x200n });
    expect(tagAt(mm.m, page2 - 16n)).toBe(0);
    expect(readBytes(mm.m, page2 - 16n, 1)).toEqual([0x99]);
  });

  it('translate as writes: read-only page gives a permission fault; PAN applies', () => {
    expect(taken(go('stg x2, [x1]', {}, (mm) => setPageAp(mm.m, DATA, 2n)))!.esr).toBe(0x9600004fn);
    const pan = go('st2g x2, [x1]', {}, (mm) => {
      setPageAp(mm.m, DATA, 1n);
      mm.m.cpu.pan = 1;
      mm.m.cpu.hooks.memoryStateChanged();
    });
    expect(taken(pan)!.esr).toBe(0x9600004fn);
  });

  it('are ignored with tag access disabled or on untagged memory (STZG still zeroes)', () => {
    const off = exec('stzg x2, [x1]', { 2: tagged(0n, 5) }, (mm) => fill(mm.m, DATA, 16, 1));
    expect([tagAt(off.m, DATA), readBytes(off.m, DATA, 1)[0]]).toEqual([0, 0]);
    const untagged = exec('stg x2, [x1]', { 2: tagged(0n, 5) }, (mm) => {
      mte()(mm);
      setPageAttr(mm.m, DATA, 0xff);
    });
    expect(tagAt(untagged.m, DATA)).toBe(0);
  });

  it('are not tag checked, and SP alignment applies to an SP base', () => {
    const mm = exec('stg x2, [sp]\nstzg x2, [x1, #16]', { 1: tagged(DATA, 1), 2: tagged(0n, 5) }, (mm) => {
      mte()(mm);
      setTags(mm.m, DATA, 9, 4);
      mm.m.cpu.writeSp(tagged(DATA + 0x40n, 2));
    });
    expect([tagAt(mm.m, DATA + 0x10n), tagAt(mm.m, DATA + 0x40n)]).toEqual([5, 5]);
    const sa = go('stg x2, [sp]', {}, (mm) => {
      setSctlr(mm.m, SCTLR.SA);
      mm.m.cpu.writeSp(DATA + 8n);
    });
    expect(taken(sa)!.esr).toBe(0x9a000000n);
  });
});

describe('STGP', () => {
  it('stores two registers unchecked and tags the granule with the address tag, in all forms', () => {
    const src = 'stgp x2, x3, [x1]\nstgp x3, x2, [x1, #32]!\nstgp xzr, x2, [x1], #-1024\nstgp x2, x3, [x4, #-16]';
    const mm = exec(src, { 1: tagged(DATA, 4), 2: 0x1111n, 3: tagged(0x2222n, 9), 4: tagged(DATA + 0x200n, 0xa) }, (mm) => {
      mte()(mm);
      setTags(mm.m, DATA, 7, 64);
    });
    expect([read64(mm.m, DATA), read64(mm.m, DATA + 8n)]).toEqual([0x1111n, tagged(0x2222n, 9)]);
    // The post-index STGP stored XZR, x2 over what the pre-index one put at DATA + 32.
    expect([read64(mm.m, DATA + 32n), read64(mm.m, DATA + 40n)]).toEqual([0n, 0x1111n]);
    expect(tagAt(mm.m, DATA)).toBe(4);
    expect(tagAt(mm.m, DATA + 16n)).toBe(7);
    expect(tagAt(mm.m, DATA + 32n)).toBe(4);
    expect(X(mm, 1)).toBe(tagged(DATA + 32n - 1024n, 4));
    expect(tagAt(mm.m, DATA + 0x1f0n)).toBe(0xa);
  });

  it('needs 16-byte alignment; stores data even without tag access', () => {
    expect(taken(go('stgp x2, x3, [x1]', { 1: DATA + 8n }))).toEqual({ esr: 0x96000061n, far: DATA + 8n, elr: insn(0), vector: 0x200n });
    const off = exec('stgp x2, x3, [x1]', { 1: tagged(DATA, 3), 2: 5n, 3: 6n });
    expect([read64(off.m, DATA), read64(off.m, DATA + 8n), BigInt(tagAt(off.m, DATA))]).toEqual([5n, 6n, 0n]);
  });
});

describe('LDGM, STGM, STZGM (EL1 only)', () => {
  it('STGM of 0x0123456789abcdef then LDGM reads it back (granule 0 gets tag f)', () => {
    const mm = exec('stgm x2, [x1]\nldgm x3, [x4]', { 1: DATA + 0x1234n, 2: 0x0123456789abcdefn, 4: DATA + 0x1200n }, mte());
    expect(X(mm, 3)).toBe(0x0123456789abcdefn);
    expect(tagAt(mm.m, DATA + 0x1200n)).toBe(0xf);
    expect(tagAt(mm.m, DATA + 0x12f0n)).toBe(0x0);
    expect(tagAt(mm.m, DATA + 0x1300n)).toBe(0);
  });

  it('STZGM tags the 64-byte DC ZVA block with Xt[3:0] and zeroes it', () => {
    const mm = exec('stzgm x2, [x1]', { 1: DATA + 0x47n, 2: 0xf7n }, (mm) => {
      mte()(mm);
      fill(mm.m, DATA, 0x100, 0x5a);
    });
    expect(readBytes(mm.m, DATA + 0x3fn, 66)).toEqual([0x5a, ...Array(64).fill(0), 0x5a]);
    expect([0x30n, 0x40n, 0x70n, 0x80n].map((o) => tagAt(mm.m, DATA + o))).toEqual([0, 7, 7, 0]);
  });

  it('with tag access disabled: LDGM reads 0, STGM does nothing, STZGM still zeroes', () => {
    const mm = exec('stgm x2, [x1]\nldgm x3, [x1]\nstzgm x2, [x1]', { 2: -1n, 3: 5n }, (mm) => {
      setTags(mm.m, DATA, 3, 16);
      fill(mm.m, DATA, 64, 1);
    });
    expect(X(mm, 3)).toBe(0n);
    expect(tagAt(mm.m, DATA)).toBe(3);
    expect(readBytes(mm.m, DATA, 64)).toEqual(Array(64).fill(0));
  });

  it('are UNDEFINED at EL0', () => {
    for (const src of ['ldgm x2, [x1]', 'stgm x2, [x1]', 'stzgm x2, [x1]']) {
      const mm = memMachine(src, { el0Alias: true });
      mm.m.cpu.writeX(1, DATA + EL0_ALIAS);
      enableMte(mm.m);
      enterEl0(mm);
      run(mm);
      expect(taken(mm), src).toEqual({ esr: 0x02000000n, far: 0n, elr: insn(0) + EL0_ALIAS, vector: 0x400n });
    }
  });
});

describe('DC GVA / DC GZVA (executeDcGva, executeDcGzva)', () => {
  const call = (mm: MemMachine, fn: typeof executeDcGva, word: number, xt: bigint): unknown => {
    mm.m.cpu.writeX(3, xt);
    try {
      fn(mm.m.cpu, decodeOp(word));
      return undefined;
    } catch (e) {
      return e;
    }
  };
  const DC_GVA_X3 = 0xd50b7463;
  const DC_GZVA_X3 = 0xd50b7483;

  it('GVA tags the 64-byte block with Xt[59:56]; GZVA also zeroes it; neither is tag checked', () => {
    const mm = memMachine('nop');
    mte()(mm);
    fill(mm.m, DATA, 0x100, 0x3c);
    setTags(mm.m, DATA, 1, 16);
    expect(call(mm, executeDcGva, DC_GVA_X3, tagged(DATA + 0x45n, 0xb))).toBeUndefined();
    expect([0x30n, 0x40n, 0x70n, 0x80n].map((o) => tagAt(mm.m, DATA + o))).toEqual([1, 0xb, 0xb, 1]);
    expect(readBytes(mm.m, DATA + 0x40n, 1)).toEqual([0x3c]);
    expect(call(mm, executeDcGzva, DC_GZVA_X3, tagged(DATA + 0x80n, 0x2))).toBeUndefined();
    expect([0x80n, 0xb0n, 0xc0n].map((o) => tagAt(mm.m, DATA + o))).toEqual([2, 2, 1]);
    expect(readBytes(mm.m, DATA + 0x7fn, 66)).toEqual([0x3c, ...Array(64).fill(0), 0x3c]);
  });

  it('faults report FAR = Xt and WnR = 1; GZVA to Device memory takes an Alignment fault', () => {
    const mm = memMachine('nop');
    mte()(mm);
    unmapPage(mm.m, DATA);
    const f = call(mm, executeDcGva, DC_GVA_X3, tagged(DATA + 0x21n, 3)) as MemoryFault;
    expect([f.kind, f.write, f.vaLo, f.vaHi]).toEqual(['translation', true, Number((DATA + 0x21n) & 0xffffffffn), 0x03000000]);
    setPageAttr(mm.m, DATA + 0x1000n, 0x04);
    const d = call(mm, executeDcGzva, DC_GZVA_X3, DATA + 0x1008n) as MemoryFault;
    expect([d.kind, d.fsc, d.write]).toEqual(['alignment', 0x21, true]);
    expect(call(mm, executeDcGva, DC_GVA_X3, DATA + 0x1008n)).toBeUndefined();
  });
});

describe('tag check faults', () => {
  const load = (tcf: bigint, extra?: (mm: MemMachine) => void) => go('ldr x2, [x1]\nstr x3, [x1, #8]', { 1: tagged(DATA, 3), 3: 0x55n }, (mm) => {
    enableMte(mm.m, tcf);
    setTags(mm.m, DATA, 5);
    extra?.(mm);
  });

  it('synchronous: EC 0x25, DFSC 0x11, FAR = the full tagged address; the access does not happen', () => {
    expect(taken(load(TCF.SYNC))).toEqual({ esr: 0x96000011n, far: tagged(DATA, 3), elr: insn(0), vector: 0x200n });
    const st = go('str x3, [x1, #8]', { 1: 0x5300_0000_0000_0000n | DATA, 3: 1n }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
    });
    expect(taken(st)).toEqual({ esr: 0x96000051n, far: 0x5300_0000_0000_0008n | DATA, elr: insn(0), vector: 0x200n });
    expect(read64(st.m, DATA + 8n)).toBe(0n);
  });

  it('only bits [59:56] compare: top byte 0xf5 over tag 5 passes', () => {
    const mm = exec('ldr x2, [x1]', { 1: 0xf500_0000_0000_0000n | DATA }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
      write64(mm.m, DATA, 8n);
    });
    expect(X(mm, 2)).toBe(8n);
  });

  it('an access spanning granules reports the first mismatching granule with the pointer tag', () => {
    const mm = go('ldr x2, [x1, #12]', { 1: tagged(DATA, 5) }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
    });
    expect(taken(mm)!.far).toBe(tagged(DATA + 16n, 5));
  });

  it('asynchronous: no exception, TFSR_EL1.TF0 set, the access completes', () => {
    const mm = load(TCF.ASYNC);
    expect(taken(mm)).toBeUndefined();
    expect([mm.m.cpu.sys.tfsr, mm.m.cpu.sys.tfsre0, read64(mm.m, DATA + 8n)]).toEqual([1n, 0n, 0x55n]);
  });

  it('asymmetric: reads are synchronous, writes asynchronous', () => {
    expect(taken(load(TCF.ASYM))!.elr).toBe(insn(0));
    const w = go('str x3, [x1, #8]', { 1: tagged(DATA, 3), 3: 0x55n }, (mm) => {
      enableMte(mm.m, TCF.ASYM);
      setTags(mm.m, DATA, 5);
    });
    expect(taken(w)).toBeUndefined();
    expect([w.m.cpu.sys.tfsr, read64(w.m, DATA + 8n)]).toEqual([1n, 0x55n]);
  });

  it('TF1 for addresses with bit 55 set (TTBR1 half)', () => {
    const va = 0xf3ff_ff80_4020_0000n;
    const mm = go('ldr x2, [x1]', { 1: va }, (mm) => {
      const s = mm.m.cpu.sys;
      s.ttbr1 = s.ttbr0;
      s.tcr = (s.tcr & ~(1n << 23n)) | (25n << 16n) | (2n << 30n) | (1n << 38n);
      mm.m.cpu.hooks.translationChanged('tcr');
      enableMte(mm.m, TCF.ASYNC);
      setTags(mm.m, DATA, 5);
    });
    expect(taken(mm)).toBeUndefined();
    expect(mm.m.cpu.sys.tfsr).toBe(2n);
  });

  it('PSTATE.TCO = 1 (MSR TCO) and TCF = none disable checks', () => {
    expect(taken(go('msr tco, #1\nldr x2, [x1]\nmsr tco, #0', { 1: tagged(DATA, 3) }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
    }))).toBeUndefined();
    const none = load(TCF.NONE);
    expect(taken(none)).toBeUndefined();
    expect(none.m.cpu.sys.tfsr).toBe(0n);
  });

  it('TCMA0 makes a tag-0 pointer (bit 55 = 0) unchecked; tag 0xF is still checked', () => {
    const tcma = (mm: MemMachine): void => {
      mm.m.cpu.sys.tcr |= 1n << 57n;
      mm.m.cpu.hooks.translationChanged('tcr');
    };
    expect(taken(go('ldr x2, [x1]', { 1: DATA }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
      tcma(mm);
    }))).toBeUndefined();
    expect(taken(go('ldr x2, [x1]', { 1: DATA }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
    }))!.esr).toBe(0x96000011n);
    expect(taken(go('ldr x2, [x1]', { 1: tagged(DATA, 15) }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
      tcma(mm);
    }))!.esr).toBe(0x96000011n);
  });

  it('TBI off: no check (and a tagged pointer is then out of range)', () => {
    const tbiOff = (mm: MemMachine): void => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
      mm.m.cpu.sys.tcr &= ~(1n << 37n);
      mm.m.cpu.hooks.translationChanged('tcr');
    };
    expect(taken(go('ldr x2, [x1]', {}, tbiOff))).toBeUndefined();
    expect(taken(go('ldr x2, [x1]', { 1: tagged(DATA, 5) }, tbiOff))!.esr).toBe(0x96000004n);
  });

  it('untagged memory (attribute 0xFF) and the MMU off are never checked', () => {
    expect(taken(go('ldr x2, [x1]', { 1: tagged(DATA, 3) }, (mm) => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 5);
      setPageAttr(mm.m, DATA, 0xff);
    }))).toBeUndefined();
    const m = bareMachine([0xf9400022]); // ldr x2, [x1]
    enableMte(m);
    m.mem.setTag(0x1000, 5);
    m.cpu.writeX(1, RAM_BASE + 0x10000n);
    m.run(1);
    expect(m.instructions).toBe(1);
  });

  it('from EL0: EC 0x24 (ESR 0x92000011 / 0x92000051), TCF0 governs, async goes to TFSRE0_EL1', () => {
    const el0 = (src: string, tcf0: bigint): MemMachine => {
      const mm = memMachine(src, { el0Alias: true });
      mm.m.cpu.writeX(1, tagged(DATA + EL0_ALIAS, 3));
      enableMte(mm.m, TCF.NONE, tcf0);
      setTags(mm.m, DATA, 5);
      enterEl0(mm);
      run(mm);
      return mm;
    };
    expect(taken(el0('ldr x2, [x1]', TCF.SYNC))).toEqual({ esr: 0x92000011n, far: tagged(DATA + EL0_ALIAS, 3), elr: insn(0) + EL0_ALIAS, vector: 0x400n });
    expect(taken(el0('strb w2, [x1, #1]', TCF.SYNC))!.esr).toBe(0x92000051n);
    const a = el0('ldr x2, [x1]', TCF.ASYNC);
    expect(taken(a)).toBeUndefined();
    expect([a.m.cpu.sys.tfsre0, a.m.cpu.sys.tfsr]).toEqual([1n, 0n]);
  });

  it('with ATA = 0 (tag access disabled) nothing is checked', () => {
    expect(taken(go('ldr x2, [x1]', { 1: tagged(DATA, 3) }, (mm) => {
      enableMte(mm.m);
      setSctlr(mm.m, 0n, SCTLR.ATA);
      setTags(mm.m, DATA, 5);
    }))).toBeUndefined();
  });
});

// Golden execution tests for memory: the blocks of test/golden/exec/mem-*.tsv, run under QEMU's
// Linux user mode by tools/gen-mem-golden.ts, run again in granule at EL0 from the same state at
// the same addresses, over the same buffer contents and allocation tags. Registers, SP, NZCV, the
// buffer, its tags and the signal that ends a faulting block must all match what QEMU reported.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from '../isa/decode.js';
import { ENCODINGS } from '../isa/encodings.js';
import { decodeOp } from '../emulator/decoded.js';
import { executeUndefined } from '../emulator/exceptions.js';
import type { Machine } from '../emulator/machine.js';
import { stateHash } from '../tools/qemu-user-harness.js';
import { BUFFER_BASE, BUFFER_SIZE, GOLDEN_SETS, GRANULES, parseLines, type GoldenBlock, type GoldenSet, type GoldenSignal } from '../tools/mem-golden.js';
import { bareMachine, RAM_BASE } from './helpers/machine.js';

const MEM_FAMILIES = new Set([
  'loadStore', 'loadLiteral', 'prefetch', 'loadStorePair', 'exclusive', 'exclusivePair', 'acquireRelease', 'compareSwap',
  'compareSwapPair', 'atomic', 'swap', 'irg', 'gmi', 'subp', 'addSubTag', 'ldg', 'stg', 'stgp', 'ldgm', 'stgm', 'stzgm',
]);
const VBAR = RAM_BASE + 0x800n;
const hex = (v: bigint | number): string => '0x' + v.toString(16);

function load(set: GoldenSet): GoldenBlock[] {
  return parseLines(readFileSync(new URL(`golden/exec/${set.file}`, import.meta.url), 'utf8'), set.mte);
}

/**
 * The signal Linux (as QEMU's user mode models it) delivers for the exception granule took:
 * tag check fault SIGSEGV/SEGV_MTESERR, alignment fault SIGBUS/BUS_ADRALN with the fault
 * address (compared without the top byte: QEMU keeps it for atomics, exclusives and ordered
 * accesses but drops it for the tag stores; Linux keeps it only with SA_EXPOSE_TAGBITS);
 * UNDEFINED SIGILL at the PC with QEMU's si_code ILL_ILLOPN (Linux itself says ILL_ILLOPC);
 * translation/permission faults SIGSEGV MAPERR/ACCERR.
 */
function signalFor(m: Machine): GoldenSignal {
  const s = m.cpu.sys;
  const ec = Number(s.esr >> 26n);
  const dfsc = Number(s.esr & 0x3fn);
  if (ec === 0x00) return { signo: 4, code: 2, addr: s.elr, pc: s.elr };
  if (ec === 0x24 && dfsc === 0x11) return { signo: 11, code: 9, addr: s.far, pc: s.elr };
  if (ec === 0x24 && dfsc === 0x21) return { signo: 7, code: 1, addr: s.far, pc: s.elr };
  if (ec === 0x24 && (dfsc & 0x3c) === 0x0c) return { signo: 11, code: 2, addr: s.far, pc: s.elr };
  if (ec === 0x24) return { signo: 11, code: 1, addr: s.far, pc: s.elr };
  return { signo: -1, code: ec, addr: s.esr, pc: s.elr };
}

/**
 * A machine like QEMU's user mode: EL0, RAM identity-mapped for EL0 (Tagged Normal for a
 * PROT_MTE set), TBI0, DZE, and ATA0 and TCF0 as the harness's prctl call sets them (no call,
 * so ATA0 = 0, for an untagged set).
 */
function machineFor(set: GoldenSet): Machine {
  const m = bareMachine([], { mmu: true, el0: true, attr: set.mte ? 0xf0 : 0xff });
  const s = m.cpu.sys;
  s.sctlr = (s.sctlr & ~((3n << 38n) | (1n << 42n))) | (set.mte ? 1n << 42n : 0n) | (set.tcf === 'sync' ? 1n << 38n : 0n) | (1n << 14n);
  s.vbar = VBAR;
  m.cpu.hooks.translationChanged('sctlr');
  // Exceptions from EL0 stop the run where the kernel would deliver a signal.
  m.setVectorHandler(VBAR + 0x400n, (mm) => mm.stop());
  return m;
}

function replay(m: Machine, set: GoldenSet, b: GoldenBlock): string[] {
  const c = m.cpu;
  const base = Number(b.address - RAM_BASE) / 4;
  b.words.forEach((w, i) => (m.mem.u32[base + i] = w));
  m.invalidateCode();
  const off = Number(BUFFER_BASE - RAM_BASE);
  m.mem.bytes.set(b.initData, off);
  m.mem.setTags(set.mte ? b.initTags : new Uint8Array(GRANULES), off >> 4);
  c.selectStack(0, 0);
  b.init.x.forEach((v, i) => c.writeX(i, v));
  c.writeSp(b.init.sp);
  c.nzcv = b.init.nzcv;
  c.tco = 0;
  c.pan = 0;
  c.exclusivePa = -1;
  c.hooks.memoryStateChanged();
  c.pc = b.address;
  const end = b.address + BigInt(b.words.length * 4);
  const r = m.run(10_000, end);
  const got: string[] = [];
  const want: string[] = [];
  const signal = r.reason === 'stop' ? signalFor(m) : undefined;
  if (r.reason !== 'until' && r.reason !== 'stop') got.push(`stopped: ${r.reason} at ${hex(c.pc)}`);
  const sig = (s?: GoldenSignal): string => {
    if (!s) return 'no signal';
    const addr = s.signo === 7 ? s.addr & 0x00ff_ffff_ffff_ffffn : s.addr;
    return `signal ${s.signo}/${s.code} addr ${hex(addr)} pc ${hex(s.pc)}`;
  };
  if (sig(signal) !== sig(b.signal)) {
    got.push(sig(signal));
    want.push(sig(b.signal));
  }
  // After a fault the registers are the faulting instruction's (EL0's SP is banked at EL1).
  const sp = signal ? c.bankedSp(0) : c.readSp();
  for (let i = 0; i < 31; i++) {
    if (c.readX(i) !== b.final.x[i]) {
      got.push(`x${i}=${hex(c.readX(i))}`);
      want.push(`x${i}=${hex(b.final.x[i])}`);
    }
  }
  if (sp !== b.final.sp) {
    got.push(`sp=${hex(sp)}`);
    want.push(`sp=${hex(b.final.sp)}`);
  }
  const nzcv = signal ? Number(c.sys.spsr >> 28n) & 15 : c.nzcv;
  if (nzcv !== b.final.nzcv) {
    got.push(`nzcv=${nzcv}`);
    want.push(`nzcv=${b.final.nzcv}`);
  }
  const data = m.mem.bytes.subarray(off, off + BUFFER_SIZE);
  for (let i = 0; i < BUFFER_SIZE; i++) {
    if (data[i] !== b.data[i]) {
      got.push(`byte ${hex(i)}=${hex(data[i])}`);
      want.push(`byte ${hex(i)}=${hex(b.data[i])}`);
      break;
    }
  }
  const tags = m.mem.tags.subarray(off >> 4, (off >> 4) + GRANULES);
  for (let g = 0; g < GRANULES; g++) {
    if (tags[g] !== b.tags[g]) {
      got.push(`tag ${hex(g)}=${tags[g]}`);
      want.push(`tag ${hex(g)}=${b.tags[g]}`);
      break;
    }
  }
  b.words.forEach((_, i) => (m.mem.u32[base + i] = 0));
  return got.length ? [`line ${b.line} [${b.words.map((w) => w.toString(16)).join(' ')}]: got ${got.join(' ')}; QEMU ${want.join(' ')}`] : [];
}

describe('golden execution (QEMU) — loads, stores, atomics and MTE', () => {
  const all = GOLDEN_SETS.filter((s) => s.kind === 'mem').map((s) => [s, load(s)] as const);

  it('has the initial states the generator had (stateFromSeed unchanged)', () => {
    for (const [, blocks] of all) expect(blocks.filter((b) => stateHash(b.init) !== b.hash).map((b) => b.line)).toEqual([]);
  });

  it('covers every row of the memory and MTE families', () => {
    const counts = new Map<number, number>();
    for (const [, blocks] of all) for (const b of blocks) for (const w of b.words) counts.set(decode(w), (counts.get(decode(w)) ?? 0) + 1);
    const thin = ENCODINGS.flatMap((e, i) => {
      if (!e.supported || !MEM_FAMILIES.has(e.family)) return [];
      const min = ['ldgm', 'stgm', 'stzgm'].includes(e.family) ? 3 : 12;
      return (counts.get(i) ?? 0) < min ? [e.name] : [];
    });
    expect(thin).toEqual([]);
  });

  for (const [set, blocks] of all) {
    it(`${set.file}: registers, memory, tags and signals match QEMU`, () => {
      const m = machineFor(set);
      const failures = blocks.flatMap((b) => replay(m, set, b));
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }
});

// DC ZVA/GVA/GZVA reach executeDcZva/executeDcGva/executeDcGzva through the SYS handler.
describe('golden execution (QEMU) — DC ZVA, DC GVA, DC GZVA', () => {
  it('are routed by SYS', () => expect(decodeOp(0xd50b7420).exec).not.toBe(executeUndefined));

  for (const set of GOLDEN_SETS.filter((s) => s.kind === 'dc')) {
    it(`${set.file}: registers, memory, tags and signals match QEMU`, () => {
      const m = machineFor(set);
      const failures = load(set).flatMap((b) => replay(m, set, b));
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }
});

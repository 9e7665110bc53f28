// Golden execution tests: the blocks of test/golden/exec/int.tsv, run under QEMU by
// tools/gen-exec-golden.ts, run again in granule from the same initial state at the same
// addresses; every X register, SP and NZCV must match what QEMU left.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from '../isa/decode.js';
import { ENCODINGS, type Family } from '../isa/encodings.js';
import { Machine } from '../emulator/machine.js';
import { stateFromSeed, stateHash, type HarnessState } from '../tools/qemu-user-harness.js';
import { RAM_BASE } from './helpers/machine.js';

const FAMILIES: Family[] = [
  'logicalImm', 'logicalShifted', 'moveWide', 'bitfield', 'extract', 'dataProc1', 'dataProc2', 'dataProc3',
  'condCompare', 'condSelect', 'branchImm', 'branchCond', 'compareBranch', 'testBranch', 'branchReg',
];

interface Block {
  line: number;
  seed: number;
  hash: number;
  address: bigint;
  words: number[];
  final: HarnessState;
  init: HarnessState;
}

function load(name: string): Block[] {
  const text = readFileSync(new URL(`golden/exec/${name}`, import.meta.url), 'utf8');
  const blocks: Block[] = [];
  text.split('\n').forEach((l, i) => {
    if (l === '' || l.startsWith('#')) return;
    const [seed, hash, address, words, diff] = l.split('\t');
    const init = stateFromSeed(parseInt(seed, 16));
    const final: HarnessState = { x: [...init.x], sp: init.sp, nzcv: init.nzcv };
    for (const d of diff ? diff.split(' ') : []) {
      const [k, v] = d.split('=');
      if (k === 'sp') final.sp = BigInt('0x' + v);
      else if (k === 'nzcv') final.nzcv = parseInt(v, 16);
      else final.x[Number(k.slice(1))] = BigInt('0x' + v);
    }
    blocks.push({
      line: i + 1, seed: parseInt(seed, 16), hash: parseInt(hash, 16), address: BigInt('0x' + address),
      words: words.split(' ').map((w) => parseInt(w, 16)), init, final,
    });
  });
  return blocks;
}

const hex = (v: bigint): string => '0x' + v.toString(16);

describe('golden execution (QEMU) — integer data processing and branches', () => {
  const blocks = load('int.tsv');

  it('has the initial states the generator had (stateFromSeed unchanged)', () => {
    const bad = blocks.filter((b) => stateHash(b.init) !== b.hash).map((b) => b.line);
    expect(bad).toEqual([]);
  });

  it('covers every row of the integer families', () => {
    const counts = new Map<number, number>();
    for (const b of blocks) for (const w of b.words) counts.set(decode(w), (counts.get(decode(w)) ?? 0) + 1);
    const thin = ENCODINGS.flatMap((e, i) => (e.supported && FAMILIES.includes(e.family) && (counts.get(i) ?? 0) < 50 ? [e.name] : []));
    expect(thin).toEqual([]);
    expect(blocks.reduce((n, b) => n + b.words.length, 0)).toBeGreaterThan(10000);
  });

  it('leaves the registers, SP and NZCV that QEMU left', () => {
    const m = new Machine({ ramBase: Number(RAM_BASE), ramSize: 16 * 1024 * 1024 });
    // QEMU's Linux user mode runs with TCR_EL1.TBI0 (tagged user addresses), as Linux does.
    m.cpu.sys.tcr = 1n << 37n;
    m.cpu.hooks.translationChanged('tcr');
    const failures: string[] = [];
    for (const b of blocks) {
      const base = Number(b.address - RAM_BASE) / 4;
      b.words.forEach((w, i) => (m.mem.u32[base + i] = w));
      m.invalidateCode();
      b.init.x.forEach((v, i) => m.cpu.writeX(i, v));
      m.cpu.writeSp(b.init.sp);
      m.cpu.nzcv = b.init.nzcv;
      m.cpu.pc = b.address;
      const r = m.run(10_000, b.address + BigInt(b.words.length * 4));
      const got: string[] = [];
      const want: string[] = [];
      if (r.reason !== 'until') got.push(`stopped: ${r.reason} at ${hex(m.cpu.pc)}`);
      for (let i = 0; i < 31; i++) {
        if (m.cpu.readX(i) !== b.final.x[i]) {
          got.push(`x${i}=${hex(m.cpu.readX(i))}`);
          want.push(`x${i}=${hex(b.final.x[i])}`);
        }
      }
      if (m.cpu.readSp() !== b.final.sp) {
        got.push(`sp=${hex(m.cpu.readSp())}`);
        want.push(`sp=${hex(b.final.sp)}`);
      }
      if (m.cpu.nzcv !== b.final.nzcv) {
        got.push(`nzcv=${m.cpu.nzcv.toString(2)}`);
        want.push(`nzcv=${b.final.nzcv.toString(2)}`);
      }
      if (got.length) failures.push(`line ${b.line} [${b.words.map((w) => w.toString(16)).join(' ')}]: got ${got.join(' ')}; QEMU ${want.join(' ')}`);
      b.words.forEach((_, i) => (m.mem.u32[base + i] = 0));
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});

// Regenerates test/golden/timing/llvm-mca-19.json: what llvm-mca 19 says about the cycle
// model's validation kernels (bench/timing/kernels.ts) and about single instructions.
//
// Run: npm run gen:timing-golden   (needs llvm-mca-19: `apt-get install llvm-19`; set
// LLVM_MCA to use another binary)
//
// - Kernels: cycles per iteration in the steady state, (C(800) - C(400)) / 400 where C(n) is
//   llvm-mca's "Total Cycles" for n iterations of the loop, on -mcpu=cortex-a510 and
//   -mcpu=neoverse-n2 (only the profiles the kernel lists: llvm-mca's A510 model lacks the MTE
//   rows).
// - Instructions: for each form in INSTRUCTIONS, llvm-mca's Instruction Info (µops, latency,
//   reciprocal throughput) per profile, or null where the model has no scheduling data. The
//   tests compare granule's scheduling tables (emulator/timing/sched.ts) with these.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KERNELS, loopSource } from '../bench/timing/kernels.js';
import type { CpuName } from '../emulator/timing/config.js';

const MCA = process.env.LLVM_MCA ?? 'llvm-mca-19';
const OUT = new URL('../../test/golden/timing/', import.meta.url);
const CPUS: CpuName[] = ['cortex-a510', 'neoverse-n2'];
const MATTR = '+mte,+v8.5a,+lse,+rcpc';
const N1 = 400;
const N2 = 800;

/** Instruction forms whose llvm-mca timing the scheduling tables must reproduce. */
const INSTRUCTIONS: readonly string[] = [
  'add x0, x1, #1', 'add w0, w1, #1', 'adds x0, x1, #1', 'sub x0, x1, #1', 'subs x0, x1, #1', 'cmp x0, #1',
  'add x0, sp, #16', 'add x0, x1, x2', 'adds x0, x1, x2', 'sub x0, x1, x2', 'cmp x0, x1', 'neg x0, x1',
  'add x0, x1, x2, lsl #2', 'add x0, x1, x2, lsl #4', 'add x0, x1, x2, lsl #5', 'add x0, x1, x2, lsr #2', 'add x0, x1, x2, asr #2',
  'adds x0, x1, x2, lsl #2', 'sub x0, x1, x2, lsl #3', 'add x0, x1, w2, uxtw', 'add x0, x1, w2, uxtw #2', 'adds x0, x1, w2, sxtw',
  'add x0, sp, x1', 'and x0, x1, x2', 'ands x0, x1, x2', 'and x0, x1, x2, lsl #3', 'ands x0, x1, x2, lsl #3', 'bic x0, x1, x2',
  'orr x0, x1, x2, lsl #3', 'eor x0, x1, x2, lsr #3', 'eon x0, x1, x2', 'orn x0, x1, x2', 'mov x0, x2', 'mvn x0, x1', 'tst x0, x1',
  'and x0, x1, #0xff', 'ands x0, x1, #0xff', 'eor x0, x1, #0xff', 'orr x0, x1, #0x3',
  'mov x0, #5', 'movz x0, #5, lsl #16', 'movk x0, #5, lsl #16', 'movn x0, #5', 'mov w0, #-1',
  'adc x0, x1, x2', 'adcs x0, x1, x2', 'sbc x0, x1, x2', 'ngc x0, x1',
  'ccmp x0, x1, #0, ne', 'ccmp x0, #1, #0, ne', 'ccmn x0, #1, #0, eq', 'csel x0, x1, x2, eq', 'csinc x0, x1, x2, eq', 'csinv x0, x1, x2, eq',
  'csneg x0, x1, x2, eq', 'cset x0, eq', 'cinc x0, x1, ne',
  'lsl x0, x1, #3', 'lsr x0, x1, #3', 'asr x0, x1, #3', 'ubfx x0, x1, #3, #5', 'sbfx x0, x1, #3, #5', 'ubfiz x0, x1, #3, #5',
  'bfi x0, x1, #3, #5', 'bfxil x0, x1, #3, #5', 'sxtw x0, w1', 'sxtb x0, w1', 'uxtb w0, w1', 'extr x0, x1, x2, #3', 'ror x0, x1, #3',
  'lsl x0, x1, x2', 'lsr x0, x1, x2', 'asr x0, x1, x2', 'ror x0, x1, x2',
  'rbit x0, x1', 'rev x0, x1', 'rev16 x0, x1', 'rev32 x0, x1', 'clz x0, x1', 'cls x0, x1', 'adr x0, .', 'adrp x0, .',
  'mul w0, w1, w2', 'mul x0, x1, x2', 'madd w0, w1, w2, w3', 'madd x0, x1, x2, x3', 'msub x0, x1, x2, x3', 'mneg x0, x1, x2',
  'smull x0, w1, w2', 'umull x0, w1, w2', 'smaddl x0, w1, w2, x3', 'umsubl x0, w1, w2, x3', 'umulh x0, x1, x2', 'smulh x0, x1, x2',
  'sdiv w0, w1, w2', 'udiv w0, w1, w2', 'sdiv x0, x1, x2', 'udiv x0, x1, x2',
  'b .', 'b.ne .', 'cbz x0, .', 'cbnz w0, .', 'tbz x0, #3, .', 'tbnz w0, #3, .', 'br x0', 'ret',
  'ldr x0, [x1]', 'ldr x0, [x1, #8]', 'ldur x0, [x1, #-8]', 'ldr w0, [x1, #8]', 'ldrb w0, [x1, #8]', 'ldrh w0, [x1, #8]',
  'ldrsb x0, [x1, #8]', 'ldrsh w0, [x1, #8]', 'ldrsw x0, [x1, #8]', 'ldr x0, [x1, #8]!', 'ldr x0, [x1], #8', 'ldrb w0, [x1], #1',
  'ldr x0, [x1, x2]', 'ldr x0, [x1, x2, lsl #3]', 'ldr w0, [x1, w2, sxtw]', 'ldr x0, [x1, w2, sxtw #3]', 'ldr x0, .', 'ldtr x0, [x1]',
  'ldp x0, x1, [x2]', 'ldp x0, x1, [x2, #16]!', 'ldp x0, x1, [x2], #16', 'ldp w0, w1, [x2]', 'ldp w0, w1, [x2], #8', 'ldpsw x0, x1, [x2]',
  'ldnp x0, x1, [x2]',
  'str x0, [x1]', 'str x0, [x1, #8]', 'stur x0, [x1, #-8]', 'str w0, [x1, #8]', 'strb w0, [x1, #8]', 'strh w0, [x1, #8]',
  'str x0, [x1, #8]!', 'str x0, [x1], #8', 'str x0, [x1, x2]', 'str x0, [x1, x2, lsl #3]', 'str x0, [x1, w2, sxtw #3]', 'sttr x0, [x1]',
  'stp x0, x1, [x2]', 'stp x0, x1, [x2, #16]!', 'stp x0, x1, [x2], #16', 'stp w0, w1, [x2]', 'stnp x0, x1, [x2]',
  'ldar x0, [x1]', 'ldapr x0, [x1]', 'stlr x0, [x1]', 'ldxr x0, [x1]', 'ldaxr x0, [x1]', 'stxr w3, x0, [x1]', 'stlxr w3, x0, [x1]',
  'ldxp x0, x1, [x2]', 'stxp w3, x0, x1, [x2]', 'prfm pldl1keep, [x0]',
  'dmb ish', 'dsb sy', 'isb', 'nop', 'mrs x0, tpidr_el0', 'msr tpidr_el0, x0',
  'irg x0, x1', 'irg x0, x1, x2', 'gmi x0, x1, x2', 'addg x0, x1, #16, #1', 'subg x0, x1, #16, #1', 'subp x0, x1, x2', 'subps x0, x1, x2',
  'ldg x0, [x1]', 'ldg x0, [x1, #16]', 'stg x0, [x1]', 'stg x0, [x1, #16]', 'stg x0, [x1, #16]!', 'stg x0, [x1], #16',
  'stzg x0, [x1]', 'stzg x0, [x1], #16', 'st2g x0, [x1]', 'st2g x0, [x1], #32', 'stz2g x0, [x1]', 'stz2g x0, [x1], #32',
  'stgp x0, x1, [x2]', 'stgp x0, x1, [x2, #16]!', 'stgp x0, x1, [x2], #16', 'ldgm x0, [x1]', 'stgm x0, [x1]', 'stzgm x0, [x1]',
  'dc zva, x0', 'dc gva, x0', 'dc gzva, x0',
];

interface McaRun {
  cycles: number;
  info: { uops: number; latency: number; rthroughput: number }[];
}

function mca(dir: string, source: string, cpu: CpuName, iterations: number): McaRun | null {
  const file = join(dir, 'in.s');
  writeFileSync(file, source);
  const r = spawnSync(MCA, ['-mtriple=aarch64', `-mcpu=${cpu}`, `-mattr=${MATTR}`, `-iterations=${iterations}`, '--resource-pressure=false', file], { encoding: 'utf8' });
  if (r.status !== 0) {
    if (/unable to resolve scheduling class|unsupported instruction/i.test(r.stderr)) return null;
    throw new Error(`${MCA} -mcpu=${cpu} failed on:\n${source}\n${r.stderr}`);
  }
  const cycles = Number(/Total Cycles:\s+(\d+)/.exec(r.stdout)?.[1]);
  const info: McaRun['info'] = [];
  let inTable = false;
  for (const line of r.stdout.split('\n')) {
    if (/^\[1\]\s+\[2\]\s+\[3\]/.test(line)) {
      inTable = true;
      continue;
    }
    if (inTable) {
      const m = /^\s*(\d+)\s+(\d+)\s+([\d.]+)\s/.exec(line);
      if (!m) break;
      info.push({ uops: Number(m[1]), latency: Number(m[2]), rthroughput: Number(m[3]) });
    }
  }
  if (!Number.isFinite(cycles)) throw new Error(`no Total Cycles in ${MCA}'s output`);
  return { cycles, info };
}

function main(): void {
  const version = execFileSync(MCA, ['--version'], { encoding: 'utf8' }).match(/LLVM version ([\d.]+)/)?.[1] ?? 'unknown';
  const dir = mkdtempSync(join(tmpdir(), 'granule-mca-'));
  try {
    const kernels: Record<string, Partial<Record<CpuName, { cycles: [number, number]; cyclesPerIteration: number }>>> = {};
    for (const k of KERNELS) {
      kernels[k.name] = {};
      for (const cpu of k.cpus) {
        const a = mca(dir, loopSource(k), cpu, N1);
        const b = mca(dir, loopSource(k), cpu, N2);
        if (!a || !b) throw new Error(`${k.name}: llvm-mca has no scheduling data on ${cpu}`);
        kernels[k.name][cpu] = { cycles: [a.cycles, b.cycles], cyclesPerIteration: (b.cycles - a.cycles) / (N2 - N1) };
      }
      process.stderr.write(`${k.name}: ${JSON.stringify(kernels[k.name])}\n`);
    }
    const instructions: Record<string, Record<CpuName, { uops: number; latency: number; rthroughput: number } | null>> = {};
    for (const text of INSTRUCTIONS) {
      const row = {} as Record<CpuName, { uops: number; latency: number; rthroughput: number } | null>;
      for (const cpu of CPUS) {
        const r = mca(dir, `${text}\n`, cpu, 1);
        row[cpu] = r && r.info.length === 1 ? r.info[0] : null;
      }
      instructions[text] = row;
    }
    mkdirSync(OUT, { recursive: true });
    const golden = {
      tool: `llvm-mca ${version}`,
      command: `${MCA} -mtriple=aarch64 -mcpu=CPU -mattr=${MATTR} -iterations=N`,
      iterations: [N1, N2],
      kernels,
      instructions,
    };
    writeFileSync(new URL('llvm-mca-19.json', OUT), JSON.stringify(golden, null, 1) + '\n');
    process.stderr.write(`wrote test/golden/timing/llvm-mca-19.json (${KERNELS.length} kernels, ${INSTRUCTIONS.length} instructions)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();

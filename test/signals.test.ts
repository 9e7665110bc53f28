// Signal delivery in granule's kernel shim against a real arm64 Linux kernel. Each program in
// test/signals/ is assembled by granule's assembler and run in user mode (createUserProcess,
// argv = { "/bin/NAME" }, no environment, as the oracle's init runs it); its stdout and how it
// ended are compared with test/golden/signals/NAME.out: for most programs what Debian's arm64 6.1
// kernel printed under qemu-system-aarch64 10 with MTE (tools/gen-signals-golden.ts, `npm run
// gen:signals-golden`; the header also says whether qemu-aarch64 user mode agrees), for the
// `// expected: rules` programs (faults QEMU does not raise) values written from Linux's code.
// The fatal-* programs end with a fatal signal; for them the report granule prints (the CLI puts
// it on stderr) is checked here too, and granule's exit status is 128 + signo.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSink } from '../emulator/devices/output.js';
import { createUserProcess } from '../kernel-shim/process.js';
import { MC_PC, MC_PSTATE, MC_RESERVED, MC_SP, RT_SIGFRAME_SIZE, SIGNAL_MINSIGSTKSZ, UC, UC_SIGMASK } from '../kernel-shim/signals.js';
import { assembleProgram, formatEnd, sourceDigest, type ProcessEnd } from '../tools/linux-oracle.js';
import { isRulesProgram, parseSignalsGolden, signalGoldenPath, signalProgramNames, signalProgramPath } from '../tools/gen-signals-golden.js';

interface Run {
  stdout: string;
  end: ProcessEnd | undefined;
  report: string;
  exitStatus: number;
  problem?: string;
}

function run(name: string): Run {
  const stdout = new BufferSink();
  const stderr = new BufferSink();
  const { machine, kernel } = createUserProcess(assembleProgram(signalProgramPath(name)), { argv: [`/bin/${name}`], envp: [], stdout, stderr, stdin: () => new Uint8Array(0) });
  const r = machine.run(50_000_000);
  const e = kernel.end;
  const end: ProcessEnd | undefined = e?.kind === 'exit' ? { kind: 'exit', status: e.status } : e?.kind === 'signal' ? { kind: 'signal', signo: e.signo } : undefined;
  return {
    stdout: Buffer.from(stdout.bytes()).toString('latin1'),
    end,
    report: e?.kind === 'signal' ? e.report : '',
    exitStatus: machine.exitStatus,
    problem: e ? undefined : `no end (${r.reason} at pc 0x${machine.cpu.pc.toString(16)})`,
  };
}

const names = signalProgramNames();
const runs = new Map<string, Run>();
const runOf = (name: string): Run => {
  if (!runs.has(name)) runs.set(name, run(name));
  return runs.get(name)!;
};

describe('signal programs against Linux (test/signals, test/golden/signals)', () => {
  it('every program has its expected output', () => {
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !existsSync(signalGoldenPath(n)))).toEqual([]);
  });

  for (const name of names) {
    describe(name, () => {
      const golden = existsSync(signalGoldenPath(name)) ? parseSignalsGolden(readFileSync(signalGoldenPath(name))) : undefined;

      it(isRulesProgram(name) ? 'expected output is written from the rules' : 'golden file is up to date with the source (npm run gen:signals-golden)', () => {
        expect(golden).toBeDefined();
        if (isRulesProgram(name)) expect(golden!.from).toBe('rules');
        else expect(golden!.source, `test/signals/${name}.s (or lib.s) changed since its golden file was made`).toBe(sourceDigest(signalProgramPath(name)));
      });

      it('granule prints what Linux prints and ends the same way', () => {
        const r = runOf(name);
        expect(r.problem).toBeUndefined();
        expect(r.stdout).toBe(Buffer.from(golden!.stdout).toString('latin1'));
        expect(r.end && formatEnd(r.end)).toBe(formatEnd(golden!.end));
        if (golden!.end.kind === 'signal') expect(r.exitStatus).toBe(128 + golden!.end.signo);
      });
    });
  }
});

describe('the rt_sigframe layout', () => {
  it('has Linux arm64 offsets and sizes', () => {
    expect(UC).toBe(128);
    expect(UC_SIGMASK).toBe(168);
    expect(MC_SP).toBe(560);
    expect(MC_PC).toBe(568);
    expect(MC_PSTATE).toBe(576);
    expect(MC_RESERVED).toBe(592);
    expect(RT_SIGFRAME_SIZE).toBe(4688);
    // AT_MINSIGSTKSZ as the oracle kernel reports it (test/golden/linux/syscalls.out: 0x1270).
    expect(SIGNAL_MINSIGSTKSZ).toBe(0x1270);
  });
});

describe('the fatal signal report', () => {
  const report = (name: string): string[] => runOf(name).report.trimEnd().split('\n');

  it('a synchronous tag check fault: access, tags and the allocation-tag map', () => {
    const r = report('fatal-mteserr');
    expect(r[0]).toBe('granule: killed by SIGSEGV: synchronous tag check fault (SEGV_MTESERR)');
    expect(r[1]).toMatch(/^ {2}pc 0x[0-9a-f]+ {2}f9400a81 {2}ldr x1, \[x20, #16\]$/);
    expect(r.slice(2)).toEqual([
      '  load of 8 bytes at 0x0300000010000050',
      '  pointer tag 0x3, allocation tag 0x7 (granule 0x000010000050)',
      '  allocation tags (one per 16-byte granule, [x] = the faulting granule):',
      '    0x000010000000   0  0  0  0  7 [7] 7  0  0  0  0  0  0  0  0  0',
      '    0x000010000100   0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0',
      '  exit status 139 (core not dumped)',
    ]);
  });

  it('an overflow on a store, next to untagged memory', () => {
    expect(report('fatal-overflow').slice(2)).toEqual([
      '  store of 8 bytes at 0x0a00000010000020',
      '  pointer tag 0xa, allocation tag 0xb (granule 0x000010000020)',
      '  allocation tags (one per 16-byte granule, [x] = the faulting granule):',
      '    0x00000ffffe00   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .',
      '    0x00000fffff00   .  .  .  .  .  .  .  .  .  .  .  .  .  .  .  .',
      '    0x000010000000   a  a [b] b  0  0  0  0  0  0  0  0  0  0  0  0',
      '    0x000010000100   0  0  0  0  0  0  0  0  0  0  0  0  0  0  0  0',
      '    (. untagged memory)',
      '  exit status 139 (core not dumped)',
    ]);
  });

  it('an asynchronous tag check fault: where it was noticed, no address', () => {
    const r = report('fatal-mteaerr');
    expect(r[0]).toBe('granule: killed by SIGSEGV: asynchronous tag check fault (SEGV_MTEAERR)');
    expect(r[1]).toMatch(/^ {2}noticed at pc 0x[0-9a-f]+ {2}d4000001 {2}svc #0$/);
    expect(r[2]).toContain('the faulting access itself is not known');
    expect(r.at(-1)).toBe('  exit status 139 (core not dumped)');
  });

  it('SEGV_MAPERR and SEGV_ACCERR say what is (not) mapped there; a blocked SIGSEGV is overridden', () => {
    expect(report('fatal-maperr').slice(0, 3)).toEqual([
      'granule: killed by SIGSEGV: address not mapped (SEGV_MAPERR)',
      expect.stringMatching(/^ {2}pc 0x[0-9a-f]+ {2}f9400401 {2}ldr x1, \[x0, #8\]$/),
      '  load of 8 bytes at 0x8: no mapping there',
    ]);
    const b = report('fatal-blocked');
    expect(b[0]).toBe('granule: killed by SIGSEGV: invalid permissions for mapped object (SEGV_ACCERR)');
    expect(b[2]).toMatch(/^ {2}store of 8 bytes at 0x[0-9a-f]+ \(mapping 0x400000-0x401000 r-x elf\)$/);
    expect(b[3]).toBe('  (SIGSEGV was blocked; a synchronous fault is delivered anyway, with the default action)');
  });

  it('kill(), BRK and a refused sigreturn', () => {
    const k = report('fatal-kill');
    expect(k[0]).toBe('granule: killed by SIGTERM, sent by kill() from pid 1000');
    expect(k[1]).toMatch(/svc #0$/);
    expect(k.at(-1)).toBe('  exit status 143');
    const t = report('fatal-trap');
    expect(t[0]).toBe('granule: killed by SIGTRAP: breakpoint (TRAP_BRKPT)');
    expect(t[1]).toMatch(/d4200840 {2}brk #0x42$/);
    const f = report('fatal-badframe');
    expect(f[0]).toBe('granule: killed by SIGSEGV: invalid permissions for mapped object (SEGV_ACCERR)');
    expect(f[1]).toMatch(/svc #0$/);
    expect(f[2]).toMatch(/^ {2}rt_sigreturn refused the frame at 0x[0-9a-f]+: pstate 0x3c0 is not a valid EL0 state$/);
  });

  it('a signal frame that cannot be written', () => {
    const r = report('fatal-nostack');
    expect(r[0]).toBe('granule: killed by SIGSEGV (SI_KERNEL)');
    expect(r[2]).toBe('  could not write the signal frame for SIGSEGV at 0xeda0 (sp 0x10000)');
  });
});

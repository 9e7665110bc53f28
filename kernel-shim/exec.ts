// execve() for static executables (fs/binfmt_elf.c load_elf_binary + create_elf_tables): map the
// PT_LOAD segments, set up the initial stack with argc, argv, envp and the auxiliary vector,
// and enter EL0 at the entry point through ERET.

import { ElfError, parseElf, requireAArch64, PT_LOAD, type ElfFile } from '../emulator/loader/elf.js';
import { exceptionReturn } from '../emulator/exceptions.js';
import type { Kernel } from './kernel.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP, pageDown, pageUp } from './mm.js';
import { mapVdso } from './vdso.js';

const PF_X = 1, PF_W = 2, PF_R = 4;
const ET_EXEC = 2, ET_DYN = 3;
/** Where a static-PIE (ET_DYN) executable is loaded: ELF_ET_DYN_BASE, without randomisation. */
export const ET_DYN_BASE = 0x0000_aaaa_aaaa_0000n;

// Auxiliary vector types (include/uapi/linux/auxvec.h).
const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8, AT_ENTRY = 9;
const AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17;
const AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51;

/**
 * HWCAP bits for what granule implements (arch/arm64/include/uapi/asm/hwcap.h): ATOMICS (LSE),
 * LRCPC, DIT, ILRCPC, FLAGM, SSBS, SB. No FP/AdvSIMD.
 */
export const HWCAP = (1 << 8) | (1 << 15) | (1 << 24) | (1 << 26) | (1 << 27) | (1 << 28) | (1 << 29);
/** HWCAP2: FLAGM2, MTE, MTE3. */
export const HWCAP2 = (1 << 7) | (1 << 18) | (1 << 22);
/**
 * Signal frames need this much stack at least: AT_MINSIGSTKSZ as Linux computes it for this core
 * (minsigstksz_setup: the 4688-byte rt_sigframe, the frame record, 16 bytes of alignment; 0x1270
 * on the oracle kernel too).
 */
export const MINSIGSTKSZ = 4720;

export interface ExecImage {
  entry: bigint;
  elf: ElfFile;
}

/** Loads `bytes` into a fresh address space and prepares EL0 entry. Throws ElfError for a bad ELF. */
export function execProgram(k: Kernel, bytes: Uint8Array, argv: string[], envp: string[], seed: number): ExecImage {
  const elf = parseElf(bytes);
  requireAArch64(elf);
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN) throw new ElfError(`ELF type ${elf.type} is not an executable (ET_EXEC or ET_DYN)`);
  if (elf.programHeaders.some((p) => p.type === 3)) throw new ElfError('dynamically linked executables (PT_INTERP) are not supported: link it statically');
  const loads = elf.programHeaders.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  if (loads.length === 0) throw new ElfError('ELF has no loadable segments');
  const bias = elf.type === ET_DYN ? ET_DYN_BASE : 0n;
  let end = 0n;
  let phdr = 0n;
  for (const p of loads) {
    const start = pageDown(bias + p.vaddr);
    const stop = pageUp(bias + p.vaddr + BigInt(p.memsz));
    if (stop > STACK_TOP - STACK_SIZE || start < 0x1000n) throw new ElfError(`segment at 0x${p.vaddr.toString(16)} is outside the user address space`);
    const prot = (p.flags & PF_R ? PROT_READ : 0) | (p.flags & PF_W ? PROT_WRITE : 0) | (p.flags & PF_X ? PROT_EXEC : 0);
    k.as.addVma({ start, end: stop, prot, mte: false, name: 'elf' });
    k.as.writeInitial(bias + p.vaddr, bytes.subarray(p.offset, p.offset + p.filesz));
    if (stop > end) end = stop;
    // AT_PHDR: the program headers, where a segment maps the ELF header's file range.
    const phoff = elf.phoff;
    if (phoff >= BigInt(p.offset) && phoff < BigInt(p.offset + p.filesz)) phdr = bias + p.vaddr + (phoff - BigInt(p.offset));
  }
  k.as.brkStart = k.as.brk = end;
  // The stack is anonymous memory (VM_STACK_DEFAULT_FLAGS include VM_MTE_ALLOWED); the ELF
  // segments are file mappings, where PROT_MTE is refused.
  k.as.addVma({ start: STACK_TOP - STACK_SIZE, end: STACK_TOP, prot: PROT_READ | PROT_WRITE, mte: false, mteAllowed: true, name: '[stack]' });
  // comm: the executable's base name, cut to TASK_COMM_LEN - 1 (__set_task_comm in begin_new_exec).
  k.name = (argv[0] ?? '').replace(/.*\//, '').slice(0, 15);
  const entry = bias + elf.entry;
  const vdso = mapVdso(k);
  const sp = buildStack(k, argv, envp, { phdr, phnum: elf.programHeaders.length, entry, seed, execfn: argv[0] ?? '', vdso });
  enterUser(k, entry, sp);
  return { entry, elf };
}

interface StackInfo {
  phdr: bigint;
  phnum: number;
  entry: bigint;
  seed: number;
  execfn: string;
  vdso: bigint;
}

/** create_elf_tables(): strings at the top, then AT_RANDOM bytes, auxv, envp, argv, argc at SP. */
function buildStack(k: Kernel, argv: string[], envp: string[], info: StackInfo): bigint {
  const enc = new TextEncoder();
  let p = STACK_TOP - 8n;
  const put = (bytes: Uint8Array): bigint => {
    p -= BigInt(bytes.length);
    k.as.writeInitial(p, bytes);
    return p;
  };
  const cstr = (s: string): Uint8Array => {
    const b = enc.encode(s);
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    return out;
  };
  const execfn = put(cstr(info.execfn));
  const envPtrs = envp.map((e) => put(cstr(e))).reverse();
  const argPtrs = argv.map((a) => put(cstr(a))).reverse();
  envPtrs.reverse();
  argPtrs.reverse();
  const platform = put(cstr('aarch64'));
  // AT_RANDOM: 16 bytes from the run's seed (deterministic, DESIGN.md decision 9).
  const random = new Uint8Array(16);
  let x = info.seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < 16; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    random[i] = x & 0xff;
  }
  p &= ~15n;
  const randomAt = put(random);
  // ARCH_DLINFO's entries first (AT_SYSINFO_EHDR, AT_MINSIGSTKSZ), then the generic ones.
  const auxv: [number, bigint][] = [
    [AT_SYSINFO_EHDR, info.vdso], [AT_MINSIGSTKSZ, BigInt(MINSIGSTKSZ)], [AT_HWCAP, BigInt(HWCAP)], [AT_PAGESZ, 4096n], [AT_CLKTCK, 100n], [AT_PHDR, info.phdr], [AT_PHENT, 56n],
    [AT_PHNUM, BigInt(info.phnum)], [AT_BASE, 0n], [AT_FLAGS, 0n], [AT_ENTRY, info.entry], [AT_UID, 0n], [AT_EUID, 0n],
    [AT_GID, 0n], [AT_EGID, 0n], [AT_SECURE, 0n], [AT_RANDOM, randomAt], [AT_HWCAP2, BigInt(HWCAP2)],
    [AT_EXECFN, execfn], [AT_PLATFORM, platform], [AT_NULL, 0n],
  ];
  const words: bigint[] = [BigInt(argv.length), ...argPtrs, 0n, ...envPtrs, 0n, ...auxv.flatMap(([t, v]) => [BigInt(t), v])];
  p -= BigInt(words.length * 8);
  p &= ~15n;
  const table = new Uint8Array(words.length * 8);
  const view = new DataView(table.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, BigInt.asUintN(64, w), true));
  k.as.writeInitial(p, table);
  return p;
}

/** start_thread(): EL0t with DAIF clear, SP_EL0 = sp, PC = entry, via ERET. */
function enterUser(k: Kernel, entry: bigint, sp: bigint): void {
  const cpu = k.m.cpu;
  for (let i = 0; i < 31; i++) cpu.writeX(i, 0n);
  cpu.setBankedSp(0, sp);
  // EL0t with PSTATE.SSBS set: start_thread → spectre_v4_enable_task_mitigation gives user tasks
  // SSBS = 1 under the default (prctl) policy, as every signal frame's pstate shows on Linux.
  cpu.sys.spsr = 1n << 12n;
  cpu.sys.elr = entry;
  exceptionReturn(cpu);
}

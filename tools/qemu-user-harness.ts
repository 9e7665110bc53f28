// Runs blocks of A64 code under QEMU's Linux user mode (`qemu-aarch64 -cpu max`), the oracle for
// granule's golden execution tests, and reports the state each block leaves.
//
// What it does. `runBlocks(blocks, options)` writes one program (GNU assembler syntax) that,
// block after block:
//   1. puts the block's initial data and allocation tags into the optional data buffer,
//   2. sets X0..X30, SP and NZCV from the block's initial state (every register, so nothing
//      depends on QEMU's start-up values),
//   3. runs the block's words, placed verbatim (`.inst`) at an address that is reported back,
//   4. when execution reaches the word after the block, saves X0..X30, SP and NZCV (TPIDR_EL0
//      holds X0 meanwhile, so the saving needs no register of the block's), restores its own
//      stack, and writes the state (and the buffer and its tags) to stdout with the write
//      syscall.
// A block that raises SIGSEGV, SIGBUS, SIGILL, SIGTRAP or SIGFPE does not end the program: a
// handler (on an alternate stack, since the block may have set SP to anything) records the
// signal, si_code, si_addr, the PC and the registers at the fault from the ucontext, and
// resumes at the next block. The program is assembled and linked with GNU binutils
// (`aarch64-linux-gnu-as`/`-ld`, static, code at `codeBase`) and run under QEMU.
//
// Addresses. Code sits at `codeBase` (0x40010000 by default) and the data buffer at a fixed
// address (mmap MAP_FIXED), both inside granule's default RAM at 0x40000000, so a test can place
// the same words at the same addresses in a granule machine (MMU off, or identity-mapped) and
// compare everything, including values derived from the PC (ADR, BL's link register).
// QEMU's Linux user mode runs with TCR_EL1.TBI0 set (tagged addresses), as Linux does; a
// granule test should set it too.
//
// Memory tests. Give `options.data = { base, size }` for a read/write buffer; each block's
// `data` bytes are copied to its start (the rest is zero) and the buffer's contents after the
// block come back in `result.data`. With `mte: true` the buffer is mapped PROT_MTE (QEMU's
// `-cpu max` has FEAT_MTE2), block `tags` (one 4-bit tag per 16-byte granule, default 0) are
// set with STG before the block and read back with LDG into `result.tags`; `tcf` selects the
// tag-check mode through prctl(PR_SET_TAGGED_ADDR_CTRL) (default 'none'; every tag is included
// in random tag generation, GCR_EL1.Exclude = 0). The harness touches the buffer with
// PSTATE.TCO = 1 and clears TCO just before the block, so only the block's own accesses are
// checked. A tag-check fault comes back as `signal` (SIGSEGV, si_code SEGV_MTESERR = 9 or
// SEGV_MTEAERR = 8).
//
// Example:
//   const [r] = runBlocks([{ words: [0x8b020020], init: stateFromSeed(1) }]);   // add x0, x1, x2
//   r.final.x[0] === (r.init.x[1] + r.init.x[2]) & (2n ** 64n - 1n)
//
// Only tools (the generators of golden data) use this module; tests read committed results.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const QEMU = process.env.QEMU_AARCH64 ?? 'qemu-aarch64';
export const GNU_AS = process.env.GNU_AS ?? 'aarch64-linux-gnu-as';
export const GNU_LD = process.env.GNU_LD ?? 'aarch64-linux-gnu-ld';

const MASK64 = (1n << 64n) - 1n;

/** Architectural register state a block starts from or leaves. */
export interface HarnessState {
  /** X0..X30, unsigned 64-bit. */
  x: bigint[];
  sp: bigint;
  /** NZCV as four bits: N = 8, Z = 4, C = 2, V = 1. */
  nzcv: number;
}

export interface HarnessBlock {
  /** The instruction words, run from the first until execution reaches the word after the last. */
  words: number[];
  init: HarnessState;
  /** Initial bytes at the start of the data buffer (the rest is zeroed). Needs options.data. */
  data?: Uint8Array;
  /** Initial allocation tags, one per 16-byte granule of the buffer (default 0). Needs data.mte. */
  tags?: Uint8Array;
}

export interface HarnessDataBuffer {
  /** Fixed address (page aligned) and size (multiple of 4096, at most 1 MiB) of the buffer. */
  base: bigint;
  size: number;
  /** Map it PROT_MTE. */
  mte?: boolean;
  /** Tag-check fault mode for EL0 (SCTLR_EL1.TCF0 through prctl). */
  tcf?: 'none' | 'sync' | 'async';
}

export interface HarnessOptions {
  /** Address of the program's code; the blocks follow the harness code. Default 0x40010000. */
  codeBase?: bigint;
  data?: HarnessDataBuffer;
  /** Blocks per QEMU run (programs are kept small). Default 400. */
  chunk?: number;
  /** Extra QEMU arguments (default `-cpu max`). */
  qemuArgs?: string[];
}

export interface HarnessSignal {
  signo: number;
  /** si_code (e.g. SEGV_MAPERR 1, SEGV_ACCERR 2, SEGV_MTEAERR 8, SEGV_MTESERR 9, ILL_ILLOPC 1). */
  code: number;
  /** si_addr. */
  addr: bigint;
  /** The PC of the faulting instruction. */
  pc: bigint;
}

export interface HarnessResult {
  /** The address the block's first word ran at. */
  address: bigint;
  init: HarnessState;
  /** The state after the block, or at the fault when `signal` is set. */
  final: HarnessState;
  signal?: HarnessSignal;
  /** The data buffer after the block. */
  data?: Uint8Array;
  /** The buffer's allocation tags after the block. */
  tags?: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Deterministic random values

/** xorshift32: a small seeded generator (no Math.random anywhere in golden data). */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (this.s = s >>> 0);
  }
  /** 0 <= value < n (n <= 2^32). */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

/** Values integer instructions treat specially: zero, ones, signs and the 32-bit boundaries. */
export const EDGE_VALUES: readonly bigint[] = [
  0n, 1n, 2n, 3n, MASK64, MASK64 - 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0x8000000000000001n, 0xffffffff00000000n, 0xffffffff80000000n, 0x00000000ffff0000n,
  0x8000000080000000n, 0x7fffffff7fffffffn, 0x0000000100000001n, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan,
];

/** One register value: edges, small and small negative numbers, 32-bit and 64-bit randoms. */
export function randomValue(r: Prng): bigint {
  const k = r.below(100);
  if (k < 20) return r.pick(EDGE_VALUES);
  if (k < 32) return BigInt(r.below(72));
  if (k < 40) return (-BigInt(r.below(72) + 1)) & MASK64;
  if (k < 52) return BigInt(r.u32());
  if (k < 58) return BigInt.asUintN(64, BigInt(r.u32() | 0));
  if (k < 64) return BigInt(r.u32() & ((1 << r.below(31)) - 1)) << BigInt(r.below(40));
  return r.u64();
}

/** The initial state a golden record's seed stands for: every X register, SP and NZCV. */
export function stateFromSeed(seed: number): HarnessState {
  const r = new Prng(seed);
  const x = Array.from({ length: 31 }, () => randomValue(r));
  return { x, sp: randomValue(r), nzcv: r.below(16) };
}

/** A 32-bit FNV-1a hash of a state, so a golden test notices if stateFromSeed ever changes. */
export function stateHash(s: HarnessState): number {
  let h = 0x811c9dc5;
  const mix = (v: bigint): void => {
    for (let i = 0n; i < 64n; i += 8n) h = Math.imul(h ^ Number((v >> i) & 0xffn), 0x01000193) >>> 0;
  };
  s.x.forEach(mix);
  mix(s.sp);
  mix(BigInt(s.nzcv));
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// The program

const RECORD = 304; // x0..x30, sp, nzcv, address, signo, si_code, si_addr, pc (8 bytes each)
const SIGNALS = [4, 5, 7, 8, 11]; // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV
const SA_SIGINFO = 4;
const SA_ONSTACK = 0x08000000;
const SA_RESTORER = 0x04000000;
const SA_NODEFER = 0x40000000;
const PROT_MTE = 0x20;
const PR_SET_TAGGED_ADDR_CTRL = 55;

const hex = (v: bigint | number): string => '0x' + v.toString(16);
const quad = (v: bigint): string => `\t.quad ${hex(v & MASK64)}`;

/** `mov xd, #v` for any 64-bit v (MOVZ + MOVK). */
function movImm(rd: number, v: bigint): string[] {
  const out = [`\tmovz x${rd}, #${hex(v & 0xffffn)}`];
  for (let s = 16n; s < 64n; s += 16n) {
    const part = (v >> s) & 0xffffn;
    if (part !== 0n) out.push(`\tmovk x${rd}, #${hex(part)}, lsl #${s}`);
  }
  return out;
}

/** Address of a symbol into xd (anywhere within 4 GiB). */
const addrOf = (rd: number, sym: string): string[] => [`\tadrp x${rd}, ${sym}`, `\tadd x${rd}, x${rd}, :lo12:${sym}`];

function syscall(nr: number, args: string[]): string[] {
  return [...args, `\tmov x8, #${nr}`, '\tsvc #0'];
}

function program(blocks: HarnessBlock[], o: HarnessOptions): string {
  const d = o.data;
  const mte = d?.mte === true;
  const L: string[] = ['\t.arch armv8.5-a+memtag', '\t.text', '\t.global _start', '_start:'];
  L.push(...addrOf(0, 'saved_sp'), '\tmov x1, sp', '\tstr x1, [x0]');
  // Alternate signal stack and handlers.
  L.push(...syscall(132, [...addrOf(0, 'altstack_desc'), '\tmov x1, #0']));
  for (const sig of SIGNALS) L.push(...syscall(134, [`\tmov x0, #${sig}`, ...addrOf(1, 'sigact'), '\tmov x2, #0', '\tmov x3, #8']));
  if (d) {
    if (d.base & 0xfffn || d.size % 4096 !== 0 || d.size <= 0 || d.size > 1 << 20) throw new Error('harness: data buffer must be page aligned, 4 KiB..1 MiB');
    const prot = 3 | (mte ? PROT_MTE : 0);
    L.push(...syscall(222, [...movImm(0, d.base), ...movImm(1, BigInt(d.size)), `\tmov x2, #${prot}`, '\tmov x3, #0x32', '\tmov x4, #-1', '\tmov x5, #0']));
    L.push(...movImm(1, d.base), '\tcmp x0, x1', '\tb.ne harness_fail');
    if (mte) {
      // PR_TAGGED_ADDR_ENABLE | TCF | all tags included (bits 3..18).
      const tcf = d.tcf === 'sync' ? 2 : d.tcf === 'async' ? 4 : 0;
      L.push(...syscall(167, [`\tmov x0, #${PR_SET_TAGGED_ADDR_CTRL}`, ...movImm(1, BigInt(1 | tcf | (0xffff << 3))), '\tmov x2, #0', '\tmov x3, #0', '\tmov x4, #0']));
      L.push('\tcbnz x0, harness_fail', '\tmsr tco, #1');
    }
  }
  L.push('\tb block_0_setup');
  L.push('harness_fail:', ...syscall(94, ['\tmov x0, #99']));
  // Signal handler: x0 = signo, x1 = siginfo, x2 = ucontext (uc_mcontext at 176: fault_address,
  // regs[31] at 184, sp at 432, pc at 440, pstate at 448).
  L.push('signal_handler:', ...addrOf(3, 'out'), '\tadd x4, x2, #184', '\tmov x5, #0');
  L.push('1:', '\tldr x6, [x4, x5, lsl #3]', '\tstr x6, [x3, x5, lsl #3]', '\tadd x5, x5, #1', '\tcmp x5, #31', '\tb.ne 1b');
  L.push('\tldr x6, [x2, #432]', '\tstr x6, [x3, #248]', '\tldr x6, [x2, #448]', '\tstr x6, [x3, #256]');
  L.push('\tmov w6, w0', '\tstr x6, [x3, #272]', '\tldrsw x6, [x1, #8]', '\tstr x6, [x3, #280]', '\tldr x6, [x1, #16]', '\tstr x6, [x3, #288]');
  L.push('\tldr x6, [x2, #440]', '\tstr x6, [x3, #296]', ...addrOf(6, 'resume_ptr'), '\tldr x6, [x6]', '\tstr x6, [x2, #440]', '\tret');
  L.push('signal_restorer:', ...syscall(139, []));

  const D: string[] = ['\t.data', '\t.balign 16', 'saved_sp:\t.quad 0', 'resume_ptr:\t.quad 0'];
  D.push('sigact:', '\t.quad signal_handler', quad(BigInt(SA_SIGINFO | SA_ONSTACK | SA_RESTORER | SA_NODEFER)), '\t.quad signal_restorer', '\t.quad 0');
  D.push('altstack_desc:', '\t.quad altstack', '\t.quad 0', '\t.quad 65536');
  D.push('\t.balign 16', `out:\t.skip ${RECORD}`);
  const granules = d ? d.size / 16 : 0;
  if (mte) D.push(`tag_out:\t.skip ${granules}`);
  const B: string[] = ['\t.bss', '\t.balign 16', 'altstack:\t.skip 65536'];

  blocks.forEach((b, k) => {
    L.push(`block_${k}_setup:`, ...addrOf(0, 'resume_ptr'), `\tadr x1, block_${k}_done`, '\tstr x1, [x0]');
    if (d) {
      // Copy the initial data, zero the rest of the buffer, then set the tags.
      const n = Math.min(d.size, Math.ceil((b.data?.length ?? 0) / 16) * 16);
      L.push(...movImm(1, d.base), ...movImm(2, d.base + BigInt(d.size)));
      if (n > 0) {
        const bytes = new Uint8Array(n);
        bytes.set(b.data!.subarray(0, n));
        const view = new DataView(bytes.buffer);
        D.push('\t.balign 16', `data_${k}:`);
        for (let i = 0; i < n; i += 8) D.push(quad(view.getBigUint64(i, true)));
        L.push(...addrOf(0, `data_${k}`), ...movImm(5, d.base + BigInt(n)));
        L.push('2:', '\tldp x3, x4, [x0], #16', '\tstp x3, x4, [x1], #16', '\tcmp x1, x5', '\tb.lo 2b');
      }
      if (n < d.size) L.push('5:', '\tstp xzr, xzr, [x1], #16', '\tcmp x1, x2', '\tb.lo 5b');
      if (mte) {
        const tags = new Uint8Array(granules);
        if (b.tags) tags.set(b.tags.subarray(0, granules));
        D.push(`tags_${k}:`, ...Array.from({ length: Math.ceil(granules / 16) }, (_, i) => `\t.byte ${[...tags.subarray(i * 16, i * 16 + 16)].map((t) => t & 15).join(', ')}`));
        L.push(...addrOf(0, `tags_${k}`), ...movImm(1, d.base));
        L.push('3:', '\tldrb w3, [x0], #1', '\torr x4, x1, x3, lsl #56', '\tstg x4, [x4]', '\tadd x1, x1, #16', '\tcmp x1, x2', '\tb.lo 3b');
        L.push('\tmsr tco, #0');
      }
    }
    D.push('\t.balign 8', `state_${k}:`, ...b.init.x.map(quad), quad(b.init.sp), quad(BigInt(b.init.nzcv) << 28n));
    L.push(...addrOf(30, `state_${k}`), '\tldr x0, [x30, #256]', '\tmsr nzcv, x0', '\tldr x0, [x30, #248]', '\tmov sp, x0');
    for (let r = 0; r < 30; r += 2) L.push(`\tldp x${r}, x${r + 1}, [x30, #${r * 8}]`);
    L.push('\tldr x30, [x30, #240]');
    L.push(`block_${k}:`, ...b.words.map((w) => `\t.inst 0x${(w >>> 0).toString(16).padStart(8, '0')}`));
    // The block's end: save the state without disturbing it.
    L.push('\tmsr tpidr_el0, x0', ...addrOf(0, 'out'), '\tstr x1, [x0, #8]');
    for (let r = 2; r < 30; r += 2) L.push(`\tstp x${r}, x${r + 1}, [x0, #${r * 8}]`);
    L.push('\tstr x30, [x0, #240]', '\tmrs x1, tpidr_el0', '\tstr x1, [x0]', '\tmov x1, sp', '\tstr x1, [x0, #248]');
    L.push('\tmrs x1, nzcv', '\tstr x1, [x0, #256]', '\tstr xzr, [x0, #272]');
    // Both paths (normal end, signal) continue here.
    L.push(`block_${k}_done:`, ...addrOf(0, 'saved_sp'), '\tldr x0, [x0]', '\tmov sp, x0');
    if (mte) L.push('\tmsr tco, #1');
    L.push(...addrOf(0, 'out'), `\tadr x1, block_${k}`, '\tstr x1, [x0, #264]');
    L.push(...syscall(64, ['\tmov x0, #1', ...addrOf(1, 'out'), `\tmov x2, #${RECORD}`]));
    if (d) {
      L.push(...syscall(64, ['\tmov x0, #1', ...movImm(1, d.base), ...movImm(2, BigInt(d.size))]));
      if (mte) {
        L.push(...movImm(1, d.base), ...movImm(2, d.base + BigInt(d.size)), ...addrOf(0, 'tag_out'));
        L.push('4:', '\tmov x4, x1', '\tldg x4, [x1]', '\tubfx x3, x4, #56, #4', '\tstrb w3, [x0], #1', '\tadd x1, x1, #16', '\tcmp x1, x2', '\tb.lo 4b');
        L.push(...syscall(64, ['\tmov x0, #1', ...addrOf(1, 'tag_out'), `\tmov x2, #${granules}`]));
      }
    }
  });
  L.push(`block_${blocks.length}_setup:`, ...syscall(94, ['\tmov x0, #0']));
  return [...L, ...D, ...B, ''].join('\n');
}

function readState(buf: Buffer, at: number): HarnessState {
  const x = Array.from({ length: 31 }, (_, i) => buf.readBigUInt64LE(at + i * 8));
  return { x, sp: buf.readBigUInt64LE(at + 248), nzcv: Number((buf.readBigUInt64LE(at + 256) >> 28n) & 15n) };
}

function runChunk(blocks: HarnessBlock[], o: HarnessOptions, codeBase: bigint): HarnessResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'granule-qemu-'));
  try {
    const src = join(dir, 'h.s');
    writeFileSync(src, program(blocks, o));
    execFileSync(GNU_AS, ['-march=armv8.5-a+memtag', '-o', join(dir, 'h.o'), src]);
    rmSync(src);
    execFileSync(GNU_LD, ['-static', '-Ttext', hex(codeBase), '-o', join(dir, 'h'), join(dir, 'h.o')]);
    const out = execFileSync(QEMU, [...(o.qemuArgs ?? ['-cpu', 'max']), join(dir, 'h')], { maxBuffer: 1 << 30, timeout: 120_000 });
    const d = o.data;
    const per = RECORD + (d ? d.size : 0) + (d?.mte ? d.size / 16 : 0);
    if (out.length !== per * blocks.length) throw new Error(`harness: QEMU wrote ${out.length} bytes for ${blocks.length} blocks (${per} each)`);
    return blocks.map((b, k) => {
      const at = k * per;
      const signo = Number(out.readBigUInt64LE(at + 272));
      const r: HarnessResult = { address: out.readBigUInt64LE(at + 264), init: b.init, final: readState(out, at) };
      if (signo !== 0) {
        r.signal = { signo, code: Number(BigInt.asIntN(64, out.readBigUInt64LE(at + 280))), addr: out.readBigUInt64LE(at + 288), pc: out.readBigUInt64LE(at + 296) };
      }
      if (d) r.data = new Uint8Array(out.subarray(at + RECORD, at + RECORD + d.size));
      if (d?.mte) r.tags = new Uint8Array(out.subarray(at + RECORD + d.size, at + per));
      return r;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs each block under QEMU from its initial state and returns the state it leaves (see the
 * header). Blocks are batched into programs of `options.chunk`; the result order is the input's.
 */
export function runBlocks(blocks: HarnessBlock[], o: HarnessOptions = {}): HarnessResult[] {
  const chunk = o.chunk ?? 400;
  const codeBase = o.codeBase ?? 0x40010000n;
  for (const b of blocks) {
    if (b.init.x.length !== 31) throw new Error('harness: init.x needs X0..X30');
    if ((b.data || b.tags) && !o.data) throw new Error('harness: block data needs options.data');
    if (b.tags && !o.data?.mte) throw new Error('harness: block tags need options.data.mte');
  }
  const results: HarnessResult[] = [];
  for (let i = 0; i < blocks.length; i += chunk) results.push(...runChunk(blocks.slice(i, i + chunk), o, codeBase));
  return results;
}

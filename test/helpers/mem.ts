// Fixtures for the load/store, atomic and MTE execution tests: a program assembled at the start
// of RAM on an identity-mapped machine (test/helpers/machine.ts), a data area split into 4 KiB
// pages so single pages can be unmapped, made read-only or untagged, an exception vector that
// stops the run, and accessors for memory and allocation tags.

import { assemble } from '../../isa/asm/assembler.js';
import type { Machine } from '../../emulator/machine.js';
import { bareMachine, EL0_ALIAS, RAM_BASE, type FixtureOptions } from './machine.js';

export { EL0_ALIAS, RAM_BASE };

/** The data area: the second 2 MiB block of RAM, mapped by 4 KiB pages. */
export const DATA = RAM_BASE + 0x200000n;
export const VBAR = RAM_BASE + 0x1000n;
const L2 = RAM_BASE + 0xff1000n;
const L3 = RAM_BASE + 0xff8000n;

/** SCTLR_EL1 bits the tests set. */
export const SCTLR = {
  A: 1n << 1n, SA: 1n << 3n, SA0: 1n << 4n, DZE: 1n << 14n, ATA0: 1n << 42n, ATA: 1n << 43n,
} as const;
export const TCF = { NONE: 0n, SYNC: 1n, ASYNC: 2n, ASYM: 3n } as const;

export interface MemOptions extends FixtureOptions {
  /** Stop at the synchronous vectors (default true). */
  vectors?: boolean;
}

/** Assembles `source` (GNU syntax) for address `base`; returns the words of .text. */
export function assembleWords(source: string, base = RAM_BASE): number[] {
  const r = assemble(source, { file: 't.s', base });
  if (!r.image) throw new Error(r.errors.map((e) => e.format()).join('\n'));
  const seg = r.image.segments.find((s) => s.name === '.text')!;
  const view = new DataView(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength);
  return Array.from({ length: seg.data.length >> 2 }, (_, i) => view.getUint32(i * 4, true));
}

export interface MemMachine {
  m: Machine;
  /** Address just after the program. */
  end: bigint;
}

/**
 * A machine running `source` at EL1 from RAM_BASE with the MMU on (Tagged Normal RAM unless
 * `attr` says otherwise), the data area at DATA mapped by pages, and VBAR_EL1 = VBAR with
 * handlers that stop the run at the synchronous vectors.
 */
export function memMachine(source: string, o: MemOptions = {}): MemMachine {
  const words = assembleWords(source);
  const m = bareMachine(words, { mmu: true, ...o });
  // L2[1] (0x40200000..0x403fffff) becomes a table of 4 KiB pages with the block's attributes.
  const block = readPa64(m, L2 + 8n);
  writePa64(m, L2 + 8n, L3 | 3n);
  const attrs = block & 0xfffn & ~3n;
  for (let i = 0n; i < 512n; i++) writePa64(m, L3 + i * 8n, (DATA + (i << 12n)) | attrs | 3n);
  m.cpu.sys.vbar = VBAR;
  if (o.vectors ?? true) for (const off of [0x000n, 0x200n, 0x400n]) m.setVectorHandler(VBAR + off, (mm) => mm.stop());
  m.mmu.tlbiAll();
  return { m, end: RAM_BASE + BigInt(words.length * 4) };
}

function readPa64(m: Machine, pa: bigint): bigint {
  return m.mem.view.getBigUint64(Number(pa - RAM_BASE), true);
}
function writePa64(m: Machine, pa: bigint, v: bigint): void {
  m.mem.view.setBigUint64(Number(pa - RAM_BASE), v, true);
}

/** The L3 descriptor of a data page, to edit (then the TLB is flushed). */
export function pageDescriptor(m: Machine, va: bigint): bigint {
  return readPa64(m, L3 + ((va - DATA) >> 12n) * 8n);
}
export function setPageDescriptor(m: Machine, va: bigint, desc: bigint): void {
  writePa64(m, L3 + ((va - DATA) >> 12n) * 8n, desc);
  m.mmu.tlbiAll();
}
/** Makes the data page of `va` invalid (translation fault, level 3). */
export function unmapPage(m: Machine, va: bigint): void {
  setPageDescriptor(m, va, 0n);
}
/** Sets AP[2:1] of the data page (0: EL1 RW, 1: EL0+EL1 RW, 2: EL1 RO, 3: EL0+EL1 RO). */
export function setPageAp(m: Machine, va: bigint, ap: bigint): void {
  setPageDescriptor(m, va, (pageDescriptor(m, va) & ~(3n << 6n)) | (ap << 6n));
}
/** Maps the data page of `va` with MAIR attribute index 1, which memMachine sets to `attr`. */
export function setPageAttr(m: Machine, va: bigint, attr: number): void {
  m.cpu.sys.mair = (m.cpu.sys.mair & 0xffn) | (BigInt(attr) << 8n);
  m.cpu.hooks.translationChanged('mair');
  setPageDescriptor(m, va, (pageDescriptor(m, va) & ~(7n << 2n)) | (1n << 2n));
}

/** Runs until the end of the program, a stop at a vector, or `max` instructions. */
export function run(mm: MemMachine, max = 10_000): string {
  return mm.m.run(max, mm.end).reason;
}

export interface Taken {
  esr: bigint;
  far: bigint;
  elr: bigint;
  /** The vector offset the PC stopped at. */
  vector: bigint;
}

/** The exception the run stopped at, or undefined when the program ran to its end. */
export function taken(mm: MemMachine): Taken | undefined {
  const pc = mm.m.cpu.pc;
  if (pc === mm.end) return undefined;
  const s = mm.m.cpu.sys;
  return { esr: s.esr, far: s.far, elr: s.elr, vector: pc - VBAR };
}

/** The offset in the program of instruction `index` (for ELR checks). */
export const insn = (index: number): bigint => RAM_BASE + BigInt(index * 4);

export function read64(m: Machine, pa: bigint): bigint {
  return m.mem.view.getBigUint64(Number(pa - RAM_BASE), true);
}
export function write64(m: Machine, pa: bigint, v: bigint): void {
  m.mem.view.setBigUint64(Number(pa - RAM_BASE), BigInt.asUintN(64, v), true);
}
export function readBytes(m: Machine, pa: bigint, n: number): number[] {
  const off = Number(pa - RAM_BASE);
  return [...m.mem.bytes.subarray(off, off + n)];
}
export function fill(m: Machine, pa: bigint, n: number, byte: number): void {
  const off = Number(pa - RAM_BASE);
  m.mem.bytes.fill(byte, off, off + n);
}
export function tagAt(m: Machine, pa: bigint): number {
  return m.mem.tags[Number(pa - RAM_BASE) >> 4];
}
/** Sets the allocation tag of `count` granules from pa. */
export function setTags(m: Machine, pa: bigint, tag: number, count = 1): void {
  const g = Number(pa - RAM_BASE) >> 4;
  m.mem.fillTags(tag, g, g + count);
}

/** A pointer with logical tag `tag` in bits [59:56]. */
export const tagged = (addr: bigint, tag: number): bigint => (addr & ~(0xfn << 56n)) | (BigInt(tag) << 56n);

/** Enables allocation tag access (ATA, ATA0) with tag check modes TCF (EL1) and TCF0 (EL0). */
export function enableMte(m: Machine, tcf: bigint = TCF.SYNC, tcf0: bigint = TCF.SYNC): void {
  const s = m.cpu.sys;
  s.sctlr = (s.sctlr & ~(0xfn << 38n)) | SCTLR.ATA | SCTLR.ATA0 | (tcf << 40n) | (tcf0 << 38n);
  m.cpu.hooks.translationChanged('sctlr');
}

export function setSctlr(m: Machine, set: bigint, clear = 0n): void {
  m.cpu.sys.sctlr = (m.cpu.sys.sctlr | set) & ~clear;
  m.cpu.hooks.translationChanged('sctlr');
}

/** Moves the PE to EL0 (SP_EL0) at the EL0 alias of the program start (needs el0Alias). */
export function enterEl0(mm: MemMachine): void {
  const c = mm.m.cpu;
  c.selectStack(0, 0);
  c.writeSp(RAM_BASE + 0xf00000n + EL0_ALIAS);
  c.pc = RAM_BASE + EL0_ALIAS;
  mm.end += EL0_ALIAS;
  c.hooks.memoryStateChanged();
}

/** ESR values. */
export const esr = (ec: number, iss: number): bigint => BigInt(((ec << 26) | (1 << 25) | iss) >>> 0);
export const DABT_SAME = 0x25;
export const DABT_LOWER = 0x24;
export const WNR = 1 << 6;

// A kernel shim without a program, for testing the uaccess and fault-in routines directly: a
// small machine, the thread in synchronous tag-check mode with the tagged address ABI (as the
// reference's scenarios set up with prctl), PSTATE.TCO clear as the syscall entry leaves it, and
// helpers to map PROT_MTE memory and set allocation tags.

import { Machine } from '../../emulator/machine.js';
import { BufferSink } from '../../emulator/devices/output.js';
import { Kernel } from '../../kernel-shim/kernel.js';
import { PROT_READ, PROT_WRITE, type Vma } from '../../kernel-shim/mm.js';

export const USER_BASE = 0x0000_2000_0000_0000n;
export const PAGE = 4096;

export interface Env {
  k: Kernel;
  m: Machine;
}

/** tcf: 1 sync, 2 async, 3 asymmetric, 0 none (PR_MTE_TCF bits << 1). */
export function makeEnv(o: { ramMiB?: number; tcf?: number; profile?: string } = {}): Env {
  const m = new Machine({ ramBase: 0x40000000, ramSize: (o.ramMiB ?? 8) * 1024 * 1024 });
  const sink = new BufferSink();
  const k = new Kernel(m, { stdout: sink, stderr: sink, profile: o.profile });
  setTcf(k, o.tcf ?? 1);
  return { k, m };
}

/** prctl(PR_SET_TAGGED_ADDR_CTRL, ENABLE | TCF | include all but 0), then TCO as entry leaves it. */
export function setTcf(k: Kernel, tcf: number): void {
  const bits = tcf === 3 ? 6 : tcf === 2 ? 4 : tcf === 1 ? 2 : 0;
  k.taggedAddrCtrl = 1 | bits | (0xfffe << 3);
  k.applyTagSettings();
  if (tcf === 3) {
    // asymmetric: SCTLR_EL1.TCF0 = 3 (the shim's prctl picks async for "both").
    const s = k.m.cpu.sys;
    s.sctlr = (s.sctlr & ~(3n << 38n)) | (3n << 38n);
    k.m.cpu.hooks.translationChanged('sctlr');
  }
  k.m.cpu.tco = 0;
  k.m.cpu.hooks.memoryStateChanged();
}

/** An anonymous mapping (populated unless `lazy`), PROT_MTE unless `mte: false`. */
export function mapUser(k: Kernel, start: bigint, pages: number, o: { prot?: number; mte?: boolean; lazy?: boolean } = {}): Vma {
  const vma: Vma = { start, end: start + BigInt(pages * PAGE), prot: o.prot ?? PROT_READ | PROT_WRITE, mte: o.mte ?? true, name: '[test]' };
  k.as.addVma(vma);
  if (!o.lazy) for (let i = 0; i < pages; i++) k.as.populate(start + BigInt(i * PAGE), vma);
  return vma;
}

/** RAM offset of a mapped user address (undefined when the page is not populated). */
export function ramOffset(k: Kernel, va: bigint): number | undefined {
  const untagged = va & 0x00ff_ffff_ffff_ffffn;
  const e = k.userTables.lookup(untagged & ~0xfffn);
  return e === undefined ? undefined : e.pa - k.m.mem.ramBase + Number(untagged & 0xfffn);
}

/** Sets the allocation tag of the granules covering [va, va + len). */
export function setTags(k: Kernel, va: bigint, len: number, tag: number): void {
  for (let g = 0; g < len; g += 16) {
    const off = ramOffset(k, va + BigInt(g));
    if (off === undefined) throw new Error('setTags: page not populated');
    k.m.mem.setTag(off >>> 4, tag);
  }
}

/** Reads user memory through the page tables (no checks). */
export function peek(k: Kernel, va: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const off = ramOffset(k, va + BigInt(i));
    out[i] = off === undefined ? 0 : k.m.mem.bytes[off];
  }
  return out;
}

/** Writes user memory through the page tables (no checks). */
export function poke(k: Kernel, va: bigint, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) {
    const off = ramOffset(k, va + BigInt(i));
    if (off === undefined) throw new Error('poke: page not populated');
    k.m.mem.bytes[off] = bytes[i];
  }
}

/** A pointer with logical tag `tag`. */
export const tagged = (va: bigint, tag: number): bigint => (va & 0x00ff_ffff_ffff_ffffn) | (BigInt(tag) << 56n);

/** Bytes 1, 2, 3, ... (never 0), so copied and untouched bytes are told apart. */
export function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((i * 7 + seed) % 255) + 1;
  return b;
}

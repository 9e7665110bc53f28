// The per-frame tag summaries (PhysMem.pageTag) the typed-array uaccess path reads: after a copy
// has computed a frame's summary, every way of writing that frame's tags -- each MTE tag store
// executed by the CPU, the API's tag setter, the shim's frame allocation and its copy of a file
// page for a private mapping -- must make the next copy see the new tag.

import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm/assembler.js';
import { Machine as ApiMachine } from '../emulator/api.js';
import { PAGE_TAG_MIXED, PAGE_TAG_UNKNOWN } from '../mmu/physmem.js';
import { PROT_READ, PROT_WRITE, type MappedFile, type Vma } from '../kernel-shim/mm.js';
import { makeEnv, mapUser, PAGE, ramOffset, setTags, USER_BASE, type Env } from './helpers/uaccess-env.js';
import { tagged } from './helpers/mem.js';

const TAG = 3;
const CODE_VA = 0xffff_0000_0300_0000n;

/** A PROT_MTE page at USER_BASE with every granule tagged TAG, its summary computed by a copy. */
function taggedPage(): Env & { frame: number } {
  const env = makeEnv();
  mapUser(env.k, USER_BASE, 1);
  setTags(env.k, USER_BASE, PAGE, TAG);
  const frame = ramOffset(env.k, USER_BASE)! >>> 12;
  expect(copy(env, TAG)).toBe(0);
  expect(env.m.mem.pageTag[frame]).toBe(TAG);
  return { ...env, frame };
}

/** copy_from_user of the whole page through a pointer tagged `tag`: the bytes not copied. */
function copy(env: Env, tag: number, va = USER_BASE): number {
  return env.k.uaccess.copyFromUser(new Uint8Array(PAGE), tagged(va, tag), PAGE);
}

/** Also copy_to_user, and a short copy inside the page at `at` (the fast path's sub-page case). */
function toUser(env: Env, tag: number, at = 0, n = PAGE - at): number {
  return env.k.uaccess.copyToUser(tagged(USER_BASE + BigInt(at), tag), new Uint8Array(n));
}

/** Runs `source` at EL1 (kernel text mapped at CODE_VA) with x0 = `x0`, x1 = `x1`. */
function runEl1(env: Env, source: string, x0: bigint, x1 = 0n): void {
  const { k, m } = env;
  const { errors, image } = assemble(`${source}\ndone: nop\n`, { base: CODE_VA });
  if (!image) throw new Error(errors.map((e) => e.format()).join('\n'));
  const text = image.segments.find((s) => s.flags.includes('x'))!;
  const pa = k.frames.alloc()!;
  m.mem.bytes.set(text.data, pa - m.mem.ramBase);
  k.kernelTables.map(CODE_VA, pa, { read: true, write: false, exec: true, mte: false, user: false });
  const cpu = m.cpu;
  const pstate = cpu.packPstate();
  const saved = new Uint32Array(cpu.x);
  cpu.selectStack(1, 1);
  cpu.daif = 0xf;
  cpu.pan = 0;
  cpu.hooks.memoryStateChanged();
  cpu.writeX(0, x0);
  cpu.writeX(1, x1);
  cpu.pc = CODE_VA;
  const r = m.run(100, CODE_VA + BigInt(text.data.length - 4));
  expect(r.reason).toBe('until');
  cpu.unpackPstate(pstate);
  cpu.x.set(saved);
  m.contextSync();
}

describe('per-frame tag summary', () => {
  it('a copy computes the summary: one tag, or mixed', () => {
    const env = taggedPage();
    setTags(env.k, USER_BASE + 0x800n, 16, 9);
    expect(env.m.mem.pageTag[env.frame]).toBe(PAGE_TAG_UNKNOWN);
    expect(copy(env, TAG)).toBeGreaterThan(0);
    expect(env.m.mem.pageTag[env.frame]).toBe(PAGE_TAG_MIXED);
    // A copy inside the mixed page that avoids the odd granule still succeeds.
    expect(toUser(env, TAG, 0, 0x800)).toBe(0);
    expect(toUser(env, TAG, 0x700, 0x200)).toBeGreaterThan(0);
  });

  // Each tag store the CPU executes on the summarized page: the next copy must see the new tag.
  const stores: [string, string][] = [
    ['STG', 'stg x0, [x0, #0x100]'],
    ['STZG', 'stzg x0, [x0, #0x100]'],
    ['ST2G', 'st2g x0, [x0, #0x100]'],
    ['STZ2G', 'stz2g x0, [x0, #0x100]'],
    ['STGP', 'stgp xzr, xzr, [x0, #0x100]'],
    ['STGM', 'add x0, x0, #0x100\nstgm x1, [x0]'],
    ['STZGM', 'add x0, x0, #0x100\nstzgm x1, [x0]'],
    ['DC GVA', 'add x0, x0, #0x100\ndc gva, x0'],
    ['DC GZVA', 'add x0, x0, #0x100\ndc gzva, x0'],
  ];
  for (const [name, source] of stores) {
    it(`${name} on the page invalidates it: the next copies fault`, () => {
      const env = taggedPage();
      // x0: the page with tag 7 (STG/ST2G/STGP/DC G*VA store the address's tag); x1 for STGM/STZGM: all 7s.
      runEl1(env, source, tagged(USER_BASE, 7), 0x7777_7777_7777_7777n);
      expect(env.m.mem.tags[(ramOffset(env.k, USER_BASE)! + 0x100) >>> 4]).toBe(7);
      expect(copy(env, TAG)).toBeGreaterThan(0);
      expect(toUser(env, TAG, 0x100, 16)).toBe(16);
      expect(toUser(env, TAG, 0, 0x100)).toBe(0);
    });
  }

  it('a tag store of the same tag keeps the summary, and copies still succeed', () => {
    const env = taggedPage();
    runEl1(env, 'stg x0, [x0, #0x100]', tagged(USER_BASE, TAG));
    expect(env.m.mem.pageTag[env.frame]).toBe(TAG);
    expect(copy(env, TAG)).toBe(0);
  });

  it("the API's tag setter invalidates the page", () => {
    const env = taggedPage();
    const emu = Object.create(ApiMachine.prototype) as ApiMachine;
    Object.assign(emu, { core: env.m });
    emu.tagWrite(USER_BASE + 0xff0n, [12]);
    expect(env.m.mem.tags[(ramOffset(env.k, USER_BASE)! + 0xff0) >>> 4]).toBe(12);
    expect(copy(env, TAG)).toBeGreaterThan(0);
    expect(toUser(env, TAG, 0xf00, 0x100)).toBeGreaterThan(0);
  });

  it('a freed frame allocated again has tags 0, whatever its old summary', () => {
    const env = taggedPage();
    env.k.as.removeRange(USER_BASE, USER_BASE + BigInt(PAGE));
    mapUser(env.k, USER_BASE, 1);
    expect(ramOffset(env.k, USER_BASE)! >>> 12).toBe(env.frame);
    expect(copy(env, TAG)).toBe(PAGE);
    expect(copy(env, 0)).toBe(0);
  });

  it("the private copy of a file page carries the file page's tags (CoW copyTags)", () => {
    const env = taggedPage();
    const { k, m } = env;
    // The file's page: tag 5 everywhere but granule 3 (tag 6).
    const filePa = k.frames.alloc()!;
    const fg = (filePa - m.mem.ramBase) >>> 4;
    m.mem.fillTags(5, fg, fg + 256);
    m.mem.setTag(fg + 3, 6);
    const file: MappedFile = { key: {}, ref() {}, unref() {}, fault: () => filePa, putPage() {}, punch() {} };
    const va = USER_BASE + 0x10_0000n;
    const vma: Vma = { start: va, end: va + BigInt(PAGE), prot: PROT_READ | PROT_WRITE, mte: true, name: '[file]', file, pgoff: 0n };
    k.as.addVma(vma);
    // Faults the page in: a new frame (tags 0, summary 0) then the file page's tags copied in.
    expect(copy(env, 5, va)).toBeGreaterThan(0);
    expect(copy(env, 0, va)).toBe(PAGE);
    expect(m.mem.pageTag[ramOffset(k, va)! >>> 12]).toBe(PAGE_TAG_MIXED);
    const at = (off: bigint, tag: number): number => k.uaccess.copyFromUser(new Uint8Array(16), tagged(va + off, tag), 16);
    expect(at(0x30n, 6)).toBe(0);
    expect(at(0x30n, 5)).toBe(16);
    expect(at(0x20n, 5)).toBe(0);
  });

  it('multi-page copies use each frame summary and see writes to any of them', () => {
    const env = makeEnv();
    mapUser(env.k, USER_BASE, 4);
    setTags(env.k, USER_BASE, 4 * PAGE, TAG);
    const big = (tag: number): number => env.k.uaccess.copyFromUser(new Uint8Array(4 * PAGE), tagged(USER_BASE, tag), 4 * PAGE);
    expect(big(TAG)).toBe(0);
    const frames = [0, 1, 2, 3].map((i) => ramOffset(env.k, USER_BASE + BigInt(i * PAGE))! >>> 12);
    expect(frames.map((f) => env.m.mem.pageTag[f])).toEqual([TAG, TAG, TAG, TAG]);
    runEl1(env, 'stg x0, [x0]', tagged(USER_BASE + BigInt(2 * PAGE + 0x40), 1));
    expect(big(TAG)).toBeGreaterThan(0);
    // Unaligned sub-page range across a page boundary.
    expect(env.k.uaccess.copyFromUser(new Uint8Array(0x100), tagged(USER_BASE + BigInt(PAGE - 0x80), TAG), 0x100)).toBe(0);
  });

  it('PhysMem writers keep summaries exact', () => {
    const { m } = makeEnv();
    const mem = m.mem;
    mem.fillTags(4, 256, 512 + 16);
    expect(mem.pageTag[1]).toBe(4);
    expect(mem.pageTag[2]).toBe(PAGE_TAG_UNKNOWN);
    expect(mem.pageTagOf(2)).toBe(PAGE_TAG_MIXED);
    mem.setTags(new Uint8Array(256).fill(4), 512);
    expect(mem.pageTag[2]).toBe(PAGE_TAG_UNKNOWN);
    expect(mem.pageTagOf(2)).toBe(4);
    mem.copyTags(768, 0, 256);
    expect(mem.pageTag[3]).toBe(PAGE_TAG_UNKNOWN);
    expect(mem.pageTagOf(3)).toBe(0);
    mem.setTag(256 + 255, 1);
    expect(mem.pageTag[1]).toBe(PAGE_TAG_UNKNOWN);
    expect(mem.pageTagOf(1)).toBe(PAGE_TAG_MIXED);
  });
});

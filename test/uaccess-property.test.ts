// The typed-array uaccess path against the instruction-level routines (DESIGN.md decision 7):
// two identical kernels, one per implementation, run the same random operation over the same
// random user memory -- tag layouts with several bad granules, unpopulated, read-only, untagged
// and unmapped pages, page-crossing ranges, offsets 0-63 from a page start or end, lengths
// 0-2 KiB and beyond, both directions, both fixup variants, page faults enabled or disabled,
// sync/async/asymmetric/no tag checking -- and must agree on everything: the count, the kernel
// buffer, every user byte (including bytes beyond the count), tags, which pages got faulted
// in, TFSRE0_EL1, and the number of instructions the routine retires.

import { describe, expect, it } from 'vitest';
import { FIXUPS_V5_13, FIXUPS_V5_14 } from '../kernel-shim/copy-pattern.js';
import type { Kernel } from '../kernel-shim/kernel.js';
import { PROT_READ, PROT_WRITE } from '../kernel-shim/mm.js';
import { makeEnv, PAGE, ramOffset, setTcf, tagged, USER_BASE } from './helpers/uaccess-env.js';

/** mulberry32: a small seeded generator (DESIGN.md decision 9: no Math.random). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGES = 6;
type PageKind = 'tagged' | 'lazy' | 'ro' | 'untagged' | 'hole';
type Op = 'from' | 'to' | 'clear' | 'get' | 'put';

interface Case {
  seed: number;
  kinds: PageKind[];
  ptag: number;
  /** Allocation tag per granule of the region. */
  tags: Uint8Array;
  data: Uint8Array;
  kdata: Uint8Array;
  op: Op;
  start: number;
  n: number;
  kernelAddr: number;
  v513: boolean;
  nofault: boolean;
  tcf: number;
}

function makeCase(seed: number): Case {
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const kinds: PageKind[] = [];
  for (let i = 0; i < PAGES; i++) kinds.push(r() < 0.6 ? 'tagged' : pick(['lazy', 'ro', 'untagged', 'hole'] as const));
  const ptag = int(16);
  const tags = new Uint8Array((PAGES * PAGE) / 16).fill(ptag);
  const op = pick(['from', 'from', 'from', 'to', 'to', 'to', 'clear', 'get', 'put'] as const);
  const page = int(PAGES - 1);
  const off = int(64);
  const start = page * PAGE + (r() < 0.5 ? off : PAGE - 64 + off);
  let n: number;
  if (op === 'get' || op === 'put') n = pick([1, 2, 4, 8]);
  else {
    const u = r();
    n = u < 0.4 ? int(64) : u < 0.7 ? int(300) : u < 0.95 ? int(2200) : int(3 * PAGE);
  }
  n = Math.min(n, PAGES * PAGE - start);
  // Bad granules: a few, mostly inside or near the range, sometimes runs of them.
  const bad = int(5);
  // Often one right after the start: the first access straddles it (the one-byte retry's case).
  if (r() < 0.3) tags[Math.min(tags.length - 1, Math.floor(start / 16) + 1 + int(2))] = (ptag + 1 + int(15)) & 15;
  for (let i = 0; i < bad; i++) {
    const near = Math.floor(start / 16) + int(Math.max(1, Math.ceil(n / 16) + 2)) - 1;
    const g = r() < 0.8 ? Math.max(0, Math.min(tags.length - 1, near)) : int(tags.length);
    const run = r() < 0.2 ? 1 + int(6) : 1;
    for (let j = g; j < Math.min(tags.length, g + run); j++) tags[j] = (ptag + 1 + int(15)) & 15;
  }
  const data = new Uint8Array(PAGES * PAGE);
  for (let i = 0; i < data.length; i++) data[i] = int(256);
  const kdata = new Uint8Array(n);
  for (let i = 0; i < n; i++) kdata[i] = int(256);
  const tcfRoll = r();
  return {
    seed,
    kinds,
    ptag,
    tags,
    data,
    kdata,
    op,
    start,
    n,
    kernelAddr: int(4096),
    v513: r() < 0.3,
    nofault: r() < 0.4,
    tcf: tcfRoll < 0.75 ? 1 : tcfRoll < 0.85 ? 2 : tcfRoll < 0.95 ? 3 : 0,
  };
}

/** Rebuilds the region in `k` as the case describes. */
function install(k: Kernel, c: Case): void {
  const end = USER_BASE + BigInt(PAGES * PAGE);
  k.as.removeRange(USER_BASE - BigInt(PAGE), end + BigInt(PAGE));
  for (let i = 0; i < PAGES; i++) {
    const kind = c.kinds[i];
    if (kind === 'hole') continue;
    const va = USER_BASE + BigInt(i * PAGE);
    const vma = { start: va, end: va + BigInt(PAGE), prot: kind === 'ro' ? PROT_READ : PROT_READ | PROT_WRITE, mte: kind !== 'untagged', name: `[p${i}]` };
    k.as.addVma(vma);
    if (kind === 'lazy') continue;
    k.as.populate(va, vma);
    const off = ramOffset(k, va)!;
    k.m.mem.bytes.set(c.data.subarray(i * PAGE, (i + 1) * PAGE), off);
    k.m.mem.setTags(c.tags.subarray((i * PAGE) / 16, ((i + 1) * PAGE) / 16), off >>> 4);
  }
  setTcf(k, c.tcf);
  k.uaccess.fixups = { ...(c.v513 ? FIXUPS_V5_13 : FIXUPS_V5_14) };
  k.uaccess.pagefaultDisabled = c.nofault ? 1 : 0;
  k.m.cpu.sys.tfsre0 = 0n;
}

interface Outcome {
  result: string;
  /** Instructions the routine retired (or the typed-array path says it would have). */
  instructions: number;
  kbuf: number[];
  pages: (string | null)[];
  tfsre0: bigint;
}

function runCase(k: Kernel, c: Case): Outcome {
  install(k, c);
  const ua = k.uaccess;
  const uaddr = tagged(USER_BASE + BigInt(c.start), c.ptag);
  const kbuf = c.kdata.slice();
  ua.lastRoutineInstructions = -1;
  let result: string;
  switch (c.op) {
    case 'from':
      result = String(ua.rawCopyFromUser(kbuf, uaddr, c.n, c.kernelAddr));
      break;
    case 'to':
      result = String(ua.rawCopyToUser(uaddr, kbuf, c.kernelAddr));
      break;
    case 'clear':
      result = String(ua.rawClearUser(uaddr, c.n));
      break;
    case 'get':
      result = String(ua.rawGetUser(uaddr, c.n as 1 | 2 | 4 | 8));
      break;
    case 'put':
      result = String(ua.rawPutUser(uaddr, c.n as 1 | 2 | 4 | 8, 0x1122334455667788n));
      break;
  }
  const pages: (string | null)[] = [];
  for (let i = 0; i < PAGES; i++) {
    const va = USER_BASE + BigInt(i * PAGE);
    const off = ramOffset(k, va);
    if (off === undefined) pages.push(null);
    else pages.push(Buffer.from(k.m.mem.bytes.subarray(off, off + PAGE)).toString('hex') + ':' + Buffer.from(k.m.mem.tags.subarray(off >>> 4, (off + PAGE) >>> 4)).toString('hex'));
  }
  return { result, instructions: c.op === 'get' || c.op === 'put' ? 0 : ua.lastRoutineInstructions, kbuf: [...kbuf], pages, tfsre0: k.m.cpu.sys.tfsre0 };
}

const CASES = Number(process.env.GRANULE_UACCESS_CASES ?? 5000);

describe('uaccess: typed-array path == instruction-level routine', () => {
  it(`agrees on ${CASES} random cases`, () => {
    const a = makeEnv({ ramMiB: 4 });
    const b = makeEnv({ ramMiB: 4 });
    b.k.uaccess.path = 'instruction';
    const seen = { faulted: 0, partial: 0, byOp: new Map<Op, number>() };
    for (let seed = 1; seed <= CASES; seed++) {
      const c = makeCase(seed);
      const x = runCase(a.k, c);
      const y = runCase(b.k, c);
      const what = `seed ${seed}: ${c.op} n=${c.n} start=${c.start} kinds=${c.kinds.join(',')} ptag=${c.ptag} tcf=${c.tcf} v513=${c.v513} nofault=${c.nofault} kaddr=${c.kernelAddr}`;
      expect(x.result, what).toBe(y.result);
      expect(x.tfsre0, what).toBe(y.tfsre0);
      if (c.n > 0) expect(x.instructions, `${what}: instructions`).toBe(y.instructions);
      expect(x.kbuf, what).toEqual(y.kbuf);
      for (let i = 0; i < PAGES; i++) {
        if (x.pages[i] === y.pages[i]) continue;
        const [p, q] = [x.pages[i] ?? 'unmapped', y.pages[i] ?? 'unmapped'];
        let d = 0;
        while (p[d] === q[d]) d++;
        expect.fail(`${what}: page ${i} differs at ${p.length > 2 * PAGE && d >= 2 * PAGE ? `tag ${(d - 2 * PAGE - 1) >> 1}` : `byte ${d >> 1}`}: typed ${p.slice(d & ~1, (d & ~1) + 16)} insn ${q.slice(d & ~1, (d & ~1) + 16)}`);
      }
      if (x.result !== '0' && x.result !== 'true' && !/^\d{2,}$/.test(x.result) && c.op !== 'get') seen.partial++;
      if ((c.op === 'from' || c.op === 'to' || c.op === 'clear') && x.result !== '0') seen.faulted++;
      seen.byOp.set(c.op, (seen.byOp.get(c.op) ?? 0) + 1);
    }
    // The generator must actually exercise faults.
    expect(seen.faulted).toBeGreaterThan(CASES / 5);
  });
});

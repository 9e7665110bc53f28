// copy_from_user / copy_to_user throughput with tags on: a PROT_MTE-like mapping (Tagged Normal
// pages, every granule tagged with the pointer's tag), the thread in synchronous tag-check mode,
// sizes 64 B to 1 MiB. Three ways per size and direction: the shim's typed-array path, the
// instruction-level AArch64 routine run at EL1, and a raw `Uint8Array.prototype.set` of the same
// bytes between the same two buffers (what a copy with no translation and no tag check costs).

import { Machine } from '../emulator/machine.js';
import { BufferSink } from '../emulator/devices/output.js';
import { Kernel } from '../kernel-shim/kernel.js';
import { PROT_READ, PROT_WRITE, type Vma } from '../kernel-shim/mm.js';
import { sink, type BenchCase, type BenchSuite, type Figure } from './suite.js';

const SIZES = [64, 512, 4096, 65536, 1 << 20];
const USER = 0x0000_2000_0000_0000n;
const TAG = 3;

interface CopyBench {
  k: Kernel;
  uaddr: bigint;
  kbuf: Uint8Array;
  /** The user buffer's bytes in RAM (its frames are contiguous: pages faulted in in order). */
  ram: Uint8Array;
}

function setup(): CopyBench {
  const max = SIZES[SIZES.length - 1];
  const m = new Machine({ ramBase: 0x40000000, ramSize: 32 << 20 });
  const out = new BufferSink();
  const k = new Kernel(m, { stdout: out, stderr: out });
  // prctl(PR_SET_TAGGED_ADDR_CTRL, ENABLE | TCF_SYNC | include all but 0).
  k.setTaggedAddrCtrl(1 | 2 | (0xfffe << 3));
  const pages = max / 4096;
  const vma: Vma = { start: USER, end: USER + BigInt(max), prot: PROT_READ | PROT_WRITE, mte: true, name: '[bench]' };
  // A guard page after the buffer, populated first: it creates the page tables the buffer
  // shares, so that the buffer's frames that follow are consecutive.
  const guard: Vma = { ...vma, start: vma.end, end: vma.end + 4096n, name: '[guard]' };
  k.as.addVma(guard);
  k.as.populate(guard.start, guard);
  k.as.addVma(vma);
  for (let i = 0; i < pages; i++) k.as.populate(USER + BigInt(i * 4096), vma);
  const first = k.userTables.lookup(USER)!.pa - m.mem.ramBase;
  for (let i = 1; i < pages; i++) {
    if (k.userTables.lookup(USER + BigInt(i * 4096))!.pa - m.mem.ramBase !== first + i * 4096) throw new Error('bench copy: user frames are not contiguous');
  }
  m.mem.fillTags(TAG, first >>> 4, (first + max) >>> 4);
  for (let i = 0; i < max; i++) m.mem.bytes[first + i] = (i * 13 + 7) & 0xff;
  const kbuf = new Uint8Array(max);
  for (let i = 0; i < max; i++) kbuf[i] = (i * 5 + 1) & 0xff;
  return { k, uaddr: USER | (BigInt(TAG) << 56n), kbuf, ram: m.mem.bytes.subarray(first, first + max) };
}

function label(size: number): string {
  return size >= 1 << 20 ? `${size >> 20} MiB` : size >= 1024 ? `${size >> 10} KiB` : `${size} B`;
}

export const copySuite: BenchSuite = {
  name: 'copy',
  description: 'copy_from_user/copy_to_user on tag-checked memory, 64 B to 1 MiB: typed-array path vs the instruction-level routine vs raw Uint8Array.prototype.set',
  cases() {
    const b = setup();
    const ua = b.k.uaccess;
    const cases: BenchCase[] = [];
    for (const direction of ['from-user', 'to-user'] as const) {
      for (const size of SIZES) {
        const kview = b.kbuf.subarray(0, size);
        const uview = b.ram.subarray(0, size);
        const figures = (path: string) => (opsPerSec: number): Record<string, Figure> => ({ size, path, direction, bytesPerSec: opsPerSec * size });
        const check = (left: number): void => {
          if (left !== 0) throw new Error(`bench copy: ${direction} of ${size} left ${left}`);
          sink.value ^= left;
        };
        const typed =
          direction === 'from-user'
            ? () => {
                ua.path = 'typed-array';
                check(ua.copyFromUser(kview, b.uaddr, size));
              }
            : () => {
                ua.path = 'typed-array';
                check(ua.copyToUser(b.uaddr, kview));
              };
        const insn =
          direction === 'from-user'
            ? () => {
                ua.path = 'instruction';
                check(ua.copyFromUser(kview, b.uaddr, size));
              }
            : () => {
                ua.path = 'instruction';
                check(ua.copyToUser(b.uaddr, kview));
              };
        const raw =
          direction === 'from-user'
            ? () => {
                kview.set(uview);
                sink.value ^= kview[size - 1];
              }
            : () => {
                uview.set(kview);
                sink.value ^= uview[size - 1];
              };
        const name = `${direction} ${label(size)}`;
        cases.push({ name: `${name} typed-array`, fn: typed, figures: figures('typed-array') });
        cases.push({ name: `${name} instruction`, fn: insn, figures: figures('instruction') });
        cases.push({ name: `${name} raw set`, fn: raw, figures: figures('raw') });
      }
    }
    return cases;
  },
};

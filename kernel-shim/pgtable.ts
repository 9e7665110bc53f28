// Physical page frames and the stage-1 page tables the shim builds in guest memory, as Linux's
// arm64 mm does: 4 KiB pages, 4 levels (48-bit VA: T0SZ = T1SZ = 16), the user half through
// TTBR0_EL1 with a non-zero ASID and non-global entries, the kernel half through TTBR1_EL1.
// Everything the guest does goes through these tables and the real MMU/TLB; when the shim
// changes a live mapping it invalidates it the way TLBI VAE1IS would.

import type { Machine } from '../emulator/machine.js';

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** MAIR_EL1 attribute indexes (Linux's order: MT_NORMAL_TAGGED is the one with 0xF0). */
export const MT_NORMAL = 0;
export const MT_NORMAL_TAGGED = 1;
export const MT_DEVICE_nGnRnE = 2;
export const MAIR_VALUE = 0xffn | (0xf0n << 8n) | (0x00n << 16n);

// Descriptor bits (mte-arch.md §6.3).
const VALID = 1n;
const TABLE_OR_PAGE = 2n;
const AF = 1n << 10n;
const SH_INNER = 3n << 8n;
const NG = 1n << 11n;
const AP_EL0 = 1n << 6n;
const AP_RO = 1n << 7n;
const PXN = 1n << 53n;
const UXN = 1n << 54n;
const OA_MASK = 0x0000_ffff_ffff_f000n;

export interface PageProt {
  read: boolean;
  write: boolean;
  exec: boolean;
  /** PROT_MTE: Tagged Normal memory. */
  mte: boolean;
  /** Accessible from EL0 (user pages); kernel pages are EL1-only. */
  user: boolean;
}

/** Physical page frames of the machine's RAM: a bump allocator with a free list. */
export class FrameAllocator {
  private next: number;
  private readonly free: number[] = [];
  private readonly end: number;

  constructor(private readonly m: Machine) {
    this.next = m.mem.ramBase;
    this.end = m.mem.ramBase + m.mem.ramSize;
  }

  /** A zeroed frame with zero allocation tags (Linux clears both for a new anonymous page). */
  alloc(): number | undefined {
    const pa = this.free.pop() ?? (this.next < this.end ? (this.next += PAGE_SIZE) - PAGE_SIZE : undefined);
    if (pa === undefined) return undefined;
    const off = pa - this.m.mem.ramBase;
    this.m.mem.bytes.fill(0, off, off + PAGE_SIZE);
    this.m.mem.fillTags(0, off >>> 4, (off + PAGE_SIZE) >>> 4);
    return pa;
  }

  release(pa: number): void {
    this.free.push(pa);
  }

  get used(): number {
    return (this.next - this.m.mem.ramBase) / PAGE_SIZE - this.free.length;
  }
}

export class OutOfMemory extends Error {}

/** One translation table tree (a TTBR's worth), built in guest RAM. */
export class PageTables {
  readonly root: number;

  constructor(
    private readonly m: Machine,
    private readonly frames: FrameAllocator,
  ) {
    this.root = this.allocFrame();
  }

  private allocFrame(): number {
    const pa = this.frames.alloc();
    if (pa === undefined) throw new OutOfMemory('out of guest memory for page tables');
    return pa;
  }

  private read(pa: number): bigint {
    return this.m.mem.view.getBigUint64(pa - this.m.mem.ramBase, true);
  }
  private write(pa: number, v: bigint): void {
    this.m.mem.view.setBigUint64(pa - this.m.mem.ramBase, v, true);
  }

  /** Address of the level-3 descriptor for va, creating the tables on the way if `create`. */
  private pte(va: bigint, create: boolean): number | undefined {
    let table = this.root;
    for (let level = 0; level < 3; level++) {
      const index = Number((va >> BigInt(39 - 9 * level)) & 0x1ffn);
      const at = table + index * 8;
      const desc = this.read(at);
      if ((desc & VALID) === 0n) {
        if (!create) return undefined;
        const next = this.allocFrame();
        this.write(at, BigInt(next) | TABLE_OR_PAGE | VALID);
        table = next;
      } else table = Number(desc & OA_MASK);
    }
    return table + Number((va >> 12n) & 0x1ffn) * 8;
  }

  /** Maps the page at va to the frame pa. Callers invalidate the TLB if it replaces a mapping. */
  map(va: bigint, pa: number, prot: PageProt): void {
    const at = this.pte(va, true)!;
    this.write(at, pageDescriptor(pa, prot));
  }

  /** Frame and descriptor of the page at va, if mapped. */
  lookup(va: bigint): { pa: number; desc: bigint } | undefined {
    const at = this.pte(va, false);
    if (at === undefined) return undefined;
    const desc = this.read(at);
    return (desc & VALID) === 0n ? undefined : { pa: Number(desc & OA_MASK), desc };
  }

  /** Changes the permissions of a mapped page (mprotect); returns false if it is not mapped. */
  protect(va: bigint, prot: PageProt): boolean {
    const at = this.pte(va, false);
    if (at === undefined || (this.read(at) & VALID) === 0n) return false;
    this.write(at, pageDescriptor(Number(this.read(at) & OA_MASK), prot));
    return true;
  }

  /** Removes the mapping of the page at va; returns its frame. */
  unmap(va: bigint): number | undefined {
    const at = this.pte(va, false);
    if (at === undefined) return undefined;
    const desc = this.read(at);
    if ((desc & VALID) === 0n) return undefined;
    this.write(at, 0n);
    return Number(desc & OA_MASK);
  }
}

/**
 * A level-3 page descriptor: AttrIndx Normal or Normal-Tagged, inner shareable, AF set, nG for
 * user pages (they belong to the process's ASID); AP from read/write and user; execute-never
 * bits as Linux sets them (user pages are never kernel-executable).
 */
export function pageDescriptor(pa: number, prot: PageProt): bigint {
  let d = BigInt(pa) | VALID | TABLE_OR_PAGE | AF | SH_INNER;
  d |= BigInt(prot.mte ? MT_NORMAL_TAGGED : MT_NORMAL) << 2n;
  if (!prot.write) d |= AP_RO;
  if (prot.user) {
    d |= AP_EL0 | NG | PXN;
    if (!prot.exec) d |= UXN;
  } else {
    d |= UXN;
    if (!prot.exec) d |= PXN;
  }
  return d;
}

/** A user page with no access at all (PROT_NONE) is simply not mapped: faults decide. */
export const protNone = (p: PageProt): boolean => !p.read && !p.write && !p.exec;

// The process address space (Linux mm/mmap.c, mm/mprotect.c, mm/memory.c in miniature): VMAs,
// demand paging of anonymous memory, mmap/munmap/mprotect/brk, and PROT_MTE (Tagged Normal
// pages whose allocation tags start at 0).

import type { Machine } from '../emulator/machine.js';
import { FrameAllocator, OutOfMemory, PAGE_SIZE, PageTables, type PageProt } from './pgtable.js';

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const PROT_MTE = 0x20;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
export const MAP_FIXED_NOREPLACE = 0x100000;
export const MAP_STACK = 0x20000;
export const MAP_POPULATE = 0x8000;

/** The top of the user address space (TASK_SIZE for 48-bit VAs) and where stacks and mmaps go. */
export const TASK_SIZE = 1n << 48n;
export const STACK_TOP = 0x0000_ffff_ffff_f000n;
export const STACK_SIZE = 8n << 20n;
export const MMAP_BASE = STACK_TOP - STACK_SIZE - (1n << 27n);

const PAGE = BigInt(PAGE_SIZE);
export const pageDown = (v: bigint): bigint => v & ~(PAGE - 1n);
export const pageUp = (v: bigint): bigint => (v + PAGE - 1n) & ~(PAGE - 1n);

export interface Vma {
  start: bigint;
  end: bigint;
  prot: number;
  /** Tagged Normal memory (PROT_MTE once set stays set, as on Linux). */
  mte: boolean;
  name: string;
}

export type FaultResult = 'mapped' | 'maperr' | 'accerr';

export class AddressSpace {
  readonly vmas: Vma[] = [];
  brkStart = 0n;
  brk = 0n;

  constructor(
    readonly m: Machine,
    readonly frames: FrameAllocator,
    readonly pt: PageTables,
    readonly asid: number,
  ) {}

  find(va: bigint): Vma | undefined {
    return this.vmas.find((v) => va >= v.start && va < v.end);
  }

  private pageProt(v: Vma): PageProt {
    return { read: (v.prot & PROT_READ) !== 0 || (v.prot & PROT_WRITE) !== 0, write: (v.prot & PROT_WRITE) !== 0, exec: (v.prot & PROT_EXEC) !== 0, mte: v.mte, user: true };
  }

  /** Invalidates the TLB entry of one user page, as TLBI VAE1IS, Xt = ASID:VA[55:12] does. */
  private flushPage(va: bigint): void {
    const xt = (BigInt(this.asid) << 48n) | ((va >> 12n) & 0xfff_ffff_ffffn);
    this.m.mmu.tlbiVa(Number(xt & 0xffffffffn), Number(xt >> 32n), false);
  }

  /** Inserts a VMA over [start, end), replacing whatever was there. */
  addVma(vma: Vma): void {
    this.removeRange(vma.start, vma.end);
    this.vmas.push(vma);
    this.vmas.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** Splits VMAs at the range's edges and unmaps every page inside it. */
  removeRange(start: bigint, end: bigint): void {
    const keep: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        keep.push(v);
        continue;
      }
      if (v.start < start) keep.push({ ...v, end: start });
      if (v.end > end) keep.push({ ...v, start: end });
      const from = v.start > start ? v.start : start;
      const to = v.end < end ? v.end : end;
      for (let va = from; va < to; va += PAGE) {
        const pa = this.pt.unmap(va);
        if (pa !== undefined) {
          this.flushPage(va);
          this.frames.release(pa);
        }
      }
    }
    this.vmas.length = 0;
    this.vmas.push(...keep.sort((a, b) => (a.start < b.start ? -1 : 1)));
  }

  /** Whether [start, end) overlaps any VMA. */
  overlaps(start: bigint, end: bigint): boolean {
    return this.vmas.some((v) => v.start < end && v.end > start);
  }

  /** A free range of `len` bytes below MMAP_BASE, top-down (Linux's default mmap layout). */
  findFree(len: bigint): bigint | undefined {
    let top = MMAP_BASE;
    const sorted = [...this.vmas].sort((a, b) => (a.start > b.start ? -1 : 1));
    for (const v of sorted) {
      if (v.start >= top) continue;
      if (v.end <= top - len) return top - len;
      top = v.start;
    }
    return top - len >= PAGE * 16n ? top - len : undefined;
  }

  /** Maps a fresh zeroed page for va inside `vma` (demand paging). */
  populate(va: bigint, vma: Vma): void {
    const pa = this.frames.alloc();
    if (pa === undefined) throw new OutOfMemory('out of guest memory');
    this.pt.map(pageDown(va), pa, this.pageProt(vma));
  }

  /**
   * A translation or access-flag fault on a user address (ASL fault kinds; Linux
   * do_page_fault/handle_mm_fault): map the page if the VMA allows the access.
   */
  handleFault(va: bigint, access: 'read' | 'write' | 'exec'): FaultResult {
    const vma = this.find(va);
    if (!vma) return 'maperr';
    const need = access === 'write' ? PROT_WRITE : access === 'exec' ? PROT_EXEC : PROT_READ | PROT_WRITE;
    if ((vma.prot & need) === 0) return 'accerr';
    if (this.pt.lookup(pageDown(va))) return 'accerr';
    this.populate(va, vma);
    return 'mapped';
  }

  /** mprotect(2) on [start, end): VMA split, then the mapped pages re-described (with TLBI). */
  protect(start: bigint, end: bigint, prot: number): number {
    for (let va = start; va < end; va += PAGE) if (!this.find(va)) return -12; // ENOMEM: unmapped hole
    const parts = this.vmas.filter((v) => v.start < end && v.end > start);
    for (const v of parts) {
      const from = v.start > start ? v.start : start;
      const to = v.end < end ? v.end : end;
      const mte = v.mte || (prot & PROT_MTE) !== 0;
      this.removeVmaOnly(v);
      if (v.start < from) this.vmas.push({ ...v, end: from });
      if (v.end > to) this.vmas.push({ ...v, start: to });
      const nv: Vma = { ...v, start: from, end: to, prot: prot & 7, mte };
      this.vmas.push(nv);
      for (let va = from; va < to; va += PAGE) {
        const entry = this.pt.lookup(va);
        if (!entry) continue;
        if ((prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) === 0) {
          this.pt.unmap(va);
          this.frames.release(entry.pa);
        } else this.pt.protect(va, this.pageProt(nv));
        this.flushPage(va);
      }
    }
    this.vmas.sort((a, b) => (a.start < b.start ? -1 : 1));
    return 0;
  }

  private removeVmaOnly(v: Vma): void {
    const i = this.vmas.indexOf(v);
    if (i >= 0) this.vmas.splice(i, 1);
  }

  /** Copies bytes into user memory at va, populating pages (ELF loading, the initial stack). */
  writeInitial(va: bigint, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      const a = va + BigInt(i);
      const vma = this.find(a);
      if (!vma) throw new Error(`internal: no VMA at 0x${a.toString(16)}`);
      let entry = this.pt.lookup(pageDown(a));
      if (!entry) {
        this.populate(a, vma);
        entry = this.pt.lookup(pageDown(a))!;
      }
      const inPage = Number(a & (PAGE - 1n));
      const n = Math.min(PAGE_SIZE - inPage, bytes.length - i);
      this.m.mem.bytes.set(bytes.subarray(i, i + n), entry.pa - this.m.mem.ramBase + inPage);
      i += n;
    }
  }
}

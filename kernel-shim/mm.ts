// The process address space (Linux mm/mmap.c, mm/vma.c, mm/mprotect.c, mm/madvise.c,
// mm/memory.c in miniature): VMAs, demand paging of anonymous memory, and the memory syscalls
// mmap, munmap, mprotect, madvise and brk with Linux's argument checks, in Linux's order, and
// PROT_MTE (Tagged Normal pages whose allocation tags start at 0).
//
// Model choices (the rest follows Linux 6.x):
// - No VMA merging: adjacent mappings stay separate VMAs (only /proc/self/maps and the
//   map_count limit could tell).
// - A PROT_NONE page keeps its frame, as Linux keeps the page behind a PROT_NONE PTE: the PTE
//   is removed (any access faults and the VMA's protection makes it SEGV_ACCERR) and the frame
//   is parked until mprotect makes the page accessible again or it is unmapped.
// - MAP_SHARED anonymous memory is shmem in Linux; without fork its only visible difference
//   from private memory is madvise: MADV_DONTNEED keeps a shared page's contents.
// - The process runs as root (uid 0): MAP_FIXED below mmap_min_addr is allowed, as
//   CAP_SYS_RAWIO allows it.

import type { Machine } from '../emulator/machine.js';
import { FrameAllocator, OutOfMemory, PAGE_SIZE, PageTables, type PageProt } from './pgtable.js';
import { EACCES, EEXIST, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP, EOVERFLOW, EPERM } from './errno.js';

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
export const PROT_SEM = 8;
export const PROT_BTI = 0x10;
export const PROT_MTE = 0x20;
export const PROT_GROWSDOWN = 0x01000000;
export const PROT_GROWSUP = 0x02000000;

export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_SHARED_VALIDATE = 0x03;
export const MAP_DROPPABLE = 0x08;
export const MAP_TYPE = 0x0f;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100;
export const MAP_DENYWRITE = 0x800;
export const MAP_EXECUTABLE = 0x1000;
export const MAP_LOCKED = 0x2000;
export const MAP_NORESERVE = 0x4000;
export const MAP_POPULATE = 0x8000;
export const MAP_NONBLOCK = 0x10000;
export const MAP_STACK = 0x20000;
export const MAP_HUGETLB = 0x40000;
export const MAP_SYNC = 0x80000;
export const MAP_FIXED_NOREPLACE = 0x100000;
export const MAP_UNINITIALIZED = 0x4000000;

export const MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4;
export const MADV_FREE = 8, MADV_REMOVE = 9, MADV_DONTFORK = 10, MADV_DOFORK = 11, MADV_MERGEABLE = 12;
export const MADV_UNMERGEABLE = 13, MADV_HUGEPAGE = 14, MADV_NOHUGEPAGE = 15, MADV_DONTDUMP = 16, MADV_DODUMP = 17;
export const MADV_WIPEONFORK = 18, MADV_KEEPONFORK = 19, MADV_COLD = 20, MADV_PAGEOUT = 21;
export const MADV_POPULATE_READ = 22, MADV_POPULATE_WRITE = 23, MADV_DONTNEED_LOCKED = 24, MADV_COLLAPSE = 25;
export const MADV_HWPOISON = 100, MADV_SOFT_OFFLINE = 101;

/** The top of the user address space (TASK_SIZE for 48-bit VAs) and where stacks and mmaps go. */
export const TASK_SIZE = 1n << 48n;
export const STACK_TOP = 0x0000_ffff_ffff_f000n;
export const STACK_SIZE = 8n << 20n;
export const MMAP_BASE = STACK_TOP - STACK_SIZE - (1n << 27n);
/** vm.mmap_min_addr: hints below it are raised to it, and searches never go under it. */
export const MMAP_MIN_ADDR = 0x8000n;
/** vm.max_map_count (DEFAULT_MAX_MAP_COUNT). */
export const MAX_MAP_COUNT = 65530;

const PAGE = BigInt(PAGE_SIZE);
export const pageDown = (v: bigint): bigint => v & ~(PAGE - 1n);
export const pageUp = (v: bigint): bigint => (v + PAGE - 1n) & ~(PAGE - 1n);
/** arm64 untagged_addr(): sign-extends from bit 55, whatever the tagged address ABI setting. */
export const untaggedAddr = (v: bigint): bigint => BigInt.asUintN(64, BigInt.asIntN(56, v));

export interface Vma {
  start: bigint;
  end: bigint;
  /** PROT_READ | PROT_WRITE | PROT_EXEC. */
  prot: number;
  /** VM_MTE: Tagged Normal memory (PROT_MTE once set stays set, as on Linux). */
  mte: boolean;
  name: string;
  /**
   * VM_MTE_ALLOWED: PROT_MTE may be set. Linux sets it for anonymous mappings, brk and the stack
   * (VM_DATA_DEFAULT_FLAGS) and RAM-backed files; not for file mappings of executables or the vDSO.
   * Absent means not allowed.
   */
  mteAllowed?: boolean;
  /** VM_SHARED (MAP_SHARED). */
  shared?: boolean;
  /** VM_LOCKED (MAP_LOCKED). */
  locked?: boolean;
  /** VM_GROWSDOWN (MAP_GROWSDOWN). */
  growsDown?: boolean;
  /** VM_MAYWRITE: absent means true (false for a MAP_SHARED mapping of a read-only file). */
  mayWrite?: boolean;
  /** A file mapping: the file, and the file page (vm_pgoff) at `start`. */
  file?: MappedFile;
  pgoff?: bigint;
}

/**
 * The file behind a file mapping (a tmpfs file: its page cache is frames of guest RAM). Every
 * VMA (and every piece a split makes) holds a reference to it, as vm_file does.
 */
export interface MappedFile {
  /** The inode: what unmap_mapping_range is asked about. */
  readonly key: object;
  ref(): void;
  unref(): void;
  /**
   * shmem_fault: the page-cache frame of page `index` with a page-table reference taken, or
   * undefined beyond the end of the file (or when no page can be had): SIGBUS.
   */
  fault(index: bigint): number | undefined;
  /** Drops a page-table reference to a page-cache frame. */
  putPage(pa: number): void;
  /** Frees the file's pages [from, to), leaving a hole (MADV_REMOVE: shmem_fallocate PUNCH_HOLE). */
  punch(from: bigint, to: bigint): void;
}

/** What mmap finds behind a descriptor (the VFS decides; fs-syscalls.ts). */
export interface MmapTarget {
  readable: boolean;
  writable: boolean;
  /** The file's ->mmap: shmem_mmap (a tmpfs file), mmap_zero (/dev/zero), or none (-ENODEV). */
  kind: 'shmem' | 'zero' | 'none';
  /** For 'shmem': a reference to the file for the new VMA. */
  open?: () => MappedFile;
}

/** LEGACY_MAP_MASK: the flags MAP_SHARED accepts without validation. */
const LEGACY_MAP_MASK = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB;

/** A fault's outcome: mapped, SIGSEGV (no VMA / not allowed), or SIGBUS (a file page beyond EOF). */
export type FaultResult = 'mapped' | 'maperr' | 'accerr' | 'sigbus';

export class AddressSpace {
  readonly vmas: Vma[] = [];
  brkStart = 0n;
  brk = 0n;
  /** Frames of PROT_NONE pages, by page address (their PTEs are removed). */
  private readonly parked = new Map<bigint, number>();
  /** Pages that have a frame (a PTE or a parked frame): what zapping visits (page tables are sparse). */
  private readonly present = new Set<bigint>();

  constructor(
    readonly m: Machine,
    readonly frames: FrameAllocator,
    readonly pt: PageTables,
    readonly asid: number,
  ) {}

  /** find_vma_intersection for one address. */
  find(va: bigint): Vma | undefined {
    return this.vmas.find((v) => va >= v.start && va < v.end);
  }

  /** find_vma(): the first VMA ending above va. */
  private findVma(va: bigint): Vma | undefined {
    return this.vmas.find((v) => v.end > va);
  }

  private pageProt(v: Vma): PageProt {
    return { read: (v.prot & PROT_READ) !== 0 || (v.prot & PROT_WRITE) !== 0, write: (v.prot & PROT_WRITE) !== 0, exec: (v.prot & PROT_EXEC) !== 0, mte: v.mte, user: true };
  }

  private static accessible(prot: number): boolean {
    return (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) !== 0;
  }

  /** Invalidates the TLB entry of one user page, as TLBI VAE1IS, Xt = ASID:VA[55:12] does. */
  private flushPage(va: bigint): void {
    const xt = (BigInt(this.asid) << 48n) | ((va >> 12n) & 0xfff_ffff_ffffn);
    this.m.mmu.tlbiVa(Number(xt & 0xffffffffn), Number(xt >> 32n), false);
  }

  private sort(): void {
    this.vmas.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** Inserts a VMA over [start, end), replacing whatever was there. */
  addVma(vma: Vma): void {
    this.removeRange(vma.start, vma.end);
    this.vmas.push(vma);
    this.sort();
  }

  /** Frees the page at va of `v`: its PTE (with TLB invalidation) or its parked frame. */
  private zapPage(va: bigint, v: Vma): void {
    this.present.delete(va);
    const pa = this.pt.unmap(va);
    if (pa !== undefined) {
      this.flushPage(va);
      this.putFrame(pa, v);
    }
    const parked = this.parked.get(va);
    if (parked !== undefined) {
      this.parked.delete(va);
      this.putFrame(parked, v);
    }
  }

  /** The pages of [from, to) that have a frame, cheaply even when the range is huge and sparse. */
  private presentIn(from: bigint, to: bigint): bigint[] {
    const out: bigint[] = [];
    if ((to - from) / PAGE <= BigInt(this.present.size)) {
      for (let va = from; va < to; va += PAGE) if (this.present.has(va)) out.push(va);
    } else for (const va of this.present) if (va >= from && va < to) out.push(va);
    return out;
  }

  /** A frame a page table let go of: a shared file page goes back to the page cache, the rest is freed. */
  private putFrame(pa: number, v: Vma): void {
    if (v.file && v.shared) v.file.putPage(pa);
    else this.frames.release(pa);
  }

  /** The part [start, end) of v as a VMA of its own (a split: vm_pgoff moves, the file gets a reference). */
  private piece(v: Vma, start: bigint, end: bigint, change: Partial<Vma> = {}): Vma {
    v.file?.ref();
    const pgoff = v.pgoff === undefined ? undefined : v.pgoff + (start - v.start) / PAGE;
    return { ...v, ...change, start, end, pgoff };
  }

  /** Splits VMAs at the range's edges and unmaps every page inside it (do_vmi_align_munmap). */
  removeRange(start: bigint, end: bigint): void {
    const keep: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        keep.push(v);
        continue;
      }
      if (v.start < start) keep.push(this.piece(v, v.start, start));
      if (v.end > end) keep.push(this.piece(v, end, v.end));
      const from = v.start > start ? v.start : start;
      const to = v.end < end ? v.end : end;
      for (const va of this.presentIn(from, to)) this.zapPage(va, v);
      v.file?.unref();
    }
    this.vmas.length = 0;
    this.vmas.push(...keep);
    this.sort();
  }

  /**
   * unmap_mapping_range: every mapping of the file's pages [index, end) loses them, so touching
   * them again faults (SIGBUS past EOF). With evenCows (truncation) private copies go too; a
   * punched hole (evenCows false) leaves them.
   */
  unmapMapping(key: object, index: number, end = Infinity, evenCows = true): void {
    for (const v of this.vmas) {
      if (!v.file || v.file.key !== key || (!v.shared && !evenCows)) continue;
      for (const va of this.presentIn(v.start, v.end)) {
        const i = Number(v.pgoff! + (va - v.start) / PAGE);
        if (i >= index && i < end) this.zapPage(va, v);
      }
    }
  }

  /** Whether [start, end) overlaps any VMA. */
  overlaps(start: bigint, end: bigint): boolean {
    return this.vmas.some((v) => v.start < end && v.end > start);
  }

  /**
   * A free range of `len` bytes, top-down from MMAP_BASE (generic_get_unmapped_area_topdown
   * without randomisation), never below mmap_min_addr.
   */
  findFree(len: bigint): bigint | undefined {
    let top = MMAP_BASE;
    const sorted = [...this.vmas].sort((a, b) => (a.start > b.start ? -1 : 1));
    for (const v of sorted) {
      if (v.start >= top) continue;
      if (v.end <= top - len) break;
      top = v.start;
    }
    return top - len >= MMAP_MIN_ADDR ? top - len : undefined;
  }

  /** Maps a fresh zeroed page (allocation tags 0) for va inside `vma` (demand paging). */
  populate(va: bigint, vma: Vma): void {
    const pa = this.frames.alloc();
    if (pa === undefined) throw new OutOfMemory('out of guest memory');
    this.pt.map(pageDown(va), pa, this.pageProt(vma));
    this.present.add(pageDown(va));
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
    const page = pageDown(va);
    if (this.pt.lookup(page)) return 'accerr';
    const parked = this.parked.get(page);
    if (parked !== undefined) {
      this.parked.delete(page);
      this.pt.map(page, parked, this.pageProt(vma));
      return 'mapped';
    }
    if (vma.file) return this.fileFault(page, vma);
    this.populate(va, vma);
    return 'mapped';
  }

  /**
   * A fault in a file mapping (shmem_fault): MAP_SHARED maps the page-cache frame itself;
   * MAP_PRIVATE gets a private copy of it, data and allocation tags (copy_highpage with
   * mte_copy_page_tags) at the first touch -- later changes to the file are not seen there, where
   * Linux would show them until the first write to the page.
   */
  private fileFault(page: bigint, vma: Vma): FaultResult {
    const pa = vma.file!.fault(vma.pgoff! + (page - vma.start) / PAGE);
    if (pa === undefined) return 'sigbus';
    this.present.add(page);
    if (vma.shared) {
      this.pt.map(page, pa, this.pageProt(vma));
      return 'mapped';
    }
    const copy = this.frames.alloc();
    if (copy === undefined) {
      vma.file!.putPage(pa);
      throw new OutOfMemory('out of guest memory');
    }
    const mem = this.m.mem;
    mem.bytes.copyWithin(copy - mem.ramBase, pa - mem.ramBase, pa - mem.ramBase + PAGE_SIZE);
    mem.copyTags((copy - mem.ramBase) >>> 4, (pa - mem.ramBase) >>> 4, (pa - mem.ramBase + PAGE_SIZE) >>> 4);
    vma.file!.putPage(pa);
    this.pt.map(page, copy, this.pageProt(vma));
    return 'mapped';
  }

  /** Faults in every page of [start, end) for `access` (MAP_POPULATE, MADV_POPULATE_*); false at the first failure. */
  private populateRange(start: bigint, end: bigint, access: 'read' | 'write'): boolean {
    for (let va = start; va < end; va += PAGE) {
      if (this.pt.lookup(va)) continue;
      if (this.handleFault(va, access) !== 'mapped') return false;
    }
    return true;
  }

  /** Re-describes the pages of [from, to) after a VMA's protection changed (change_protection). */
  private reprotect(from: bigint, to: bigint, nv: Vma): void {
    const accessible = AddressSpace.accessible(nv.prot);
    for (const va of this.presentIn(from, to)) {
      const entry = this.pt.lookup(va);
      if (entry) {
        if (accessible) this.pt.protect(va, this.pageProt(nv));
        else {
          this.pt.unmap(va);
          this.parked.set(va, entry.pa);
        }
        this.flushPage(va);
      } else if (accessible) {
        const parked = this.parked.get(va);
        if (parked !== undefined) {
          this.parked.delete(va);
          this.pt.map(va, parked, this.pageProt(nv));
        }
      }
    }
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

  /**
   * Reads user memory for a tracer (strace), as ptrace's access_remote_vm would: no tag checks,
   * no permission checks, an untouched page of a mapping reads as zeros, nothing is faulted in.
   * Returns the bytes up to the first address that has no mapping.
   */
  peek(va: bigint, n: number): Uint8Array {
    const out = new Uint8Array(n);
    const a0 = untaggedAddr(va);
    let done = 0;
    while (done < n) {
      const a = a0 + BigInt(done);
      if (a >= TASK_SIZE || !this.find(a)) break;
      const page = pageDown(a);
      const pa = this.pt.lookup(page)?.pa ?? this.parked.get(page);
      const inPage = Number(a - page);
      const len = Math.min(n - done, PAGE_SIZE - inPage);
      if (pa !== undefined) {
        const off = pa - this.m.mem.ramBase + inPage;
        out.set(this.m.mem.bytes.subarray(off, off + len), done);
      }
      done += len;
    }
    return out.subarray(0, done);
  }

  // ---- the syscalls

  /**
   * mmap(2): arm64 sys_mmap → ksys_mmap_pgoff (the descriptor: -EBADF) → do_mmap →
   * __get_unmapped_area → the file's checks → mmap_region. `resolve` looks the descriptor up
   * for a file mapping. PROT_MTE needs VM_MTE_ALLOWED: anonymous memory and tmpfs files have it,
   * /dev/zero does not (-EINVAL, checked before anything is unmapped, as since Linux 6.13).
   */
  mmap(addr: bigint, length: bigint, prot: number, flags: number, fd: number, offset: bigint, resolve?: (fd: number) => MmapTarget | number): bigint | number {
    // arm64 sys_mmap: the offset must be page aligned.
    if ((offset & (PAGE - 1n)) !== 0n) return -EINVAL;
    let target: MmapTarget | undefined;
    if ((flags & MAP_ANONYMOUS) === 0) {
      const r = resolve ? resolve(fd) : -9;
      if (typeof r === 'number') return r;
      target = r;
    } else if ((flags & MAP_HUGETLB) !== 0) {
      // hugetlb_file_setup with no huge pages reserved (vm.nr_hugepages = 0).
      return -ENOMEM;
    }
    // do_mmap.
    if (length === 0n) return -EINVAL;
    if ((flags & MAP_FIXED_NOREPLACE) !== 0) flags |= MAP_FIXED;
    if ((flags & MAP_FIXED) === 0) {
      // round_hint_to_min.
      addr = pageDown(addr);
      if (addr !== 0n && addr < MMAP_MIN_ADDR) addr = MMAP_MIN_ADDR;
    }
    const len = pageUp(length);
    if (len === 0n || len >= 1n << 64n) return -ENOMEM;
    const pgoff = offset >> 12n;
    if (pgoff + (len >> 12n) >= 1n << 64n) return -EOVERFLOW;
    if (this.vmas.length > MAX_MAP_COUNT) return -ENOMEM;
    // __get_unmapped_area.
    if (len > TASK_SIZE) return -ENOMEM;
    let start: bigint;
    if ((flags & MAP_FIXED) !== 0) start = addr;
    else {
      const hinted = addr !== 0n && TASK_SIZE - len >= addr && addr >= MMAP_MIN_ADDR && !this.overlaps(addr, addr + len);
      const found = hinted ? addr : this.findFree(len);
      if (found === undefined) return -ENOMEM;
      start = found;
    }
    if (start > TASK_SIZE - len) return -ENOMEM;
    if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
    if ((flags & MAP_FIXED_NOREPLACE) !== 0 && this.overlaps(start, start + len)) return -EEXIST;
    let type = flags & MAP_TYPE;
    let mayWrite = true;
    if (target) {
      // The file's checks: MAP_SHARED drops unknown flags, MAP_SHARED_VALIDATE refuses them;
      // a shared writable mapping needs a descriptor open for writing, any mapping one open for
      // reading; no ->mmap is -ENODEV.
      if (type === MAP_SHARED) flags &= LEGACY_MAP_MASK | MAP_FIXED_NOREPLACE;
      if (type === MAP_SHARED || type === MAP_SHARED_VALIDATE) {
        if ((flags & ~(LEGACY_MAP_MASK | MAP_FIXED_NOREPLACE | MAP_SHARED_VALIDATE)) !== 0) return -EOPNOTSUPP;
        if ((prot & PROT_WRITE) !== 0 && !target.writable) return -EACCES;
        mayWrite = target.writable;
        type = MAP_SHARED;
      } else if (type !== MAP_PRIVATE) return -EINVAL;
      if (!target.readable) return -EACCES;
      if (target.kind === 'none') return -ENODEV;
      if ((flags & MAP_GROWSDOWN) !== 0) return -EINVAL;
    } else {
      if (type !== MAP_SHARED && type !== MAP_PRIVATE) return -EINVAL;
      if (type === MAP_SHARED && (flags & MAP_GROWSDOWN) !== 0) return -EINVAL;
    }
    // calc_vm_prot_bits ignores unknown PROT bits; VM_MTE_ALLOWED (arch_calc_vm_flag_bits) for
    // MAP_ANONYMOUS and tmpfs files; arch_validate_flags refuses VM_MTE without it.
    const mte = (prot & PROT_MTE) !== 0;
    const mteAllowed = !target || target.kind === 'shmem';
    if (mte && !mteAllowed) return -EINVAL;
    const file = target?.kind === 'shmem' ? target.open!() : undefined;
    this.addVma({
      start,
      end: start + len,
      prot: prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
      mte,
      mteAllowed,
      shared: type === MAP_SHARED,
      locked: (flags & MAP_LOCKED) !== 0,
      growsDown: (flags & MAP_GROWSDOWN) !== 0,
      mayWrite,
      file,
      pgoff: file ? pgoff : undefined,
      name: file ? '[file]' : '[anon]',
    });
    // MAP_POPULATE (without MAP_NONBLOCK) and MAP_LOCKED fault the pages in (mm_populate).
    if (((flags & (MAP_POPULATE | MAP_NONBLOCK)) === MAP_POPULATE || (flags & MAP_LOCKED) !== 0) && AddressSpace.accessible(prot)) {
      this.populateRange(start, start + len, (prot & PROT_WRITE) !== 0 ? 'write' : 'read');
    }
    return start;
  }

  /** munmap(2): do_vmi_munmap's checks, then the range is unmapped (holes are fine). */
  munmap(addrArg: bigint, length: bigint): number {
    const start = untaggedAddr(addrArg);
    if ((start & (PAGE - 1n)) !== 0n || start > TASK_SIZE || length > TASK_SIZE - start) return -EINVAL;
    const end = start + pageUp(length);
    if (end === start) return -EINVAL;
    this.removeRange(start, end);
    return 0;
  }

  /**
   * mprotect(2): do_mprotect_pkey. VMAs are changed one by one up to the first hole (-ENOMEM) or
   * the first VMA that refuses (PROT_MTE without VM_MTE_ALLOWED: -EINVAL), as Linux does; PROT_MTE
   * can be added but never removed.
   */
  mprotect(startArg: bigint, length: bigint, protArg: number): number {
    let start = untaggedAddr(startArg);
    const grows = protArg & (PROT_GROWSDOWN | PROT_GROWSUP);
    const prot = protArg & ~grows;
    if (grows === (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if ((start & (PAGE - 1n)) !== 0n) return -EINVAL;
    if (length === 0n) return 0;
    const len = pageUp(length);
    const end = start + len;
    if (len === 0n || end <= start) return -ENOMEM;
    // arm64 arch_validate_prot: READ, WRITE, EXEC, SEM and MTE (no BTI: granule does not advertise it).
    if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_MTE)) !== 0) return -EINVAL;
    const first = this.findVma(start);
    if (!first || first.start >= end) return -ENOMEM;
    if ((grows & PROT_GROWSDOWN) !== 0) {
      start = first.start;
      if (!first.growsDown) return -EINVAL;
    } else if (first.start > start) return -ENOMEM;
    if ((grows & PROT_GROWSUP) !== 0) return -EINVAL;
    let at = start;
    for (;;) {
      const v = this.findVma(at);
      if (!v || v.start >= end) return -ENOMEM;
      if (v.start > at) return -ENOMEM;
      const mte = v.mte || (prot & PROT_MTE) !== 0;
      // VM_MAY* : write access to a shared mapping of a read-only file cannot be granted.
      if ((prot & PROT_WRITE) !== 0 && v.mayWrite === false) return -EACCES;
      // arch_validate_flags: VM_MTE only where VM_MTE_ALLOWED.
      if (mte && !v.mteAllowed) return -EINVAL;
      const to = v.end < end ? v.end : end;
      this.splitAndSet(v, at, to, { prot: prot & (PROT_READ | PROT_WRITE | PROT_EXEC), mte });
      at = to;
      if (at >= end) return 0;
    }
  }

  /** mprotect_fixup: the part [from, to) of v gets new attributes; the rest keeps the old. */
  private splitAndSet(v: Vma, from: bigint, to: bigint, change: Partial<Vma>): void {
    const i = this.vmas.indexOf(v);
    this.vmas.splice(i, 1);
    if (v.start < from) this.vmas.push(this.piece(v, v.start, from));
    if (v.end > to) this.vmas.push(this.piece(v, to, v.end));
    const nv = this.piece(v, from, to, change);
    v.file?.unref();
    this.vmas.push(nv);
    this.sort();
    this.reprotect(from, to, nv);
  }

  /**
   * madvise(2): do_madvise → madvise_walk_vmas. Advice Linux accepts on anonymous memory is a
   * no-op here except MADV_DONTNEED (and _LOCKED), whose pages read as zeros with tag 0 on the
   * next touch (zap_page_range), and MADV_POPULATE_READ/WRITE, which fault pages in. Holes give
   * -ENOMEM after the rest of the range was advised.
   */
  madvise(startArg: bigint, lenIn: bigint, behavior: number): number {
    const start0 = untaggedAddr(startArg);
    if (!MADV_VALID.has(behavior)) return -EINVAL;
    // madvise_inject_error needs CAP_SYS_ADMIN, which the shim's process does not claim.
    if (behavior === MADV_HWPOISON || behavior === MADV_SOFT_OFFLINE) return -EPERM;
    if ((start0 & (PAGE - 1n)) !== 0n) return -EINVAL;
    const len = pageUp(lenIn) & ((1n << 64n) - 1n);
    if (lenIn !== 0n && len === 0n) return -EINVAL;
    const end = start0 + len;
    if (end >= 1n << 64n) return -EINVAL;
    if (end === start0) return 0;
    let unmappedError = 0;
    let start = start0;
    for (;;) {
      const v = this.findVma(start);
      if (!v) return -ENOMEM;
      if (start < v.start) {
        unmappedError = -ENOMEM;
        start = v.start;
        if (start >= end) break;
      }
      const to = v.end < end ? v.end : end;
      const err = this.adviseVma(v, start, to, behavior);
      if (err !== 0) return err;
      start = to;
      if (start >= end) break;
    }
    return unmappedError;
  }

  /** madvise_vma_behavior for one VMA's part [from, to). */
  private adviseVma(v: Vma, from: bigint, to: bigint, behavior: number): number {
    switch (behavior) {
      case MADV_DONTNEED:
      case MADV_DONTNEED_LOCKED:
        // madvise_dontneed_free_valid_vma: VM_LOCKED only with MADV_DONTNEED_LOCKED.
        if (v.locked && behavior === MADV_DONTNEED) return -EINVAL;
        // A shared page keeps its contents: only the PTEs go, and the next touch maps the same
        // page-cache page again (anonymous shared memory is shmem in Linux: its pages stay too).
        if (!v.shared || v.file) for (const va of this.presentIn(from, to)) this.zapPage(va, v);
        return 0;
      case MADV_FREE:
        // Lazy free: pages may be reclaimed under memory pressure, which never comes here.
        if (v.shared || v.locked) return -EINVAL;
        return 0;
      case MADV_REMOVE:
        // madvise_remove: a punched hole (shmem_fallocate). It needs a file -- shmem for MAP_SHARED
        // anonymous memory; private anonymous memory has none -- and a shared writable mapping.
        if (v.locked) return -EINVAL;
        if (!v.shared && !v.file) return -EINVAL;
        if (!v.shared || (v.prot & PROT_WRITE) === 0) return -EACCES;
        if (v.file) v.file.punch(v.pgoff! + (from - v.start) / PAGE, v.pgoff! + (to - v.start) / PAGE);
        else for (const va of this.presentIn(from, to)) this.zapPage(va, v);
        return 0;
      case MADV_WIPEONFORK:
        if (v.shared) return -EINVAL;
        return 0;
      case MADV_POPULATE_READ:
      case MADV_POPULATE_WRITE: {
        const write = behavior === MADV_POPULATE_WRITE;
        if (write ? (v.prot & PROT_WRITE) === 0 : !AddressSpace.accessible(v.prot)) return -EINVAL;
        return this.populateRange(from, to, write ? 'write' : 'read') ? 0 : -ENOMEM;
      }
      default:
        return 0;
    }
  }

  /**
   * brk(2) (mm/mmap.c): below the start of the heap, or a growth that would run into another
   * mapping (plus a guard page) or out of the address space, leaves brk unchanged and returns it;
   * shrinking always succeeds and unmaps the pages above the new end.
   */
  sysBrk(brk: bigint): bigint {
    const origbrk = this.brk;
    if (brk < this.brkStart) return origbrk;
    const newbrk = pageUp(brk);
    const oldbrk = pageUp(this.brk);
    if (oldbrk === newbrk) {
      this.brk = brk;
      return brk;
    }
    if (brk <= this.brk) {
      this.removeRange(newbrk, oldbrk);
      this.brk = brk;
      return brk;
    }
    if (newbrk > TASK_SIZE || newbrk < oldbrk) return origbrk;
    if (this.overlaps(oldbrk, newbrk + PAGE)) return origbrk;
    this.addVma({ start: oldbrk, end: newbrk, prot: PROT_READ | PROT_WRITE, mte: false, mteAllowed: true, name: '[heap]' });
    this.brk = brk;
    return brk;
  }
}

/** madvise_behavior_valid() for an arm64 kernel with KSM, THP, swap and memory-failure support. */
const MADV_VALID = new Set([
  MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED, MADV_FREE, MADV_REMOVE,
  MADV_DONTFORK, MADV_DOFORK, MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_HUGEPAGE, MADV_NOHUGEPAGE,
  MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT,
  MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTNEED_LOCKED, MADV_COLLAPSE, MADV_HWPOISON, MADV_SOFT_OFFLINE,
]);

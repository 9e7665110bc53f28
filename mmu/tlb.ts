// The architectural TLB (DESIGN.md decision 5): it caches walk results (leaves with AF = 1),
// tagged with an ASID unless global, and keeps them -- stale or not -- until a TLBI removes
// them or capacity evicts them. Page, 2 MiB and 1 GiB entries are looked up by their own keys.
// Replacement is round-robin, so runs are deterministic.

import type { Leaf } from './walk.js';

export interface TlbStats {
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
}

const SIZES = [12, 21, 30];

export class Tlb {
  private readonly entries = new Map<string, Leaf>();
  private readonly order: string[] = [];
  private next = 0;
  readonly stats: TlbStats = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

  constructor(readonly capacity = 1024) {}

  private static key(vaLo: number, vaHi: number, sizeLog2: number, asid: number): string {
    // Callers pass the high half signed (the host TLB's canonical form) or unsigned (walk
    // results): the key uses the unsigned value, so both find the same entry.
    const pageHi = sizeLog2 >= 32 ? vaHi >>> (sizeLog2 - 32) : vaHi >>> 0;
    const pageLo = sizeLog2 >= 32 ? 0 : vaLo >>> sizeLog2;
    return `${sizeLog2}:${pageHi.toString(16)}:${pageLo.toString(16)}:${asid}`;
  }

  /** The entry translating the canonical VA for `asid` (global entries match any ASID). */
  lookup(vaLo: number, vaHi: number, asid: number): Leaf | undefined {
    for (const s of SIZES) {
      const e = this.entries.get(Tlb.key(vaLo, vaHi, s, asid)) ?? this.entries.get(Tlb.key(vaLo, vaHi, s, -1));
      if (e) {
        this.stats.hits++;
        return e;
      }
    }
    this.stats.misses++;
    return undefined;
  }

  insert(leaf: Leaf): void {
    const key = Tlb.key(leaf.vaLo, leaf.vaHi, leaf.sizeLog2, leaf.nonGlobal ? leaf.asid : -1);
    if (this.entries.has(key)) {
      this.entries.set(key, leaf);
      return;
    }
    if (this.order.length < this.capacity) this.order.push(key);
    else {
      // Round-robin victim; its slot may already be empty after a TLBI.
      const victim = this.order[this.next];
      if (this.entries.delete(victim)) this.stats.evictions++;
      this.order[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    this.entries.set(key, leaf);
  }

  private removeWhere(pred: (e: Leaf) => boolean): void {
    for (const [k, e] of this.entries) {
      if (pred(e)) {
        this.entries.delete(k);
        this.stats.invalidations++;
      }
    }
  }

  /** TLBI VMALLE1(IS): every EL1&0 entry. */
  invalidateAll(): void {
    this.stats.invalidations += this.entries.size;
    this.entries.clear();
  }

  /** TLBI ASIDE1(IS): the non-global entries of one ASID. */
  invalidateAsid(asid: number): void {
    this.removeWhere((e) => e.nonGlobal && e.asid === asid);
  }

  /**
   * TLBI VAE1/VALE1 (asid given) and VAAE1/VAALE1 (asid undefined: any ASID): the entries that
   * translate the page holding `vaPage` (a canonical VA, bits [55:12] from Xt).
   */
  invalidateVa(vaLo: number, vaHi: number, asid: number | undefined): void {
    this.removeWhere((e) => {
      if (asid !== undefined && e.nonGlobal && e.asid !== asid) return false;
      return covers(e, vaLo, vaHi);
    });
  }

  get size(): number {
    return this.entries.size;
  }
}

function covers(e: Leaf, vaLo: number, vaHi: number): boolean {
  if (e.vaHi !== vaHi && e.sizeLog2 < 32) return false;
  if (e.sizeLog2 >= 32) return vaHi >>> (e.sizeLog2 - 32) === e.vaHi >>> (e.sizeLog2 - 32);
  const mask = ~((1 << e.sizeLog2) - 1);
  return (vaLo & mask) === (e.vaLo & mask);
}

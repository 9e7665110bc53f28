// Set-associative tag arrays with LRU replacement: the caches (L1I, L1D, L2, the tag cache)
// hold line numbers, the TLBs page numbers tagged with an ASID. Only tags are kept (no data):
// the functional memory path already moved the bytes. Line and page numbers can exceed 2^32,
// so they are kept as float64 (exact below 2^53).

export interface HitMiss {
  hits: number;
  misses: number;
}

export class SetAssocCache {
  readonly sets: number;
  private readonly setMask: number;
  private readonly tags: Float64Array;
  private readonly age: Float64Array;
  private readonly dirty: Uint8Array;
  private clock = 0;
  /**
   * The two lines looked up last. A hit on them needs no LRU update: nothing else was touched
   * since, so their order against every other line is already right (a miss forgets them).
   */
  private lastLine = -1;
  private prevLine = -1;
  readonly stats = { hits: 0, misses: 0, writebacks: 0 };

  constructor(
    entries: number,
    readonly ways: number,
  ) {
    this.sets = entries / ways;
    this.setMask = this.sets - 1;
    this.tags = new Float64Array(entries).fill(-1);
    this.age = new Float64Array(entries);
    this.dirty = new Uint8Array(entries);
  }

  /** Looks up `line` (a line number), filling it on a miss; returns true on a hit. */
  access(line: number, write: boolean): boolean {
    if (line === this.lastLine) {
      this.stats.hits++;
      if (write) this.markDirty(line);
      return true;
    }
    if (line === this.prevLine) {
      this.prevLine = this.lastLine;
      this.lastLine = line;
      this.stats.hits++;
      if (write) this.markDirty(line);
      return true;
    }
    this.prevLine = this.lastLine;
    this.lastLine = line;
    const base = (line % this.sets & this.setMask) * this.ways;
    const tags = this.tags;
    const now = ++this.clock;
    let victim = base;
    let oldest = Infinity;
    for (let i = base; i < base + this.ways; i++) {
      if (tags[i] === line) {
        this.age[i] = now;
        if (write) this.dirty[i] = 1;
        this.stats.hits++;
        return true;
      }
      if (this.age[i] < oldest) {
        oldest = this.age[i];
        victim = i;
      }
    }
    this.stats.misses++;
    // The victim may be the other remembered line.
    if (tags[victim] === this.prevLine) this.prevLine = -1;
    if (tags[victim] >= 0 && this.dirty[victim]) this.stats.writebacks++;
    tags[victim] = line;
    this.age[victim] = now;
    this.dirty[victim] = write ? 1 : 0;
    return false;
  }

  /** Whether `line` is present (no state change). */
  contains(line: number): boolean {
    const base = (line % this.sets & this.setMask) * this.ways;
    for (let i = base; i < base + this.ways; i++) if (this.tags[i] === line) return true;
    return false;
  }

  private markDirty(line: number): void {
    const base = (line % this.sets & this.setMask) * this.ways;
    for (let i = base; i < base + this.ways; i++) if (this.tags[i] === line) this.dirty[i] = 1;
  }

  invalidateAll(): void {
    this.tags.fill(-1);
    this.lastLine = -1;
    this.prevLine = -1;
  }
}

/**
 * A TLB of 4 KiB pages (set-associative, LRU) plus a few block entries (2 MiB, 1 GiB leaves)
 * looked up by their own size. Entries are tagged with the ASID (its low 8 bits); global ones
 * match any ASID. Pages are numbered by VA bits [55:12] (`vpn`, 44 bits); the key puts the ASID
 * tag above them (9 bits: 8 for the ASID, 256 for global), so it stays an exact float64 and the
 * set index still comes from the page number.
 */
/** 2^44: one past the largest page number. */
const VPN_SPAN = 2 ** 44;

export class TlbModel {
  private readonly pages: SetAssocCache;
  /** Block entries: the page numbers [start, end) they cover. */
  private readonly blocks: { start: number; end: number; asid: number; age: number }[] = [];
  private readonly maxBlocks: number;
  /** The two pages looked up last (an access stream and the one it copies to): hits that change nothing. */
  private mruVpn0 = -1;
  private mruAsid0 = -1;
  private mruVpn1 = -1;
  private mruAsid1 = -1;
  private clock = 0;
  readonly stats = { hits: 0, misses: 0 };

  constructor(entries: number, ways: number) {
    this.pages = new SetAssocCache(entries, ways);
    this.maxBlocks = Math.max(1, Math.min(16, entries >> 2));
  }

  /** Looks up page `vpn` for `asid`; returns true on a hit. A miss does not fill: call insert(). */
  lookup(vpn: number, asid: number): boolean {
    if (vpn === this.mruVpn0 && asid === this.mruAsid0) {
      this.stats.hits++;
      return true;
    }
    if (vpn === this.mruVpn1 && asid === this.mruAsid1) {
      this.stats.hits++;
      this.recent(vpn, asid);
      return true;
    }
    for (const b of this.blocks) {
      if (vpn >= b.start && vpn < b.end && (b.asid < 0 || b.asid === asid)) {
        b.age = ++this.clock;
        this.hit(vpn, asid);
        return true;
      }
    }
    const own = (asid & 0xff) * VPN_SPAN + vpn;
    const global = 256 * VPN_SPAN + vpn;
    const key = this.pages.contains(own) ? own : this.pages.contains(global) ? global : -1;
    if (key >= 0) {
      this.pages.access(key, false);
      this.hit(vpn, asid);
      return true;
    }
    this.stats.misses++;
    return false;
  }

  private recent(vpn: number, asid: number): void {
    this.mruVpn1 = this.mruVpn0;
    this.mruAsid1 = this.mruAsid0;
    this.mruVpn0 = vpn;
    this.mruAsid0 = asid;
  }

  private hit(vpn: number, asid: number): void {
    this.stats.hits++;
    this.recent(vpn, asid);
  }

  /** Fills the entry for a walk result: a page or a block of 2^sizeLog2 bytes, global or not. */
  insert(vpn: number, asid: number, sizeLog2: number, global: boolean): void {
    if (sizeLog2 > 12) {
      const pages = 2 ** (sizeLog2 - 12);
      const start = Math.floor(vpn / pages) * pages;
      if (this.blocks.length >= this.maxBlocks) {
        let v = 0;
        for (let i = 1; i < this.blocks.length; i++) if (this.blocks[i].age < this.blocks[v].age) v = i;
        this.blocks.splice(v, 1);
      }
      this.blocks.push({ start, end: start + pages, asid: global ? -1 : asid & 0xff, age: ++this.clock });
    } else {
      this.pages.access((global ? 256 : asid & 0xff) * VPN_SPAN + vpn, false);
    }
    // A page evicted by this fill may be one of the two remembered: forget them.
    this.mruVpn1 = -1;
    this.mruVpn0 = vpn;
    this.mruAsid0 = asid;
  }

  invalidateAll(): void {
    this.pages.invalidateAll();
    this.blocks.length = 0;
    this.mruVpn0 = -1;
    this.mruVpn1 = -1;
  }
}

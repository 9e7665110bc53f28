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
  /** The last line looked up: it is the most recently used one, so a repeat changes nothing. */
  private lastLine = -1;
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
  private readonly blocks: { key: number; size: number; asid: number; age: number }[] = [];
  private readonly maxBlocks: number;
  private lastVpn = -1;
  private lastAsid = -1;
  private clock = 0;
  readonly stats = { hits: 0, misses: 0 };

  constructor(entries: number, ways: number) {
    this.pages = new SetAssocCache(entries, ways);
    this.maxBlocks = Math.max(1, Math.min(16, entries >> 2));
  }

  /** Looks up page `vpn` for `asid`; returns true on a hit. A miss does not fill: call insert(). */
  lookup(vpn: number, asid: number): boolean {
    if (vpn === this.lastVpn && asid === this.lastAsid) {
      this.stats.hits++;
      return true;
    }
    for (const b of this.blocks) {
      if (Math.floor(vpn / 2 ** (b.size - 12)) === b.key && (b.asid < 0 || b.asid === asid)) {
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

  private hit(vpn: number, asid: number): void {
    this.stats.hits++;
    this.lastVpn = vpn;
    this.lastAsid = asid;
  }

  /** Fills the entry for a walk result: a page or a block of 2^sizeLog2 bytes, global or not. */
  insert(vpn: number, asid: number, sizeLog2: number, global: boolean): void {
    if (sizeLog2 > 12) {
      const key = Math.floor(vpn / 2 ** (sizeLog2 - 12));
      if (this.blocks.length >= this.maxBlocks) {
        let v = 0;
        for (let i = 1; i < this.blocks.length; i++) if (this.blocks[i].age < this.blocks[v].age) v = i;
        this.blocks.splice(v, 1);
      }
      this.blocks.push({ key, size: sizeLog2, asid: global ? -1 : asid & 0xff, age: ++this.clock });
    } else {
      this.pages.access((global ? 256 : asid & 0xff) * VPN_SPAN + vpn, false);
    }
    this.lastVpn = vpn;
    this.lastAsid = asid;
  }

  invalidateAll(): void {
    this.pages.invalidateAll();
    this.blocks.length = 0;
    this.lastVpn = -1;
  }
}

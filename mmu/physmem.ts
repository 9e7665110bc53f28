// Physical memory: one RAM region in one ArrayBuffer (DESIGN.md decision 4), read through
// typed-array views and a little-endian DataView, plus MMIO regions for devices. The allocation
// tags of the RAM live beside it (tags.ts): tags are physical, like hardware.

export interface MmioDevice {
  /** Reads `size` (1, 2 or 4) bytes at `offset` into the region; the value is unsigned. */
  read(offset: number, size: number): number;
  write(offset: number, size: number, value: number): void;
}

export interface MmioRegion {
  base: number;
  size: number;
  device: MmioDevice;
}

/** The host must be little-endian for the aligned Uint32Array fast paths to be A64's byte order. */
const hostLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The allocation tags as the rest of granule sees them: readable like a Uint8Array, but with no
 * index assignment and no fill/set/copyWithin, so that every tag store goes through PhysMem's
 * setTag/fillTags/copyTags/setTags and keeps the page summaries (pageTag) exact.
 */
export type TagStore = Readonly<Omit<Uint8Array, 'fill' | 'set' | 'copyWithin' | 'reverse' | 'sort' | 'subarray'>> & {
  subarray(begin?: number, end?: number): TagStore;
};

/** pageTag: nothing known about the page's tags. */
export const PAGE_TAG_UNKNOWN = -1;
/** pageTag: the page's granules are known to carry more than one tag. */
export const PAGE_TAG_MIXED = -2;

/** The 8-granule pattern of each tag as a float64 (eight tag bytes 0..15 are never a NaN or -0). */
const TAG_WORD = ((): Float64Array => {
  const out = new Float64Array(16);
  const b = new Uint8Array(out.buffer);
  for (let t = 0; t < 16; t++) b.fill(t, t * 8, t * 8 + 8);
  return out;
})();

export class PhysMem {
  readonly bytes: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly view: DataView;
  /**
   * One allocation tag (0..15) per 16-byte granule of RAM, indexed by (pa - ramBase) >> 4.
   * Read-only here: writes go through setTag/fillTags/copyTags/setTags.
   */
  readonly tags: TagStore;
  /**
   * A summary of each 4 KiB frame's tags, indexed by (pa - ramBase) >> 12: 0..15 when all 256
   * granules carry that tag, PAGE_TAG_MIXED when they do not, PAGE_TAG_UNKNOWN when not yet
   * computed (pageTagOf computes it). Every tag writer below keeps it exact; it says nothing
   * about whether the page is tag checked.
   */
  readonly pageTag: Int8Array;
  /** The writable tag store, private to the writers below. */
  private readonly tagBytes: Uint8Array;
  /** The tags as float64 words of eight granules, for pageTagOf. */
  private readonly tagWords: Float64Array;
  readonly mmio: MmioRegion[] = [];

  constructor(
    readonly ramBase: number,
    readonly ramSize: number,
  ) {
    if (!hostLittleEndian) throw new Error('granule needs a little-endian host');
    if (ramSize % 4096 !== 0 || ramBase % 4096 !== 0) throw new Error('RAM base and size must be multiples of 4 KiB');
    const buffer = new ArrayBuffer(ramSize);
    this.bytes = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.view = new DataView(buffer);
    this.tagBytes = new Uint8Array(ramSize >>> 4);
    this.tags = this.tagBytes;
    this.tagWords = new Float64Array(this.tagBytes.buffer);
    this.pageTag = new Int8Array(ramSize >>> 12).fill(PAGE_TAG_UNKNOWN);
  }

  // ---- tag writers: the only ones (they keep pageTag exact)

  /** Sets granule g's tag (0..15). */
  setTag(g: number, tag: number): void {
    this.tagBytes[g] = tag;
    const p = g >>> 8;
    if (this.pageTag[p] !== tag) this.pageTag[p] = PAGE_TAG_UNKNOWN;
  }

  /** Sets granules [g0, g1) to `tag` (0..15). */
  fillTags(tag: number, g0: number, g1: number): void {
    if (g1 <= g0) return;
    this.tagBytes.fill(tag, g0, g1);
    const pt = this.pageTag;
    const pEnd = ((g1 - 1) >>> 8) + 1;
    for (let p = g0 >>> 8; p < pEnd; p++) {
      // A page the fill covers entirely now carries `tag`; a partly covered one may not.
      if (p << 8 >= g0 && (p + 1) << 8 <= g1) pt[p] = tag;
      else if (pt[p] !== tag) pt[p] = PAGE_TAG_UNKNOWN;
    }
  }

  /** Copies the tags of granules [src, srcEnd) to granule dst on (as copyWithin). */
  copyTags(dst: number, src: number, srcEnd: number): void {
    if (srcEnd <= src) return;
    this.tagBytes.copyWithin(dst, src, srcEnd);
    this.invalidatePages(dst, dst + (srcEnd - src));
  }

  /** Writes `values` (each 0..15) to the tags from granule g0 on. */
  setTags(values: ArrayLike<number>, g0: number): void {
    if (values.length === 0) return;
    this.tagBytes.set(values, g0);
    this.invalidatePages(g0, g0 + values.length);
  }

  private invalidatePages(g0: number, g1: number): void {
    this.pageTag.fill(PAGE_TAG_UNKNOWN, g0 >>> 8, ((g1 - 1) >>> 8) + 1);
  }

  /** The summary of frame p (RAM offset >> 12), computed from the tags when unknown. */
  pageTagOf(p: number): number {
    const s = this.pageTag[p];
    if (s !== PAGE_TAG_UNKNOWN) return s;
    const t = this.tagBytes[p << 8];
    const w = this.tagWords;
    const pat = TAG_WORD[t];
    let all = true;
    for (let i = p << 5, end = i + 32; i < end; i++) {
      if (w[i] !== pat) {
        all = false;
        break;
      }
    }
    return (this.pageTag[p] = all ? t : PAGE_TAG_MIXED);
  }

  addMmio(base: number, size: number, device: MmioDevice): void {
    this.mmio.push({ base, size, device });
  }

  /** RAM offset of a physical range, or -1 if it is not entirely RAM. */
  ramOffset(pa: number, size = 1): number {
    const off = pa - this.ramBase;
    return off >= 0 && off + size <= this.ramSize ? off : -1;
  }

  mmioAt(pa: number): MmioRegion | undefined {
    for (const r of this.mmio) if (pa >= r.base && pa < r.base + r.size) return r;
    return undefined;
  }

  /** Reads a 64-bit little-endian word of RAM (walks read descriptors this way). */
  readU64(off: number): bigint {
    return this.view.getBigUint64(off, true);
  }
}

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

export class PhysMem {
  readonly bytes: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  readonly view: DataView;
  /** One allocation tag (0..15) per 16-byte granule of RAM, indexed by (pa - ramBase) >> 4. */
  readonly tags: Uint8Array;
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
    this.tags = new Uint8Array(ramSize >>> 4);
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

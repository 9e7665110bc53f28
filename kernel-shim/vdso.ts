// The vDSO (arch/arm64/kernel/vdso.c, vdso/vdso.lds.S, vdso/sigreturn.S): a one-page ELF64
// shared object mapped into every process as "[vdso]" and advertised with AT_SYSINFO_EHDR. It
// exports only __kernel_rt_sigreturn (version LINUX_2.6.39), the trampoline a signal handler
// returns to when it was installed without SA_RESTORER: `mov x8, #139; svc #0`, after the NOP
// Linux puts in front of it for unwinders. Linux's vDSO also has __kernel_clock_gettime,
// __kernel_gettimeofday and __kernel_clock_getres, reading the [vvar] data pages; granule maps
// no [vvar] and exports none of them, so C libraries fall back to the syscalls.
//
// Layout (file offsets = virtual offsets from the mapping's base):
//   0x000 ELF header, then the program headers (PT_LOAD r-x over the whole image, PT_DYNAMIC)
//   .hash, .dynsym, .dynstr, .gnu.version, .gnu.version_d, .dynamic, .text, .shstrtab, then
//   the section headers, all inside the one page.

import type { Kernel } from './kernel.js';
import { MMAP_BASE, PROT_EXEC, PROT_READ } from './mm.js';

const PAGE = 0x1000;

const SHT_PROGBITS = 1, SHT_STRTAB = 3, SHT_HASH = 5, SHT_DYNAMIC = 6, SHT_DYNSYM = 11;
const SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERSYM = 0x6fffffff;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const DT_NULL = 0, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_STRSZ = 10, DT_SYMENT = 11, DT_SONAME = 14;
const DT_VERSYM = 0x6ffffff0, DT_VERDEF = 0x6ffffffc, DT_VERDEFNUM = 0x6ffffffd;

/** The SysV ELF hash (.hash buckets, vd_hash). */
function elfHash(name: string): number {
  let h = 0;
  for (const c of Buffer.from(name)) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h >>> 0;
}

export interface VdsoImage {
  bytes: Uint8Array;
  /** Offset of __kernel_rt_sigreturn from the image's base. */
  sigreturn: number;
}

let cached: VdsoImage | undefined;

/** Builds the vDSO image (once; it does not depend on where it is mapped). */
export function vdsoImage(): VdsoImage {
  if (cached) return cached;
  const buf = new Uint8Array(PAGE);
  const v = new DataView(buf.buffer);
  let at = 0;
  const align = (n: number): void => {
    at = (at + n - 1) & ~(n - 1);
  };
  const sections: { name: string; type: number; flags: number; off: number; size: number; link: number; info: number; align: number; entsize: number }[] = [];
  const section = (name: string, type: number, flags: number, off: number, size: number, extra: Partial<{ link: number; info: number; align: number; entsize: number }> = {}): number => {
    sections.push({ name, type, flags, off, size, link: extra.link ?? 0, info: extra.info ?? 0, align: extra.align ?? 1, entsize: extra.entsize ?? 0 });
    return sections.length; // index, counting the null section
  };

  at = 64 + 2 * 56;
  // .dynstr contents first, so the other sections can name strings.
  const strings = ['', 'linux-vdso.so.1', 'LINUX_2.6.39', '__kernel_rt_sigreturn'];
  const strOff: Record<string, number> = {};
  let strSize = 0;
  for (const s of strings) {
    strOff[s] = strSize;
    strSize += Buffer.byteLength(s) + 1;
  }

  align(8);
  const hashOff = at;
  [1, 2, 1, 0, 0].forEach((w, i) => v.setUint32(hashOff + 4 * i, w, true)); // nbucket, nchain, bucket[0], chain[0..1]
  at += 20;
  align(8);
  const dynsymOff = at;
  at += 2 * 24;
  const dynstrOff = at;
  for (const s of strings) buf.set(Buffer.from(s + '\0'), dynstrOff + strOff[s]);
  at += strSize;
  align(2);
  const versymOff = at;
  v.setUint16(versymOff, 0, true);
  v.setUint16(versymOff + 2, 2, true);
  at += 4;
  align(4);
  const verdefOff = at;
  const verdef = (off: number, flags: number, ndx: number, name: string, last: boolean): void => {
    v.setUint16(off, 1, true); // vd_version
    v.setUint16(off + 2, flags, true);
    v.setUint16(off + 4, ndx, true);
    v.setUint16(off + 6, 1, true); // vd_cnt
    v.setUint32(off + 8, elfHash(name), true);
    v.setUint32(off + 12, 20, true); // vd_aux
    v.setUint32(off + 16, last ? 0 : 28, true); // vd_next
    v.setUint32(off + 20, strOff[name], true); // vda_name
    v.setUint32(off + 24, 0, true); // vda_next
  };
  verdef(verdefOff, 1 /* VER_FLG_BASE */, 1, 'linux-vdso.so.1', false);
  verdef(verdefOff + 28, 0, 2, 'LINUX_2.6.39', true);
  at += 56;
  align(8);
  const dynamicOff = at;
  const dyn: [number, number][] = [
    [DT_HASH, hashOff], [DT_STRTAB, dynstrOff], [DT_SYMTAB, dynsymOff], [DT_STRSZ, strSize], [DT_SYMENT, 24], [DT_SONAME, strOff['linux-vdso.so.1']],
    [DT_VERSYM, versymOff], [DT_VERDEF, verdefOff], [DT_VERDEFNUM, 2], [DT_NULL, 0],
  ];
  dyn.forEach(([tag, val], i) => {
    v.setBigUint64(dynamicOff + 16 * i, BigInt(tag), true);
    v.setBigUint64(dynamicOff + 16 * i + 8, BigInt(val), true);
  });
  at += 16 * dyn.length;
  align(16);
  const textOff = at;
  v.setUint32(textOff, 0xd503201f, true); // nop
  v.setUint32(textOff + 4, 0xd2801168, true); // __kernel_rt_sigreturn: mov x8, #139
  v.setUint32(textOff + 8, 0xd4000001, true); // svc #0
  at += 12;
  const sigreturn = textOff + 4;

  const hashIdx = section('.hash', SHT_HASH, SHF_ALLOC, hashOff, 20, { align: 8, entsize: 4 });
  const dynsymIdx = section('.dynsym', SHT_DYNSYM, SHF_ALLOC, dynsymOff, 48, { info: 1, align: 8, entsize: 24 });
  const dynstrIdx = section('.dynstr', SHT_STRTAB, SHF_ALLOC, dynstrOff, strSize);
  section('.gnu.version', SHT_GNU_VERSYM, SHF_ALLOC, versymOff, 4, { align: 2, entsize: 2 });
  section('.gnu.version_d', SHT_GNU_VERDEF, SHF_ALLOC, verdefOff, 56, { info: 2, align: 4 });
  section('.dynamic', SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, dynamicOff, 16 * dyn.length, { align: 8, entsize: 16 });
  const textIdx = section('.text', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, textOff, 12, { align: 16 });
  for (const s of sections) {
    if (s.name === '.hash' || s.name === '.gnu.version') s.link = dynsymIdx;
    if (s.name === '.dynsym' || s.name === '.gnu.version_d' || s.name === '.dynamic') s.link = dynstrIdx;
  }
  void hashIdx;
  // The one exported symbol (index 1; index 0 is the null symbol).
  v.setUint32(dynsymOff + 24, strOff['__kernel_rt_sigreturn'], true);
  buf[dynsymOff + 24 + 4] = (1 << 4) | 2; // STB_GLOBAL, STT_FUNC
  v.setUint16(dynsymOff + 24 + 6, textIdx, true);
  v.setBigUint64(dynsymOff + 24 + 8, BigInt(sigreturn), true);
  v.setBigUint64(dynsymOff + 24 + 16, 8n, true);

  const shstrtabOff = at;
  const shnames = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const shnameOff: number[] = [];
  for (const n of shnames) {
    shnameOff.push(at - shstrtabOff);
    buf.set(Buffer.from(n + '\0'), at);
    at += Buffer.byteLength(n) + 1;
  }
  section('.shstrtab', SHT_STRTAB, 0, shstrtabOff, at - shstrtabOff);
  align(8);
  const shoff = at;
  sections.forEach((s, i) => {
    const o = shoff + 64 * (i + 1);
    v.setUint32(o, shnameOff[i + 1], true);
    v.setUint32(o + 4, s.type, true);
    v.setBigUint64(o + 8, BigInt(s.flags), true);
    v.setBigUint64(o + 16, BigInt(s.flags & SHF_ALLOC ? s.off : 0), true);
    v.setBigUint64(o + 24, BigInt(s.off), true);
    v.setBigUint64(o + 32, BigInt(s.size), true);
    v.setUint32(o + 40, s.link, true);
    v.setUint32(o + 44, s.info, true);
    v.setBigUint64(o + 48, BigInt(s.align), true);
    v.setBigUint64(o + 56, BigInt(s.entsize), true);
  });
  at = shoff + 64 * (sections.length + 1);
  const size = at;

  // ELF header and program headers.
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  v.setUint16(16, 3, true); // ET_DYN
  v.setUint16(18, 183, true); // EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, 0n, true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 2, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, sections.length + 1, true);
  v.setUint16(62, sections.length, true); // .shstrtab is the last section
  const phdr = (o: number, type: number, flags: number, off: number, sz: number, al: number): void => {
    v.setUint32(o, type, true);
    v.setUint32(o + 4, flags, true);
    v.setBigUint64(o + 8, BigInt(off), true);
    v.setBigUint64(o + 16, BigInt(off), true);
    v.setBigUint64(o + 24, BigInt(off), true);
    v.setBigUint64(o + 32, BigInt(sz), true);
    v.setBigUint64(o + 40, BigInt(sz), true);
    v.setBigUint64(o + 48, BigInt(al), true);
  };
  phdr(64, 1 /* PT_LOAD */, 5 /* R X */, 0, size, PAGE);
  phdr(64 + 56, 2 /* PT_DYNAMIC */, 4 /* R */, dynamicOff, 16 * dyn.length, 8);
  cached = { bytes: buf.slice(0, size), sigreturn };
  return cached;
}

/**
 * Maps the vDSO (arch_setup_additional_pages at exec) and returns its base for AT_SYSINFO_EHDR.
 * It goes just above the mmap area (MMAP_BASE), where nothing else is placed, so it does not move
 * the addresses mmap() hands out; Linux puts it below mmap_base, after its [vvar] pages.
 */
export function mapVdso(k: Kernel): bigint {
  const image = vdsoImage();
  const as = k.as;
  let base = MMAP_BASE;
  if (as.overlaps(base, base + BigInt(PAGE))) base = as.findFree(BigInt(PAGE)) ?? base;
  as.addVma({ start: base, end: base + BigInt(PAGE), prot: PROT_READ | PROT_EXEC, mte: false, name: '[vdso]' });
  as.writeInitial(base, image.bytes);
  k.signals.vdsoBase = base;
  return base;
}

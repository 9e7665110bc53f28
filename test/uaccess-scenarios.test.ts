// The reference's scenarios as far as the uaccess layer decides them (kernel-uaccess.md,
// "Scenarios the shim should reproduce"): the copy counts behind 4-8, the exception table of
// 16-17, on both implementations. The buffered write and read loops themselves belong to the
// syscall layer; `performWrite` below is only the generic_perform_write skeleton (v5.14+, tmpfs
// accepting partial copies) to show that these counts converge where the reference says they do
// and spin where it says they spin.

import { describe, expect, it } from 'vitest';
import { FIXUPS_V5_13, FIXUPS_V5_14 } from '../kernel-shim/copy-pattern.js';
import { faultInReadable } from '../kernel-shim/faultin.js';
import { KDATA_BASE } from '../kernel-shim/ktext.js';
import type { Kernel } from '../kernel-shim/kernel.js';
import type { UaccessPath } from '../kernel-shim/uaccess.js';
import { makeEnv, mapUser, pattern, peek, poke, setTags, setTcf, USER_BASE, type Env } from './helpers/uaccess-env.js';

const EFAULT = -14;
const p = USER_BASE;

function setup(path: UaccessPath, bad: number[], fixups = FIXUPS_V5_14): Env {
  const env = makeEnv();
  env.k.uaccess.path = path;
  env.k.uaccess.fixups = { ...fixups };
  mapUser(env.k, p, 3);
  poke(env.k, p, pattern(3 * 4096));
  for (const g of bad) setTags(env.k, p + BigInt(16 * g), 16, 1);
  return env;
}

/**
 * generic_perform_write's retry structure over one user buffer (v5.18+ fault-in rule): fault in,
 * copy with page faults disabled, accept what was copied, retry the chunk with the copied size
 * when nothing was. Returns bytes written, -EFAULT, or 'livelock' after `limit` futile rounds.
 */
function performWrite(k: Kernel, uaddr: bigint, len: number, limit = 1000): number | 'livelock' {
  let written = 0;
  let futile = 0;
  let bytes = Math.min(4096, len);
  while (written < len) {
    bytes = Math.min(bytes, len - written);
    if (faultInReadable(k, uaddr + BigInt(written), bytes) === bytes) return written || EFAULT;
    const buf = new Uint8Array(bytes);
    k.uaccess.pagefaultDisable();
    const copied = bytes - k.uaccess.copyFromUserInatomic(buf, uaddr + BigInt(written), bytes);
    k.uaccess.pagefaultEnable();
    if (copied === 0) {
      if (++futile >= limit) return 'livelock';
      continue;
    }
    futile = 0;
    written += copied;
    bytes = Math.min(4096, len - written);
  }
  return written;
}

/** filemap_read over a tmpfs page at file offset 0: one copy_to_user per chunk, no retry. */
function performRead(k: Kernel, uaddr: bigint, len: number): number {
  const left = k.uaccess.copyToUser(uaddr, pattern(len, 9), 0);
  return left === len ? EFAULT : len - left;
}

describe.each(['typed-array', 'instruction'] as UaccessPath[])('scenarios (%s)', (path) => {
  it("4: Catalin's reproducer write(fd, p+14, 8), granule 1 bad: copies of 1 then 1, converges to 2; livelock before 295cf156231c", () => {
    const { k } = setup(path, [1]);
    expect(k.uaccess.copyFromUserInatomic(new Uint8Array(8), p + 14n, 8)).toBe(7);
    expect(k.uaccess.copyFromUserInatomic(new Uint8Array(7), p + 15n, 7)).toBe(6);
    expect(performWrite(k, p + 14n, 8)).toBe(2);
    expect(performWrite(setup(path, [1], FIXUPS_V5_13).k, p + 14n, 8, 50)).toBe('livelock');
  });

  it('5: read(fd, p+14, 8) = 1; before 295cf156231c -EFAULT', () => {
    expect(performRead(setup(path, [1]).k, p + 14n, 8)).toBe(1);
    expect(performRead(setup(path, [1], FIXUPS_V5_13).k, p + 14n, 8)).toBe(EFAULT);
  });

  it('6: first byte bad: write and read -EFAULT, buffer unchanged', () => {
    const { k } = setup(path, [0]);
    expect(performWrite(k, p, 32)).toBe(EFAULT);
    expect(performRead(k, p, 32)).toBe(EFAULT);
    expect(peek(k, p, 32)).toEqual(pattern(3 * 4096).subarray(0, 32));
  });

  it('7: check_user_mem counts with only granule 1 bad', () => {
    const { k } = setup(path, [1]);
    expect(performWrite(k, p, 32)).toBe(16);
    expect(performWrite(k, p + 8n, 32)).toBe(8);
    expect(performWrite(k, p + 14n, 8)).toBe(2);
    expect(performWrite(k, p + 16n, 100)).toBe(EFAULT);
    expect(performRead(k, p, 32)).toBe(16);
    expect(performRead(k, p + 8n, 32)).toBe(1);
    expect(performRead(k, p + 1n, 4096)).toBe(1);
    expect(performRead(k, p + 14n, 8)).toBe(1);
    for (const [a, n] of [[0, 16], [4, 12], [15, 1]]) {
      expect(performWrite(k, p + BigInt(a), n)).toBe(n);
      expect(performRead(k, p + BigInt(a), n)).toBe(n);
    }
  });

  it('8: bad granule at byte 128, write(fd, p, 256): first copy 80, converges to 128; livelock before the fix', () => {
    const { k } = setup(path, [8]);
    expect(k.uaccess.copyFromUserInatomic(new Uint8Array(256), p, 256)).toBe(176);
    expect(performWrite(k, p, 256)).toBe(128);
    expect(performWrite(setup(path, [8], FIXUPS_V5_13).k, p, 256, 50)).toBe('livelock');
  });

  it('9, 10: original selftest page 2 bad: sync read(p, 8192) = 4096; async and none copy everything', () => {
    const bad = Array.from({ length: 256 }, (_, i) => 256 + i);
    expect(performRead(setup(path, bad).k, p, 8192)).toBe(4096);
    for (const tcf of [2, 0]) {
      const { k } = setup(path, bad);
      setTcf(k, tcf);
      expect(performRead(k, p, 8192)).toBe(8192);
      expect(performWrite(k, p + 14n, 8)).toBe(8);
    }
    // Asymmetric: loads (the write() side) checked, stores (the read() side) not.
    const { k } = setup(path, [1]);
    setTcf(k, 3);
    expect(performWrite(k, p + 14n, 8)).toBe(2);
    expect(performRead(k, p + 14n, 8)).toBe(8);
  });

  it('11: a tagged pointer without PR_TAGGED_ADDR_ENABLE fails access_ok', () => {
    const { k } = setup(path, []);
    k.taggedAddrCtrl &= ~1;
    const tagged = p | (3n << 56n);
    const dst = new Uint8Array(8).fill(5);
    expect(k.uaccess.copyFromUser(dst, tagged, 8)).toBe(8);
    expect([...dst]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(k.uaccess.copyToUser(tagged, pattern(8))).toBe(8);
    expect(k.uaccess.getUser(tagged, 8)).toBeUndefined();
  });

  it('16: the _nofault copies return -EFAULT, copy_from_user zero-fills the uncopied tail', () => {
    const { k } = setup(path, [2]);
    expect(k.uaccess.copyToUserNofault(p, pattern(64))).toBe(EFAULT);
    expect(k.uaccess.copyFromUserNofault(new Uint8Array(64), p, 64)).toBe(EFAULT);
    expect(k.uaccess.copyFromUserNofault(new Uint8Array(32), p, 32)).toBe(0);
    // 64 bytes are one 64-byte block, whose load of +32 comes before the store of +16: 16 copied.
    const dst = new Uint8Array(64).fill(0xaa);
    expect(k.uaccess.copyFromUser(dst, p, 64)).toBe(48);
    expect(dst.subarray(0, 16)).toEqual(pattern(3 * 4096).subarray(0, 16));
    expect(dst.subarray(16).every((b) => b === 0)).toBe(true);
    const raw = new Uint8Array(64).fill(0xaa);
    expect(k.uaccess.rawCopyFromUser(raw, p, 64)).toBe(48);
    expect(raw.subarray(16).every((b) => b === 0xaa)).toBe(true);
    expect(k.uaccess.copyFromUser(new Uint8Array(48), p, 48)).toBe(16);
  });

  it('16: _nofault copies do not fault pages in; the plain ones do', () => {
    const env = makeEnv();
    env.k.uaccess.path = path;
    mapUser(env.k, p, 2, { lazy: true });
    expect(env.k.uaccess.copyFromUserNofault(new Uint8Array(16), p, 16)).toBe(EFAULT);
    expect(env.k.uaccess.copyFromUser(new Uint8Array(16), p, 16)).toBe(0);
    expect(env.k.uaccess.copyToUserNofault(p + 4096n, pattern(16))).toBe(EFAULT);
    expect(env.k.uaccess.copyToUser(p + 4096n, pattern(16))).toBe(0);
  });

  it('17: get_user on a bad granule gives -EFAULT with the value 0; put_user -EFAULT', () => {
    const { k } = setup(path, [1]);
    expect(k.uaccess.getUser(p + 8n, 8)).toBe(0x6b645d564f48413an);
    expect(k.uaccess.getUser(p + 12n, 8)).toBeUndefined();
    expect(k.uaccess.putUser(p + 12n, 4, 0x12345678n)).toBe(true);
    expect(k.uaccess.putUser(p + 14n, 4, 0x12345678n)).toBe(false);
    expect(peek(k, p + 14n, 2)).toEqual(Uint8Array.of(0x34, 0x12));
  });

  it('clear_user: exact since v5.14, the whole size before', () => {
    const { k } = setup(path, [2]);
    expect(k.uaccess.clearUser(p, 64)).toBe(32);
    expect(peek(k, p, 33)).toEqual(Uint8Array.from([...new Uint8Array(32), pattern(3 * 4096)[32]]));
    const old = setup(path, [2], FIXUPS_V5_13).k;
    expect(old.uaccess.clearUser(p, 64)).toBe(64);
    // ... though the stores before the fault did clear their bytes.
    expect(peek(old, p, 32).every((b) => b === 0)).toBe(true);
    expect(k.uaccess.clearUser(p + 4095n, 2)).toBe(0);
  });

  it('strncpy_from_user: byte-exact around a bad granule', () => {
    const { k } = setup(path, [2]);
    poke(k, p, new TextEncoder().encode('hello, world\0'));
    expect(new TextDecoder().decode(k.uaccess.strncpyFromUser(p, 100) as Uint8Array)).toBe('hello, world');
    expect(new TextDecoder().decode(k.uaccess.strncpyFromUser(p, 5) as Uint8Array)).toBe('hello');
    poke(k, p, pattern(32));
    expect(k.uaccess.strncpyFromUser(p, 100)).toBe(EFAULT);
    expect((k.uaccess.strncpyFromUser(p, 32) as Uint8Array).length).toBe(32);
  });
});

describe('17: the exception table on the instruction-level routines', () => {
  it('EX_TYPE_UACCESS_ERR_ZERO: err register -EFAULT, value register zeroed, resume at the fixup', () => {
    const { k, m } = setup('instruction', [1]);
    const text = k.uaccess.kernelText;
    const err = text.call('__get_user_8', [p + 12n, 0xdeadn], 64);
    expect(err).toBe(BigInt.asUintN(64, -14n));
    expect(text.x1).toBe(0n);
    expect(m.exceptionCounts.get(0x25)).toBe(1);
    expect(text.call('__get_user_8', [p, 0xdeadn], 64)).toBe(0n);
    expect(text.x1).toBe(0x332c251e17100902n);
    expect(text.call('__put_user_2', [p + 15n, 0xbeefn], 64)).toBe(BigInt.asUintN(64, -14n));
    // The interrupted context is restored: still at EL1 with the shim's registers.
    expect(m.cpu.el).toBe(1);
  });

  it('LOAD_UNALIGNED_ZEROPAD: an 8-byte load at addr & 7 = 5 running into an unmapped page', () => {
    const { k } = setup('instruction', []);
    const text = k.uaccess.kernelText;
    text.ensureBuffer(4096);
    text.writeBuffer(4088, Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88));
    expect(text.call('load_unaligned_zeropad', [KDATA_BASE + 4093n], 64)).toBe(0x8877665544332211n >> 40n);
    expect(text.call('load_unaligned_zeropad', [KDATA_BASE + 4088n], 64)).toBe(0x8877665544332211n);
  });

  it('a fault at EL1 outside any exception table entry is an oops', () => {
    const { k, m } = setup('instruction', []);
    // copy_from_user into an unmapped kernel buffer: the kernel-side STR faults, no entry covers it.
    const left = k.uaccess.kernelText.call('__arch_copy_from_user', [KDATA_BASE + 0x100_0000n, p, 16n], 1000);
    expect(left).toBeUndefined();
    expect(k.end?.kind).toBe('signal');
    expect(k.end?.kind === 'signal' && k.end.report).toMatch(/unexpected exception at vector \+0x200/);
    expect(m.haltReason).toBe('halt');
  });
});

// fault_in_* return values (kernel-uaccess.md §1.2, §1.3; scenarios 12-14), with the probes
// served by either uaccess implementation.

import { describe, expect, it } from 'vitest';
import {
  faultInIovIterReadable,
  faultInIovIterWriteable,
  faultInPagesReadable,
  faultInPagesWriteable,
  faultInReadable,
  faultInSafeWriteable,
  faultInSubpageWriteable,
  faultInWriteable,
  iovIterFaultInReadable,
  probeSubpageWriteable,
} from '../kernel-shim/faultin.js';
import { PROT_READ } from '../kernel-shim/mm.js';
import type { UaccessPath } from '../kernel-shim/uaccess.js';
import { makeEnv, mapUser, pattern, peek, poke, ramOffset, setTags, tagged, USER_BASE, type Env } from './helpers/uaccess-env.js';

const EFAULT = -14;
const p = USER_BASE;

/** Three PROT_MTE pages at p, tag 0, except the `bad` granules (tag 1, counted from p). */
function setup(path: UaccessPath, bad: number[] = [], profile?: string): Env {
  const env = makeEnv({ profile });
  env.k.uaccess.path = path;
  mapUser(env.k, p, 3);
  for (const g of bad) setTags(env.k, p + BigInt(16 * g), 16, 1);
  return env;
}

describe.each(['typed-array', 'instruction'] as UaccessPath[])('fault-in (%s probes)', (path) => {
  it('scenario 12: fault_in_readable(p+100, 8000) sees page starts only', () => {
    expect(faultInReadable(setup(path, [256]).k, p + 100n, 8000)).toBe(4004);
    expect(faultInReadable(setup(path, [257]).k, p + 100n, 8000)).toBe(0);
    expect(faultInReadable(setup(path, [6]).k, p + 100n, 8000)).toBe(8000);
    expect(faultInReadable(setup(path).k, p + 100n, 0)).toBe(0);
  });

  it('scenario 12, before v5.16: fault_in_pages_readable probes uaddr + k*PAGE_SIZE and a spilled last byte', () => {
    // p+100, p+4196 are probed; p+8292 is past the end, whose page was reached: no last-byte probe.
    expect(faultInPagesReadable(setup(path, [256]).k, p + 100n, 8000)).toBe(0);
    expect(faultInPagesReadable(setup(path, [262]).k, p + 100n, 8000)).toBe(EFAULT);
    expect(faultInPagesReadable(setup(path, [6]).k, p + 100n, 8000)).toBe(EFAULT);
    // p+4000, 200: the loop probes p+4000 only; the last byte p+4199 spilled into the next page.
    expect(faultInPagesReadable(setup(path, [262]).k, p + 4000n, 200)).toBe(EFAULT);
    expect(faultInPagesReadable(setup(path, [256]).k, p + 4000n, 200)).toBe(0);
  });

  it('scenario 13: fault_in_writeable(p, 64) stores a 0 byte at p; same return rule', () => {
    const { k } = setup(path);
    poke(k, p, pattern(64));
    expect(faultInWriteable(k, p, 64)).toBe(0);
    expect(peek(k, p, 2)).toEqual(Uint8Array.from([0, pattern(64)[1]]));
    // Every page start gets its 0; bytes between them are left alone.
    poke(k, p + 4095n, Uint8Array.of(7, 7));
    expect(faultInWriteable(k, p + 4095n, 2)).toBe(0);
    expect([...peek(k, p + 4095n, 2)]).toEqual([0, 0]);
    expect(faultInWriteable(setup(path, [256]).k, p + 100n, 8000)).toBe(4004);
    expect(faultInWriteable(setup(path, [6]).k, p + 100n, 8000)).toBe(8000);
  });

  it('fault_in_pages_writeable: 0 / -EFAULT, stores 0', () => {
    const { k } = setup(path);
    poke(k, p + 10n, Uint8Array.of(9));
    expect(faultInPagesWriteable(k, p + 10n, 30)).toBe(0);
    expect(peek(k, p + 10n, 1)[0]).toBe(0);
    expect(faultInPagesWriteable(setup(path, [0]).k, p, 16)).toBe(EFAULT);
  });

  it('scenario 14: probe_subpage_writeable / fault_in_subpage_writeable(p+5, 40) are granule-granular', () => {
    expect(probeSubpageWriteable(setup(path, [2]).k, p + 5n, 40)).toBe(13);
    expect(probeSubpageWriteable(setup(path, [0]).k, p + 5n, 40)).toBe(40);
    expect(probeSubpageWriteable(setup(path).k, p + 5n, 40)).toBe(0);
    const noMte = setup(path, [2]).k;
    noMte.uaccess.mteSupported = false;
    expect(probeSubpageWriteable(noMte, p + 5n, 40)).toBe(0);
    expect(faultInSubpageWriteable(setup(path, [2]).k, p + 5n, 40)).toBe(13);
    expect(faultInSubpageWriteable(setup(path, [0]).k, p + 5n, 40)).toBe(40);
    expect(faultInSubpageWriteable(setup(path).k, p + 5n, 40)).toBe(0);
  });

  it.each(['linux-5.16', 'linux-6.14'])("fault_in_safe_writeable walks pages only: bad granules are invisible, holes and read-only pages are not (%s)", (profile) => {
    expect(faultInSafeWriteable(setup(path, [0, 1, 2], profile).k, p, 64)).toBe(0);
    const env = setup(path, [], profile);
    // Page 3 is a hole, page 4 read-only: 100 bytes before the hole are faulted in. v5.16's
    // get_user_pages version reports the 200 after them; v5.17's fixup_user_fault version
    // (fe673d3f5bf1) computes "size - (uaddr - start)" only when size > uaddr - start, which
    // in unsigned arithmetic is false once start moved past uaddr: 0 (fixed by 8c03ebd7cdc0,
    // v6.15, after the linux-6.14 profile).
    mapUser(env.k, p + 4n * 4096n, 1, { prot: PROT_READ });
    expect(faultInSafeWriteable(env.k, p + 3n * 4096n - 100n, 300)).toBe(profile === 'linux-5.16' ? 200 : 0);
    // A failure in the first page is the whole size in both.
    expect(faultInSafeWriteable(env.k, p + 4n * 4096n, 10)).toBe(10);
  });

  it('faults lazily mapped pages in (and only with page faults enabled for the probes)', () => {
    const env = makeEnv();
    env.k.uaccess.path = path;
    mapUser(env.k, p, 3, { lazy: true });
    expect(faultInReadable(env.k, p + 4000n, 200)).toBe(0);
    expect(ramOffset(env.k, p)).toBeDefined();
    expect(ramOffset(env.k, p + 4096n)).toBeDefined();
    expect(ramOffset(env.k, p + 8192n)).toBeUndefined();
    expect(faultInSafeWriteable(env.k, p + 8192n, 1)).toBe(0);
    expect(ramOffset(env.k, p + 8192n)).toBeDefined();
  });

  it('tagged pointers use their logical tag', () => {
    const env = setup(path);
    setTags(env.k, p, 3 * 4096, 5);
    expect(faultInReadable(env.k, tagged(p + 100n, 5), 8000)).toBe(0);
    expect(faultInReadable(env.k, tagged(p + 100n, 4), 8000)).toBe(8000);
    expect(probeSubpageWriteable(env.k, tagged(p + 5n, 5), 40)).toBe(0);
  });

  it('fault_in_iov_iter_readable/_writeable over segments, and the pre-5.16 iov_iter_fault_in_readable', () => {
    const { k } = setup(path, [256]);
    // Two segments: 100 bytes at p+50, then 8000 at p+100 (bad page start at p+4096).
    const it = { user: true, iov: [{ base: p + 50n, len: 100 }, { base: p + 100n, len: 8000 }], segment: 0, offset: 20, count: 8080 };
    // 80 from the first segment, then fault_in_readable(p+100, 8000) = 4004 not faulted in.
    expect(faultInIovIterReadable(k, it, 8080)).toBe(4004);
    // size beyond the iterator's count counts as not faulted in.
    expect(faultInIovIterReadable(k, { ...it, count: 50 }, 60)).toBe(10);
    expect(faultInIovIterReadable(k, { ...it, user: false }, 60)).toBe(0);
    // The writeable one uses fault_in_safe_writeable: no tag checks.
    expect(faultInIovIterWriteable(k, it, 8080)).toBe(0);
    expect(iovIterFaultInReadable(k, it, 8080)).toBe(0);
    expect(iovIterFaultInReadable(k, { ...it, iov: [{ base: p + 4000n, len: 100 }], offset: 0 }, 100)).toBe(EFAULT);
  });
});

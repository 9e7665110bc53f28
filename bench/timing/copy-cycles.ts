// Cycles per byte of the kernel shim's copy_{from,to}_user on a timed machine, two ways: the
// instruction-level routine (kernel-shim/copy-routine.ts run at EL1 through the timed loop) and
// the typed-array path, which charges itself through the timing model's kernel API:
// chargeKernelCopy with the routine's loop, the instruction count the shim computes for the typed
// path (UserAccess.lastRoutineInstructions) and the physical runs it touched.
// Steady state: each way runs a few times before the measured copy.

import { Machine } from '../../emulator/machine.js';
import { BufferSink } from '../../emulator/devices/output.js';
import { resolveTimingConfig, type CpuName } from '../../emulator/timing/config.js';
import { Kernel } from '../../kernel-shim/kernel.js';
import { PROT_READ, PROT_WRITE, type Vma } from '../../kernel-shim/mm.js';

export const COPY_SIZES = [64, 512, 4096, 65536, 1 << 20];
const USER = 0x0000_2000_0000_0000n;
const TAG = 3;
const WARM = 6;

export interface CopyCycles {
  cpu: CpuName;
  direction: 'from-user' | 'to-user';
  size: number;
  /** Cycles per byte of the instruction-level routine. */
  instruction: number;
  /** Cycles per byte of the typed-array path as charged through the timing API. */
  typedArray: number;
}

function setup(cpu: CpuName, size: number): { m: Machine; k: Kernel; uaddr: bigint; pa: number } {
  const m = new Machine({ ramBase: 0x40000000, ramSize: 32 << 20 });
  const out = new BufferSink();
  const k = new Kernel(m, { stdout: out, stderr: out });
  // prctl(PR_SET_TAGGED_ADDR_CTRL, ENABLE | TCF_SYNC | include all but 0).
  k.setTaggedAddrCtrl(1 | 2 | (0xfffe << 3));
  const vma: Vma = { start: USER, end: USER + BigInt(size), prot: PROT_READ | PROT_WRITE, mte: true, name: '[copy]' };
  const guard: Vma = { ...vma, start: vma.end, end: vma.end + 4096n, name: '[guard]' };
  k.as.addVma(guard);
  k.as.populate(guard.start, guard);
  k.as.addVma(vma);
  for (let i = 0; i < size / 4096 || i === 0; i++) k.as.populate(USER + BigInt(i * 4096), vma);
  const pa = Number(k.userTables.lookup(USER)!.pa);
  for (let i = 1; i < size / 4096; i++) {
    if (Number(k.userTables.lookup(USER + BigInt(i * 4096))!.pa) !== pa + i * 4096) throw new Error('copy cycles: user frames are not contiguous');
  }
  m.mem.fillTags(TAG, (pa - m.mem.ramBase) >>> 4, (pa - m.mem.ramBase + Math.max(size, 4096)) >>> 4);
  m.setTiming(resolveTimingConfig(cpu));
  return { m, k, uaddr: USER | (BigInt(TAG) << 56n), pa };
}

/** Measures one size and direction on one profile. */
export function copyCycles(cpu: CpuName, direction: 'from-user' | 'to-user', size: number): CopyCycles {
  const { m, k, uaddr } = setup(cpu, size);
  const ua = k.uaccess;
  const t = m.timing!;
  const kbuf = new Uint8Array(size);
  const copy = (): void => {
    const left = direction === 'from-user' ? ua.copyFromUser(kbuf, uaddr, size) : ua.copyToUser(uaddr, kbuf);
    if (left !== 0) throw new Error(`copy cycles: ${direction} of ${size} left ${left}`);
  };
  const measure = (once: () => void): number => {
    for (let i = 0; i < WARM; i++) once();
    const c0 = t.cycles();
    once();
    return (t.cycles() - c0) / size;
  };
  ua.path = 'instruction';
  const instruction = measure(copy);
  // The typed path charges itself (UserAccess.chargeTiming): the routine's instruction count and
  // the lines it touches, its kernel buffer being where the routine's is.
  ua.path = 'typed-array';
  const typedArray = measure(copy);
  return { cpu, direction, size, instruction, typedArray };
}

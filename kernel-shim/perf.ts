// A perf-like sampler (issue 5's nested-exception scenario): an interrupt that arrives while the
// kernel copies user memory with page faults disabled and, like perf's user call-chain
// collection, walks the user stack with copy_from_user_nofault -- which can itself take a tag
// check fault. It shows why a per-thread "a sub-page fault happened" flag races (Linus Torvalds,
// seed thread, 27 Oct 2021: "a subsequent NMI that _also_ takes a (completely unrelated) page
// fault ... Think 'perf' and fetching backtraces etc."; "the NMI page fault can easily also be a
// pointer coloring fault on arm64") and how saving the flag on exception entry fixes it (Catalin
// Marinas, 28 Oct 2021).
//
// The walk follows arm64's perf_callchain_user() / user_backtrace() (arch/arm64/kernel/
// perf_callchain.c): the user pc, then frame records {fp, lr} from the saved x29, each read with
// page faults disabled, stopping at a fault, a misaligned frame pointer or one that does not
// move up the stack. A program arms the sampler with an ioctl on /dev/granule-perf (devices.ts);
// the interrupt is then delivered in the middle of every user copy the kernel makes with page
// faults disabled -- a deterministic stand-in for a periodic perf interrupt.

import type { Kernel } from './kernel.js';

/** PERF_MAX_STACK_DEPTH's role: frames walked at most per sample. */
export const DEFAULT_SAMPLE_DEPTH = 8;
/**
 * Instructions charged per sample on a timed machine (an assumption: the IRQ entry and exit
 * paths, perf_event_overflow and the call-chain bookkeeping, about 300), besides the exception
 * entry and return and the copies themselves.
 */
const SAMPLE_INSTRUCTIONS = 300;

export class PerfSampler {
  /** The frames (user pc and return addresses) of the last sample. */
  lastChain: bigint[] = [];

  constructor(
    private readonly k: Kernel,
    readonly depth = DEFAULT_SAMPLE_DEPTH,
  ) {}

  /** The sampling interrupt, taken where it is called (inside a user copy): one user call chain. */
  interrupt(): void {
    const k = this.k;
    const saved = k.thread.enterInterrupt();
    try {
      k.counters.samples++;
      const t = k.m.timing;
      if (t) {
        t.chargeCycles(t.exceptionRoundTrip);
        t.chargeKernelInstructions('alu', SAMPLE_INSTRUCTIONS);
      }
      this.lastChain = this.callchainUser();
    } finally {
      k.thread.exitInterrupt(saved);
    }
  }

  /** perf_callchain_user(): the pc the user will return to, then user_backtrace() from x29. */
  private callchainUser(): bigint[] {
    const k = this.k;
    const cpu = k.m.cpu;
    const chain = [cpu.sys.elr];
    let tail = cpu.readX(29);
    const buf = new Uint8Array(16);
    const view = new DataView(buf.buffer);
    while (chain.length < this.depth && tail !== 0n && (tail & 7n) === 0n) {
      // user_backtrace(): access_ok, then __copy_from_user_inatomic with page faults disabled.
      if (k.uaccess.copyFromUserNofault(buf, tail, 16) !== 0) break;
      const fp = view.getBigUint64(0, true);
      const lr = view.getBigUint64(8, true);
      chain.push(lr);
      // Frame pointers should strictly progress back up the stack (towards higher addresses).
      if (tail >= fp) break;
      tail = fp;
    }
    return chain;
  }
}

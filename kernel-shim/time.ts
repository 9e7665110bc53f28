// Time as the shim's process sees it (kernel/time/posix-timers.c, posix-cpu-timers.c): derived
// from the machine's counter (CNTVCT_EL0, which follows the instruction count; DESIGN.md
// decision 9), so a run's clocks are the same every time and agree with what the program reads
// from CNTVCT_EL0 itself, as arm64 Linux's vDSO clock_gettime does.
//
// - CLOCK_MONOTONIC, _RAW, BOOTTIME: counter ticks converted at CNTFRQ_EL0 (the machine booted
//   at counter 0 and never suspends).
// - CLOCK_REALTIME, TAI: a fixed epoch plus CLOCK_MONOTONIC. The epoch is 2025-01-01T00:00:00Z
//   (REALTIME_EPOCH); TAI is REALTIME (the TAI offset is 0 until adjtimex sets it, as on Linux).
// - The _COARSE clocks: the same value truncated to a jiffy (CONFIG_HZ = 250, 4 ms).
// - CPU-time clocks: the process has been running since boot, so they equal CLOCK_MONOTONIC.

import type { Kernel } from './kernel.js';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
export const CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;

/** Seconds since the Unix epoch at boot: 2025-01-01T00:00:00Z. */
export const REALTIME_EPOCH = 1_735_689_600n;
/** One jiffy at CONFIG_HZ = 250, the resolution of the coarse clocks. */
export const TICK_NSEC = 4_000_000n;
const NSEC_PER_SEC = 1_000_000_000n;

export interface Timespec {
  sec: bigint;
  nsec: bigint;
}

/** Nanoseconds since boot, from CNTVCT_EL0 at CNTFRQ_EL0. */
export function monotonicNs(k: Kernel): bigint {
  const cpu = k.m.cpu;
  const freq = cpu.sys.cntfrq > 0n ? cpu.sys.cntfrq : NSEC_PER_SEC;
  return (cpu.hooks.counter() * NSEC_PER_SEC) / freq;
}

export function nsToTimespec(ns: bigint): Timespec {
  return { sec: ns / NSEC_PER_SEC, nsec: ns % NSEC_PER_SEC };
}

/** ktime_get_real_ts64: CLOCK_REALTIME now (file timestamps use it). */
export function realtimeNow(k: Kernel): Timespec {
  return nsToTimespec(REALTIME_EPOCH * NSEC_PER_SEC + monotonicNs(k));
}

/**
 * The value of a clock (posix_clock_realtime_get and friends, posix_cpu_clock_get), or
 * undefined for an invalid clock id (-EINVAL).
 */
export function clockGet(k: Kernel, clockid: number): Timespec | undefined {
  const mono = monotonicNs(k);
  if (clockid < 0) return cpuClockValid(k, clockid) ? nsToTimespec(mono) : undefined;
  switch (clockid) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
      return nsToTimespec(REALTIME_EPOCH * NSEC_PER_SEC + mono);
    case CLOCK_REALTIME_COARSE:
      return nsToTimespec(REALTIME_EPOCH * NSEC_PER_SEC + mono - (mono % TICK_NSEC));
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
      return nsToTimespec(mono);
    case CLOCK_MONOTONIC_COARSE:
      return nsToTimespec(mono - (mono % TICK_NSEC));
    default:
      return undefined;
  }
}

/** clock_getres: 1 ns for the high-resolution clocks, a jiffy for the coarse ones. */
export function clockRes(k: Kernel, clockid: number): Timespec | undefined {
  if (clockid < 0) return cpuClockValid(k, clockid) ? { sec: 0n, nsec: 1n } : undefined;
  if (clockid === CLOCK_REALTIME_COARSE || clockid === CLOCK_MONOTONIC_COARSE) return { sec: 0n, nsec: TICK_NSEC };
  return clockGet(k, clockid) ? { sec: 0n, nsec: 1n } : undefined;
}

/**
 * A dynamic CPU-clock id (include/linux/posix-timers.h: ~pid << 3 | per-thread << 2 | type):
 * valid for type PROF, VIRT or SCHED of pid 0 or this process's pid/tid. Type 3 is CLOCKFD
 * (a clock file descriptor), which the shim has none of.
 */
function cpuClockValid(k: Kernel, clockid: number): boolean {
  const type = clockid & 3;
  if (type === 3) return false;
  const pid = ~(clockid >> 3);
  return pid === 0 || pid === k.pid;
}

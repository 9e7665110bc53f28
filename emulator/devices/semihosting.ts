// Arm semihosting (Arm IHI 0058) through `HLT #0xF000`, the subset bare-metal tests use:
// SYS_OPEN(":tt"), SYS_CLOSE, SYS_WRITEC, SYS_WRITE0, SYS_WRITE, SYS_ISTTY, SYS_ERRNO,
// SYS_CLOCK, SYS_ELAPSED, SYS_TICKFREQ, SYS_EXIT and SYS_EXIT_EXTENDED. Like QEMU, handles 0-2
// are the host's stdin/stdout/stderr and the semihosting console (WRITEC/WRITE0) is stderr.
// Parameters are read through the guest's current translation.

import type { Machine } from '../machine.js';
import type { OutputSink } from './output.js';

export const SEMIHOSTING_HLT_IMM = 0xf000;

const SYS_OPEN = 0x01;
const SYS_CLOSE = 0x02;
const SYS_WRITEC = 0x03;
const SYS_WRITE0 = 0x04;
const SYS_WRITE = 0x05;
const SYS_ISTTY = 0x09;
const SYS_CLOCK = 0x10;
const SYS_ERRNO = 0x13;
const SYS_EXIT = 0x18;
const SYS_EXIT_EXTENDED = 0x20;
const SYS_ELAPSED = 0x30;
const SYS_TICKFREQ = 0x31;
/** ADP_Stopped_ApplicationExit: the only reason code whose subcode is the exit status. */
const ADP_STOPPED_APPLICATION_EXIT = 0x20026n;
const EBADF = 9;

export interface SemihostingSinks {
  stdout: OutputSink;
  stderr: OutputSink;
}

/** Reads guest virtual memory for a semihosting call; undefined if it is not mapped. */
function readGuest(m: Machine, va: bigint, length: number): Uint8Array | undefined {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const a = va + BigInt(i);
    const pa = m.mmu.translateForDebug(Number(a & 0xffffffffn), Number((a >> 32n) & 0xffffffffn));
    const off = pa === undefined ? -1 : m.mem.ramOffset(pa, 1);
    if (off < 0) return undefined;
    out[i] = m.mem.bytes[off];
  }
  return out;
}

function readU64(m: Machine, va: bigint): bigint | undefined {
  const b = readGuest(m, va, 8);
  return b && new DataView(b.buffer).getBigUint64(0, true);
}

function readCString(m: Machine, va: bigint, max = 1 << 20): Uint8Array | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < max; i++) {
    const b = readGuest(m, va + BigInt(i), 1);
    if (!b) return undefined;
    if (b[0] === 0) break;
    bytes.push(b[0]);
  }
  return Uint8Array.from(bytes);
}

export function attachSemihosting(m: Machine, sinks: SemihostingSinks): void {
  const handles = new Map<number, OutputSink | 'stdin'>([[0, 'stdin'], [1, sinks.stdout], [2, sinks.stderr]]);
  let nextHandle = 3;
  let errno = 0;
  const ret = (v: bigint | number): void => m.cpu.writeX(0, BigInt.asUintN(64, BigInt(v)));
  m.semihosting = (imm) => {
    // As QEMU without `-semihosting-config userspace=on`: HLT #0xF000 at EL0 stays UNDEFINED.
    if (imm !== SEMIHOSTING_HLT_IMM || m.cpu.el === 0) return false;
    const op = Number(m.cpu.readX(0) & 0xffffffffn);
    const arg = m.cpu.readX(1);
    switch (op) {
      case SYS_WRITEC: {
        const b = readGuest(m, arg, 1);
        if (b) sinks.stderr.write(b);
        return true;
      }
      case SYS_WRITE0: {
        const s = readCString(m, arg);
        if (s) sinks.stderr.write(s);
        return true;
      }
      case SYS_WRITE: {
        const h = readU64(m, arg);
        const buf = readU64(m, arg + 8n);
        const len = readU64(m, arg + 16n);
        const sink = h === undefined ? undefined : handles.get(Number(h));
        if (h === undefined || buf === undefined || len === undefined || !sink || sink === 'stdin') {
          errno = EBADF;
          ret(len ?? -1n);
          return true;
        }
        const data = readGuest(m, buf, Number(len));
        if (!data) {
          ret(len);
          return true;
        }
        sink.write(data);
        ret(0); // bytes not written
        return true;
      }
      case SYS_OPEN: {
        const name = readU64(m, arg);
        const mode = readU64(m, arg + 8n);
        const len = readU64(m, arg + 16n);
        const text = name === undefined || len === undefined ? undefined : readGuest(m, name, Number(len));
        if (!text || new TextDecoder().decode(text) !== ':tt' || mode === undefined) {
          errno = 2; // ENOENT: only the console exists
          ret(-1);
          return true;
        }
        // ":tt" opens stdin (modes 0-3), stdout (4-7) or stderr (8-11).
        const target = mode < 4n ? 'stdin' : mode < 8n ? sinks.stdout : sinks.stderr;
        handles.set(nextHandle, target);
        ret(nextHandle++);
        return true;
      }
      case SYS_CLOSE: {
        const h = readU64(m, arg);
        ret(h !== undefined && handles.delete(Number(h)) ? 0 : -1);
        return true;
      }
      case SYS_ISTTY: {
        const h = readU64(m, arg);
        ret(h !== undefined && handles.has(Number(h)) ? 1 : 0);
        return true;
      }
      case SYS_ERRNO:
        ret(errno);
        return true;
      case SYS_CLOCK:
        // Centiseconds, derived from the instruction count so runs are deterministic.
        ret(BigInt(Math.floor(m.instructions / 10_000_000)));
        return true;
      case SYS_ELAPSED: {
        const ticks = BigInt(m.instructions);
        const ok = m.mmu.translateForDebug(Number(arg & 0xffffffffn), Number(arg >> 32n));
        const off = ok === undefined ? -1 : m.mem.ramOffset(ok, 8);
        if (off < 0) ret(-1);
        else {
          m.mem.view.setBigUint64(off, ticks, true);
          ret(0);
        }
        return true;
      }
      case SYS_TICKFREQ:
        ret(1_000_000_000);
        return true;
      case SYS_EXIT:
      case SYS_EXIT_EXTENDED: {
        const reason = readU64(m, arg);
        const sub = readU64(m, arg + 8n);
        m.exitStatus = reason === ADP_STOPPED_APPLICATION_EXIT && sub !== undefined ? Number(BigInt.asIntN(32, sub)) : 1;
        m.haltReason = 'halt';
        return true;
      }
      default:
        ret(-1);
        return true;
    }
  };
}

// What granule prints on stderr when a signal kills the process: the signal and its si_code in
// words, the PC with its instruction, the faulting access decoded from the encoding table, and
// for a tag check fault the pointer tag, the allocation tag and a map of the allocation tags
// around the fault address. Everything is read from the dead process's state without side
// effects (page tables are looked up, not walked through the TLB).
//
//   granule: killed by SIGSEGV: synchronous tag check fault (SEGV_MTESERR)
//     pc 0x400128  f9400821  ldr x1, [x1, #16]
//     load of 8 bytes at 0x0200fffff7ff0010
//     pointer tag 0x2, allocation tag 0x0 at 0xfffff7ff0010
//     allocation tags (one per 16-byte granule, [x] = the faulting granule):
//       0xfffff7feff00   -  -  -  -  -  -  -  -  -  -  -  -  -  -  -  -
//       ...

import { decode, UNDEFINED } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { ENCODINGS } from '../isa/encodings.js';
import type { Kernel } from './kernel.js';
import { pageDown, type Vma } from './mm.js';
import {
  BUS_ADRALN, BUS_ADRERR, BUS_OBJERR, ILL_ILLOPC, KERNEL_COREDUMP, SEGV_ACCERR, SEGV_MAPERR, SEGV_MTEAERR, SEGV_MTESERR,
  SIGBUS, SIGILL, SIGSEGV, SIGTRAP, SI_KERNEL, SI_TKILL, SI_USER, TRAP_BRKPT, signalName, untagged, type QueuedSignal,
} from './signals.js';

/** si_code names and meanings of the fault signals (a function: signals.ts imports this module). */
const faultCodes = (): Record<number, Record<number, [string, string]>> => ({
  [SIGSEGV]: {
    [SEGV_MAPERR]: ['SEGV_MAPERR', 'address not mapped'],
    [SEGV_ACCERR]: ['SEGV_ACCERR', 'invalid permissions for mapped object'],
    [SEGV_MTEAERR]: ['SEGV_MTEAERR', 'asynchronous tag check fault'],
    [SEGV_MTESERR]: ['SEGV_MTESERR', 'synchronous tag check fault'],
  },
  [SIGBUS]: {
    [BUS_ADRALN]: ['BUS_ADRALN', 'misaligned address'],
    [BUS_ADRERR]: ['BUS_ADRERR', 'nonexistent physical address'],
    [BUS_OBJERR]: ['BUS_OBJERR', 'object-specific hardware error'],
  },
  [SIGILL]: { [ILL_ILLOPC]: ['ILL_ILLOPC', 'illegal opcode'] },
  [SIGTRAP]: { [TRAP_BRKPT]: ['TRAP_BRKPT', 'breakpoint'] },
});

const EC_IABT_LOW = 0x20, EC_PC_ALIGN = 0x22, EC_DABT_LOW = 0x24, EC_SP_ALIGN = 0x26;
const MAP_ROWS_BEFORE = 2;
const MAP_ROWS_AFTER = 1;
const GRANULES_PER_ROW = 16;

const hex = (v: bigint | number): string => '0x' + v.toString(16);
/** A user address as 12 hex digits (48-bit VAs), or all 16 when the top bits are set. */
const addr12 = (v: bigint): string => '0x' + v.toString(16).padStart(v >> 48n === 0n ? 12 : 16, '0');
/** A tagged pointer with its tag byte visible. */
const addr16 = (v: bigint): string => (v >> 56n === 0n ? hex(v) : '0x' + v.toString(16).padStart(16, '0'));

/** The report for a signal whose default action ends the process. */
export function fatalReport(k: Kernel, sig: QueuedSignal): string {
  const { info } = sig;
  const name = signalName(info.signo);
  const code = faultCodes()[info.signo]?.[info.code];
  const lines: string[] = [];
  let title = `granule: killed by ${name}`;
  if (code) title += `: ${code[1]} (${code[0]})`;
  else if (info.code === SI_USER) title += `, sent by kill() from pid ${info.pid ?? 0}`;
  else if (info.code === SI_TKILL) title += `, sent by tkill()/tgkill() from pid ${info.pid ?? 0}`;
  else if (info.code === SI_KERNEL) title += ' (SI_KERNEL)';
  else title += ` (si_code ${info.code})`;
  lines.push(title);

  const ec = sig.esr >>> 26;
  const async = info.signo === SIGSEGV && info.code === SEGV_MTEAERR;
  const fromUser = info.code === SI_USER || info.code === SI_TKILL;
  // A signal sent by the program itself arrives as its syscall returns: show that SVC.
  const before = fromUser ? readWord(k, sig.pc - 4n) : undefined;
  const pc = before !== undefined && ((before & 0xffe0001f) >>> 0) === 0xd4000001 ? sig.pc - 4n : sig.pc;
  lines.push(`  ${async ? 'noticed at pc' : 'pc'} ${pcLine(k, pc)}`);
  const addr = sig.rawAddr ?? info.addr ?? 0n;
  if (async) {
    lines.push('  the faulting access itself is not known: an asynchronous check only sets TFSRE0_EL1.TF0,');
    lines.push('  which the kernel noticed at its next entry (si_addr is 0)');
  } else if (ec === EC_DABT_LOW || ec === EC_IABT_LOW) {
    const access = ec === EC_IABT_LOW ? 'instruction fetch' : describeAccess(k, sig.pc, sig.esr);
    lines.push(`  ${access} at ${addr16(addr)}${where(k, info.code, addr)}`);
    if (info.signo === SIGSEGV && info.code === SEGV_MTESERR) lines.push(...tagReport(k, addr));
  } else if (ec === EC_PC_ALIGN) {
    lines.push(`  the pc ${hex(addr)} is not a multiple of 4`);
  } else if (ec === EC_SP_ALIGN) {
    lines.push(`  sp ${hex(addr)} is not 16-byte aligned for an access through it`);
  }
  if (sig.note) lines.push(`  ${sig.note}`);
  if (sig.overridden) lines.push(`  (${name} was ${sig.overridden}; a synchronous fault is delivered anyway, with the default action)`);
  if ((KERNEL_COREDUMP & (1n << BigInt(info.signo - 1))) !== 0n) lines.push(`  exit status ${128 + info.signo} (core not dumped)`);
  else lines.push(`  exit status ${128 + info.signo}`);
  return lines.join('\n') + '\n';
}

/** `0x400128  f9400821  ldr x1, [x1, #16]`, or why the instruction cannot be shown. */
function pcLine(k: Kernel, pc: bigint): string {
  const word = (pc & 3n) === 0n ? readWord(k, pc) : undefined;
  if (word === undefined) return `${hex(pc)} (no instruction there)`;
  return `${hex(pc)}  ${word.toString(16).padStart(8, '0')}  ${disassemble(word, pc)}`;
}

/** A 32-bit word of user memory, read through the page tables without faulting anything in. */
function readWord(k: Kernel, va: bigint): number | undefined {
  const e = k.as.pt.lookup(pageDown(untagged(va)));
  if (!e || !k.as.find(untagged(va))) return undefined;
  const off = e.pa - k.m.mem.ramBase + Number(va & 0xffcn);
  return k.m.mem.u32[off >>> 2];
}

/**
 * "load of 8 bytes" from the instruction's row in the encoding table (access size, pair,
 * load/store); the ESR's WnR bit when the word does not decode to a memory access.
 */
function describeAccess(k: Kernel, pc: bigint, esr: number): string {
  const word = readWord(k, pc);
  const index = word === undefined ? UNDEFINED : decode(word);
  const a = index === UNDEFINED ? undefined : ENCODINGS[index].attrs;
  if (a && (a.load || a.store)) {
    const kind = a.load && a.store ? 'atomic read-modify-write' : a.load ? 'load' : 'store';
    if (a.size === undefined) return `allocation tag ${a.load ? 'load' : 'store'}`;
    const bytes = (1 << a.size) * (a.pair ? 2 : 1);
    return `${kind} of ${bytes} byte${bytes === 1 ? '' : 's'}${a.pair ? ' (pair)' : ''}`;
  }
  return (esr & (1 << 6)) !== 0 ? 'write' : 'read';
}

/** Where the address is, for MAPERR/ACCERR: its mapping, or that there is none. */
function where(k: Kernel, code: number, addr: bigint): string {
  if (code !== SEGV_MAPERR && code !== SEGV_ACCERR) return '';
  const a = untagged(addr);
  const vma = k.as.find(a);
  return vma ? ` (mapping ${describeVma(vma)})` : ': no mapping there';
}

function describeVma(v: Vma): string {
  const p = `${v.prot & 1 ? 'r' : '-'}${v.prot & 2 ? 'w' : '-'}${v.prot & 4 ? 'x' : '-'}`;
  return `${hex(v.start)}-${hex(v.end)} ${p}${v.mte ? ' mte' : ''} ${v.name}`;
}

/** The tag comparison and the allocation-tag map around the faulting granule. */
function tagReport(k: Kernel, far: bigint): string[] {
  const a = untagged(far);
  const granule = a & ~15n;
  const ptag = Number((far >> 56n) & 0xfn);
  const mtag = granuleTag(k, granule);
  const shown = mtag === '.' ? 'none (untagged memory)' : mtag === '-' ? 'none (not mapped)' : '0x' + mtag;
  const lines = [`  pointer tag ${hex(ptag)}, allocation tag ${shown} (granule ${addr12(granule)})`];
  lines.push('  allocation tags (one per 16-byte granule, [x] = the faulting granule):');
  const rowBytes = BigInt(GRANULES_PER_ROW * 16);
  const faultRow = granule - (granule % rowBytes);
  const rows: { row: bigint; tags: string[] }[] = [];
  for (let r = -MAP_ROWS_BEFORE; r <= MAP_ROWS_AFTER; r++) {
    const row = faultRow + BigInt(r) * rowBytes;
    if (row < 0n) continue;
    rows.push({ row, tags: Array.from({ length: GRANULES_PER_ROW }, (_, g) => granuleTag(k, row + BigInt(g * 16))) });
  }
  // Rows with nothing mapped at either end say nothing: leave them out.
  const empty = (r: { tags: string[] }): boolean => r.tags.every((t) => t === '-');
  while (rows.length > 1 && rows[0].row !== faultRow && empty(rows[0])) rows.shift();
  while (rows.length > 1 && rows[rows.length - 1].row !== faultRow && empty(rows[rows.length - 1])) rows.pop();
  let untaggedSeen = false;
  let unmappedSeen = false;
  for (const { row, tags } of rows) {
    let text = `    ${addr12(row)}  `;
    tags.forEach((t, g) => {
      if (t === '.') untaggedSeen = true;
      if (t === '-') unmappedSeen = true;
      text += row + BigInt(g * 16) === granule ? `[${t}]` : ` ${t} `;
    });
    lines.push(text.trimEnd());
  }
  const legend = [untaggedSeen ? '. untagged memory' : '', unmappedSeen ? '- not mapped' : ''].filter(Boolean);
  if (legend.length) lines.push(`    (${legend.join(', ')})`);
  return lines;
}

/**
 * The allocation tag of the granule at `va` as one hex digit; `.` for memory mapped without
 * PROT_MTE, `-` for no mapping. A PROT_MTE page not touched yet reads 0, the tag it will get.
 */
function granuleTag(k: Kernel, va: bigint): string {
  const vma = k.as.find(va);
  if (!vma) return '-';
  if (!vma.mte) return '.';
  const e = k.as.pt.lookup(pageDown(va));
  if (!e) return '0';
  const off = e.pa - k.m.mem.ramBase + Number(va & 0xff0n);
  return k.m.mem.tags[off >>> 4].toString(16);
}

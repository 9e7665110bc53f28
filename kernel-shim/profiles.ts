// Kernel version profiles (issue 5): which Linux kernel's behaviour the shim follows where the
// kernel discussion's retry loops changed between versions (kernel-uaccess.md §1). A profile is
// data: each field selects one behaviour, and the code that implements it (uaccess.ts,
// faultin.ts, filemap.ts, devices.ts) cites the commit that introduced it. Profiles are named
// after the release whose behaviour they reproduce; `+option` suffixes add the proposals from
// the discussion that were never merged (kernel-uaccess.md §1.7, the seed email), to any base.
//
// Release facts used below (kernel-uaccess.md §1.1 unless stated):
//   5.10.77 295cf156231c backported to 5.10.y (the rest of the v5.14-v5.19 changes below were
//          not: 5.10.y keeps v5.13's generic_perform_write, fault_in_pages_* and
//          copy_page_to_iter; observed on Debian's 5.10.223, test/golden/linux-versions)
//   v5.14  295cf156231c arm64: Avoid premature usercopy failure (one-byte retry in the fixups)
//          "arm64: Rewrite __arch_clear_user()" (exact clear_user counts)
//          08aa64796016 teach copy_page_to_iter() to handle compound pages (its loop retries a
//          short copy until one moves nothing; Cc stable, so 5.13.2 has it, v5.13 does not)
//          "generic_perform_write()/iomap_write_actor(): saner logics for short copy"
//   v5.16  bb523b406c84, a6294593e8a1 fault_in_* return bytes not faulted in
//          cdd591fc86e3 fault_in_safe_writeable (get_user_pages)
//          97308f8b0d86 IOMAP_DIO_PARTIAL, 4fdccaa0d184 done_before, 42c498c18a94;
//          55b8fe703bc5 FOLL_NOFAULT, 3337ab08d08b iov_iter nofault; btrfs direct I/O with page
//          faults disabled and a fault-in/retry loop
//   v5.17  fe673d3f5bf1 fault_in_safe_writeable via fixup_user_fault() (its return value is
//          wrong until 8c03ebd7cdc0, v6.15: "uaddr - start" for "start - uaddr")
//   v5.18  631f871f0717 generic_perform_write fails only if nothing could be faulted in
//          766121ba5de3 asymmetric tag checking (HWCAP2_MTE3)
//   v5.19  da32b5817253 fault_in_subpage_writeable, f3ba50a7a100 arm64 probe_subpage_writeable,
//          18788e34642e btrfs search_ioctl() probes the whole buffer (fixes a48b73eca4ce)
//   v6.6   e88e0d366f9c tmpfs: trivial support for direct IO
//   v6.14  665575cff098 filemap: move prefaulting out of hot write path (copy first)

import { FIXUPS_V5_13, FIXUPS_V5_14, type UaccessFixups } from './copy-pattern.js';

/** 5.10.y from 5.10.77: 295cf156231c's one-byte retry, but not the v5.14 __arch_clear_user rewrite. */
const FIXUPS_V5_10_Y: Readonly<UaccessFixups> = Object.freeze({ oneByteRetry: true, exactClearUser: false });

/** generic_perform_write's form: where it faults in and what it makes of the result. */
export type PerformWriteForm =
  /** v5.13: iov_iter_fault_in_readable (0/-EFAULT) first; a copy of 0 falls back to a single segment and repeats. */
  | 'v5.13'
  /** v5.16-v5.17: fault_in_iov_iter_readable() != 0 is -EFAULT (the short-write regression). */
  | 'v5.16'
  /** v5.18-v6.13 (631f871f0717): -EFAULT only if nothing could be faulted in. */
  | 'v5.18'
  /** v6.14+ (665575cff098): copy first, fault in only after a copy that moved nothing. */
  | 'v6.14';

/** fault_in_safe_writeable()'s implementation (fault_in_iov_iter_writeable's per-segment helper). */
export type SafeWriteableForm =
  /** Not in the kernel (before v5.16): the callers did not exist either. */
  | 'none'
  /** v5.16 cdd591fc86e3: __get_user_pages_locked over each VMA. */
  | 'gup'
  /** v5.17 fe673d3f5bf1 - v6.14: fixup_user_fault() page by page, with the "uaddr - start" return value. */
  | 'fixup-user-fault';

/** What btrfs search_ioctl() calls before each search (fs/btrfs/ioctl.c). */
export type SearchFaultIn =
  /** a48b73eca4ce (v5.9) - v5.15: fault_in_pages_writeable() (0/-EFAULT). */
  | 'pages-writeable'
  /** v5.16 bb523b406c84 - v5.18: fault_in_writeable(), -EFAULT if anything was not faulted in. */
  | 'writeable'
  /** v5.19 18788e34642e: fault_in_subpage_writeable() over the whole remaining buffer. */
  | 'subpage-writeable';

export interface ProfileBehaviour {
  /** The arm64 copy routines' fixups (295cf156231c and the clear_user rewrite, v5.14). */
  fixups: UaccessFixups;
  /** copy_page_to_iter() loops over short copies (08aa64796016, v5.14). */
  copyPageToIterLoop: boolean;
  /** fault_in_* return bytes not faulted in (v5.16) instead of 0/-EFAULT (fault_in_pages_*). */
  faultInBytes: boolean;
  faultInSafeWriteable: SafeWriteableForm;
  performWrite: PerformWriteForm;
  /** iomap direct I/O with page faults disabled, nofault GUP and IOMAP_DIO_PARTIAL (v5.16). */
  iomapDioPartial: boolean;
  /** probe_subpage_writeable() and fault_in_subpage_writeable() exist (v5.19). */
  subpageProbe: boolean;
  searchFaultIn: SearchFaultIn;
  /** tmpfs accepts O_DIRECT (e88e0d366f9c, v6.6); before, open() says EINVAL. */
  tmpfsDirectIo: boolean;
  /** Asymmetric tag checking can be selected (766121ba5de3, v5.18). */
  mteAsymm: boolean;
}

/** The unmerged proposals (kernel-uaccess.md §1.7), each an option any profile can add. */
export interface ProfileOptions {
  /**
   * `+retriable-uaccess` (Catalin Marinas, 28 Oct 2021, in the seed thread): the retry loops
   * bracket their atomic copy with begin_retriable_uaccess()/end_retriable_uaccess(); the fault
   * handler sets a per-thread flag when a sub-page (tag check) fault hits a uaccess inside the
   * region, and the loop stops instead of faulting in and retrying. The flag is not saved
   * across nested exceptions, so a fault taken by an interrupt inside the region sets it too
   * (Linus Torvalds, 27 Oct 2021: "Think 'perf' and fetching backtraces").
   */
  retriableUaccess: boolean;
  /** `+save-on-entry` (with +retriable-uaccess): the flags are saved and cleared on exception entry, restored on return ("save the uaccess fault state on exception entry, restore it on return"). */
  saveOnEntry: boolean;
  /** `+distinct-errors`: the loops' copies report -EFAULT (retry after fault-in) or -EACCES (sub-page fault: give up), copy_from_user_nofault() style. */
  distinctErrors: boolean;
  /** `+subpage-fault-in`: every fault_in_*() also probes its whole range at granule granularity (v1/v2 of "Avoid live-lock in fault-in+uaccess loops with sub-page faults", Nov/Dec 2021). */
  subpageFaultIn: boolean;
  /** `+safe-writeable-probe`: fault_in_safe_writeable() also probes the first byte with a tag-checked access (Andreas Gruenbacher, the seed email, 29 Oct 2021). */
  safeWriteableProbe: boolean;
  /** `+nofault-unchecked`: no tag checks on user accesses while page faults are disabled (Catalin Marinas, Oct 2021, "quick/backportable fix"). */
  nofaultUnchecked: boolean;
}

export interface KernelProfile {
  /** The full name, base and options: `linux-5.16+retriable-uaccess`. */
  name: string;
  base: BaseProfileName;
  behaviour: Readonly<ProfileBehaviour>;
  options: Readonly<ProfileOptions>;
}

export const BASE_PROFILES = ['linux-5.10.y', 'linux-5.13', 'linux-5.16', 'linux-5.18', 'linux-5.19', 'linux-6.14'] as const;
export type BaseProfileName = (typeof BASE_PROFILES)[number];
export const DEFAULT_PROFILE: BaseProfileName = 'linux-6.14';

export interface BaseProfileDoc {
  /** One line: what this kernel is. */
  summary: string;
  /** The commits whose behaviour it includes, newest first, relative to the previous profile. */
  commits: readonly string[];
}

const V5_13: ProfileBehaviour = {
  fixups: FIXUPS_V5_13,
  copyPageToIterLoop: false,
  faultInBytes: false,
  faultInSafeWriteable: 'none',
  performWrite: 'v5.13',
  iomapDioPartial: false,
  subpageProbe: false,
  searchFaultIn: 'pages-writeable',
  tmpfsDirectIo: false,
  mteAsymm: false,
};

const V5_10_Y: ProfileBehaviour = { ...V5_13, fixups: FIXUPS_V5_10_Y };

const V5_16: ProfileBehaviour = {
  ...V5_13,
  fixups: FIXUPS_V5_14,
  copyPageToIterLoop: true,
  faultInBytes: true,
  faultInSafeWriteable: 'gup',
  performWrite: 'v5.16',
  iomapDioPartial: true,
  searchFaultIn: 'writeable',
};

const V5_18: ProfileBehaviour = { ...V5_16, faultInSafeWriteable: 'fixup-user-fault', performWrite: 'v5.18', mteAsymm: true };
const V5_19: ProfileBehaviour = { ...V5_18, subpageProbe: true, searchFaultIn: 'subpage-writeable' };
const V6_14: ProfileBehaviour = { ...V5_19, performWrite: 'v6.14', tmpfsDirectIo: true };

const BEHAVIOURS: Record<BaseProfileName, ProfileBehaviour> = {
  'linux-5.10.y': V5_10_Y,
  'linux-5.13': V5_13,
  'linux-5.16': V5_16,
  'linux-5.18': V5_18,
  'linux-5.19': V5_19,
  'linux-6.14': V6_14,
};

/** Per profile: what it is and the commits it adds over the one before (README's table). */
export const PROFILE_DOCS: Record<BaseProfileName, BaseProfileDoc> = {
  'linux-5.10.y': {
    summary: "5.10 LTS from 5.10.77 (Debian bullseye, Android's 5.10 kernels): v5.13's loops with 295cf156231c backported",
    commits: ['295cf156231c arm64: Avoid premature usercopy failure (backported in 5.10.77)', 'a48b73eca4ce btrfs: fix potential deadlock in the search ioctl (v5.9)'],
  },
  'linux-5.13': {
    summary: 'v5.13: before 295cf156231c and the fault_in rework; the buffered-write livelock of the discussion',
    commits: ['a48b73eca4ce btrfs: fix potential deadlock in the search ioctl (v5.9; copy_to_user_nofault, fault_in_pages_writeable, retry)'],
  },
  'linux-5.16': {
    summary: 'v5.16: fault_in_* return bytes not faulted in, fault_in_safe_writeable (GUP), IOMAP_DIO_PARTIAL; the 5.16-5.17 short-write regression',
    commits: [
      '295cf156231c arm64: Avoid premature usercopy failure (v5.14)',
      'arm64: Rewrite __arch_clear_user() (v5.14)',
      '08aa64796016 teach copy_page_to_iter() to handle compound pages (v5.14)',
      'generic_perform_write()/iomap_write_actor(): saner logics for short copy (v5.14)',
      'bb523b406c84 gup: Turn fault_in_pages_{readable,writeable} into fault_in_{readable,writeable}',
      'a6294593e8a1 iov_iter: Turn iov_iter_fault_in_readable into fault_in_iov_iter_readable',
      'cdd591fc86e3 iov_iter: Introduce fault_in_iov_iter_writeable (fault_in_safe_writeable via GUP)',
      '55b8fe703bc5 gup: Introduce FOLL_NOFAULT flag; 3337ab08d08b iov_iter: Introduce nofault flag',
      '42c498c18a94, 97308f8b0d86, 4fdccaa0d184 iomap: user copy return value, IOMAP_DIO_PARTIAL, done_before',
      'btrfs: fix deadlock due to page faults during direct IO reads and writes',
    ],
  },
  'linux-5.18': {
    summary: 'v5.18: generic_perform_write fixed; btrfs tree search still livelocks',
    commits: [
      'fe673d3f5bf1 mm: gup: make fault_in_safe_writeable() use fixup_user_fault() (v5.17)',
      '631f871f0717 fs/iomap: Fix buffered write page prefaulting',
      '766121ba5de3 arm64/mte: Add userspace interface for enabling asymmetric mode',
    ],
  },
  'linux-5.19': {
    summary: 'v5.19: probe_subpage_writeable / fault_in_subpage_writeable and the btrfs fix',
    commits: [
      'da32b5817253 mm: Add fault_in_subpage_writeable() to probe at sub-page granularity',
      'f3ba50a7a100 arm64: Add support for user sub-page fault probing',
      '18788e34642e btrfs: Avoid live-lock in search_ioctl() on hardware with sub-page faults',
    ],
  },
  'linux-6.14': {
    summary: 'v6.14 (default): copy first, fault in only after a zero-progress copy',
    commits: [
      'e88e0d366f9c tmpfs: trivial support for direct IO (v6.6)',
      '665575cff098 filemap: move prefaulting out of hot write path',
    ],
  },
};

export const OPTION_NAMES = ['retriable-uaccess', 'save-on-entry', 'distinct-errors', 'subpage-fault-in', 'safe-writeable-probe', 'nofault-unchecked'] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

const OPTION_KEYS: Record<OptionName, keyof ProfileOptions> = {
  'retriable-uaccess': 'retriableUaccess',
  'save-on-entry': 'saveOnEntry',
  'distinct-errors': 'distinctErrors',
  'subpage-fault-in': 'subpageFaultIn',
  'safe-writeable-probe': 'safeWriteableProbe',
  'nofault-unchecked': 'nofaultUnchecked',
};

/** One line per option (README, `granule scenario list`). */
export const OPTION_DOCS: Record<OptionName, string> = {
  'retriable-uaccess': 'per-thread retriable-uaccess flag (begin/end_retriable_uaccess): a sub-page fault inside the region stops the loop; not saved across nested exceptions',
  'save-on-entry': 'with +retriable-uaccess: the flag is saved and cleared on exception entry and restored on return',
  'distinct-errors': 'the loops\' copies return -EFAULT (retry after fault-in) or -EACCES (sub-page fault: give up)',
  'subpage-fault-in': 'every fault_in_*() probes its whole range at 16-byte granularity (v1/v2 of Catalin\'s series)',
  'safe-writeable-probe': 'fault_in_safe_writeable() probes the first byte with a tag-checked access (the seed email)',
  'nofault-unchecked': 'user accesses made with page faults disabled are not tag checked',
};

const NO_OPTIONS: ProfileOptions = {
  retriableUaccess: false,
  saveOnEntry: false,
  distinctErrors: false,
  subpageFaultIn: false,
  safeWriteableProbe: false,
  nofaultUnchecked: false,
};

export class ProfileError extends Error {}

/**
 * Parses `linux-5.16` or `linux-5.16+retriable-uaccess+save-on-entry`: a base profile and any
 * options, each at most once (the name is normalised to the base then the options in the order
 * of OPTION_NAMES).
 */
export function parseProfile(text: string): KernelProfile {
  const [base, ...opts] = text.trim().split('+');
  if (!(BASE_PROFILES as readonly string[]).includes(base)) {
    throw new ProfileError(`unknown kernel profile '${base}' (profiles: ${BASE_PROFILES.join(', ')}; options: ${OPTION_NAMES.map((o) => `+${o}`).join(', ')})`);
  }
  const options: ProfileOptions = { ...NO_OPTIONS };
  for (const o of opts) {
    if (!(OPTION_NAMES as readonly string[]).includes(o)) throw new ProfileError(`unknown kernel profile option '+${o}' (options: ${OPTION_NAMES.map((n) => `+${n}`).join(', ')})`);
    const key = OPTION_KEYS[o as OptionName];
    if (options[key]) throw new ProfileError(`kernel profile option '+${o}' given twice`);
    options[key] = true;
  }
  if (options.saveOnEntry && !options.retriableUaccess) throw new ProfileError("'+save-on-entry' saves the retriable-uaccess flag: it needs '+retriable-uaccess'");
  const name = [base, ...OPTION_NAMES.filter((o) => options[OPTION_KEYS[o]])].join('+');
  return Object.freeze({ name, base: base as BaseProfileName, behaviour: Object.freeze({ ...BEHAVIOURS[base as BaseProfileName] }), options: Object.freeze(options) });
}

export function defaultProfile(): KernelProfile {
  return parseProfile(DEFAULT_PROFILE);
}

/** The behaviour table (README): one row per behaviour, one column per base profile. */
export function behaviourTable(): { rows: { behaviour: string; values: Record<BaseProfileName, string> }[] } {
  const b = (f: (p: ProfileBehaviour) => string): Record<BaseProfileName, string> =>
    Object.fromEntries(BASE_PROFILES.map((n) => [n, f(BEHAVIOURS[n])])) as Record<BaseProfileName, string>;
  return {
    rows: [
      { behaviour: 'uaccess fixup (295cf156231c)', values: b((p) => (p.fixups.oneByteRetry ? 'one-byte retry' : 'bytes not stored')) },
      { behaviour: 'clear_user (v5.14 __arch_clear_user rewrite)', values: b((p) => (p.fixups.exactClearUser ? 'exact count' : 'approximate count')) },
      { behaviour: 'copy_page_to_iter loop (08aa64796016)', values: b((p) => (p.copyPageToIterLoop ? 'yes' : 'no')) },
      { behaviour: 'fault_in_* return', values: b((p) => (p.faultInBytes ? 'bytes not faulted in' : '0/-EFAULT (fault_in_pages_*)')) },
      { behaviour: 'fault_in_safe_writeable', values: b((p) => ({ none: '-', gup: 'GUP (cdd591fc86e3)', 'fixup-user-fault': 'fixup_user_fault (fe673d3f5bf1)' })[p.faultInSafeWriteable]) },
      {
        behaviour: 'generic_perform_write',
        values: b((p) =>
          ({
            'v5.13': 'prefault 0/-EFAULT, single-segment retry',
            'v5.16': 'prefault != 0 -> -EFAULT',
            'v5.18': 'prefault == bytes -> -EFAULT',
            'v6.14': 'copy first (665575cff098)',
          })[p.performWrite],
        ),
      },
      { behaviour: 'direct I/O: nofault GUP + IOMAP_DIO_PARTIAL', values: b((p) => (p.iomapDioPartial ? 'yes' : 'no')) },
      { behaviour: 'probe_subpage_writeable / fault_in_subpage_writeable', values: b((p) => (p.subpageProbe ? 'yes' : 'no')) },
      {
        behaviour: 'btrfs search_ioctl fault-in',
        values: b((p) => ({ 'pages-writeable': 'fault_in_pages_writeable', writeable: 'fault_in_writeable', 'subpage-writeable': 'fault_in_subpage_writeable (18788e34642e)' })[p.searchFaultIn]),
      },
      { behaviour: 'tmpfs O_DIRECT (e88e0d366f9c)', values: b((p) => (p.tmpfsDirectIo ? 'buffered' : 'EINVAL')) },
      { behaviour: 'asymmetric tag checks (766121ba5de3)', values: b((p) => (p.mteAsymm ? 'yes' : 'no')) },
    ],
  };
}

// Open files: the host's stdin/stdout/stderr as fds 0-2, and an in-memory tmpfs for /tmp.

import type { OutputSink } from '../emulator/devices/output.js';

/** A tmpfs file's contents (page-cache pages in Linux; one growable byte array here). */
export class Inode {
  data = new Uint8Array(0);
  size = 0;
  constructor(readonly ino: number) {}

  /** Makes room for `size` bytes (zero-filled growth, as a sparse tmpfs file reads). */
  resize(size: number): void {
    if (size > this.data.length) {
      const grown = new Uint8Array(Math.max(size, this.data.length * 2, 4096));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    } else if (size < this.size) this.data.fill(0, size, this.size);
    this.size = size;
  }
}

export type OpenFile =
  | { kind: 'stdin'; flags: number }
  | { kind: 'stdout' | 'stderr'; flags: number; sink: OutputSink }
  | { kind: 'file'; flags: number; inode: Inode; path: string; pos: number };

export interface FileHost {
  stdout: OutputSink;
  stderr: OutputSink;
  stdin?: (n: number) => Uint8Array;
}

export class Files {
  readonly fds: (OpenFile | undefined)[] = [];
  /** tmpfs: absolute path -> inode. */
  readonly tmpfs = new Map<string, Inode>();
  private nextIno = 2;

  constructor(readonly host: FileHost) {
    this.fds[0] = { kind: 'stdin', flags: 0 };
    this.fds[1] = { kind: 'stdout', flags: 1, sink: host.stdout };
    this.fds[2] = { kind: 'stderr', flags: 1, sink: host.stderr };
  }

  get(fd: number): OpenFile | undefined {
    return fd >= 0 && fd < this.fds.length ? this.fds[fd] : undefined;
  }

  /** The lowest free descriptor (POSIX). */
  install(f: OpenFile): number {
    let fd = 0;
    while (this.fds[fd] !== undefined) fd++;
    this.fds[fd] = f;
    return fd;
  }

  close(fd: number): boolean {
    if (!this.get(fd)) return false;
    this.fds[fd] = undefined;
    return true;
  }

  newInode(): Inode {
    return new Inode(this.nextIno++);
  }
}

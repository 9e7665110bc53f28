// Where a device's output goes: the CLI binds these to stdout/stderr, the API can capture them.

export interface OutputSink {
  write(bytes: Uint8Array): void;
}

/** Collects output in memory (tests and the library API). */
export class BufferSink implements OutputSink {
  private readonly chunks: Uint8Array[] = [];
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
  }
  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

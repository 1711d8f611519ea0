/**
 * DNS over TCP framing (RFC 1035 §4.2.2): every message is preceded by its length in two bytes.
 * Splits a byte stream into messages, whatever the chunking.
 */

/** Prefixes a message with its 2-byte length. */
export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length, 0);
  return Buffer.concat([len, msg]);
}

/** Accumulates stream chunks and yields whole messages (without their length prefix). */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completed. */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      out.push(this.buf.subarray(2, 2 + len));
      this.buf = this.buf.subarray(2 + len);
    }
    return out;
  }
}

/**
 * A small trend chart as a PNG, drawn and encoded in plain TypeScript (node:zlib for deflate; no
 * native modules): one line over the summaries, the latest point in red, gridlines, and the axis
 * maximum in a 3×5 pixel digit font. The title travels with the upload (files.uploadV2).
 */
import { deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

const white: Rgb = [255, 255, 255];
const grid: Rgb = [225, 228, 232];
const axis: Rgb = [120, 124, 130];
const line: Rgb = [29, 100, 200];
const alert: Rgb = [210, 40, 40];

/** 3×5 glyphs, rows top to bottom, 3 bits each (MSB = left). */
const glyphs: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2],
};

class Canvas {
  readonly px: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Uint8Array(width * height * 3).fill(255);
  }

  set(x: number, y: number, c: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 3;
    this.px[i] = c[0];
    this.px[i + 1] = c[1];
    this.px[i + 2] = c[2];
  }

  /** A line `thick` pixels wide (steps of half a pixel along the longer axis). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0)) * 2));
    const r = Math.floor(thick / 2);
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dx = -r; dx <= r; dx++) for (let dy = -r; dy <= r; dy++) this.set(x + dx, y + dy, c);
    }
  }

  dot(x: number, y: number, c: Rgb, radius: number): void {
    for (let dx = -radius; dx <= radius; dx++) for (let dy = -radius; dy <= radius; dy++) if (dx * dx + dy * dy <= radius * radius) this.set(x + dx, y + dy, c);
  }

  /** Digits and '.' at (x, y) top-left, each glyph pixel `scale`×`scale`. */
  text(s: string, x: number, y: number, c: Rgb, scale = 2): void {
    let cx = x;
    for (const ch of s) {
      const g = glyphs[ch];
      if (g) g.forEach((row, gy) => [4, 2, 1].forEach((bit, gx) => {
        if (row & bit) for (let sx = 0; sx < scale; sx++) for (let sy = 0; sy < scale; sy++) this.set(cx + gx * scale + sx, y + gy * scale + sy, c);
      }));
      cx += 4 * scale;
    }
  }
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG chunks use it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function encodePng(c: Canvas): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(c.width, 0);
  ihdr.writeUInt32BE(c.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const raw = Buffer.alloc((c.width * 3 + 1) * c.height);
  for (let y = 0; y < c.height; y++) {
    raw[y * (c.width * 3 + 1)] = 0; // filter: none
    Buffer.from(c.px.buffer, y * c.width * 3, c.width * 3).copy(raw, y * (c.width * 3 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]));
}

function label(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * Draws values (oldest first; null = not measured, skipped) as a line chart PNG.
 * @returns the PNG bytes
 */
export function renderTrendPng(values: (number | null)[], opts: { width?: number; height?: number } = {}): Uint8Array {
  const c = new Canvas(opts.width ?? 640, opts.height ?? 240);
  const left = 56;
  const right = c.width - 16;
  const top = 16;
  const bottom = c.height - 24;
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(1e-9, ...known) * 1.15 || 1;
  for (let i = 0; i <= 4; i++) {
    const y = bottom - ((bottom - top) * i) / 4;
    c.line(left, y, right, y, grid);
  }
  c.line(left, top, left, bottom, axis);
  c.line(left, bottom, right, bottom, axis);
  c.text(label(max), 4, top - 4, axis);
  c.text('0', left - 12, bottom - 8, axis);
  const xOf = (i: number) => (values.length <= 1 ? (left + right) / 2 : left + ((right - left) * i) / (values.length - 1));
  const yOf = (v: number) => bottom - ((bottom - top) * v) / max;
  let prev: { x: number; y: number } | undefined;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return (prev = undefined);
    const p = { x: xOf(i), y: yOf(v) };
    if (prev) c.line(prev.x, prev.y, p.x, p.y, line, 3);
    c.dot(p.x, p.y, i === values.length - 1 ? alert : line, i === values.length - 1 ? 5 : 3);
    prev = p;
  });
  return encodePng(c);
}

import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, renderTrendPng } from '../../src/slack/blocks/health-chart.js';

/** Splits a PNG into chunks, checking each CRC. */
function chunks(png: Uint8Array): { type: string; data: Buffer }[] {
  const b = Buffer.from(png);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: { type: string; data: Buffer }[] = [];
  for (let off = 8; off < b.length; ) {
    const len = b.readUInt32BE(off);
    const type = b.toString('ascii', off + 4, off + 8);
    const data = b.subarray(off + 8, off + 8 + len);
    expect(b.readUInt32BE(off + 8 + len), `CRC of ${type}`).toBe(crc32(b.subarray(off + 4, off + 8 + len)));
    out.push({ type, data });
    off += 12 + len;
  }
  return out;
}

function pixels(png: Uint8Array): { width: number; height: number; at(x: number, y: number): number[] } {
  const cs = chunks(png);
  const ihdr = cs[0]!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(cs.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  expect(raw.length).toBe((width * 3 + 1) * height);
  return { width, height, at: (x, y) => [...raw.subarray(y * (width * 3 + 1) + 1 + x * 3, y * (width * 3 + 1) + 1 + x * 3 + 3)] };
}

describe('renderTrendPng', () => {
  it('is a valid RGB PNG with the latest point in red at the right edge', () => {
    const png = renderTrendPng([1, 2, null, 2, 9], { width: 320, height: 120 });
    const types = chunks(png).map((c) => c.type);
    expect(types[0]).toBe('IHDR');
    expect(types.at(-1)).toBe('IEND');
    const img = pixels(png);
    expect([img.width, img.height]).toEqual([320, 120]);
    // latest point: x = right edge (width - 16), y = bottom - plot * 9 / (9 * 1.15)
    const bottom = 120 - 24;
    const y = Math.round(bottom - ((bottom - 16) * 9) / (9 * 1.15));
    expect(img.at(320 - 16, y)).toEqual([210, 40, 40]);
    expect(img.at(2, 119)).toEqual([255, 255, 255]);
  });

  it('draws an empty chart when nothing was measured', () => {
    const img = pixels(renderTrendPng([null, null]));
    expect([img.width, img.height]).toEqual([640, 240]);
  });

  it('computes the CRC-32 PNG uses', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});

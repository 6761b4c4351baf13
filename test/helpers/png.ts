/** PNG pixels for tests, decoded by fast-png (the decoder jsPDF uses). */
import { decode } from 'fast-png';

/** A decoded picture: its size and RGBA pixels, row-major. */
export interface DecodedPng {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Decodes an 8-bit RGB or RGBA PNG (what resvg writes) to RGBA pixels. */
export function decodePng(png: Uint8Array): DecodedPng {
  const img = decode(png);
  if (img.depth !== 8 || (img.channels !== 3 && img.channels !== 4))
    throw new Error(`unsupported PNG: depth ${img.depth}, ${img.channels} channels`);
  const { width, height } = img;
  const data = img.data as Uint8Array;
  if (img.channels === 4) return { width, height, rgba: data };
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(data.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

/** How many pixels have exactly this colour (`#rrggbb`). */
export function countColor(img: DecodedPng, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const o = p * 4;
    if (img.rgba[o] === r && img.rgba[o + 1] === g && img.rgba[o + 2] === b) n++;
  }
  return n;
}

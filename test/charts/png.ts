/** Reading back what a chart rendered: PNG header, pixels, a digest to compare two renders. */
import { createHash } from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, after checking the 8-byte PNG signature. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG: bad signature');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG: IHDR is not the first chunk');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export function digest(png: Buffer): string {
  return createHash('sha256').update(png).digest('hex');
}

/** Every pixel as RGBA bytes, decoded by drawing the PNG on a canvas. */
export async function pixels(png: Buffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: ctx.getImageData(0, 0, image.width, image.height).data };
}

export async function pixelAt(png: Buffer, x: number, y: number): Promise<number[]> {
  const { width, data } = await pixels(png);
  const i = (y * width + x) * 4;
  return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
}

/** How many pixels satisfy `test(r, g, b)`. */
export async function countPixels(png: Buffer, test: (r: number, g: number, b: number) => boolean): Promise<number> {
  const { data } = await pixels(png);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) if (test(data[i]!, data[i + 1]!, data[i + 2]!)) count++;
  return count;
}

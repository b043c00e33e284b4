/**
 * Images for a .docx export: which of the document's own files its images are (read by the
 * caller from the files store, then handed to the worker), and the size to show each at.
 */
import { fileOwner } from '@tandem/schema';
import type { PMNode } from '../yjsJson.js';

/** The SHA-256 in a stored file path of `documentName` (`/files/<name>/<sha256>`), else undefined. */
export function ownFile(src: unknown, documentName: string): string | undefined {
  if (typeof src !== 'string' || fileOwner(src) !== documentName) return undefined;
  return src.slice(src.lastIndexOf('/') + 1);
}

/** The document's own files its image nodes show, each once. */
export function imageFiles(json: PMNode, documentName: string): string[] {
  const found = new Set<string>();
  const walk = (node: PMNode): void => {
    const sha = node.type === 'image' ? ownFile(node.attrs?.src, documentName) : undefined;
    if (sha) found.add(sha);
    node.content?.forEach(walk);
  };
  walk(json);
  return [...found];
}

/** Width and height in pixels read from a PNG, GIF or JPEG header; undefined when not found. */
export function pixelSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0x89 && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes[0] === 0x47 && bytes.length >= 10) return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length && bytes[at] === 0xff) {
      const marker = bytes[at + 1]!;
      // SOF0–SOF15 hold the frame's size, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      at += 2 + view.getUint16(at + 2);
    }
  }
  return undefined;
}

/** A page's text width at 96 px to the inch (A4 or Letter with 2.5 cm margins): wider images are scaled down to it. */
const PAGE_WIDTH_PX = 600;

/** The size to show an image at: its stored width/height if set, else its own, at most the page's width. */
export function shownSize(attrs: Record<string, unknown> | undefined, bytes: Uint8Array): { width: number; height: number } {
  const own = pixelSize(bytes) ?? { width: 400, height: 300 };
  const setWidth = typeof attrs?.width === 'number' && attrs.width > 0 ? attrs.width : undefined;
  const setHeight = typeof attrs?.height === 'number' && attrs.height > 0 ? attrs.height : undefined;
  let width = setWidth ?? (setHeight && own.height > 0 ? (setHeight * own.width) / own.height : own.width);
  let height = setHeight ?? (own.width > 0 ? (width * own.height) / own.width : own.height);
  if (width > PAGE_WIDTH_PX) {
    height = (height * PAGE_WIDTH_PX) / width;
    width = PAGE_WIDTH_PX;
  }
  return { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
}

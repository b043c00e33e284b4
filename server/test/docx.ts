// Helpers for the .docx tests: images and zip archives made here, byte by byte, so that a test can
// build what no library would write (a lying size, a damaged directory).
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A real PNG of `width` × `height` RGB pixels, of seeded noise (which does not compress: its size is about 3 bytes a pixel). */
export function png(width: number, height: number, seed = 1): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let i = 0; i < raw.length; i += 32) raw.set(createHash('sha256').update(`${seed}:${i}`).digest().subarray(0, Math.min(32, raw.length - i)), i);
  for (let row = 0; row < height; row++) raw[row * (width * 3 + 1)] = 0; // filter byte: none
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A zeroed record of `size` bytes with little-endian fields (offset, width, value). */
function record(size: number, fields: Array<[number, 2 | 4, number]>): Buffer {
  const b = Buffer.alloc(size);
  for (const [at, width, value] of fields) {
    if (width === 2) b.writeUInt16LE(value, at);
    else b.writeUInt32LE(value, at);
  }
  return b;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** The uncompressed size the archive declares (default: the real one). */
  declaredSize?: number;
  /** General purpose flags (bit 0: encrypted). */
  flags?: number;
}

/** A zip archive of deflated entries, written as a zip writer would, except for what an entry overrides. */
export function zip(entries: ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = deflateRawSync(e.data);
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data) >>> 0;
    const flags = e.flags ?? 0;
    const local = record(30, [[0, 4, 0x04034b50], [4, 2, 20], [6, 2, flags], [8, 2, 8], [14, 4, crc], [18, 4, data.length], [22, 4, size >>> 0], [26, 2, name.length]]);
    locals.push(local, name, data);
    const central = record(46, [[0, 4, 0x02014b50], [4, 2, 20], [6, 2, 20], [8, 2, flags], [10, 2, 8], [16, 4, crc], [20, 4, data.length], [24, 4, size >>> 0], [28, 2, name.length], [42, 4, offset]]);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = record(22, [[0, 4, 0x06054b50], [8, 2, entries.length], [10, 2, entries.length], [12, 4, directory.length], [16, 4, offset]]);
  return Buffer.concat([...locals, directory, end]);
}

/** The parts a minimal Word document needs besides its body. */
export const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
export const RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
export const body = (xml: string): string => `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${xml}</w:body></w:document>`;
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

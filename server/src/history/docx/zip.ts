/**
 * Opens a .docx (a zip) ourselves, before any parser sees it, so that what a hostile file can cost
 * is bounded: the central directory's declared sizes are checked first (a zip bomb declares
 * gigabytes, or lies and inflates far past what it declares), and every entry is then inflated
 * with a cap on its actual output. mammoth gets the entries from here (import.ts), never the
 * archive, so its own zip reader never inflates anything.
 */
import { inflateRawSync } from 'node:zlib';
import { ConversionError } from '../conversion.js';

/** An OLE compound file: Word's password-protected (encrypted) .docx, or an old binary .doc. */
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const MAX_END_SEARCH = 22 + 0xffff;
/** A Word document has tens of parts; thousands are an attack on the parser, not a document. */
export const MAX_ZIP_ENTRIES = 5000;

const startsWith = (bytes: Uint8Array, sig: readonly number[]): boolean => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

const notDocx = (why: string) => new ConversionError(`the file is not a .docx: ${why}`, 415);
const unreadable = (why: string) => new ConversionError(`the .docx cannot be read: ${why}`, 422);

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function endOfDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - MAX_END_SEARCH);
  for (let at = view.byteLength - 22; at >= lowest; at--) if (view.getUint32(at, true) === END_OF_DIRECTORY) return at;
  throw unreadable('no zip directory (the file is cut short or damaged)');
}

/** The central directory's entries, their declared sizes within `maxBytes` in all. */
function directory(bytes: Uint8Array, maxBytes: number): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endOfDirectory(view);
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const offset = view.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) throw unreadable('ZIP64 archives are not Word documents');
  if (count > MAX_ZIP_ENTRIES) throw new ConversionError(`the .docx has ${count} parts; at most ${MAX_ZIP_ENTRIES} can be imported`, 413);
  if (offset + size > end) throw unreadable('the zip directory points outside the file');
  const entries: Entry[] = [];
  const names = new Set<string>();
  let declared = 0;
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || view.getUint32(at, true) !== CENTRAL_HEADER) throw unreadable('a damaged zip directory');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const nameLength = view.getUint16(at + 28, true);
    const entry: Entry = {
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method,
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    if (flags & 1) throw new ConversionError('the .docx is encrypted (password-protected): save it without a password and import it again', 415);
    if (method !== 0 && method !== 8) throw unreadable(`a part is compressed with method ${method} (only stored and deflated parts are read)`);
    if (names.has(entry.name)) throw unreadable(`the part ${JSON.stringify(entry.name)} appears twice`);
    names.add(entry.name);
    declared += entry.size;
    if (declared > maxBytes) throw new ConversionError(`the .docx unpacks to more than ${maxBytes} bytes (MAX_DOCUMENT_BYTES)`, 413);
    entries.push(entry);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

/**
 * The parts of a .docx by name, inflated. Throws a ConversionError with the status to answer:
 * 415 for what is no .docx (not a zip, encrypted), 413 past `maxBytes` declared or inflated, 422
 * for a damaged archive.
 */
export function readZip(bytes: Uint8Array, maxBytes: number): Map<string, Uint8Array> {
  if (startsWith(bytes, OLE)) {
    throw new ConversionError('the file is encrypted (a password-protected .docx) or an old binary .doc: save it as a .docx without a password and import it again', 415);
  }
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) throw notDocx('it is not a zip archive');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts = new Map<string, Uint8Array>();
  let inflated = 0;
  for (const entry of directory(bytes, maxBytes)) {
    const at = entry.localOffset;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER) throw unreadable(`the part ${JSON.stringify(entry.name)} is missing`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    if (start + entry.compressedSize > bytes.length) throw unreadable(`the part ${JSON.stringify(entry.name)} is cut short`);
    const raw = bytes.subarray(start, start + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === 0) data = raw;
    else {
      try {
        // The cap is what is left of the budget: a part that lies about its size stops there.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes - inflated) });
      } catch (err) {
        if (err instanceof RangeError) throw new ConversionError(`the .docx inflates to more than ${maxBytes} bytes (MAX_DOCUMENT_BYTES)`, 413);
        throw unreadable(`the part ${JSON.stringify(entry.name)} does not inflate`);
      }
    }
    if (data.length !== entry.size) throw unreadable(`the part ${JSON.stringify(entry.name)} is not the size its directory says`);
    inflated += data.length;
    parts.set(entry.name, data);
  }
  if (!parts.has('[Content_Types].xml')) throw notDocx('it is a zip archive without the parts of a Word document');
  return parts;
}

/**
 * A .docx into the document's blocks, through mammoth (Word → HTML) and then the same HTML
 * parser as an HTML import, with the schema's own rules. Runs in the conversion worker.
 *
 * - The archive is opened by zip.ts (sizes checked, inflation capped) and handed to mammoth as
 *   its parts, so mammoth's own zip reader never runs on the upload.
 * - Styles this server writes on export (export.ts) come back as what they were: task items,
 *   code blocks, inline code, quotes, horizontal rules; text colours through colors.ts.
 * - Images become the document's own files (`/files/<name>/<sha256>`): returned here, stored by
 *   the caller before the change is applied; one that is not PNG/JPEG/GIF/WebP or is over
 *   MAX_FILE_BYTES is left out, and the notes say so.
 * - Word comments are left out; tracked changes come in accepted (mammoth reads a document as
 *   if every revision were accepted). The notes say both.
 */
import { createHash } from 'node:crypto';
import mammoth from 'mammoth';
import { detectImageType } from '../../files/imageType.js';
import { checkImportLimits } from '../importLimits.js';
import { ConversionError } from '../conversion.js';
import { parseImport } from '../formats.js';
import type { PMNode } from '../yjsJson.js';
import { colorRuns, colorSpans } from './colors.js';
import { STYLE } from './styles.js';
import { readZip } from './zip.js';

export interface DocxImportLimits {
  /** MAX_DOCUMENT_BYTES: what the archive may unpack to. */
  maxBytes: number;
  /** MAX_FILE_BYTES: each image. */
  maxFileBytes: number;
}

export interface DocxImport {
  nodes: PMNode[];
  /** Images to store under the document before its change is applied. */
  files: Array<{ sha256: string; bytes: Uint8Array }>;
  /** What did not come in as it was (sentences for the person importing). */
  notes: string[];
}

/** Word styles export.ts writes, mapped back (mammoth's style map syntax). */
const STYLE_MAP = [
  `p[style-name='${STYLE.taskItem.name}'] => ul[data-type='taskList'] > li[data-type='taskItem']:fresh`,
  `p[style-name='${STYLE.codeBlock.name}'] => pre:separator('\\n')`,
  `p[style-name='${STYLE.quote.name}'] => blockquote > p:fresh`,
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  `p[style-name='${STYLE.rule.name}'] => hr`,
  `r[style-name='${STYLE.inlineCode.name}'] => code`,
  'highlight => mark',
  'strike => s',
];

/** An image left out: its `<img>` is removed from mammoth's HTML. */
const DROPPED = 'tandem:dropped';

/** mammoth's zip interface, over parts zip.ts has already inflated. */
function partsFile(parts: Map<string, Uint8Array>) {
  return {
    exists: (name: string) => parts.has(name),
    read: async (name: string, encoding?: string) => {
      const bytes = parts.get(name);
      if (!bytes) throw new Error(`missing part ${name}`);
      if (encoding === 'base64') return Buffer.from(bytes).toString('base64');
      return encoding ? new TextDecoder(encoding).decode(bytes) : Buffer.from(bytes);
    },
    write: () => undefined,
    toArrayBuffer: () => Promise.reject(new Error('read only')),
  };
}

/** Task items as export.ts writes them: the `Task Item` style, the text after a ☐ or ☒. */
function taskItems(html: string): string {
  return html.replace(/<li data-type="taskItem">(\s*<p>)?\s*([☐☒])\s?/g, (_, p: string | undefined, box: string) => `<li data-type="taskItem" data-checked="${box === '☒'}">${p ?? ''}`);
}

const decoder = new TextDecoder();
const has = (parts: Map<string, Uint8Array>, name: string, re: RegExp): boolean => {
  const part = parts.get(name);
  return part !== undefined && re.test(decoder.decode(part));
};

/** The .docx `bytes` as blocks, with the images to store and the notes to show. */
export async function docxToBlocks(bytes: Uint8Array, documentName: string, limits: DocxImportLimits): Promise<DocxImport> {
  const parts = readZip(bytes, limits.maxBytes);
  const body = parts.get('word/document.xml');
  const colored = body ? colorRuns(decoder.decode(body)) : { xml: '', styleMap: [] };
  const read = new Map(parts);
  if (body) read.set('word/document.xml', new TextEncoder().encode(colored.xml));
  const files = new Map<string, Uint8Array>();
  const notes: string[] = [];
  let dropped = 0;
  const convertImage = mammoth.images.imgElement(async (image) => {
    const data = new Uint8Array(await image.read());
    if (data.length > limits.maxFileBytes || !detectImageType(data)) {
      dropped++;
      return { src: DROPPED };
    }
    const sha256 = createHash('sha256').update(data).digest('hex');
    files.set(sha256, data);
    return { src: `/files/${encodeURIComponent(documentName)}/${sha256}` };
  });
  let html: string;
  try {
    // `file` is mammoth's own (untyped) input for an opened archive (lib/unzip.js).
    const input = { file: partsFile(read) } as unknown as Parameters<typeof mammoth.convertToHtml>[0];
    html = (await mammoth.convertToHtml(input, { styleMap: [...STYLE_MAP, ...colored.styleMap], convertImage, ignoreEmptyParagraphs: false, externalFileAccess: false })).value;
  } catch (err) {
    throw new ConversionError(`the .docx cannot be read: ${(err as Error).message}`, 422);
  }
  html = colorSpans(taskItems(html)).replace(new RegExp(`<img[^>]*src="${DROPPED}"[^>]*>`, 'g'), '');
  checkImportLimits('html', html, (reason) => new ConversionError(reason.replace('the HTML', 'the .docx'), 413));
  if (dropped > 0) notes.push(`${dropped} image${dropped === 1 ? ' was' : 's were'} left out: only PNG, JPEG, GIF and WebP images up to ${limits.maxFileBytes} bytes (MAX_FILE_BYTES) are imported.`);
  if (has(parts, 'word/comments.xml', /<w:comment\b/)) notes.push('Word comments were not imported.');
  if (has(parts, 'word/document.xml', /<w:(ins|del)\b/)) notes.push('Tracked changes were accepted: the document comes in as if every change in it were accepted.');
  return { nodes: parseImport('html', html), files: [...files].map(([sha256, data]) => ({ sha256, bytes: data })), notes };
}

/**
 * A document state as a .docx, with the `docx` package: the body block by block (runs.ts for
 * what is inside a block), images embedded from the bytes the caller read from the document's
 * files, comment threads as Word comments (a reply as a reply), and pending suggestions as
 * tracked changes. Runs in the conversion worker.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ICommentOptions,
  type ILevelsOptions,
  type ParagraphChild,
} from 'docx';
import { FRAGMENT, readBlockSuggestion } from '@tandem/schema';
import * as Y from 'yjs';
import { detectImageType } from '../../files/imageType.js';
import { readThreads, type ThreadView } from '../../review/threads.js';
import { ConversionError } from '../conversion.js';
import { fragmentToJSON, type PMNode } from '../yjsJson.js';
import { ownFile, shownSize } from './images.js';
import { commentAnchors, inlineRuns, type Change, type RunContext } from './runs.js';
import { CHECKED, MONOSPACE, STYLE, UNCHECKED } from './styles.js';

type Block = Paragraph | Table;

interface BlockContext {
  list?: { reference: 'bullets' | 'numbers'; level: number; instance: number } | undefined;
  /** Nesting of task lists (Word has none: an indent). */
  taskLevel: number;
  quote: boolean;
  change: Change | undefined;
}

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];
const ALIGN = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT, justify: AlignmentType.JUSTIFIED } as const;
/** Twips (1/1440 inch) per nesting level. */
const INDENT = 360;

class Writer {
  private instance = 0;
  readonly runs: RunContext;

  constructor(
    private readonly images: ReadonlyMap<string, Uint8Array>,
    private readonly documentName: string,
    anchors: RunContext['anchors'],
  ) {
    this.runs = { anchors, textIndex: 0, revision: 1 };
  }

  blocks(nodes: readonly PMNode[] | undefined, ctx: BlockContext): Block[] {
    return (nodes ?? []).flatMap((node) => this.block(node, { ...ctx, change: changeOfBlock(node) ?? ctx.change }));
  }

  private paragraph(node: PMNode, ctx: BlockContext, extra: { children?: ParagraphChild[]; heading?: (typeof HEADINGS)[number]; style?: string } = {}): Paragraph {
    const align = ALIGN[node.attrs?.textAlign as keyof typeof ALIGN];
    const { list } = ctx;
    return new Paragraph({
      children: extra.children ?? inlineRuns(node.content ?? [], this.runs, ctx.change),
      ...(extra.heading ? { heading: extra.heading } : {}),
      ...(extra.style ? { style: extra.style } : ctx.quote ? { style: STYLE.quote.id } : {}),
      ...(align ? { alignment: align } : {}),
      ...(list ? { numbering: list } : {}),
    });
  }

  private block(node: PMNode, ctx: BlockContext): Block[] {
    switch (node.type) {
      case 'paragraph':
        return [this.paragraph(node, ctx)];
      case 'heading': {
        const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
        return [this.paragraph(node, ctx, { heading: HEADINGS[level - 1]! })];
      }
      case 'blockquote':
        return this.blocks(node.content, { ...ctx, quote: true });
      case 'codeBlock':
        return [this.paragraph(node, ctx, { style: STYLE.codeBlock.id })];
      case 'horizontalRule':
        return [new Paragraph({ style: STYLE.rule.id, children: [] })];
      case 'bulletList':
      case 'orderedList':
        return this.list(node, ctx, node.type === 'bulletList' ? 'bullets' : 'numbers');
      case 'taskList':
        return (node.content ?? []).flatMap((item) => this.taskItem(item, ctx));
      case 'table':
        return [this.table(node, ctx)];
      case 'image':
        return [this.image(node)];
      default: {
        // A node this schema does not know (a host's own): its blocks if it has any, else its text.
        const inner = node.content ?? [];
        if (inner.some((n) => n.type === 'text')) return [this.paragraph(node, ctx)];
        return this.blocks(inner, ctx);
      }
    }
  }

  /** List items: the first paragraph numbered, the rest indented under it, nested lists a level down. */
  private list(node: PMNode, ctx: BlockContext, reference: 'bullets' | 'numbers'): Block[] {
    const level = ctx.list ? Math.min(8, ctx.list.level + 1) : 0;
    const list = { reference, level, instance: this.instance++ };
    return (node.content ?? []).flatMap((item) => {
      const change = changeOfBlock(item) ?? ctx.change;
      return (item.content ?? []).flatMap((child, i) => (i === 0 && child.type === 'paragraph' ? [this.paragraph(child, { ...ctx, change, list })] : this.blocks([child], { ...ctx, change, list: { ...list, level: Math.min(8, level) } })));
    });
  }

  private taskItem(item: PMNode, ctx: BlockContext): Block[] {
    const change = changeOfBlock(item) ?? ctx.change;
    const box = new TextRun(`${item.attrs?.checked === true ? CHECKED : UNCHECKED} `);
    return (item.content ?? []).flatMap((child, i) => {
      if (i === 0 && child.type === 'paragraph') {
        const children = [box, ...inlineRuns(child.content ?? [], this.runs, changeOfBlock(child) ?? change)];
        return [new Paragraph({ style: STYLE.taskItem.id, children, indent: { left: INDENT * (ctx.taskLevel + 1) } })];
      }
      if (child.type === 'taskList') return (child.content ?? []).flatMap((sub) => this.taskItem(sub, { ...ctx, change, taskLevel: ctx.taskLevel + 1 }));
      return this.blocks([child], { ...ctx, change });
    });
  }

  private table(node: PMNode, ctx: BlockContext): Table {
    const rows = (node.content ?? []).map((row) => {
      const cells = row.content ?? [];
      // Left out rather than false: mammoth takes any w:tblHeader, even "off", as a header row.
      const header = cells.length > 0 && cells.every((c) => c.type === 'tableHeader');
      return new TableRow({
        ...(header ? { tableHeader: true } : {}),
        children: cells.map((cell) => {
          const children = this.blocks(cell.content, { ...ctx, list: undefined });
          const span = (n: unknown) => (typeof n === 'number' && n > 1 ? n : undefined);
          return new TableCell({
            children: children.length > 0 ? children : [new Paragraph({})],
            ...(span(cell.attrs?.colspan) ? { columnSpan: span(cell.attrs?.colspan)! } : {}),
            ...(span(cell.attrs?.rowspan) ? { rowSpan: span(cell.attrs?.rowspan)! } : {}),
          });
        }),
      });
    });
    return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
  }

  /** The document's own image embedded; another address as a link; what cannot be shown as its alt text. */
  private image(node: PMNode): Paragraph {
    const alt = typeof node.attrs?.alt === 'string' ? node.attrs.alt : '';
    const sha = ownFile(node.attrs?.src, this.documentName);
    const bytes = sha ? this.images.get(sha) : undefined;
    const type = bytes ? detectImageTypeName(bytes) : undefined;
    if (bytes && type) {
      return new Paragraph({ children: [new ImageRun({ type, data: bytes, transformation: shownSize(node.attrs, bytes), altText: { name: alt || 'image', description: alt, title: alt } })] });
    }
    return new Paragraph({ children: [new TextRun(alt ? `[image: ${alt}]` : '[image]')] });
  }
}

/** The types `docx` embeds (WebP it does not: such an image is written as its alt text). */
const EMBEDDED = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' } as const;
function detectImageTypeName(bytes: Uint8Array): 'png' | 'jpg' | 'gif' | undefined {
  const type = detectImageType(bytes);
  return type && type in EMBEDDED ? EMBEDDED[type as keyof typeof EMBEDDED] : undefined;
}

/** A block suggested for insertion or deletion; a proposed format change is written as the block is now (Word's tracked formatting is not written). */
function changeOfBlock(node: PMNode): Change | undefined {
  const s = readBlockSuggestion(node.attrs?.suggestion);
  return s && s.kind !== 'format' ? { kind: s.kind, id: s.id, author: s.author, authorId: s.authorId, createdAt: s.createdAt } : undefined;
}

function levels(format: (typeof LevelFormat)[keyof typeof LevelFormat], text: (level: number) => string): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    format,
    text: text(level),
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: INDENT * 2 * (level + 1), hanging: INDENT } } },
  }));
}

/** Each comment of each anchored thread as a Word comment, replies pointing at the thread's first. */
function wordComments(threads: readonly ThreadView[]): { ids: Map<string, number[]>; comments: ICommentOptions[] } {
  const ids = new Map<string, number[]>();
  const comments: ICommentOptions[] = [];
  let next = 0;
  for (const thread of threads) {
    if (thread.detached || thread.comments.length === 0) continue;
    const first = next;
    ids.set(thread.id, thread.comments.map(() => next++));
    thread.comments.forEach((c, i) => {
      const date = new Date(c.createdAt);
      comments.push({
        id: first + i,
        author: c.author.name || 'Unknown',
        initials: (c.author.name || '?').slice(0, 2),
        ...(Number.isNaN(date.getTime()) ? {} : { date }),
        children: c.body.split('\n').map((line) => new Paragraph({ children: [new TextRun(line)] })),
        ...(i > 0 ? { parentId: first } : {}),
        ...(thread.resolved ? { resolved: true } : {}),
      });
    });
  }
  return { ids, comments };
}

/** The state as .docx bytes; `images` holds the bytes of the document's files its images show (images.ts). */
export async function stateToDocx(state: Uint8Array, title: string, documentName: string, images: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const ydoc = new Y.Doc({ gc: true });
  let json: PMNode;
  let threads: ThreadView[];
  try {
    Y.applyUpdate(ydoc, state);
    json = fragmentToJSON(ydoc.getXmlFragment(FRAGMENT));
    threads = readThreads(ydoc);
  } catch (err) {
    throw new ConversionError(`not a Yjs update: ${(err as Error).message}`);
  } finally {
    ydoc.destroy();
  }
  const { ids, comments } = wordComments(threads);
  const writer = new Writer(images, documentName, commentAnchors(json, ids));
  const body = writer.blocks(json.content, { taskLevel: 0, quote: false, change: undefined });
  const document = new Document({
    title,
    creator: 'Tandem',
    styles: {
      paragraphStyles: [
        { id: STYLE.taskItem.id, name: STYLE.taskItem.name, basedOn: 'Normal', quickFormat: true },
        { id: STYLE.codeBlock.id, name: STYLE.codeBlock.name, basedOn: 'Normal', quickFormat: true, run: { font: MONOSPACE, size: 20 }, paragraph: { spacing: { before: 0, after: 0 }, shading: { type: 'clear', fill: 'F3F3F3', color: 'auto' } } },
        { id: STYLE.quote.id, name: STYLE.quote.name, basedOn: 'Normal', quickFormat: true, run: { italics: true, color: '555555' }, paragraph: { indent: { left: INDENT * 2 } } },
        { id: STYLE.rule.id, name: STYLE.rule.name, basedOn: 'Normal', paragraph: { border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: 'AAAAAA', space: 1 } } } },
      ],
      characterStyles: [{ id: STYLE.inlineCode.id, name: STYLE.inlineCode.name, basedOn: 'DefaultParagraphFont', run: { font: MONOSPACE } }],
    },
    numbering: {
      config: [
        { reference: 'bullets', levels: levels(LevelFormat.BULLET, (l) => ['•', '◦', '▪'][l % 3]!) },
        { reference: 'numbers', levels: levels(LevelFormat.DECIMAL, (l) => `%${l + 1}.`) },
      ],
    },
    comments: { children: comments },
    sections: [{ children: body.length > 0 ? body : [new Paragraph({})] }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

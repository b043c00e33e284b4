/**
 * Inline content of a .docx export: text with its marks as Word runs, links as hyperlinks, the
 * anchors of comment threads as comment ranges, and pending suggestions as tracked changes
 * (`insertion` → `w:ins`, `deletion` → `w:del`, with their author and time).
 */
import { CommentRangeEnd, CommentRangeStart, CommentReference, DeletedTextRun, ExternalHyperlink, InsertedTextRun, TextRun, type IRunOptions, type ParagraphChild } from 'docx';
import { DELETION, INSERTION, isCommentAttribute, safeColor, type SuggestionAttrs } from '@tandem/schema';
import type { PMMark, PMNode } from '../yjsJson.js';
import { MONOSPACE, STYLE } from './styles.js';

/** A pending change that covers a run: a mark on it, or the block suggestion of its block. */
export interface Change extends SuggestionAttrs {
  kind: 'insert' | 'delete';
}

/** Where each thread's Word comments start and end, by the index of a text node in document order. */
export interface CommentAnchors {
  /** Thread id → the Word comment ids of its comments. */
  ids: Map<string, number[]>;
  first: Map<number, string[]>;
  last: Map<number, string[]>;
}

/** Counters shared by the whole export: Word wants revision ids unique in the document. */
export interface RunContext {
  anchors: CommentAnchors;
  textIndex: number;
  revision: number;
}

/** CSS named colours Word has no name for, as hex (the common ones; others are left out). */
const NAMED: Record<string, string> = {
  black: '000000', white: 'FFFFFF', red: 'FF0000', green: '008000', blue: '0000FF', yellow: 'FFFF00', orange: 'FFA500', purple: '800080',
  gray: '808080', grey: '808080', silver: 'C0C0C0', maroon: '800000', olive: '808000', lime: '00FF00', aqua: '00FFFF', teal: '008080',
  navy: '000080', fuchsia: 'FF00FF', pink: 'FFC0CB', brown: 'A52A2A', magenta: 'FF00FF', cyan: '00FFFF', gold: 'FFD700', indigo: '4B0082',
};

/** A colour as Word's hex, only through the schema's safeColor (the same rule as every conversion). */
export function wordColor(value: unknown): string | undefined {
  const color = safeColor(value)?.toLowerCase();
  if (!color) return undefined;
  if (color.startsWith('#')) {
    const hex = color.slice(1);
    return (hex.length <= 4 ? [...hex.slice(0, 3)].map((c) => c + c).join('') : hex.slice(0, 6)).toUpperCase();
  }
  const rgb = /^rgba?\(([^)]*)\)$/.exec(color);
  if (rgb) {
    const channels = rgb[1]!.split(',').slice(0, 3).map((c) => (c.trim().endsWith('%') ? (parseFloat(c) * 255) / 100 : parseFloat(c)));
    return channels.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, '0')).join('').toUpperCase();
  }
  return NAMED[color];
}

const has = (marks: PMMark[], type: string): PMMark | undefined => marks.find((m) => m.type === type);

function changeOf(marks: PMMark[], block: Change | undefined): Change | undefined {
  for (const [type, kind] of [[INSERTION, 'insert'], [DELETION, 'delete']] as const) {
    const a = has(marks, type)?.attrs;
    if (a) return { kind, id: String(a.id ?? ''), author: typeof a.author === 'string' ? a.author : '', authorId: '', createdAt: typeof a.createdAt === 'number' ? a.createdAt : 0 };
  }
  return block;
}

function runOptions(text: string, marks: PMMark[], link: boolean): IRunOptions {
  const code = has(marks, 'code') !== undefined;
  const color = wordColor(has(marks, 'textStyle')?.attrs?.color);
  return {
    text,
    ...(has(marks, 'bold') ? { bold: true } : {}),
    ...(has(marks, 'italic') ? { italics: true } : {}),
    ...(has(marks, 'strike') ? { strike: true } : {}),
    ...(has(marks, 'underline') ? { underline: {} } : {}),
    ...(has(marks, 'highlight') ? { highlight: 'yellow' as const } : {}),
    ...(color ? { color } : {}),
    ...(code ? { style: STYLE.inlineCode.id, font: MONOSPACE } : link ? { style: 'Hyperlink' } : {}),
  };
}

/** One text node's runs: a line break (a code block's) starts a run with a Word break before it. */
function runs(text: string, marks: PMMark[], change: Change | undefined, ctx: RunContext, link: boolean): ParagraphChild[] {
  return text.split('\n').map((line, i) => {
    const options = { ...runOptions(line, marks, link), ...(i > 0 ? { break: 1 } : {}) };
    if (!change) return new TextRun(options);
    const revision = { id: ctx.revision++, author: change.author || 'Unknown', date: new Date(change.createdAt || Date.now()).toISOString() };
    return change.kind === 'insert' ? new InsertedTextRun({ ...options, ...revision }) : new DeletedTextRun({ ...options, ...revision });
  });
}

function textOf(node: PMNode): string {
  return node.type === 'text' ? (node.text ?? '') : (node.content ?? []).map(textOf).join('');
}

/** The Word runs of a block's inline content. */
export function inlineRuns(nodes: readonly PMNode[], ctx: RunContext, block?: Change): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const node of nodes) {
    if (node.type === 'hardBreak') {
      out.push(new TextRun({ text: '', break: 1 }));
      continue;
    }
    if (node.type !== 'text') {
      const text = textOf(node);
      if (text) out.push(new TextRun(text));
      continue;
    }
    const index = ctx.textIndex++;
    for (const thread of ctx.anchors.first.get(index) ?? []) for (const id of ctx.anchors.ids.get(thread) ?? []) out.push(new CommentRangeStart(id));
    const marks = node.marks ?? [];
    const href = has(marks, 'link')?.attrs?.href;
    const linked = typeof href === 'string' && /^(https?:|mailto:)/i.test(href);
    const r = runs(node.text ?? '', marks, changeOf(marks, block), ctx, linked);
    out.push(...(linked ? [new ExternalHyperlink({ link: href, children: r })] : r));
    for (const thread of ctx.anchors.last.get(index) ?? []) {
      for (const id of ctx.anchors.ids.get(thread) ?? []) out.push(new CommentRangeEnd(id), new TextRun({ children: [new CommentReference(id)] }));
    }
  }
  return out;
}

/** The first and last text node (in the order inlineRuns meets them) of each thread's anchor. */
export function commentAnchors(json: PMNode, threadIds: ReadonlyMap<string, number[]>): CommentAnchors {
  const first = new Map<number, string[]>();
  const last = new Map<number, string[]>();
  const seen = new Map<string, { first: number; last: number }>();
  let index = 0;
  const walk = (node: PMNode): void => {
    if (node.type === 'text') {
      for (const mark of node.marks ?? []) {
        const thread = isCommentAttribute(mark.type) || mark.type === 'comment' ? mark.attrs?.thread : undefined;
        if (typeof thread !== 'string' || !threadIds.has(thread)) continue;
        const at = seen.get(thread);
        if (at) at.last = index;
        else seen.set(thread, { first: index, last: index });
      }
      index++;
    }
    node.content?.forEach(walk);
  };
  walk(json);
  for (const [thread, at] of seen) {
    first.set(at.first, [...(first.get(at.first) ?? []), thread]);
    last.set(at.last, [...(last.get(at.last) ?? []), thread]);
  }
  return { ids: new Map([...threadIds].filter(([t]) => seen.has(t))), first, last };
}

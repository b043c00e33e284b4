/**
 * Pending suggestions in exports (DESIGN.md, "Contract — review: suggestions"): a document's
 * ProseMirror JSON as its accepted text, or with its suggestions as plain text. Used by the
 * export conversions (history/formats.ts) and by any other writer of the document's content
 * (a `docx` export writes tracked changes from the JSON as it is, and the accepted text from
 * `acceptedJSON`).
 *
 * The accepted text is the document as if every pending suggestion were rejected: suggested
 * insertions (text under an `insertion` mark, blocks whose `suggestion` is of kind insert) are
 * left out, suggested deletions are kept as ordinary text and blocks, text under a
 * `modification` gets back the marks it had before (`previous`), and a block whose format a
 * writer proposed to change (kind format) its type and attributes before.
 */
import { BLOCK_SUGGESTION, DELETION, INSERTION, MODIFICATION, SUGGESTION_MARKS, readBlockSuggestion } from '@tandem/schema';

/** ProseMirror JSON (history/yjsJson.ts's PMNode has this shape). */
export interface JSONNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: JSONNode[];
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  text?: string;
}

type JSONMark = NonNullable<JSONNode['marks']>[number];

const SUGGESTION = new Set<string>(SUGGESTION_MARKS);
/** Blocks whose text may be emptied and which stay (an empty paragraph is a paragraph). */
const TEXT_BLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);

/** Whether the document holds any suggestion (the exports skip the rewrite when not). */
export function hasSuggestions(json: JSONNode): boolean {
  if (json.marks?.some((m) => SUGGESTION.has(m.type))) return true;
  if (json.attrs && readBlockSuggestion(json.attrs[BLOCK_SUGGESTION])) return true;
  return json.content?.some(hasSuggestions) ?? false;
}

/** The document as if every pending suggestion were rejected (see the module comment). */
export function acceptedJSON(doc: JSONNode): JSONNode {
  return rewrite(doc, 'accepted') ?? { type: 'doc' };
}

/** Every suggestion's text kept as ordinary text: marks and block suggestions dropped (md, txt). */
export function plainSuggestionsJSON(doc: JSONNode): JSONNode {
  return rewrite(doc, 'plain') ?? { type: 'doc' };
}

/** The node rewritten, or undefined when it goes. */
function rewrite(node: JSONNode, view: 'accepted' | 'plain'): JSONNode | undefined {
  const suggestion = node.attrs ? readBlockSuggestion(node.attrs[BLOCK_SUGGESTION]) : undefined;
  if (view === 'accepted' && suggestion?.kind === 'insert') return undefined;
  const out: JSONNode = { ...node };
  if (view === 'accepted' && suggestion?.kind === 'format' && suggestion.previous) {
    // A block's type or attributes a writer proposed to change: as it was before.
    out.type = suggestion.previous.type;
    out.attrs = { ...suggestion.previous.attrs };
  } else if (node.attrs && BLOCK_SUGGESTION in node.attrs) {
    const { [BLOCK_SUGGESTION]: _dropped, ...attrs } = node.attrs;
    if (Object.keys(attrs).length > 0) out.attrs = attrs;
    else delete out.attrs;
  }
  if (node.type === 'text') return text(out, view);
  if (node.content) {
    const content = node.content.flatMap((child) => rewrite(child, view) ?? []);
    // A container whose every child was a suggested insertion goes with them (a list of none is no list).
    if (content.length === 0 && node.content.length > 0 && !TEXT_BLOCKS.has(node.type)) {
      return node.type === 'doc' ? { ...out, content: [{ type: 'paragraph' }] } : undefined;
    }
    if (content.length > 0) out.content = content;
    else delete out.content;
  }
  return out;
}

function text(node: JSONNode, view: 'accepted' | 'plain'): JSONNode | undefined {
  const marks = node.marks ?? [];
  if (!marks.some((m) => SUGGESTION.has(m.type))) return node;
  if (view === 'accepted' && marks.some((m) => m.type === INSERTION)) return undefined;
  const modification = marks.find((m) => m.type === MODIFICATION);
  let kept = marks.filter((m) => m.type !== INSERTION && m.type !== DELETION && m.type !== MODIFICATION);
  if (view === 'accepted' && modification) kept = previousMarks(modification, kept);
  const out = { ...node };
  if (kept.length > 0) out.marks = kept;
  else delete out.marks;
  return out;
}

/**
 * The marks a formatting suggestion replaced (its `previous`, JSON of ProseMirror marks), with
 * the comment marks the text has now (anchors are not formatting).
 */
function previousMarks(modification: JSONMark, now: JSONMark[]): JSONMark[] {
  let previous: unknown;
  try {
    previous = JSON.parse(typeof modification.attrs?.previous === 'string' ? modification.attrs.previous : '[]');
  } catch {
    return now; // unreadable: the text keeps the marks it has
  }
  if (!Array.isArray(previous)) return now;
  const marks: JSONMark[] = previous.filter(
    (m): m is JSONMark => m !== null && typeof m === 'object' && typeof (m as JSONMark).type === 'string' && !SUGGESTION.has((m as JSONMark).type) && (m as JSONMark).type !== 'comment',
  );
  return [...marks, ...now.filter((m) => m.type === 'comment')];
}

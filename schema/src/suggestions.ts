/**
 * Suggestions (DESIGN.md, "Contract — review: suggestions"): a change proposed in Suggesting mode
 * stays in the document as a mark on its text until a writer accepts or rejects it.
 *
 * - `insertion`: text proposed for insertion (`<ins data-suggestion data-author>`). Accepting
 *   removes the mark; rejecting deletes the text.
 * - `deletion`: text proposed for deletion (`<del data-suggestion data-author>`). Accepting deletes
 *   the text; rejecting removes the mark.
 * - `modification`: a formatting change (writers only), holding the marks the text had before it
 *   (`previous`, JSON of ProseMirror marks) so that rejecting puts them back; accepting removes it.
 *
 * The three exclude each other and themselves, so y-tiptap stores each under its plain name as a
 * formatting attribute of the `Y.XmlText` (`insertion`, `deletion`, `modification`), which is what
 * the server's rules read. y-tiptap keeps marks only on text: a block proposed for insertion or
 * deletion by a writer (a new paragraph, a removed list item), or whose type or attributes a
 * writer proposes to change (a paragraph made a heading, a new alignment: kind `format`, with the
 * block's type and attributes before it in `previous`), carries the node attribute `suggestion`
 * instead, a JSON string of `BlockSuggestion`.
 */
import { Extension, Mark, mergeAttributes } from '@tiptap/core';

/** The mark names, which are also the Y.XmlText attribute keys. */
export const INSERTION = 'insertion';
export const DELETION = 'deletion';
export const MODIFICATION = 'modification';
export const SUGGESTION_MARKS = [INSERTION, DELETION, MODIFICATION] as const;
export type SuggestionKind = (typeof SUGGESTION_MARKS)[number];

/** The attribute that marks a suggestion on the page and in HTML exports, and its author's name. */
export const SUGGESTION_ATTRIBUTE = 'data-suggestion';
export const AUTHOR_ATTRIBUTE = 'data-author';
/** The node attribute of a block proposed for insertion or deletion. */
export const BLOCK_SUGGESTION = 'suggestion';

/** A suggestion id: random and URL-safe, as comment ids. */
export const SUGGESTION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** What every suggestion mark (and block suggestion) carries. */
export interface SuggestionAttrs {
  id: string;
  /** The author's display name, as shown. */
  author: string;
  /** The author's identity id (DESIGN.md, "Identity"); "" without one. */
  authorId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface BlockSuggestion extends SuggestionAttrs {
  kind: 'insert' | 'delete' | 'format';
  /** `format`: the block's type and attributes (without `suggestion`) before the change. */
  previous?: { type: string; attrs: Record<string, unknown> };
}

function readPrevious(value: unknown): BlockSuggestion['previous'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, attrs } = value as { type?: unknown; attrs?: unknown };
  if (typeof type !== 'string' || !SUGGESTIBLE_BLOCKS.includes(type) || typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return undefined;
  return { type, attrs: attrs as Record<string, unknown> };
}

/** The blocks that may carry a block suggestion. */
export const SUGGESTIBLE_BLOCKS = [
  'paragraph',
  'heading',
  'blockquote',
  'codeBlock',
  'bulletList',
  'orderedList',
  'listItem',
  'taskList',
  'taskItem',
  'horizontalRule',
  'image',
  'table',
  'tableRow',
];

/** A block suggestion read from a node attribute; undefined when absent or malformed. */
export function readBlockSuggestion(value: unknown): BlockSuggestion | undefined {
  if (typeof value !== 'string' || value.length > 4_000) return undefined;
  try {
    const s = JSON.parse(value) as Partial<BlockSuggestion>;
    if ((s.kind !== 'insert' && s.kind !== 'delete' && s.kind !== 'format') || typeof s.id !== 'string' || !SUGGESTION_ID.test(s.id)) return undefined;
    const previous = s.kind === 'format' ? readPrevious(s.previous) : undefined;
    if (s.kind === 'format' && !previous) return undefined;
    return {
      kind: s.kind,
      ...(previous ? { previous } : {}),
      id: s.id,
      author: typeof s.author === 'string' ? s.author : '',
      authorId: typeof s.authorId === 'string' ? s.authorId : '',
      createdAt: typeof s.createdAt === 'number' ? s.createdAt : 0,
    };
  } catch {
    return undefined;
  }
}

export function writeBlockSuggestion(s: BlockSuggestion): string {
  return JSON.stringify({ kind: s.kind, id: s.id, author: s.author, authorId: s.authorId, createdAt: s.createdAt, ...(s.previous ? { previous: s.previous } : {}) });
}

const ALL = SUGGESTION_MARKS.join(' ');

function suggestionAttributes() {
  return {
    id: {
      default: null,
      parseHTML: (element: { getAttribute(name: string): string | null }) => {
        const id = element.getAttribute(SUGGESTION_ATTRIBUTE);
        return id && SUGGESTION_ID.test(id) ? id : null;
      },
      renderHTML: (attrs: Record<string, unknown>) => (typeof attrs.id === 'string' ? { [SUGGESTION_ATTRIBUTE]: attrs.id } : {}),
    },
    author: {
      default: '',
      parseHTML: (element: { getAttribute(name: string): string | null }) => element.getAttribute(AUTHOR_ATTRIBUTE) ?? '',
      renderHTML: (attrs: Record<string, unknown>) => ({ [AUTHOR_ATTRIBUTE]: typeof attrs.author === 'string' ? attrs.author : '' }),
    },
    authorId: {
      default: '',
      parseHTML: (element: { getAttribute(name: string): string | null }) => element.getAttribute('data-author-id') ?? '',
      renderHTML: (attrs: Record<string, unknown>) => (typeof attrs.authorId === 'string' && attrs.authorId ? { 'data-author-id': attrs.authorId } : {}),
    },
    createdAt: {
      default: 0,
      parseHTML: (element: { getAttribute(name: string): string | null }) => Number(element.getAttribute('data-created-at')) || 0,
      renderHTML: (attrs: Record<string, unknown>) => (typeof attrs.createdAt === 'number' && attrs.createdAt > 0 ? { 'data-created-at': String(attrs.createdAt) } : {}),
    },
  };
}

/** An insertion or a deletion: the same attributes, rendered as `<ins>` or `<del>`. */
function textSuggestionMark(name: typeof INSERTION | typeof DELETION, tag: 'ins' | 'del', className: string) {
  return Mark.create({
    name,
    excludes: ALL,
    inclusive: false,
    addAttributes: suggestionAttributes,
    parseHTML() {
      return [{ tag: `${tag}[${SUGGESTION_ATTRIBUTE}]` }];
    },
    renderHTML({ HTMLAttributes }) {
      return [tag, mergeAttributes({ class: className }, HTMLAttributes), 0];
    },
  });
}

export const InsertionMark = textSuggestionMark(INSERTION, 'ins', 'suggestion-insertion');
export const DeletionMark = textSuggestionMark(DELETION, 'del', 'suggestion-deletion');

export const ModificationMark = Mark.create({
  name: MODIFICATION,
  excludes: ALL,
  inclusive: false,
  addAttributes() {
    return {
      ...suggestionAttributes(),
      /** JSON of the ProseMirror marks the text had before the change (`Mark.toJSON()` each). */
      previous: {
        default: '[]',
        parseHTML: (element: { getAttribute(name: string): string | null }) => element.getAttribute('data-previous') ?? '[]',
        renderHTML: (attrs: Record<string, unknown>) => ({ 'data-previous': typeof attrs.previous === 'string' ? attrs.previous : '[]' }),
      },
    };
  },
  parseHTML() {
    return [{ tag: `span[${SUGGESTION_ATTRIBUTE}][data-previous]` }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes({ class: 'suggestion-modification' }, HTMLAttributes), 0];
  },
});

/** The `suggestion` attribute of blocks (see the module comment), as `data-block-suggestion`. */
export const BlockSuggestions = Extension.create({
  name: 'blockSuggestions',
  addGlobalAttributes() {
    return [
      {
        types: SUGGESTIBLE_BLOCKS,
        attributes: {
          [BLOCK_SUGGESTION]: {
            default: null,
            parseHTML: (element) => {
              const raw = element.getAttribute('data-block-suggestion');
              return raw && readBlockSuggestion(raw) ? raw : null;
            },
            renderHTML: (attrs: Record<string, unknown>) => {
              const s = readBlockSuggestion(attrs[BLOCK_SUGGESTION]);
              return s
                ? { 'data-block-suggestion': writeBlockSuggestion(s), [SUGGESTION_ATTRIBUTE]: s.id, [AUTHOR_ATTRIBUTE]: s.author, 'data-suggestion-kind': s.kind }
                : {};
            },
          },
        },
      },
    ];
  },
});

export const suggestionExtensions = [InsertionMark, DeletionMark, ModificationMark, BlockSuggestions];

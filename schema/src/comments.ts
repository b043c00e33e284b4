/**
 * Comments (DESIGN.md, "Contract — review: comments"): threads live in the document's own Y.Doc,
 * in the root map `comments` (thread id → { quote, resolved, resolvedBy, createdAt, comments }),
 * and each thread is anchored by a mark on its text: `comment` with the thread's id. A mark
 * travels with its text through concurrent edits, undo and redo, and a restore that leaves the
 * text unchanged; a thread whose mark is on no text any more is `detached`, and comes back when
 * an undo brings its text back. Threads may overlap, so the mark does not exclude itself, and
 * y-tiptap stores each one under its own attribute key (`comment--<hash of the mark>`).
 */
import { Mark, mergeAttributes } from '@tiptap/core';
import { encodeAny, toBase64 } from 'lib0/buffer';
import { digest } from 'lib0/hash/sha256';

/** The root Y.Map of the threads. */
export const COMMENTS = 'comments';

/** The attribute that marks anchored text on the page (and in HTML exports). */
export const THREAD_ATTRIBUTE = 'data-comment-thread';

/** A thread id or a comment id: what a client or the server makes (random, URL-safe). */
export const COMMENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export const MAX_COMMENT_BODY = 10_000;

export const CommentMark = Mark.create({
  name: 'comment',
  excludes: '',
  inclusive: false,
  spanning: true,
  addAttributes() {
    return {
      thread: {
        default: null,
        parseHTML: (element) => {
          const id = element.getAttribute(THREAD_ATTRIBUTE);
          return id && COMMENT_ID.test(id) ? id : null;
        },
        renderHTML: (attrs) => (typeof attrs.thread === 'string' ? { [THREAD_ATTRIBUTE]: attrs.thread } : {}),
      },
    };
  },
  parseHTML() {
    return [{ tag: `span[${THREAD_ATTRIBUTE}]` }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes({ class: 'comment-anchor' }, HTMLAttributes), 0];
  },
});

/**
 * The Y.XmlText attribute key y-tiptap uses for a thread's mark (a mark that does not exclude
 * itself is stored as `<name>--<hash of the mark's JSON>`; the same function as y-tiptap's
 * hashOfJSON, so that the server anchors threads exactly as the editor does).
 */
export function commentAttributeKey(thread: string): string {
  const hash = digest(encodeAny({ type: 'comment', attrs: { thread } }));
  const N = 6;
  for (let i = N; i < hash.length; i++) hash[i % N] = hash[i % N]! ^ hash[i]!;
  return `comment--${toBase64(hash.slice(0, N))}`;
}

/** Whether a Y.XmlText attribute key is a comment mark's (with or without y-tiptap's hash). */
export function isCommentAttribute(key: string): boolean {
  return key === 'comment' || /^comment--[a-zA-Z0-9+/=]{8}$/.test(key);
}

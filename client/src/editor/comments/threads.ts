/**
 * The threads of a document as the editor reads and writes them: the root map `comments`
 * (DESIGN.md, "Contract — review: comments"; the server checks every change against it). Reading
 * turns the Yjs maps into plain, checked values (they come from other clients, and an offline
 * copy may hold anything); writing changes the maps exactly as the contract says.
 */
import * as Y from 'yjs';
import { COMMENT_ID, COMMENTS, MAX_COMMENT_BODY } from '@tandem/schema';
import { newId } from '../ids';

export interface CommentAuthor {
  /** The identity (a token's `sub`, `oidc:<sub>`); null when the person only typed a name. */
  id: string | null;
  name: string;
  verified: boolean;
}

export interface ThreadComment {
  id: string;
  author: CommentAuthor;
  body: string;
  createdAt: string;
  editedAt: string | null;
}

export interface Thread {
  id: string;
  quote: string;
  resolved: boolean;
  resolvedBy: CommentAuthor | null;
  createdAt: string;
  comments: ThreadComment[];
  /** The reply thread of a suggestion (its id is the suggestion's; it has no comment mark). */
  suggestion: boolean;
}

/** Why a body cannot be sent, or null when it can (1–10,000 characters after trimming). */
export function bodyProblem(body: string): string | null {
  const text = body.trim();
  if (text === '') return 'Write something first';
  if (text.length > MAX_COMMENT_BODY) return `At most ${MAX_COMMENT_BODY.toLocaleString('en')} characters (${text.length.toLocaleString('en')} now)`;
  return null;
}

export function threadsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(COMMENTS);
}

function readAuthor(value: unknown): CommentAuthor | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, name, verified } = value as Record<string, unknown>;
  if (typeof name !== 'string') return null;
  return { id: typeof id === 'string' ? id : null, name, verified: verified === true };
}

function readComment(value: unknown): ThreadComment | null {
  if (!(value instanceof Y.Map)) return null;
  const id = value.get('id');
  const body = value.get('body');
  const author = readAuthor(value.get('author'));
  if (typeof id !== 'string' || typeof body !== 'string' || !author) return null;
  const createdAt = value.get('createdAt');
  const editedAt = value.get('editedAt');
  return { id, author, body, createdAt: typeof createdAt === 'string' ? createdAt : '', editedAt: typeof editedAt === 'string' ? editedAt : null };
}

/** Every well-formed thread, oldest first (the panel orders them by their text's position). */
export function readThreads(doc: Y.Doc): Thread[] {
  const threads: Thread[] = [];
  threadsMap(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map) || !COMMENT_ID.test(id)) return;
    const list = value.get('comments');
    const quote = value.get('quote');
    const createdAt = value.get('createdAt');
    threads.push({
      id,
      quote: typeof quote === 'string' ? quote : '',
      resolved: value.get('resolved') === true,
      resolvedBy: readAuthor(value.get('resolvedBy')),
      createdAt: typeof createdAt === 'string' ? createdAt : '',
      comments: list instanceof Y.Array ? list.toArray().flatMap((c) => readComment(c) ?? []) : [],
      suggestion: value.get('suggestion') === true,
    });
  });
  return threads.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function newComment(author: CommentAuthor, body: string): Y.Map<unknown> {
  const comment = new Y.Map<unknown>();
  comment.set('id', newId());
  comment.set('author', { ...author });
  comment.set('body', body.trim());
  comment.set('createdAt', new Date().toISOString());
  return comment;
}

/**
 * A new thread's map with its first comment. The caller adds it in the same Yjs transaction as
 * the mark on its text, so that the server sees one update: a thread and its anchor.
 */
export function newThread(quote: string, author: CommentAuthor, body: string): Y.Map<unknown> {
  const thread = new Y.Map<unknown>();
  thread.set('quote', quote);
  thread.set('resolved', false);
  thread.set('resolvedBy', null);
  thread.set('createdAt', new Date().toISOString());
  thread.set('comments', Y.Array.from([newComment(author, body)]));
  return thread;
}

function thread(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  const value = threadsMap(doc).get(id);
  return value instanceof Y.Map ? value : null;
}

function comments(doc: Y.Doc, threadId: string): Y.Array<Y.Map<unknown>> | null {
  const list = thread(doc, threadId)?.get('comments');
  return list instanceof Y.Array ? (list as Y.Array<Y.Map<unknown>>) : null;
}

export function reply(doc: Y.Doc, threadId: string, author: CommentAuthor, body: string): void {
  comments(doc, threadId)?.push([newComment(author, body)]);
}

/**
 * A reply about a suggestion: its thread (id = the suggestion's, `suggestion: true`, no comment
 * mark: the suggestion's marks are its anchor) is made with the first reply.
 */
export function replyToSuggestion(doc: Y.Doc, suggestionId: string, quote: string, author: CommentAuthor, body: string): void {
  if (thread(doc, suggestionId)) return reply(doc, suggestionId, author, body);
  const t = newThread(quote, author, body);
  t.set('suggestion', true);
  threadsMap(doc).set(suggestionId, t);
}

export function setResolved(doc: Y.Doc, threadId: string, by: CommentAuthor | null): void {
  const t = thread(doc, threadId);
  if (!t) return;
  doc.transact(() => {
    t.set('resolved', by !== null);
    t.set('resolvedBy', by ? { ...by } : null);
  });
}

function commentIndex(list: Y.Array<Y.Map<unknown>>, commentId: string): number {
  return list.toArray().findIndex((c) => c instanceof Y.Map && c.get('id') === commentId);
}

export function editComment(doc: Y.Doc, threadId: string, commentId: string, body: string): void {
  const list = comments(doc, threadId);
  const comment = list?.get(list ? commentIndex(list, commentId) : -1);
  if (!(comment instanceof Y.Map)) return;
  doc.transact(() => {
    comment.set('body', body.trim());
    comment.set('editedAt', new Date().toISOString());
  });
}

export function deleteComment(doc: Y.Doc, threadId: string, commentId: string): void {
  const list = comments(doc, threadId);
  const index = list ? commentIndex(list, commentId) : -1;
  if (list && index >= 0) list.delete(index, 1);
}

/**
 * What the server allows this person to change (the contract's rules), so that the panel offers
 * nothing it would refuse. A comment is "mine" when it carries my identity; without identities on
 * either side, by the typed name (the server lets any writer change those, but offering to edit
 * someone else's words would surprise everyone).
 */
export function isMine(author: CommentAuthor, me: CommentAuthor): boolean {
  if (author.id !== null || me.id !== null) return author.id === me.id;
  return author.name === me.name;
}

export function mayChange(author: CommentAuthor, me: CommentAuthor, mode: CommentMode): boolean {
  if (mode === 'read' || !isMine(author, me)) return false;
  return author.id !== null || mode === 'write';
}

/** What this connection may do with comments: `read` sees them only. */
export type CommentMode = 'read' | 'comment' | 'write';

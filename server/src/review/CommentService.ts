import { randomBytes } from 'node:crypto';
import { MAX_COMMENT_BODY } from '@tandem/schema';
import type { Room } from '../rooms/Room.js';
import { authorFor, mayChangeComment, readAuthor } from './author.js';
import { checkCommentRules, type Sender } from './commentRules.js';
import { addThread, changeOf, commentMap, commentOf, findQuote, readThreads, threadMap, type ThreadView } from './threads.js';
import * as Y from 'yjs';

/** A request the rules or the document refuse; `status` is the HTTP answer. */
export class CommentError extends Error {
  override name = 'CommentError';
  constructor(
    readonly status: 400 | 403 | 404 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** The documents, as far as comments need them (history/DocumentService.ts). */
export interface Documents {
  /** Runs `fn` with the room of a document that exists (404 otherwise). */
  withExisting<T>(name: string, fn: (room: Room) => Promise<T>): Promise<T>;
}

/** Who asks, as the API knows them: the sender of the rules, and a name for an unverified author. */
export interface Asker extends Sender {
  /** Shown (unverified) when the asker has no identity. */
  name: string;
}

const newId = (): string => randomBytes(12).toString('base64url');
const iso = (ms: number): string => new Date(ms).toISOString();

function checkBody(body: unknown): string {
  if (typeof body !== 'string' || body.trim().length === 0 || body.length > MAX_COMMENT_BODY) {
    throw new CommentError(400, `body must be 1–${MAX_COMMENT_BODY} characters of text`);
  }
  return body;
}

/**
 * The comments API (DESIGN.md, "Contract — review: comments") over the document's room: each
 * change is made against the room's state as one update, checked by the same rules as a peer's
 * update from the same sender, then applied like any change (stored, sent to every peer).
 */
export class CommentService {
  constructor(
    private readonly docs: Documents,
    private readonly now: () => number = Date.now,
  ) {}

  list(name: string): Promise<ThreadView[]> {
    return this.docs.withExisting(name, async (room) => readThreads(room.doc));
  }

  add(name: string, asker: Asker, quote: unknown, body: unknown): Promise<string> {
    if (typeof quote !== 'string' || quote.length === 0 || quote.length > MAX_COMMENT_BODY) throw new CommentError(400, `quote must be 1–${MAX_COMMENT_BODY} characters of the document's text`);
    const text = checkBody(body);
    const id = newId();
    return this.change(name, asker, (doc) => {
      const span = findQuote(doc.getXmlFragment('default'), quote);
      if (!span) throw new CommentError(422, 'the quote is not in the document (it must be within one block of its text)');
      const createdAt = iso(this.now());
      addThread(doc, span, { id, quote, createdAt, comment: { id: newId(), author: authorFor(asker.identity, asker.name), body: text, createdAt } });
    }).then(() => id);
  }

  reply(name: string, asker: Asker, thread: string, body: unknown): Promise<string> {
    const text = checkBody(body);
    const id = newId();
    return this.change(name, asker, (doc) => {
      const list = this.thread(doc, thread).get('comments');
      if (!(list instanceof Y.Array)) throw new CommentError(404, 'no such thread');
      list.push([commentMap({ id, author: authorFor(asker.identity, asker.name), body: text, createdAt: iso(this.now()) })]);
    }).then(() => id);
  }

  setResolved(name: string, asker: Asker, thread: string, resolved: boolean): Promise<void> {
    return this.change(name, asker, (doc) => {
      const map = this.thread(doc, thread);
      if (map.get('resolved') === resolved) return;
      map.set('resolved', resolved);
      map.set('resolvedBy', resolved ? authorFor(asker.identity, asker.name) : null);
    });
  }

  edit(name: string, asker: Asker, thread: string, comment: string, body: unknown): Promise<void> {
    const text = checkBody(body);
    return this.change(name, asker, (doc) => {
      const c = this.comment(doc, thread, comment, asker);
      c.map.set('body', text);
      c.map.set('editedAt', iso(this.now()));
    });
  }

  removeComment(name: string, asker: Asker, thread: string, comment: string): Promise<void> {
    return this.change(name, asker, (doc) => {
      const c = this.comment(doc, thread, comment, asker);
      c.list.delete(c.index, 1);
    });
  }

  removeThread(name: string, asker: Asker, thread: string): Promise<void> {
    return this.change(name, asker, (doc) => {
      this.thread(doc, thread);
      doc.getMap('comments').delete(thread);
    });
  }

  private thread(doc: Y.Doc, id: string): Y.Map<unknown> {
    const map = threadMap(doc, id);
    if (!map) throw new CommentError(404, 'no such thread');
    return map;
  }

  private comment(doc: Y.Doc, thread: string, id: string, asker: Asker): NonNullable<ReturnType<typeof commentOf>> {
    const c = commentOf(this.thread(doc, thread), id);
    if (!c) throw new CommentError(404, 'no such comment');
    if (!mayChangeComment(readAuthor(c.map.get('author')), asker.identity, asker.mode)) throw new CommentError(403, "only its author may change a comment (anonymous ones: writers)");
    return c;
  }

  /** Makes the change against the room's state, checks it by the rules, applies it. */
  private change(name: string, asker: Asker, fn: (doc: Y.Doc) => void): Promise<void> {
    return this.docs.withExisting(name, async (room: Room) => {
      const update = changeOf(room.wholeState(), fn);
      const refusal = checkCommentRules(room.doc, update, asker);
      if (refusal) throw new CommentError(403, refusal);
      await room.applyChange(update);
    });
  }
}

import { useState, type KeyboardEvent } from 'react';
import { bodyProblem, mayChange, type CommentAuthor, type CommentMode, type Thread, type ThreadComment } from './threads';

/** What a card may ask of the document; the panel binds these to the Y.Doc and the editor. */
export interface ThreadActions {
  activate: (thread: string) => void;
  reply: (thread: string, body: string) => void;
  resolve: (thread: string, resolved: boolean) => void;
  edit: (thread: string, comment: string, body: string) => void;
  remove: (thread: string, comment: string) => void;
  removeThread: (thread: string) => void;
}

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : TIME.format(date);
}

/**
 * A text box and its buttons: a new comment, a reply, or an edit. Ctrl+Enter sends, Escape
 * cancels; a body the server would refuse (empty, over 10,000 characters) is said, not sent.
 */
export function CommentForm({ label, submit, initial = '', onSubmit, onCancel, autoFocus = false }: {
  label: string;
  submit: string;
  initial?: string;
  onSubmit: (body: string) => void;
  onCancel?: () => void;
  autoFocus?: boolean;
}) {
  const [body, setBody] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const send = () => {
    const why = bodyProblem(body);
    setProblem(why);
    if (why) return;
    onSubmit(body);
    setBody('');
  };
  const handleKeys = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && onCancel) {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  };
  return (
    <form
      className="tandem-comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea aria-label={label} value={body} rows={2} autoFocus={autoFocus} onChange={(e) => setBody(e.target.value)} onKeyDown={handleKeys} />
      {problem && (
        <p className="tandem-comment-form__problem" role="alert">
          {problem}
        </p>
      )}
      <div className="tandem-comment-form__buttons">
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="tandem-comment-form__send">
          {submit}
        </button>
      </div>
    </form>
  );
}

export function Author({ author, color }: { author: CommentAuthor; color: string }) {
  return (
    <span className="tandem-comment__author">
      <span className="tandem-comment__dot" style={{ backgroundColor: color }} aria-hidden="true" />
      {author.name}
      {!author.verified && <span className="tandem-comment__unverified"> (unverified)</span>}
    </span>
  );
}

export function CommentItem({ thread, comment, me, mode, colorOf, actions }: {
  thread: string;
  comment: ThreadComment;
  me: CommentAuthor;
  mode: CommentMode;
  colorOf: (name: string) => string;
  actions: ThreadActions;
}) {
  const [editing, setEditing] = useState(false);
  const mine = mayChange(comment.author, me, mode);
  return (
    <li className="tandem-comment" data-comment={comment.id}>
      <div className="tandem-comment__head">
        <Author author={comment.author} color={colorOf(comment.author.name)} />
        <time className="tandem-comment__time" dateTime={comment.createdAt}>
          {when(comment.createdAt)}
          {comment.editedAt && ' (edited)'}
        </time>
      </div>
      {editing ? (
        <CommentForm
          label="Edit comment"
          submit="Save"
          initial={comment.body}
          autoFocus
          onSubmit={(body) => {
            actions.edit(thread, comment.id, body);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        // Plain text, always: a body is never markup (React escapes it).
        <p className="tandem-comment__body">{comment.body}</p>
      )}
      {mine && !editing && (
        <div className="tandem-comment__tools">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" onClick={() => actions.remove(thread, comment.id)}>
            Delete
          </button>
        </div>
      )}
    </li>
  );
}

/** One thread: the quoted text, its comments, and what this person may do with it. */
export function ThreadCard({ thread, detached, active, me, mode, colorOf, actions, cardRef }: {
  thread: Thread;
  detached: boolean;
  active: boolean;
  me: CommentAuthor;
  mode: CommentMode;
  colorOf: (name: string) => string;
  actions: ThreadActions;
  cardRef: (el: HTMLElement | null) => void;
}) {
  const classes = ['tandem-thread'];
  if (active) classes.push('tandem-thread--active');
  if (thread.resolved) classes.push('tandem-thread--resolved');
  if (detached) classes.push('tandem-thread--detached');
  const canComment = mode !== 'read';
  return (
    <article
      ref={cardRef}
      className={classes.join(' ')}
      data-thread={thread.id}
      data-resolved={thread.resolved ? 'true' : 'false'}
      data-detached={detached ? 'true' : undefined}
      aria-label={`Comment on “${thread.quote}”`}
      onClick={() => actions.activate(thread.id)}
    >
      <button type="button" className="tandem-thread__quote" aria-label={`Show the text: ${thread.quote}`} onClick={() => actions.activate(thread.id)}>
        “{thread.quote}”
      </button>
      {detached && <p className="tandem-thread__detached">The text was deleted</p>}
      {thread.resolved && (
        <p className="tandem-thread__resolved">Resolved{thread.resolvedBy ? ` by ${thread.resolvedBy.name}` : ''}</p>
      )}
      <ol className="tandem-thread__comments">
        {thread.comments.map((c) => (
          <CommentItem key={c.id} thread={thread.id} comment={c} me={me} mode={mode} colorOf={colorOf} actions={actions} />
        ))}
      </ol>
      {thread.comments.length === 0 && <p className="tandem-thread__empty">Every comment here was deleted</p>}
      {canComment && (
        // Resolving must not make the thread active again on its way up.
        <div className="tandem-thread__tools" onClick={(e) => e.stopPropagation()}>
          <button type="button" onClick={() => actions.resolve(thread.id, !thread.resolved)}>
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
          {mode === 'write' && (
            <button type="button" onClick={() => actions.removeThread(thread.id)}>
              Delete thread
            </button>
          )}
        </div>
      )}
      {canComment && active && !thread.resolved && <CommentForm label="Reply" submit="Reply" onSubmit={(body) => actions.reply(thread.id, body)} />}
    </article>
  );
}

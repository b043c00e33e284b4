import { useState } from 'react';
import { CommentForm, CommentItem, type ThreadActions } from './ThreadCard';
import type { CommentAuthor, CommentMode, Thread } from './threads';
import { describe, type SuggestionSummary } from '../suggestions/review';

export interface SuggestionActions {
  accept: (id: string) => void;
  reject: (id: string) => void;
  reply: (id: string, quote: string, body: string) => void;
  reveal: (id: string) => void;
}

/**
 * One suggestion in the side panel: who proposed what, Accept and Reject for writers, and its
 * reply thread (an ordinary thread whose id is the suggestion's).
 */
export function SuggestionCard({ suggestion, thread, me, mode, color, colorOf, actions, threadActions, cardRef }: {
  suggestion: SuggestionSummary;
  thread: Thread | undefined;
  me: CommentAuthor;
  mode: CommentMode;
  color: string;
  colorOf: (name: string) => string;
  actions: SuggestionActions;
  threadActions: ThreadActions;
  cardRef: (el: HTMLElement | null) => void;
}) {
  const [replying, setReplying] = useState(false);
  const what = describe(suggestion);
  const id = suggestion.id;
  return (
    <article ref={cardRef} className="tandem-thread tandem-suggestion" data-suggestion-card={id} aria-label={`Suggestion by ${suggestion.author}: ${what}`} onClick={() => actions.reveal(id)}>
      <div className="tandem-comment__head">
        <span className="tandem-comment__author">
          <span className="tandem-comment__dot" style={{ backgroundColor: color }} aria-hidden="true" />
          {suggestion.author || 'Someone'}
        </span>
      </div>
      <p className="tandem-suggestion__what">{what}</p>
      {/* Buttons act on this card only: the click must not reach the card's reveal on the way up. */}
      <div className="tandem-thread__tools" onClick={(e) => e.stopPropagation()}>
        {mode === 'write' && (
          <>
            <button type="button" className="tandem-suggestion__accept" onClick={() => actions.accept(id)}>
              Accept
            </button>
            <button type="button" className="tandem-suggestion__reject" onClick={() => actions.reject(id)}>
              Reject
            </button>
          </>
        )}
        {mode !== 'read' && !replying && (
          <button type="button" onClick={() => setReplying(true)}>
            Reply
          </button>
        )}
      </div>
      {thread && thread.comments.length > 0 && (
        <ol className="tandem-thread__comments">
          {thread.comments.map((c) => (
            <CommentItem key={c.id} thread={id} comment={c} me={me} mode={mode} colorOf={colorOf} actions={threadActions} />
          ))}
        </ol>
      )}
      {replying && mode !== 'read' && (
        <div onClick={(e) => e.stopPropagation()}>
          <CommentForm
            label="Reply"
            submit="Reply"
            autoFocus
            onSubmit={(body) => {
              actions.reply(id, what, body);
              setReplying(false);
            }}
            onCancel={() => setReplying(false)}
          />
        </div>
      )}
    </article>
  );
}

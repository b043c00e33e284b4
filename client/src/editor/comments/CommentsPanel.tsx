import { useEditorState, type Editor } from '@tiptap/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { SUGGESTION_ATTRIBUTE, THREAD_ATTRIBUTE } from '@tandem/schema';
import { anchoredThreads, cancelComment, commentUi, deleteThread, revealThread, setActiveThread, submitComment, type Range } from './commentTools';
import { CommentForm, ThreadCard, type ThreadActions } from './ThreadCard';
import { deleteComment, editComment, reply, replyToSuggestion, setResolved, type CommentAuthor, type CommentMode, type Thread } from './threads';
import { useAuthorColors } from './useThreads';
import { review, type SuggestionSummary } from '../suggestions/review';
import { SuggestionCard, type SuggestionActions } from './SuggestionCard';
import { revealSuggestion, SuggestionColors } from '../suggestions/useSuggestions';

const GAP = 8;
const DRAFT = '\u0000draft';

interface UiState {
  active: string | null;
  draft: Range | null;
  anchored: readonly string[];
}

function selectUi({ editor }: { editor: Editor }): UiState {
  const ui = commentUi(editor);
  return { active: ui?.active ?? null, draft: ui?.draft ?? null, anchored: anchoredThreads(editor.state) };
}

// Re-render when the active thread, the draft or the anchors' order changed, not on every keystroke.
function sameUi(a: UiState, b: UiState | null): boolean {
  return b !== null && a.active === b.active && a.draft === b.draft && a.anchored.length === b.anchored.length && a.anchored.every((id, i) => id === b.anchored[i]);
}

/** The top of each thread's and suggestion's text (first line) relative to `base`, in document order. */
function anchorTops(editor: Editor, base: number): Map<string, number> {
  const tops = new Map<string, number>();
  for (const attribute of [THREAD_ATTRIBUTE, SUGGESTION_ATTRIBUTE]) {
    for (const el of editor.view.dom.querySelectorAll(`[${attribute}]`)) {
      const id = el.getAttribute(attribute);
      if (id && !tops.has(id)) tops.set(id, el.getBoundingClientRect().top - base);
    }
  }
  return tops;
}

/**
 * Beside the page, each card level with its text: cards go in the order of their text and each
 * is pushed down just enough not to overlap the one above (Google Docs does the same). Detached
 * threads follow the last one. Positions are written straight to the cards' style, so moving
 * them never re-renders React; they are laid out again whenever the text, the threads or a
 * card's size change.
 */
function useLevelLayout(editor: Editor, container: React.RefObject<HTMLDivElement | null>, cards: Map<string, HTMLElement>, order: string[], draftFrom: number | null, enabled: boolean) {
  const layout = useCallback(() => {
    const box = container.current;
    if (!box || !enabled || editor.isDestroyed) return;
    const base = box.getBoundingClientRect().top;
    const tops = anchorTops(editor, base);
    if (draftFrom !== null) tops.set(DRAFT, editor.view.coordsAtPos(draftFrom).top - base);
    let y = 0;
    for (const id of order) {
      const card = cards.get(id);
      if (!card) continue;
      const top = Math.max(tops.get(id) ?? y, y);
      card.style.top = `${top}px`;
      y = top + card.offsetHeight + GAP;
    }
    box.style.minHeight = `${y}px`;
  }, [editor, container, cards, order, draftFrom, enabled]);

  useLayoutEffect(layout);
  useEffect(() => {
    if (!enabled) return;
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(layout);
    };
    const observer = new ResizeObserver(schedule);
    observer.observe(editor.view.dom);
    for (const card of cards.values()) observer.observe(card);
    editor.on('update', schedule);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      editor.off('update', schedule);
    };
  }, [editor, cards, layout, enabled, order]);
}

export interface CommentsPanelProps {
  editor: Editor;
  doc: Y.Doc;
  threads: Thread[];
  awareness: Awareness | null;
  me: CommentAuthor;
  mode: CommentMode;
  /** The document's suggestions, in the order of their text (suggestions/useSuggestions.ts). */
  suggestions: SuggestionSummary[];
  /** A drawer over the page (narrow screens) instead of a column beside it. */
  drawer: boolean;
  onClose: () => void;
}

/** Threads anchored on text come in its order; detached ones (their text deleted) after them. */
function orderThreads(threads: Thread[], anchored: readonly string[], showResolved: boolean): { shown: Thread[]; detached: Set<string> } {
  const byId = new Map(threads.map((t) => [t.id, t]));
  const visible = (t: Thread | undefined): t is Thread => t !== undefined && (showResolved || !t.resolved);
  const placed = anchored.map((id) => byId.get(id)).filter(visible);
  const anchoredSet = new Set(anchored);
  // A suggestion's thread is shown on the suggestion's card, and goes with it.
  const detached = threads.filter((t) => !anchoredSet.has(t.id) && !t.suggestion && visible(t));
  return { shown: [...placed, ...detached], detached: new Set(detached.map((t) => t.id)) };
}

/** The threads of the document, live, with a composer for the one being written. */
export function CommentsPanel({ editor, doc, threads, awareness, me, mode, suggestions, drawer, onClose }: CommentsPanelProps) {
  const colorOf = useAuthorColors(awareness);
  const { active, draft, anchored } = useEditorState({ editor, selector: selectUi, equalityFn: sameUi });
  const [showResolved, setShowResolved] = useState(false);
  const resolvedCount = threads.filter((t) => t.resolved && !t.suggestion).length;
  const { shown, detached } = useMemo(() => orderThreads(threads, anchored, showResolved), [threads, anchored, showResolved]);
  const order = useMemo(() => {
    const tops = anchorTops(editor, 0);
    const threadIds = shown.filter((t) => !detached.has(t.id)).map((t) => t.id);
    // Threads and suggestions, each in the order of their text, merged by where that text is.
    const ids = suggestions.length === 0 ? threadIds : [...threadIds, ...suggestions.map((s) => s.id)].sort((a, b) => (tops.get(a) ?? Infinity) - (tops.get(b) ?? Infinity));
    if (draft) {
      // The composer goes where its text is among the others.
      const at = editor.view.coordsAtPos(draft.from).top;
      const index = ids.findIndex((id) => (tops.get(id) ?? Infinity) > at);
      ids.splice(index < 0 ? ids.length : index, 0, DRAFT);
    }
    return [...ids, ...shown.filter((t) => detached.has(t.id)).map((t) => t.id)];
  }, [shown, detached, draft, editor, suggestions]);

  const container = useRef<HTMLDivElement>(null);
  const [cards] = useState(() => new Map<string, HTMLElement>());
  const cardRef = useCallback(
    (id: string) => (el: HTMLElement | null) => {
      if (el) cards.set(id, el);
      else cards.delete(id);
    },
    [cards],
  );
  useLevelLayout(editor, container, cards, order, draft?.from ?? null, !drawer);

  const actions = useMemo<ThreadActions>(
    () => ({
      activate: (id) => {
        if (commentUi(editor)?.active !== id) revealThread(editor, id);
      },
      reply: (id, body) => reply(doc, id, me, body),
      resolve: (id, resolved) => {
        setResolved(doc, id, resolved ? me : null);
        if (resolved) setActiveThread(editor, null);
      },
      edit: (id, comment, body) => editComment(doc, id, comment, body),
      remove: (id, comment) => deleteComment(doc, id, comment),
      removeThread: (id) => deleteThread(editor, doc, id),
    }),
    [editor, doc, me],
  );

  const suggestionActions = useMemo<SuggestionActions>(
    () => ({
      accept: (id) => review(editor, true, new Set([id])),
      reject: (id) => review(editor, false, new Set([id])),
      reply: (id, quote, body) => replyToSuggestion(doc, id, quote, me, body),
      reveal: (id) => revealSuggestion(editor, id),
    }),
    [editor, doc, me],
  );
  const byId = useMemo(() => new Map(suggestions.map((s) => [s.id, s])), [suggestions]);
  const threadById = useMemo(() => new Map(threads.map((t) => [t.id, t])), [threads]);
  const reviewAll = mode === 'write' && suggestions.length > 0;

  // A click on commented text shows its card: in the drawer, scroll it into view.
  useEffect(() => {
    if (active) cards.get(active)?.scrollIntoView?.({ block: 'nearest' });
  }, [active, cards]);

  const classes = drawer ? 'tandem-comments tandem-comments--drawer' : 'tandem-comments';
  return (
    <aside
      className={classes}
      aria-label="Comments"
      onKeyDown={(e) => {
        if (drawer && e.key === 'Escape') onClose();
      }}
    >
      <SuggestionColors suggestions={suggestions} colorOf={colorOf} />
      {(drawer || resolvedCount > 0 || reviewAll) && (
        <div className="tandem-comments__head">
          {drawer && <h2 className="tandem-comments__title">Comments</h2>}
          {reviewAll && (
            <span className="tandem-comments__review">
              <button type="button" onClick={() => review(editor, true)}>
                Accept all
              </button>
              <button type="button" onClick={() => review(editor, false)}>
                Reject all
              </button>
            </span>
          )}
          {resolvedCount > 0 && (
            <label className="tandem-comments__resolved">
              <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> Show resolved ({resolvedCount})
            </label>
          )}
          {drawer && (
            <button type="button" className="tandem-comments__close" onClick={onClose}>
              Close
            </button>
          )}
        </div>
      )}
      <div className="tandem-comments__cards" ref={container}>
        {order.map((id) => {
          if (id === DRAFT) {
            return (
              <div key={id} ref={cardRef(id)} className="tandem-thread tandem-thread--draft">
                <CommentForm
                  label="New comment"
                  submit="Submit"
                  autoFocus
                  onSubmit={(body) => submitComment(editor, doc, me, body)}
                  onCancel={() => cancelComment(editor)}
                />
              </div>
            );
          }
          const suggestion = byId.get(id);
          if (suggestion) {
            return (
              <SuggestionCard
                key={id}
                suggestion={suggestion}
                thread={threadById.get(id)}
                me={me}
                mode={mode}
                color={colorOf(suggestion.author)}
                colorOf={colorOf}
                actions={suggestionActions}
                threadActions={actions}
                cardRef={cardRef(id)}
              />
            );
          }
          const thread = shown.find((t) => t.id === id);
          if (!thread) return null;
          return (
            <ThreadCard
              key={id}
              thread={thread}
              detached={detached.has(id)}
              active={active === id}
              me={me}
              mode={mode}
              colorOf={colorOf}
              actions={actions}
              cardRef={cardRef(id)}
            />
          );
        })}
        {drawer && order.length === 0 && <p className="tandem-comments__none">No comments yet. Select text and choose Comment.</p>}
      </div>
    </aside>
  );
}

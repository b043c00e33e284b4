// Peers' carets for a crowded document (issue 28). y-tiptap's cursor plugin rebuilds every
// caret from scratch on each awareness change and each remote edit: with 300 people moving
// their cursors that is 300 position conversions 300 times a second, and 300 caret elements in
// the DOM. Here only carets near the visible part of the page are drawn, position conversions
// are cached per peer and redone only for peers whose cursor moved, and the rebuilds are
// coalesced to one per animation frame.
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type DecorationAttrs, type EditorView } from '@tiptap/pm/view';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

type User = Record<string, unknown>;
interface Builders {
  caret: (user: User) => HTMLElement;
  selection: (user: User) => DecorationAttrs;
}
interface Cursor {
  anchor: unknown;
  head: unknown;
}
interface Span {
  from: number;
  to: number;
}
interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: Map<unknown, unknown> } | null;
  snapshot: unknown;
  prevSnapshot: unknown;
  isChangeOrigin?: boolean;
}

export const nearCaretsKey = new PluginKey<DecorationSet>('tandemNearCarets');

/** How far outside the visible text a caret is still drawn, in visible screens. */
const MARGIN_SCREENS = 1;
/** Cached positions drift as others type; a full recount at most this often. */
const RECOUNT_MS = 500;

function syncState(state: EditorState): SyncState | null {
  const y = ySyncPluginKey.getState(state) as SyncState | undefined;
  if (!y?.binding || y.snapshot != null || y.prevSnapshot != null || y.binding.mapping.size === 0) return null;
  return y;
}

function toPos(y: SyncState, json: unknown): number | null {
  return relativePositionToAbsolutePosition(y.doc, y.type, Y.createRelativePositionFromJSON(json), y.binding!.mapping as never);
}

/** The document positions on screen, widened by a screen's worth of positions each way. */
function visibleSpan(view: EditorView): Span | null {
  const rect = view.dom.getBoundingClientRect();
  const win = view.dom.ownerDocument.defaultView;
  const height = win?.innerHeight ?? 0;
  const top = Math.max(rect.top, 0);
  const bottom = Math.min(rect.bottom, height);
  if (bottom <= top) return null;
  const left = rect.left + Math.min(8, rect.width / 2);
  const from = view.posAtCoords({ left, top: top + 1 })?.pos ?? 0;
  const to = view.posAtCoords({ left: rect.right - 2, top: bottom - 1 })?.pos ?? view.state.doc.content.size;
  const extra = Math.max(to - from, 200) * MARGIN_SCREENS;
  return { from: from - extra, to: to + extra };
}

/**
 * The carets plugin: decorations for the peers whose cursor is in `span`, built from cached
 * head positions. The view keeps the cache and the span, and dispatches the new set.
 */
function nearCaretsPlugin(awareness: Awareness, build: Builders): Plugin<DecorationSet> {
  const heads = new Map<number, number | null>(); // clientId → head position when last converted
  let span: Span | null = null;
  let drawn = ''; // what the current set shows, to skip dispatches that change nothing

  const decorate = (state: EditorState): { set: DecorationSet; sig: string } => {
    const y = syncState(state);
    if (!y || !span) return { set: DecorationSet.empty, sig: '' };
    const max = Math.max(state.doc.content.size - 1, 0);
    const out: Decoration[] = [];
    let sig = '';
    awareness.getStates().forEach((aw, clientId) => {
      const cursor = (aw as { cursor?: Cursor | null }).cursor;
      const cached = heads.get(clientId);
      if (clientId === y.doc.clientID || !cursor || cached == null || cached < span!.from || cached > span!.to) return;
      const head = toPos(y, cursor.head);
      const anchor = toPos(y, cursor.anchor);
      if (head === null || anchor === null) return;
      const user = { ...((aw as { user?: User }).user ?? {}) };
      const h = Math.min(head, max);
      const a = Math.min(anchor, max);
      // The key names the look too: a peer who renames gets a new label.
      const key = `${clientId}:${String(user.name)}:${String(user.color)}`;
      sig += `${key}@${a}-${h};`;
      out.push(Decoration.widget(h, () => build.caret(user), { key, side: 10 }));
      out.push(Decoration.inline(Math.min(a, h), Math.max(a, h), build.selection(user), { inclusiveEnd: true, inclusiveStart: false }));
    });
    return { set: DecorationSet.create(state.doc, out), sig };
  };

  /** Converts the heads of `ids`, or of everyone: the expensive part. */
  const recount = (state: EditorState, ids: Iterable<number> | null) => {
    const y = syncState(state);
    if (!y) return;
    const states = awareness.getStates();
    if (ids === null) heads.clear();
    for (const id of ids ?? states.keys()) {
      const cursor = (states.get(id) as { cursor?: Cursor | null } | undefined)?.cursor;
      if (cursor) heads.set(id, toPos(y, cursor.head));
      else heads.delete(id);
    }
  };

  return new Plugin<DecorationSet>({
    key: nearCaretsKey,
    state: {
      init: () => DecorationSet.empty,
      apply(tr, prev, _old, next) {
        const meta = tr.getMeta(nearCaretsKey) as { set: DecorationSet; sig: string } | undefined;
        if (meta) {
          drawn = meta.sig;
          return meta.set;
        }
        // A remote change replaces the whole document (y-tiptap), so mapping would drop every
        // caret: redraw from cached heads, which costs only the carets on screen.
        if (tr.docChanged && (ySyncPluginKey.getState(next) as SyncState | undefined)?.isChangeOrigin) {
          const { set, sig } = decorate(next);
          drawn = sig;
          return set;
        }
        return tr.docChanged ? prev.map(tr.mapping, tr.doc) : prev;
      },
    },
    props: { decorations: (state) => nearCaretsKey.getState(state) },
    view(view) {
      let frame = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let changed = new Set<number>();
      let stale = true; // the document changed since the last full recount
      let lastRecount = -Infinity;
      const redraw = () => {
        frame = 0;
        if (view.isDestroyed) return;
        const now = performance.now();
        // Few people: recount all each time. A crowd: at most every RECOUNT_MS, the peers who
        // moved in between are recounted alone (the others have drifted by a few characters).
        const full = stale && (awareness.getStates().size <= 50 || now - lastRecount >= RECOUNT_MS);
        recount(view.state, full ? null : changed);
        if (full) {
          stale = false;
          lastRecount = now;
        } else if (stale && !timer) {
          timer = setTimeout(() => {
            timer = undefined;
            schedule();
          }, RECOUNT_MS);
        }
        changed = new Set();
        span = visibleSpan(view);
        const next = decorate(view.state);
        if (next.sig !== drawn) view.dispatch(view.state.tr.setMeta(nearCaretsKey, next));
      };
      const schedule = () => {
        if (!frame) frame = requestAnimationFrame(redraw);
      };
      const handleAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
        for (const id of [...added, ...updated, ...removed]) changed.add(id);
        schedule();
      };
      const win = view.dom.ownerDocument.defaultView;
      const publish = (focused?: Element | null) => publishCursor(view, awareness, focused);
      const handleFocusOut = (e: FocusEvent) => publish(e.relatedTarget as Element | null);
      const handleFocusIn = () => publish();
      awareness.on('change', handleAwareness);
      win?.addEventListener('scroll', schedule, { capture: true, passive: true });
      win?.addEventListener('resize', schedule, { passive: true });
      view.dom.addEventListener('focusin', handleFocusIn);
      view.dom.ownerDocument.addEventListener('focusout', handleFocusOut, true);
      schedule();
      return {
        update(v, prevState) {
          if (!v.state.doc.eq(prevState.doc)) {
            stale = true;
            schedule();
          }
          // Only while focused: during a blur (Tiptap dispatches one) the element that will get
          // the focus is not known yet; the focusout that follows decides.
          if (v.hasFocus()) publish();
        },
        destroy() {
          if (frame) cancelAnimationFrame(frame);
          clearTimeout(timer);
          awareness.off('change', handleAwareness);
          win?.removeEventListener('scroll', schedule, { capture: true });
          win?.removeEventListener('resize', schedule);
          view.dom.removeEventListener('focusin', handleFocusIn);
          view.dom.ownerDocument.removeEventListener('focusout', handleFocusOut, true);
          awareness.setLocalStateField('cursor', null);
        },
      };
    },
  });
}

/**
 * Tells the others where this person's selection is (y-tiptap's rule), except that the caret
 * stays while focus is on the editor's own tools (find box, toolbar, comments): the selection
 * has not moved, and clearing it would send an awareness update for nothing.
 */
function publishCursor(view: EditorView, awareness: Awareness, focused?: Element | null) {
  const y = ySyncPluginKey.getState(view.state) as SyncState | undefined;
  if (!y?.binding) return;
  const current = (awareness.getLocalState() ?? {}) as { cursor?: Cursor | null };
  if (view.hasFocus()) {
    const { anchor, head } = view.state.selection;
    const mapping = y.binding.mapping as never;
    const rel = { anchor: absolutePositionToRelativePosition(anchor, y.type, mapping), head: absolutePositionToRelativePosition(head, y.type, mapping) };
    const same = (a: unknown, b: Y.RelativePosition) => Y.compareRelativePositions(Y.createRelativePositionFromJSON(a), b);
    if (!current.cursor || !same(current.cursor.anchor, rel.anchor) || !same(current.cursor.head, rel.head)) awareness.setLocalStateField('cursor', rel);
    return;
  }
  // While focus moves (focusout), the element it goes to is the event's relatedTarget.
  const active = focused === undefined ? (view.root as Document | ShadowRoot).activeElement : focused;
  const tools = view.dom.closest('.tandem-editor');
  if (current.cursor && !(active && tools?.contains(active))) awareness.setLocalStateField('cursor', null);
}

/**
 * Tiptap's CollaborationCaret (its options, `updateUser` command and classes) with the carets
 * plugin above in place of y-tiptap's. Its `storage.users` is not kept: nothing reads it, and
 * refreshing it copied every peer's state on every awareness message.
 */
export const NearCarets = CollaborationCaret.extend({
  addProseMirrorPlugins() {
    const { provider, user, render, selectionRender } = this.options;
    const awareness = provider.awareness as Awareness;
    const announce = new Plugin({
      view: () => {
        awareness.setLocalStateField('user', user);
        return {};
      },
    });
    return [announce, nearCaretsPlugin(awareness, { caret: render, selection: selectionRender })];
  },
});

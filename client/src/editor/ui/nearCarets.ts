// Peers' carets for a crowded document (issue 28). y-tiptap's cursor plugin rebuilds every
// caret from scratch on each awareness change and each remote edit: with 300 people moving
// their cursors that is 300 position conversions 300 times a second, and 300 caret elements in
// the DOM. Here only carets near the visible part of the page are drawn, position conversions
// are cached per peer and redone only for peers whose cursor moved, and the rebuilds are
// coalesced to one per animation frame (in a crowd, one per CROWD_FRAME_MS). A remote edit
// moves the drawn carets along with the text instead of rebuilding them: it is on the path of
// every keystroke that arrives.
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Mapping, StepMap } from '@tiptap/pm/transform';
import type { Node as PMNode } from '@tiptap/pm/model';
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
/** More people than this is a crowd: positions are recounted in part, and redraws spaced. */
const CROWD = 50;
/**
 * In a crowd, carets are redrawn at most this often. Every redraw costs the page a layout and a
 * paint, and moves the carets that moved; presence arrives 20 times a second. At 2 redraws a
 * second 300 cursors moving once a second still read as moving (K300's pages, at 5 redraws a
 * second: 440 caret elements inserted a second, at 2: 270; the keystroke delay with the crowd
 * fell by ~0.5 ms).
 */
const CROWD_FRAME_MS = 500;
/**
 * A caret's name label shows while its person is active and fades once their cursor has been
 * still this long (as in Google Docs): a document full of idle people shows their carets, not a
 * wall of names. The caret gets IDLE_CLASS; the stylesheet fades the label.
 */
export const LABEL_IDLE_MS = 3000;
export const IDLE_CLASS = 'collaboration-carets__caret--idle';

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

/** Whether any of the steps removed something (a deleted range, not only an insertion). */
function deletes(maps: readonly StepMap[]): boolean {
  let any = false;
  for (const map of maps) map.forEach((oldStart, oldEnd) => (any ||= oldEnd > oldStart));
  return any;
}

/** What a set of carets shows, to skip dispatches that would change nothing. */
function signature(set: DecorationSet): string {
  return set
    .find()
    .map((d) => `${String((d.spec as { key?: string }).key)}@${d.from}-${d.to}`)
    .sort()
    .join(';');
}

/**
 * How a remote edit moved the text: y-tiptap replaces the whole document, whose mapping would
 * drop every caret, so the change is found by comparing the two documents (unchanged blocks are
 * the same nodes, so this is quick). Null when nothing changed.
 */
function changeMap(before: PMNode, after: PMNode): Mapping | null {
  const start = before.content.findDiffStart(after.content);
  if (start == null) return null;
  let { a: endA, b: endB } = before.content.findDiffEnd(after.content)!; // not null: they differ
  // The two scans may overlap where the text repeats (typing "a" after "a"): ProseMirror's rule.
  if (endA < start) {
    endB += start - endA;
    endA = start;
  }
  if (endB < start) {
    endA += start - endB;
    endB = start;
  }
  return new Mapping([new StepMap([start, endA - start, endB - start])]);
}

/**
 * The carets plugin: decorations for the peers whose cursor is in `span`, built from cached
 * head positions. The view keeps the cache and the span, and dispatches the new set.
 */
function nearCaretsPlugin(awareness: Awareness, build: Builders): Plugin<DecorationSet> {
  const heads = new Map<number, number | null>(); // clientId → head position when last converted
  let span: Span | null = null;
  // What the current set shows, to skip dispatches that change nothing; null after a remote
  // edit moved the set, until the next redraw reads it (off the path of the keystroke).
  let drawn: string | null = '';
  // Each peer's caret element, kept while the peer is drawn: ProseMirror matches widgets in
  // order, so when one caret moves it makes new views for the carets after it in the paragraph;
  // given the same element, it leaves those in place instead of re-creating them.
  // (with its peer, whose label it fades in place: no redraw)
  let elements = new Map<string, { element: HTMLElement; clientId: number }>();
  // Where each peer's cursor was and when it last moved (or the peer arrived), for the labels' fading.
  const moves = new Map<number, { where: string; at: number }>();
  /** Notes the peers whose cursor moved (a state change that leaves it, a rename say, is not a move). */
  const noteMoves = (ids: Iterable<number>, now: number) => {
    const states = awareness.getStates();
    for (const id of ids) {
      const cursor = (states.get(id) as { cursor?: Cursor | null } | undefined)?.cursor;
      const where = cursor ? JSON.stringify(cursor) : '';
      if (moves.get(id)?.where !== where) moves.set(id, { where, at: now });
    }
  };

  /** Marks each drawn caret idle or not; returns when the next one turns idle (or Infinity). */
  const markIdle = (now: number): number => {
    let next = Infinity;
    elements.forEach(({ element, clientId }) => {
      const idleAt = (moves.get(clientId)?.at ?? -Infinity) + LABEL_IDLE_MS;
      if (idleAt > now) next = Math.min(next, idleAt);
      // (toggle with a force that changes nothing leaves the element alone: no style recalc)
      element.classList.toggle(IDLE_CLASS, idleAt <= now);
    });
    return next;
  };

  const decorate = (state: EditorState): { set: DecorationSet; sig: string } => {
    const y = syncState(state);
    if (!y || !span) return { set: DecorationSet.empty, sig: '' };
    const max = Math.max(state.doc.content.size - 1, 0);
    const out: Decoration[] = [];
    const kept = new Map<string, { element: HTMLElement; clientId: number }>();
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
      const element = elements.get(key)?.element ?? build.caret(user);
      kept.set(key, { element, clientId });
      out.push(Decoration.widget(h, element, { key, side: 10 }));
      out.push(Decoration.inline(Math.min(a, h), Math.max(a, h), build.selection(user), { key: `selection ${key}`, inclusiveEnd: true, inclusiveStart: false }));
    });
    elements = kept;
    const set = DecorationSet.create(state.doc, out);
    return { set, sig: signature(set) };
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
      apply(tr, prev, old, next) {
        const meta = tr.getMeta(nearCaretsKey) as { set: DecorationSet; sig: string } | undefined;
        if (meta) {
          drawn = meta.sig;
          return meta.set;
        }
        // A remote change replaces the whole document (y-tiptap): the carets move with the
        // text as it really changed, and the next redraw (the view schedules one) converts
        // their positions afresh.
        if (tr.docChanged && (ySyncPluginKey.getState(next) as SyncState | undefined)?.isChangeOrigin) {
          const change = changeMap(old.doc, next.doc);
          if (!change) return prev; // the same text: the same positions
          drawn = null;
          return prev.map(change, next.doc);
        }
        if (!tr.docChanged) return prev;
        // ProseMirror drops a caret whose character on its side (the next one) is deleted, here
        // by this person: what is drawn is then no longer what was signed, and the next redraw
        // must compare against it, or that caret would stay away until its person moved. Typing
        // deletes nothing, and keeps the cheaper comparison.
        if (deletes(tr.mapping.maps)) drawn = null;
        return prev.map(tr.mapping, tr.doc);
      },
    },
    props: { decorations: (state) => nearCaretsKey.getState(state) },
    view(view) {
      let frame = 0;
      let spaced: ReturnType<typeof setTimeout> | undefined; // a crowd's next redraw, waiting its turn
      let timer: ReturnType<typeof setTimeout> | undefined;
      let changed = new Set<number>();
      let stale = true; // the document changed since the last full recount
      let lastRecount = -Infinity;
      let lastRedraw = -Infinity;
      let moved = true; // scrolled or resized since the visible span was measured
      let spanAt = -Infinity;
      let fade: ReturnType<typeof setTimeout> | undefined; // the next label to fade
      const fadeLabels = () => {
        clearTimeout(fade);
        fade = undefined;
        if (view.isDestroyed) return;
        const now = performance.now();
        const next = markIdle(now);
        if (next !== Infinity) fade = setTimeout(fadeLabels, next - now);
      };
      const redraw = () => {
        frame = 0;
        if (view.isDestroyed) return;
        const now = performance.now();
        lastRedraw = now;
        const crowd = awareness.getStates().size > CROWD;
        // Few people: recount all each time. A crowd: at most every RECOUNT_MS, the peers who
        // moved in between are recounted alone (the others have drifted by a few characters).
        const full = stale && (!crowd || now - lastRecount >= RECOUNT_MS);
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
        // Measuring the visible span makes the browser lay the page out: only after a scroll or
        // a resize, or at most every RECOUNT_MS as the text changes (the span reaches a screen
        // beyond what is visible, so a few lines of drift do not matter).
        if (moved || now - spanAt >= RECOUNT_MS) {
          span = visibleSpan(view);
          spanAt = now;
          moved = false;
        }
        const next = decorate(view.state);
        drawn ??= signature(nearCaretsKey.getState(view.state) ?? DecorationSet.empty);
        if (next.sig !== drawn) view.dispatch(view.state.tr.setMeta(nearCaretsKey, next));
        fadeLabels();
      };
      const schedule = () => {
        if (frame || spaced) return;
        const wait = awareness.getStates().size > CROWD ? lastRedraw + CROWD_FRAME_MS - performance.now() : 0;
        if (wait <= 0) frame = requestAnimationFrame(redraw);
        else
          spaced = setTimeout(() => {
            spaced = undefined;
            schedule();
          }, wait);
      };
      const handleMove = () => {
        moved = true;
        schedule();
      };
      const handleAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
        const now = performance.now();
        for (const id of [...added, ...updated, ...removed]) changed.add(id);
        noteMoves([...added, ...updated], now);
        for (const id of removed) moves.delete(id);
        schedule();
      };
      const win = view.dom.ownerDocument.defaultView;
      const publish = (focused?: Element | null) => publishCursor(view, awareness, focused);
      const handleFocusOut = (e: FocusEvent) => publish(e.relatedTarget as Element | null);
      const handleFocusIn = () => publish();
      noteMoves(awareness.getStates().keys(), performance.now()); // those already here show their names first
      awareness.on('change', handleAwareness);
      win?.addEventListener('scroll', handleMove, { capture: true, passive: true });
      win?.addEventListener('resize', handleMove, { passive: true });
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
          clearTimeout(spaced);
          clearTimeout(timer);
          clearTimeout(fade);
          awareness.off('change', handleAwareness);
          win?.removeEventListener('scroll', handleMove, { capture: true });
          win?.removeEventListener('resize', handleMove);
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

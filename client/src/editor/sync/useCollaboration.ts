import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import { removeAwarenessStates } from 'y-protocols/awareness';
import { TandemApi } from '../api/TandemApi';
import { deferRemoteWrites } from './offlineCopy';
import { CloseCode, shouldReconnect, TERMINAL_CLOSE_CODES } from './closeCodes';
import { watchSaved } from './savedWatch';
import type { TandemAccess, TandemSaved, TandemStatus } from '../types';

export interface CollaborationSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
  persistence: IndexeddbPersistence;
  /** `saved` as it changes, for a view that follows it without re-rendering (StatusBadge). */
  saved: SavedSource;
}

/** A value read now and followed from outside React. */
export interface SavedSource {
  get(): TandemSaved;
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

function savedSource(read: () => TandemSaved): SavedSource & { changed(): void } {
  const listeners = new Set<() => void>();
  return {
    get: read,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed: () => listeners.forEach((listener) => listener()),
  };
}

export interface CollaborationState {
  /** null until the effect ran, and during the render in which url/document/token changed */
  session: CollaborationSession | null;
  status: TandemStatus;
  saved: TandemSaved;
  access: TandemAccess;
  /** Deletes the offline copy (edits the server refused with 4413) and opens the document afresh. */
  discardUnsent: () => void;
}

const noop = () => undefined;

/** Deletes an IndexedDB database; resolves once deleted (or queued behind another tab that has it open). */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/** The offline copy is keyed by server too, so a stale copy never leaks into another server's document. */
export function offlineStoreName(url: string, document: string): string {
  return `tandem:${url}:${document}`;
}

/**
 * y-websocket sends every awareness change back to the server, including the ones it just heard
 * from the server: each keystroke of a peer (their caret moves) would cost us an encode and a
 * send, and the server a decode, on the path of the next update. Only our own changes go out.
 */
function muteAwarenessEcho(provider: WebsocketProvider): void {
  const relay = provider._awarenessUpdateHandler;
  provider.awareness.off('update', relay);
  const self = provider.doc.clientID;
  provider._awarenessUpdateHandler = (change, origin) => {
    // Still answer when the server touched our own entry (e.g. dropped us after missed pongs:
    // y-protocols then bumps our clock, and this send re-announces us).
    const { added, updated, removed } = change as { added: number[]; updated: number[]; removed: number[] };
    if (origin !== provider || added.includes(self) || updated.includes(self) || removed.includes(self)) relay(change, origin);
  };
  // destroy() unsubscribes whatever is in _awarenessUpdateHandler, i.e. this wrapper.
  provider.awareness.on('update', provider._awarenessUpdateHandler);
}

/**
 * Owns one document's Y.Doc, WebSocket provider and IndexedDB copy, and destroys all three when
 * the component unmounts or `url`/`document`/`token` change. Also tracks the connection status
 * truthfully: "connecting" only until the first attempt settles, "offline" whenever the socket is
 * down after having been up or the server cannot be reached.
 *
 * `saved` changes twice per keystroke ("saving", then "saved" when the server's acknowledgement
 * comes). With `savedInState` false it is not state (the component does not re-render for it):
 * `session.saved` follows it instead. Every React commit while the editor has the focus saves
 * and restores the selection, walking the editor's DOM up to it; in a document with 300 people,
 * whose carets are in that DOM, each commit cost the typist's page ~0.8 ms (0.5 with no one else).
 */
export function useCollaboration(url: string, document: string, token: string | undefined, savedInState = true): CollaborationState {
  // Bumped by discardUnsent: a new Y.Doc, provider and (empty) offline copy.
  const [generation, setGeneration] = useState(0);
  const key = `${url}\n${document}\n${token ?? ''}\n${generation}`;
  const [state, setState] = useState<CollaborationState & { key: string }>({
    key: '',
    session: null,
    status: 'connecting',
    saved: 'saved',
    access: { kind: 'unknown' },
    discardUnsent: noop,
  });

  useEffect(() => {
    const doc = new Y.Doc();
    // Provider first: listeners of doc 'update' run in order, so a keystroke goes out on the
    // socket before its IndexedDB write is queued.
    const provider = new WebsocketProvider(url, encodeURIComponent(document), doc, {
      // acks=1: the server tells us what is on its disk (message type 100), for "All changes saved".
      params: token ? { token, acks: '1' } : { acks: '1' },
      maxBackoffTime: 2500,
      shouldReconnect,
    });
    const persistence = new IndexeddbPersistence(offlineStoreName(url, document), doc);
    const flushOfflineCopy = deferRemoteWrites(persistence, doc, provider);
    muteAwarenessEcho(provider);
    const saved = savedSource(() => savedWatch.saved);
    const session: CollaborationSession = { doc, provider, persistence, saved };
    const aborter = new AbortController();
    let status: TandemStatus = provider.wsconnected ? 'connected' : 'connecting';
    let access: TandemAccess = { kind: 'unknown' };
    let checking = false;
    let discarding = false;

    const discardUnsent = () => {
      if (discarding) return;
      discarding = true;
      provider.disconnect();
      flushOfflineCopy(); // nothing may write to the database after it is closed
      void persistence
        .destroy()
        .then(() => deleteDatabase(offlineStoreName(url, document)))
        .then(() => {
          if (!aborter.signal.aborted) setGeneration((g) => g + 1);
        });
    };
    const publish = () => {
      if (!aborter.signal.aborted) setState({ key, session, status, saved: savedWatch.saved, access, discardUnsent });
    };
    const savedWatch = watchSaved(doc, provider, persistence, () => status === 'connected', () => {
      saved.changed();
      if (savedInState) publish();
    });
    const setStatus = (next: TandemStatus) => {
      if (next !== status) {
        status = next;
        if (savedWatch.recompute()) saved.changed();
        publish();
      }
    };
    let stopped = false;
    const stop = (next: TandemAccess) => {
      stopped = true;
      access = next;
      provider.disconnect(); // shouldConnect = false: no more retries
      status = 'offline';
      if (savedWatch.recompute()) saved.changed();
      publish();
    };

    const checkAccess = async () => {
      if (checking) return;
      checking = true;
      try {
        const answer = await TandemApi.forServer(url, token).access(document, aborter.signal).catch(() => null);
        // A stop (a refused change, the size limit, deletion) stays until the person chooses: an
        // answer to the question asked at opening may arrive after it, and must not hide it.
        if (aborter.signal.aborted || answer === null || (stopped && answer.kind === 'granted')) return;
        if (answer.kind === 'denied' || answer.kind === 'expired') stop(answer);
        else {
          access = answer;
          publish();
        }
      } finally {
        checking = false;
      }
    };

    const handleStatus = ({ status: s }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
      if (s === 'connected') setStatus('connected');
      else if (s === 'disconnected') setStatus('offline');
      // Retries after a failure stay "offline": the truth until a socket actually opens.
      else if (status !== 'offline') setStatus('connecting');
    };
    const handleClose = (event: CloseEvent | null, p: WebsocketProvider) => {
      if (event === null) return; // closed by us (disconnect, or the silence watchdog reconnecting)
      const opened = p.wsconnected || status === 'connected';
      setStatus('offline');
      if (event.code === TERMINAL_CLOSE_CODES.deleted) {
        // Gone on the server: the copy on this device must not bring it back on a later visit.
        stop({ kind: 'deleted', reason: event.reason || 'document deleted' });
        flushOfflineCopy();
        void persistence.clearData();
      } else if (event.code === CloseCode.DocumentTooLarge) {
        stop({ kind: 'tooLarge', reason: event.reason || 'document too large' });
      } else if (event.code === TERMINAL_CLOSE_CODES.tokenExpired) {
        // A token's end is final; a signed-in session's (logout, access removed) is asked about,
        // so that the page says why.
        if (token) stop({ kind: 'expired', reason: event.reason || 'token expired' });
        else void checkAccess();
      } else if (event.code === TERMINAL_CLOSE_CODES.policy) {
        // A change of ours the server does not allow (an origin refusal comes before the upgrade):
        // it sits in the offline copy and would be refused on every visit, so the person chooses.
        stop({ kind: 'forbiddenWrite', reason: event.reason || 'change not allowed' });
      } else if (!shouldReconnect(event)) {
        stop({ kind: 'refused', code: event.code, reason: event.reason });
      } else if (token || !opened || event.code === CloseCode.AccessChanged) {
        // 4403: our access changed; y-websocket reconnects at once, and we learn the new mode.
        void checkAccess();
      }
    };
    provider.on('status', handleStatus);
    provider.on('connection-close', handleClose);
    void checkAccess(); // every opening asks what we may do here (read-only, comment, write)

    // Closing the tab: tell peers at once rather than waiting for the server to notice. If the
    // page comes back from the back/forward cache, say hello again with the same state.
    let hiddenState: Record<string, unknown> | null = null;
    const handlePageHide = () => {
      flushOfflineCopy();
      hiddenState = provider.awareness.getLocalState();
      removeAwarenessStates(provider.awareness, [doc.clientID], 'pagehide');
    };
    const handlePageShow = (e: PageTransitionEvent) => {
      if (e.persisted && hiddenState) provider.awareness.setLocalState(hiddenState);
    };
    window.addEventListener('pagehide', handlePageHide);
    window.addEventListener('pageshow', handlePageShow);

    publish();
    return () => {
      aborter.abort();
      window.removeEventListener('pagehide', handlePageHide);
      window.removeEventListener('pageshow', handlePageShow);
      provider.off('status', handleStatus);
      provider.off('connection-close', handleClose);
      savedWatch.stop();
      removeAwarenessStates(provider.awareness, [doc.clientID], 'unmount');
      provider.destroy();
      provider.awareness.destroy();
      flushOfflineCopy();
      void persistence.destroy();
      doc.destroy();
    };
  }, [key, url, document, token, savedInState]);

  // Never hand out a session that belongs to the previous document.
  if (state.key !== key) return { session: null, status: 'connecting', saved: 'saved', access: { kind: 'unknown' }, discardUnsent: noop };
  return state;
}

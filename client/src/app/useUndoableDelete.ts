import { useCallback, useEffect, useRef, useState } from 'react';
import { deleteDocument } from './workspaceApi';
import { forgetDoc } from './storage';

/** How long the undo toast stays before the delete is sent. */
export const UNDO_MS = 8000;

export interface PendingDelete {
  name: string;
  title: string;
}

/**
 * A delete that can be taken back: the document leaves the list at once, and the DELETE (which
 * closes everyone with 4404 and cannot be undone) is sent only when the toast closes — by
 * itself after UNDO_MS, by its close button, by the next delete, or by leaving the page.
 */
export function useUndoableDelete(onDeleted: (name: string) => void) {
  const [pending, setPending] = useState<PendingDelete | null>(null);
  const pendingRef = useRef<PendingDelete | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const onDeletedRef = useRef(onDeleted);
  onDeletedRef.current = onDeleted;

  const commit = useCallback(() => {
    window.clearTimeout(timer.current);
    const doc = pendingRef.current;
    pendingRef.current = null;
    setPending(null);
    if (!doc) return;
    forgetDoc(doc.name);
    onDeletedRef.current(doc.name);
    void deleteDocument(doc.name).catch(() => undefined);
  }, []);

  const start = useCallback(
    (doc: PendingDelete) => {
      commit();
      pendingRef.current = doc;
      setPending(doc);
      timer.current = window.setTimeout(commit, UNDO_MS);
    },
    [commit],
  );

  const undo = useCallback(() => {
    window.clearTimeout(timer.current);
    pendingRef.current = null;
    setPending(null);
  }, []);

  // Leaving the page closes the toast: the delete goes out then.
  useEffect(() => {
    window.addEventListener('pagehide', commit);
    return () => {
      window.removeEventListener('pagehide', commit);
      commit();
    };
  }, [commit]);

  return { pending, start, undo, commit };
}

import { UNTITLED } from '@tandem/schema';
import type { PendingDelete } from './useUndoableDelete';

/** "Deleted …" with Undo; closing it (×) sends the delete at once. */
export function DeleteToast({ pending, onUndo, onClose }: { pending: PendingDelete | null; onUndo: () => void; onClose: () => void }) {
  if (!pending) return null;
  return (
    <div className="home__toast" role="status" data-pending-delete={pending.name}>
      <span>Deleted “{pending.title || UNTITLED}”</span>
      <button type="button" className="home__toast-undo" onClick={onUndo}>
        Undo
      </button>
      <button type="button" className="home__toast-close" aria-label="Close" onClick={onClose}>
        ×
      </button>
    </div>
  );
}

import { useEffect, useId, useRef } from 'react';
import { useReturnFocus } from '../a11y';

/**
 * Asks before a restore, saying what it does: everyone's document becomes that version, and the
 * text it replaces stays in the history (the toast then offers to undo it).
 */
export function RestoreConfirm({ when, busy, onRestore, onCancel }: { when: string; busy: boolean; onRestore: () => void; onCancel: () => void }) {
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  const returnFocus = useReturnFocus();
  useEffect(() => cancel.current?.focus(), []);
  const close = () => {
    onCancel();
    returnFocus();
  };
  return (
    <div
      className="tandem-history__confirm"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        close();
      }}
    >
      <p id={`${id}-title`} className="tandem-history__confirm-title">Restore this version?</p>
      <p id={`${id}-text`}>
        The document becomes the version of {when} for everyone editing it. The current text is kept in the history, and you can undo the restore.
      </p>
      <div className="tandem-history__confirm-actions">
        <button type="button" ref={cancel} onClick={close}>Cancel</button>
        <button type="button" className="tandem-history__restore" disabled={busy} onClick={onRestore}>Restore</button>
      </div>
    </div>
  );
}

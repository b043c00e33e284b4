import { useLayoutEffect, useRef, useState } from 'react';
import type { SavedSource } from '../sync/useCollaboration';
import type { TandemAccess, TandemSaved, TandemStatus } from '../types';

const TEXT: Record<TandemStatus, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  offline: 'Offline — edits saved on this device',
};

/** While connected the words say where our edits are: on the server's disk, or on their way. */
export function statusText(status: TandemStatus, saved: TandemSaved): string {
  if (status !== 'connected') return TEXT[status];
  return saved === 'saved' ? 'All changes saved' : 'Saving…';
}

/**
 * The status and where our edits are. `saved` changes twice per keystroke: the badge follows it
 * by writing its own text and `data-saved`, not by re-rendering (useCollaboration says why), so
 * React renders only the element and never its content.
 */
export function StatusBadge({ status, saved }: { status: TandemStatus; saved: SavedSource | null }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const badge = ref.current!;
    const dot = document.createElement('span');
    dot.className = 'tandem-status__dot';
    dot.setAttribute('aria-hidden', 'true');
    const text = document.createTextNode('');
    badge.replaceChildren(dot, text);
    const show = () => {
      const now = saved?.get() ?? 'saved';
      const words = statusText(status, now);
      if (badge.dataset.saved !== now) badge.dataset.saved = now;
      if (text.data !== words) text.data = words; // a live region: unchanged words are not announced again
    };
    show();
    return saved?.subscribe(show);
  }, [status, saved]);
  return <span ref={ref} className={`tandem-status tandem-status--${status}`} role="status" data-status={status} />;
}

/**
 * 4413 (the document's size limit) or 1008 (a change we may not make): our edit sits in the
 * offline copy and would be sent (and refused) again on every load, so the person chooses: drop
 * it, or keep reading what they have without editing.
 */
function RefusedChange({ kind, text, reason, onDiscard }: { kind: 'tooLarge' | 'forbiddenWrite'; text: string; reason: string; onDiscard: () => void }) {
  const [chosen, setChosen] = useState(false);
  return (
    <span className="tandem-notice tandem-notice--error tandem-notice--choice" role="alert" data-access={kind} title={reason}>
      {text}
      {!chosen && (
        <>
          <button type="button" className="tandem-notice__button" onClick={onDiscard}>
            Discard unsent changes
          </button>
          <button type="button" className="tandem-notice__button" onClick={() => setChosen(true)}>
            Stay read-only
          </button>
        </>
      )}
    </span>
  );
}

/** Why we stopped (or are limited): shown next to the status, in words. */
export function AccessNotice({ access, onDiscard }: { access: TandemAccess; onDiscard: () => void }) {
  switch (access.kind) {
    case 'tooLarge':
      return <RefusedChange kind="tooLarge" text="This document has reached its size limit" reason={access.reason} onDiscard={onDiscard} />;
    case 'forbiddenWrite':
      return <RefusedChange kind="forbiddenWrite" text={`The server refused a change: ${access.reason}`} reason={access.reason} onDiscard={onDiscard} />;
    case 'unknown':
      return null;
    case 'granted':
      if (access.mode === 'write') return null;
      return (
        <span className="tandem-notice tandem-notice--info" data-access={access.mode}>
          {access.mode === 'read' ? 'Read only' : 'Can comment'}
        </span>
      );
    case 'denied':
      return (
        <span className="tandem-notice tandem-notice--error" role="alert" data-access="denied" title={access.reason}>
          Access denied
        </span>
      );
    case 'expired':
      return (
        <span className="tandem-notice tandem-notice--error" role="alert" data-access="expired" title={access.reason}>
          Link expired
        </span>
      );
    case 'deleted':
      return (
        <span className="tandem-notice tandem-notice--error" role="alert" data-access="deleted" title={access.reason}>
          This document was deleted
        </span>
      );
    case 'refused':
      return (
        <span className="tandem-notice tandem-notice--error" role="alert" data-access="refused" title={access.reason}>
          Disconnected by the server ({access.code})
        </span>
      );
  }
}

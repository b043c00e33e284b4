import type { TandemAccess, TandemStatus } from './types';

const TEXT: Record<TandemStatus, string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  offline: 'Offline — edits saved on this device',
};

export function StatusBadge({ status }: { status: TandemStatus }) {
  return (
    <span className={`tandem-status tandem-status--${status}`} role="status" data-status={status}>
      <span className="tandem-status__dot" aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}

/** Why we stopped (or are limited): shown next to the status, in words. */
export function AccessNotice({ access }: { access: TandemAccess }) {
  switch (access.kind) {
    case 'unknown':
      return null;
    case 'granted':
      return access.mode === 'read' ? (
        <span className="tandem-notice tandem-notice--info" data-access="read">
          Read only
        </span>
      ) : null;
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

import { useCallback, useState } from 'react';
import type { EditorMode } from './SuggestChanges';

const LABELS: Record<EditorMode, string> = { editing: 'Editing', suggesting: 'Suggesting', viewing: 'Viewing' };
const HINTS: Record<EditorMode, string> = {
  editing: 'Edit the document directly',
  suggesting: 'Edits become suggestions',
  viewing: 'Read the document without changing it',
};

/** What each access may choose, its default first (DESIGN.md, "Contract — review: suggestions"). */
export function modesFor(access: 'read' | 'comment' | 'write' | undefined): readonly EditorMode[] {
  if (access === 'read') return ['viewing'];
  if (access === 'comment') return ['suggesting', 'viewing'];
  return ['editing', 'suggesting', 'viewing'];
}

/** Remembered per document, keyed like the offline copy (server and name), so that servers never mix. */
function storageKey(url: string, document: string): string {
  return `tandem:mode:${url}:${document}`;
}

function recall(key: string): EditorMode | null {
  try {
    const value = localStorage.getItem(key);
    return value === 'editing' || value === 'suggesting' || value === 'viewing' ? value : null;
  } catch {
    return null; // storage unavailable (privacy modes): the default
  }
}

/** The mode the person chose for this document (null: none yet), and a setter that remembers it. */
export function useChosenMode(url: string, document: string): [EditorMode | null, (mode: EditorMode) => void] {
  const key = storageKey(url, document);
  const [chosen, setChosen] = useState<{ key: string; mode: EditorMode | null }>(() => ({ key, mode: recall(key) }));
  const mode = chosen.key === key ? chosen.mode : recall(key);
  const choose = useCallback(
    (next: EditorMode) => {
      setChosen({ key, mode: next });
      try {
        localStorage.setItem(key, next);
      } catch {
        // not remembered; the choice holds for this visit
      }
    },
    [key],
  );
  return [mode, choose];
}

/** Editing, Suggesting, Viewing: buttons with `aria-pressed`, only the modes this access allows. */
export function ModeSwitch({ modes, mode, onChange }: { modes: readonly EditorMode[]; mode: EditorMode; onChange: (mode: EditorMode) => void }) {
  return (
    <div className="tandem-modes" role="group" aria-label="Mode" data-mode={mode}>
      {modes.map((m) => (
        <button key={m} type="button" className="tandem-modes__mode" aria-pressed={m === mode} title={HINTS[m]} onClick={() => onChange(m)}>
          {LABELS[m]}
        </button>
      ))}
    </div>
  );
}

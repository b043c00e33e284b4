import { useState } from 'react';
import type * as Y from 'yjs';
import { MAX_TITLE_CHARS, UNTITLED } from '@tandem/schema';
import { replaceTitle, useDocTitle } from '../editor/title';

/** At most MAX_TITLE_CHARS characters (code points, as the server counts them). */
const clamp = (value: string): string => [...value].slice(0, MAX_TITLE_CHARS).join('');

/**
 * The document's title in the header: "Untitled document" until someone sets it. A writer clicks
 * it to edit it in place: the input is bound to the Y.Text, so every keystroke reaches everyone
 * live (and works offline), as the body does. `startEditing`: a new document opens with the
 * cursor here.
 */
export function TitleField({ doc, editable, startEditing = false }: { doc: Y.Doc | null; editable: boolean; startEditing?: boolean }) {
  const title = useDocTitle(doc);
  const [editing, setEditing] = useState(startEditing);
  const shown = title || UNTITLED;
  if (!doc || !editable) {
    return (
      <span className="doc-header__name doc-header__title" data-untitled={title === '' || undefined} title={shown}>
        {shown}
      </span>
    );
  }
  if (editing) {
    return (
      <input
        className="doc-header__name doc-header__title-input"
        aria-label="Document title"
        placeholder={UNTITLED}
        value={title}
        autoFocus
        onChange={(e) => replaceTitle(doc, clamp(e.target.value))}
        onBlur={() => setEditing(false)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === 'Escape') {
            e.preventDefault();
            setEditing(false);
          }
        }}
      />
    );
  }
  return (
    <button type="button" className="doc-header__name doc-header__title" data-untitled={title === '' || undefined} title="Rename" onClick={() => setEditing(true)}>
      {shown}
    </button>
  );
}

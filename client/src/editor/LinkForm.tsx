import type { Editor } from '@tiptap/react';
import { useState, type FormEvent } from 'react';

/** A small inline form instead of window.prompt, which would block the page (and peers' carets). */
export function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const [href, setHref] = useState<string>(() => (editor.getAttributes('link').href as string | undefined) ?? 'https://');

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const value = href.trim();
    const chain = editor.chain().focus().extendMarkRange('link');
    if (value === '' || value === 'https://') chain.unsetLink().run();
    else chain.setLink({ href: value }).run();
    onClose();
  };

  return (
    <form className="tandem-linkform" onSubmit={apply} aria-label="Edit link">
      <input
        type="url"
        aria-label="Link address"
        value={href}
        autoFocus
        onChange={(e) => setHref(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
            editor.commands.focus();
          }
        }}
      />
      <button type="submit">Apply</button>
      {editor.isActive('link') && (
        <button type="button" onClick={() => { editor.chain().focus().extendMarkRange('link').unsetLink().run(); onClose(); }}>
          Remove
        </button>
      )}
    </form>
  );
}

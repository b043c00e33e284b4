import type { Editor } from '@tiptap/react';
import { useState, type FormEvent } from 'react';
import { normalizeHref } from '../content/linkHref';

/**
 * A small inline form instead of window.prompt, which would block the page (and peers' carets).
 * With text selected (or a link under the caret) it sets that link's address; with nothing
 * selected it also asks for the text, and inserts it linked.
 */
export function LinkForm({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const current = editor.getAttributes('link').href as string | undefined;
  const [href, setHref] = useState<string>(current ?? '');
  const [needsText] = useState(() => editor.state.selection.empty && !editor.isActive('link'));
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    onClose();
    editor.commands.focus();
  };
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (href.trim() === '' && !needsText) {
      editor.chain().focus().extendMarkRange('link').unsetLink().run();
      onClose();
      return;
    }
    const address = normalizeHref(href);
    if (address === null) {
      setError('Enter a web address (example.com) or an email address');
      return;
    }
    if (needsText) {
      const label = text.trim() === '' ? address.replace(/^mailto:/, '') : text;
      editor.chain().focus().insertContent({ type: 'text', text: label, marks: [{ type: 'link', attrs: { href: address } }] }).run();
    } else {
      editor.chain().focus().extendMarkRange('link').setLink({ href: address }).run();
    }
    onClose();
  };
  const escape = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  };

  return (
    <form className="tandem-linkform" onSubmit={apply} aria-label="Edit link">
      {needsText && <input type="text" aria-label="Text to display" placeholder="Text" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={escape} />}
      <input
        type="text"
        inputMode="url"
        aria-label="Link address"
        placeholder="example.com"
        value={href}
        autoFocus
        aria-invalid={error !== null}
        onChange={(e) => {
          setHref(e.target.value);
          setError(null);
        }}
        onKeyDown={escape}
      />
      <button type="submit">Apply</button>
      {current !== undefined && (
        <button type="button" onClick={() => { editor.chain().focus().extendMarkRange('link').unsetLink().run(); onClose(); }}>
          Remove
        </button>
      )}
      {error && (
        <span className="tandem-linkform__error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

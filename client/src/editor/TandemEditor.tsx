import { EditorContent, useEditorState } from '@tiptap/react';
import type { Editor } from '@tiptap/core';
import { useEffect } from 'react';
import { Presence } from './Presence';
import { AccessNotice, StatusBadge } from './StatusBadge';
import { Toolbar } from './Toolbar';
import { useLatest, useTandem } from './useTandem';
import type { TandemEditorProps } from './types';

// Runs on every transaction: stop at the first heading instead of walking the whole document.
function firstHeading({ editor }: { editor: Editor | null }): string {
  if (!editor) return '';
  const { doc } = editor.state;
  for (let i = 0; i < doc.childCount; i++) {
    const node = doc.child(i);
    if (node.type.name === 'heading') return node.textContent.trim();
  }
  return '';
}

/**
 * The embeddable editor: one document, live with everyone else on it, kept on this device
 * (IndexedDB) so that offline edits survive a reload and merge on reconnect. Styles come from
 * tandem-editor.css (the host imports it; /embed.js puts it in its shadow root).
 */
export function TandemEditor({ onTitleChange, toolbar = true, className, ...options }: TandemEditorProps) {
  const { editor, awareness, status, saved, access, discardUnsent, editable } = useTandem(options);

  const title = useEditorState({ editor, selector: firstHeading });
  const onTitleRef = useLatest(onTitleChange);
  useEffect(() => {
    if (title !== null) onTitleRef.current?.(title);
  }, [title, onTitleRef]);

  return (
    <div className={className ? `tandem-editor ${className}` : 'tandem-editor'} data-document={options.document}>
      <div className="tandem-bar">
        {editor && toolbar !== false && (typeof toolbar === 'function' ? toolbar({ editor, editable }) : <Toolbar editor={editor} editable={editable} />)}
        <span className="tandem-bar__spacer" />
        {awareness && <Presence awareness={awareness} />}
        <AccessNotice access={access} onDiscard={discardUnsent} />
        <StatusBadge status={status} saved={saved} />
      </div>
      {editor && (
        <div
          className="tandem-page"
          onMouseDown={(e) => {
            // Clicking the margins of the page puts the caret at the end, like a word processor.
            if (e.target === e.currentTarget) {
              e.preventDefault();
              editor.commands.focus('end');
            }
          }}
        >
          <EditorContent editor={editor} className="tandem-page__content" />
        </div>
      )}
    </div>
  );
}

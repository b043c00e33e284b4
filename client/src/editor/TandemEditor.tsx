import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import { FRAGMENT, tandemExtensions } from '@tandem/schema';
// For the types only: StarterKit's commands (toggleBold…) extend Tiptap's command types.
import type {} from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { useEffect, useRef, type ReactNode } from 'react';
import { renderCaret, renderSelection } from './carets';
import { Presence } from './Presence';
import { AccessNotice, StatusBadge } from './StatusBadge';
import { Toolbar } from './Toolbar';
import { useCollaboration, type CollaborationSession } from './useCollaboration';
import type { TandemEditorProps, TandemUser } from './types';
import './tandem-editor.css';

/** Calls the latest `fn` without making it an effect dependency (hosts pass inline lambdas). */
function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}

/**
 * The embeddable editor: one document, live with everyone else on it, kept on this device
 * (IndexedDB) so that offline edits survive a reload and merge on reconnect.
 */
export function TandemEditor({ url, document, user, token, editable = true, onStatus, onTitleChange, className }: TandemEditorProps) {
  const { session, status, access } = useCollaboration(url, document, token);
  const onStatusRef = useLatest(onStatus);
  useEffect(() => onStatusRef.current?.(status), [status, onStatusRef]);

  const readOnly = access.kind === 'granted' && access.mode === 'read';
  const blocked = access.kind === 'denied' || access.kind === 'expired' || access.kind === 'refused' || access.kind === 'deleted';
  const canEdit = editable && !readOnly && !blocked;

  return (
    <div className={className ? `tandem-editor ${className}` : 'tandem-editor'} data-document={document}>
      {session ? (
        <CollaborativeEditor
          key={session.doc.guid}
          session={session}
          user={user}
          editable={canEdit}
          onTitleChange={onTitleChange}
          statusSlot={
            <>
              <AccessNotice access={access} />
              <StatusBadge status={status} />
            </>
          }
        />
      ) : (
        <div className="tandem-bar">
          <span className="tandem-bar__spacer" />
          <StatusBadge status={status} />
        </div>
      )}
    </div>
  );
}

interface InnerProps {
  session: CollaborationSession;
  user: TandemUser;
  editable: boolean;
  onTitleChange: ((title: string) => void) | undefined;
  statusSlot: ReactNode;
}

// Runs on every transaction: stop at the first heading instead of walking the whole document.
function firstHeading({ editor }: { editor: Editor }): string {
  const { doc } = editor.state;
  for (let i = 0; i < doc.childCount; i++) {
    const node = doc.child(i);
    if (node.type.name === 'heading') return node.textContent.trim();
  }
  return '';
}

function CollaborativeEditor({ session, user, editable, onTitleChange, statusSlot }: InnerProps) {
  const { doc, provider } = session;
  const editor = useEditor(
    {
      extensions: [
        // The document schema is shared with the server's conversions (schema/).
        ...tandemExtensions(),
        Collaboration.configure({ fragment: doc.getXmlFragment(FRAGMENT) }),
        CollaborationCaret.configure({ provider, user: { ...user }, render: renderCaret, selectionRender: renderSelection }),
      ],
      editable,
      immediatelyRender: true,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: { class: 'tandem-document', 'aria-label': 'Document', 'aria-multiline': 'true', role: 'textbox' },
      },
    },
    [doc, provider],
  );

  useEffect(() => {
    editor.commands.updateUser({ name: user.name, color: user.color });
  }, [editor, user.name, user.color]);

  useEffect(() => {
    if (editor.isEditable !== editable) editor.setEditable(editable, false);
  }, [editor, editable]);

  const title = useEditorState({ editor, selector: firstHeading });
  const onTitleRef = useLatest(onTitleChange);
  useEffect(() => onTitleRef.current?.(title), [title, onTitleRef]);

  return (
    <>
      <div className="tandem-bar">
        <Toolbar editor={editor} editable={editable} />
        <span className="tandem-bar__spacer" />
        <Presence awareness={provider.awareness} />
        {statusSlot}
      </div>
      <div className="tandem-page" onMouseDown={(e) => {
        // Clicking the margins of the page puts the caret at the end, like a word processor.
        if (e.target === e.currentTarget) {
          e.preventDefault();
          editor.commands.focus('end');
        }
      }}>
        <EditorContent editor={editor} className="tandem-page__content" />
      </div>
    </>
  );
}

import { EditorContent, useEditorState } from '@tiptap/react';
import type { Editor } from '@tiptap/core';
import { useEffect, useMemo, useState } from 'react';
import { ImageBubble } from './ui/ImageBubble';
import { LinkBubble } from './ui/LinkBubble';
import { Presence } from './ui/Presence';
import { ShortcutsDialog } from './ui/ShortcutsDialog';
import { AccessNotice, StatusBadge, statusText } from './ui/StatusBadge';
import { Toolbar } from './ui/Toolbar';
import { EDITOR_NOTICE_EVENT, useLatest, useTandemSession } from './useTandem';
import { useSynced, WordCount } from './ui/WordCount';
import type { TandemAccess, TandemEditorProps } from './types';
import { CommentBubble } from './comments/CommentBubble';
import { CommentsPanel } from './comments/CommentsPanel';
import { commentsKey, startComment } from './comments/commentTools';
import type { CommentAuthor, CommentMode } from './comments/threads';
import { useNarrow, useThreads } from './comments/useThreads';
import { ModeSwitch, useChosenMode } from './suggestions/ModeSwitch';
import { useSuggestions } from './suggestions/useSuggestions';
import { useDocTitle } from './title';
import { FindButton, FindPanel } from './find/FindPanel';
import { Outline } from './outline/Outline';

/** What this person may do with comments: what the server granted, or (before it answered) what the host asked. */
function commentMode(access: TandemAccess, editable: boolean): CommentMode {
  if (access.kind === 'granted') return access.mode;
  return editable ? 'write' : 'read';
}

const hasDraft = ({ editor }: { editor: Editor | null }) => (editor ? Boolean(commentsKey.getState(editor.state)?.draft) : false);

/**
 * The embeddable editor: one document, live with everyone else on it, kept on this device
 * (IndexedDB) so that offline edits survive a reload and merge on reconnect. Styles come from
 * tandem-editor.css (the host imports it; /embed.js puts it in its shadow root).
 */
export function TandemEditor({ onTitleChange, onDocument, toolbar = true, className, autofocus = false, ...options }: TandemEditorProps) {
  const [chosenMode, chooseMode] = useChosenMode(options.url, options.document);
  const { doc, editor, awareness, provider, status, savedSource, access, discardUnsent, editable, mode: editorMode, modes } = useTandemSession({ ...options, mode: chosenMode ?? options.mode }, false);
  const synced = useSynced(provider);
  const [notice, setNotice] = useState<{ kind: 'upload' | 'saved'; text: string } | null>(null);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  // Read-only visitors get no editing tools at all (offline writers keep theirs, greyed or not).
  const readOnly = access.kind === 'granted' && access.mode !== 'write';
  const mode = commentMode(access, editable);
  const { name: userName, id: userId } = options.user;
  const me = useMemo<CommentAuthor>(() => ({ id: userId ?? null, name: userName, verified: userId !== undefined }), [userId, userName]);
  const threads = useThreads(doc);
  const drafting = useEditorState({ editor, selector: hasDraft }) ?? false;
  const narrow = useNarrow();
  const [drawerOpen, setDrawerOpen] = useState(false);
  // Writing a comment on a narrow screen opens the drawer where its box is.
  useEffect(() => {
    if (drafting) setDrawerOpen(true);
  }, [drafting]);
  const suggestions = useSuggestions(editor);
  const openThreads = threads.filter((t) => !t.resolved && !t.suggestion).length + suggestions.length;
  const panel = doc && editor && (threads.some((t) => !t.suggestion) || suggestions.length > 0 || drafting);

  useEffect(() => {
    if (!editor) return;
    const dom = editor.view.dom;
    const handleNotice = (e: Event) => setNotice({ kind: 'upload', text: String((e as CustomEvent<unknown>).detail) });
    dom.addEventListener(EDITOR_NOTICE_EVENT, handleNotice);
    return () => dom.removeEventListener(EDITOR_NOTICE_EVENT, handleNotice);
  }, [editor]);

  // Once per editor: a person who opens (or just created) a document can type at once.
  const focusEditor = autofocus && editable;
  useEffect(() => {
    if (editor && focusEditor) editor.commands.focus('start');
  }, [editor, focusEditor]);

  const title = useDocTitle(doc);
  const onTitleRef = useLatest(onTitleChange);
  useEffect(() => {
    onTitleRef.current?.(title);
  }, [title, onTitleRef]);
  const onDocumentRef = useLatest(onDocument);
  useEffect(() => {
    onDocumentRef.current?.(doc, editable);
  }, [doc, editable, onDocumentRef]);

  return (
    <div
      className={className ? `tandem-editor ${className}` : 'tandem-editor'}
      data-document={options.document}
      onKeyDown={(e) => {
        // Ctrl+/ (⌘/ on a Mac), as in Google Docs.
        if ((e.ctrlKey || e.metaKey) && e.key === '/') {
          e.preventDefault();
          setShortcutsOpen(true);
        }
        // Ctrl+S: there is nothing to save by hand (every edit goes to the server as it is made);
        // say where the edits are instead of letting the browser save the page.
        if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 's') {
          e.preventDefault();
          setNotice({ kind: 'saved', text: statusText(status, savedSource?.get() ?? 'saved') });
        }
        // Ctrl+Alt+M, as in Google Docs (by key position: Alt changes the letter on a Mac).
        if ((e.ctrlKey || e.metaKey) && e.altKey && e.code === 'KeyM' && editor && mode !== 'read') {
          e.preventDefault();
          startComment(editor);
        }
      }}
    >
      <div className="tandem-bar">
        {editor && toolbar !== false && !readOnly && (typeof toolbar === 'function' ? toolbar({ editor, editable }) : <Toolbar editor={editor} editable={editable} />)}
        {/* Beside the formatting toolbar, not in it: readers, who get no toolbar, can find too. */}
        {editor && toolbar !== false && <FindButton editor={editor} />}
        {/* After the toolbar, as Google Docs' mode menu: Tab from the header still lands in the formatting toolbar first. */}
        {editor && access.kind === 'granted' && <ModeSwitch modes={modes} mode={editorMode} onChange={chooseMode} />}
        <span className="tandem-bar__spacer" />
        {narrow && panel && (
          <button type="button" className="tandem-comments-toggle" aria-expanded={drawerOpen} onClick={() => setDrawerOpen((o) => !o)}>
            Comments{openThreads > 0 ? ` (${openThreads})` : ''}
          </button>
        )}
        {awareness && <Presence awareness={awareness} markUnverified={options.token !== undefined} />}
        <AccessNotice access={access} onDiscard={discardUnsent} />
        <StatusBadge status={status} saved={savedSource} />
      </div>
      {editor && <FindPanel editor={editor} />}
      {editor && (
        <div
          className={panel && !narrow ? 'tandem-page tandem-page--comments' : 'tandem-page'}
          onMouseDown={(e) => {
            // Clicking the margins of the page puts the caret at the end, like a word processor.
            if (e.target === e.currentTarget) {
              e.preventDefault();
              editor.commands.focus('end');
            }
          }}
        >
          <Outline editor={editor} />
          <EditorContent editor={editor} className="tandem-page__content" />
          <LinkBubble editor={editor} />
          <ImageBubble editor={editor} />
          {mode !== 'read' && <CommentBubble editor={editor} />}
          {panel && (!narrow || drawerOpen) && (
            <CommentsPanel editor={editor} doc={doc} threads={threads} awareness={awareness} me={me} mode={mode} suggestions={suggestions} drawer={narrow} onClose={() => setDrawerOpen(false)} />
          )}
        </div>
      )}
      {notice && (
        <div className="tandem-toast" role="alert" data-notice={notice.kind}>
          <span>{notice.text}</span>
          <button type="button" className="tandem-toast__close" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}
      {editor && (
        <div className="tandem-footer">
          <WordCount editor={editor} loaded={synced || status === 'offline'} />
        </div>
      )}
      {shortcutsOpen && (
        <ShortcutsDialog
          onClose={() => {
            setShortcutsOpen(false);
            editor?.commands.focus();
          }}
        />
      )}
    </div>
  );
}

import { useEditorState, type Editor } from '@tiptap/react';
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { EDITOR_REQUEST_EVENT, requestFromEditor } from '../content/keys';
import { mod, ToolButton } from '../ui/ToolButton';
import { findState, replaceAll, replaceCurrent, revealCurrent, search, step } from './findReplace';

const SEARCH_PATH = 'M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z';

/** The toolbar's way in (Ctrl+H from the text does the same). */
export function FindButton({ editor }: { editor: Editor }) {
  return (
    <ToolButton label="Find and replace" shortcut={`${mod}H`} onClick={() => requestFromEditor(editor, 'replace')}>
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <path d={SEARCH_PATH} fill="currentColor" />
      </svg>
    </ToolButton>
  );
}

const selectCount = ({ editor }: { editor: Editor }) => {
  const { matches, current, query } = findState(editor);
  return { total: matches.length, current, query, editable: editor.isEditable };
};

interface BoxInputProps {
  inputRef: RefObject<HTMLInputElement | null>;
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  /** Enter; `back` with Shift. */
  onEnter: (back: boolean) => void;
  disabled?: boolean;
}

function BoxInput({ inputRef, label, placeholder, value, onChange, onEnter, disabled }: BoxInputProps) {
  return (
    <input
      ref={inputRef}
      className="tandem-find__input"
      type="text"
      aria-label={label}
      placeholder={placeholder}
      disabled={disabled}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onEnter(e.shiftKey);
        }
      }}
    />
  );
}

/** A short selection on one line is what a person wants to find when they open the box. */
function selectedText(editor: Editor): string {
  const { from, to, empty } = editor.state.selection;
  if (empty || to - from > 100) return '';
  const text = editor.state.doc.textBetween(from, to, '\n');
  return text.includes('\n') ? '' : text;
}

/**
 * The find box (Ctrl+F) and, with Ctrl+H or the toolbar's button, the replace box. It searches
 * as the person types, through decorations only (findReplace.ts); Escape closes it and puts the
 * focus back in the text, where the selection still is.
 */
export function FindPanel({ editor }: { editor: Editor }) {
  const [open, setOpen] = useState<'find' | 'replace' | null>(null);
  const [query, setQuery] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [replacement, setReplacement] = useState('');
  const findInput = useRef<HTMLInputElement>(null);
  const replaceInput = useRef<HTMLInputElement>(null);
  const { total, current, editable } = useEditorState({ editor, selector: selectCount });
  const [focus, setFocus] = useState<'find' | 'replace'>('find');
  const [focusRequest, setFocusRequest] = useState(0);
  // Before the browser handles the next key: what is typed right after Ctrl+F goes in the box.
  useLayoutEffect(() => {
    if (focusRequest === 0) return;
    const input = focus === 'replace' ? replaceInput.current : findInput.current;
    input?.focus();
    input?.select();
  }, [focusRequest, focus]);

  useEffect(() => {
    const openBox = (kind: 'find' | 'replace') => {
      const picked = selectedText(editor);
      if (picked) setQuery(picked);
      setOpen((was) => (kind === 'replace' || was === 'replace' ? 'replace' : 'find'));
      setFocus(kind === 'replace' && picked ? 'replace' : 'find');
      setFocusRequest((n) => n + 1);
    };
    const dom = editor.view.dom;
    const handleRequest = (e: Event) => {
      const detail = (e as CustomEvent<unknown>).detail;
      if (detail === 'find' || detail === 'replace') openBox(detail);
    };
    // On the window, not the text: a read-only document cannot take the focus, so Ctrl+F must
    // work from anywhere in the editor, or from the page when nothing else has the focus.
    const handleKey = (e: KeyboardEvent) => {
      const key = e.key.toLowerCase();
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || (key !== 'f' && key !== 'h')) return;
      const root = dom.closest('.tandem-editor');
      const target = e.composedPath()[0];
      const inside = root !== null && e.composedPath().includes(root);
      const nowhere = target === dom.ownerDocument.body || target === dom.ownerDocument.documentElement || target === window;
      if (!inside && !nowhere) return;
      e.preventDefault();
      openBox(key === 'h' ? 'replace' : 'find');
    };
    dom.addEventListener(EDITOR_REQUEST_EVENT, handleRequest);
    window.addEventListener('keydown', handleKey);
    return () => {
      dom.removeEventListener(EDITOR_REQUEST_EVENT, handleRequest);
      window.removeEventListener('keydown', handleKey);
    };
  }, [editor]);

  // The query lives here; the plugin learns of it (and searches) when it changes.
  useEffect(() => {
    if (editor.isDestroyed) return;
    const wanted = open ? query : '';
    const now = findState(editor);
    if (now.query === wanted && now.caseSensitive === caseSensitive) return;
    search(editor, wanted, caseSensitive);
    if (open) revealCurrent(editor);
  }, [editor, open, query, caseSensitive]);

  if (!open) return null;
  const close = () => {
    setOpen(null);
    editor.view.focus();
  };
  const canReplace = editable && total > 0;
  // The last match replaced disables the button that has the focus: keep the focus in the box.
  const replaced = () => {
    if (findState(editor).matches.length === 0) findInput.current?.focus();
  };
  const replaceOne = () => {
    replaceCurrent(editor, replacement);
    replaced();
  };
  const replaceEvery = () => {
    replaceAll(editor, replacement);
    replaced();
  };
  const count = !query ? '' : total === 0 ? 'No results' : `${current + 1} of ${total}`;

  return (
    <div className="tandem-find-anchor">
      <div
        className="tandem-find"
        role="search"
        aria-label="Find and replace"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
      >
        <div className="tandem-find__row">
          <BoxInput inputRef={findInput} label="Find" placeholder="Find in document" value={query} onChange={setQuery} onEnter={(back) => step(editor, back ? -1 : 1)} />
          <span className="tandem-find__count" aria-live="polite">
            {count}
          </span>
          <button type="button" className="tandem-find__button" aria-label="Previous match" title="Previous match (Shift+Enter)" disabled={total === 0} onClick={() => step(editor, -1)}>
            ↑
          </button>
          <button type="button" className="tandem-find__button" aria-label="Next match" title="Next match (Enter)" disabled={total === 0} onClick={() => step(editor, 1)}>
            ↓
          </button>
          <label className="tandem-find__option">
            <input type="checkbox" checked={caseSensitive} onChange={(e) => setCaseSensitive(e.target.checked)} />
            Match case
          </label>
          <button type="button" className="tandem-find__button" aria-label="Close find" title="Close (Escape)" onClick={close}>
            ×
          </button>
        </div>
        {open === 'replace' && (
          <div className="tandem-find__row">
            <BoxInput
              inputRef={replaceInput}
              label="Replace with"
              placeholder={editable ? 'Replace with' : 'Read-only: nothing to replace'}
              disabled={!editable}
              value={replacement}
              onChange={setReplacement}
              onEnter={() => {
                if (canReplace) replaceOne();
              }}
            />
            <button type="button" className="tandem-find__text-button" disabled={!canReplace} onClick={replaceOne}>
              Replace
            </button>
            <button type="button" className="tandem-find__text-button" disabled={!canReplace} onClick={replaceEvery}>
              Replace all
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

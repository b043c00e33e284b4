import { Extension, getMarkRange, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';

/** Asked of the host UI from the document: open the link box (Ctrl+K, the link bubble's Edit) or the find box. */
export const EDITOR_REQUEST_EVENT = 'tandem-request';
export type EditorRequest = 'link' | 'find' | 'replace';

export function requestFromEditor(editor: Editor, request: EditorRequest): void {
  editor.view.dom.dispatchEvent(new CustomEvent<EditorRequest>(EDITOR_REQUEST_EVENT, { detail: request, bubbles: true }));
}

/** Blocks where Tab means something of their own (lists indent, tables move): it is never ours there. */
const OWN_TAB = new Set(['listItem', 'taskItem', 'tableCell', 'tableHeader']);

function insideOwnTab(editor: Editor): boolean {
  const { $from } = editor.state.selection;
  for (let d = $from.depth; d > 0; d--) if (OWN_TAB.has($from.node(d).type.name)) return true;
  return false;
}

/** Selects the word around an empty selection (for Ctrl+K); false when the caret is not in one. */
function selectWordAtCaret(editor: Editor): boolean {
  const { $from, empty } = editor.state.selection;
  if (!empty || !$from.parent.isTextblock) return false;
  const text = $from.parent.textContent;
  const at = $from.parentOffset;
  const word = /[\p{L}\p{N}_'’.-]/u;
  let start = at;
  let end = at;
  while (start > 0 && word.test(text[start - 1]!)) start--;
  while (end < text.length && word.test(text[end]!)) end++;
  // "example.com" is one word, but the full stop ending a sentence is not part of it.
  while (end > start && /[.'’-]/.test(text[end - 1]!)) end--;
  if (start === end) return false;
  const base = $from.start();
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, base + start, base + end)));
  return true;
}

/** The link under a click, if any. */
function linkAt(view: EditorView, pos: number): string | null {
  const type = view.state.schema.marks.link;
  if (!type) return null;
  const $pos = view.state.doc.resolve(pos);
  const range = getMarkRange($pos, type);
  if (!range) return null;
  const mark = $pos.marks().find((m) => m.type === type) ?? $pos.nodeAfter?.marks.find((m) => m.type === type);
  const href = mark?.attrs.href as unknown;
  return typeof href === 'string' ? href : null;
}

/** Opens a link as Google Docs does from a document: a new tab that cannot reach back to us. */
export function openLink(href: string): void {
  window.open(href, '_blank', 'noopener,noreferrer');
}

/**
 * The keys a word processor catches. Tab never leaves the document while the caret is in it
 * (the browser would move focus out, and what is typed next is lost): lists and tables take it
 * first (this extension runs after theirs), a paragraph or heading is indented, a code block gets
 * a tab character, and Shift+Tab undoes that. Escape then Tab leaves the editor for keyboard users.
 */
export const TandemKeys = Extension.create({
  name: 'tandemKeys',
  priority: 50,
  addStorage() {
    return { escaped: false };
  },
  addKeyboardShortcuts() {
    const tab = (forward: boolean) => () => {
      const editor = this.editor;
      if (insideOwnTab(editor)) return true; // a first list item cannot sink: still ours, not the page's
      if (editor.isActive('codeBlock')) return forward ? editor.commands.insertContent('\t') : true;
      if (forward) editor.commands.indent();
      else editor.commands.outdent();
      return true;
    };
    return {
      Tab: tab(true),
      'Shift-Tab': tab(false),
      'Mod-\\': () => this.editor.chain().unsetAllMarks().run(),
      'Mod-k': () => {
        if (this.editor.isActive('link')) this.editor.commands.extendMarkRange('link');
        else selectWordAtCaret(this.editor);
        requestFromEditor(this.editor, 'link');
        return true;
      },
    };
  },
  addProseMirrorPlugins() {
    const storage = this.storage as { escaped: boolean };
    return [
      new Plugin({
        key: new PluginKey('tandemKeys'),
        view: (view) => {
          // Before ProseMirror sees the key (capture, on the window: React moves the editor's
          // element, and /embed.js puts it in a shadow root): after Escape, a Tab is the browser's
          // again, for lists and tables too, so focus moves on.
          const handle = (event: KeyboardEvent) => {
            if (!event.composedPath().includes(view.dom)) return;
            if (event.key === 'Escape') storage.escaped = true;
            else if (event.key === 'Tab' && storage.escaped) event.stopPropagation();
            else if (event.key !== 'Shift') storage.escaped = false;
          };
          window.addEventListener('keydown', handle, true);
          const reset = () => (storage.escaped = false);
          view.dom.addEventListener('focus', reset);
          return {
            destroy: () => {
              window.removeEventListener('keydown', handle, true);
              view.dom.removeEventListener('focus', reset);
            },
          };
        },
        props: {
          handleClick: (view, pos, event) => {
            if (!(event.ctrlKey || event.metaKey)) return false;
            const href = linkAt(view, pos);
            if (href === null) return false;
            openLink(href);
            return true;
          },
        },
      }),
    ];
  },
});

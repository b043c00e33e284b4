import { useEditorState, type Editor } from '@tiptap/react';
import { yUndoPluginKey } from '@tiptap/y-tiptap';
import { useEffect, useRef, useState } from 'react';
import { AlignTools } from './AlignTools';
import { ColorMenu } from './ColorMenu';
import { Icon } from './icons';
import { insertImageFiles } from '../content/imageUpload';
import { IMAGE_TYPES } from '../content/imageTypes';
import { EDITOR_REQUEST_EVENT } from '../content/keys';
import { LinkForm } from './LinkForm';
import { TableTools } from './TableTools';
import { useRovingTabindex } from './rovingToolbar';
import { mod, ToolButton } from './ToolButton';

interface ToolbarState {
  bold: boolean;
  italic: boolean;
  strike: boolean;
  underline: boolean;
  code: boolean;
  h1: boolean;
  h2: boolean;
  h3: boolean;
  bulletList: boolean;
  orderedList: boolean;
  blockquote: boolean;
  codeBlock: boolean;
  link: boolean;
  taskList: boolean;
  highlight: boolean;
  color: string | null;
  inTable: boolean;
  headerRow: boolean;
  canUndo: boolean;
  canRedo: boolean;
}

/** Undo/redo availability straight from Yjs's UndoManager: `editor.can().undo()` builds a whole
 * command chain, and this selector runs on every transaction, remote keystrokes included. */
function undoStacks(editor: Editor): { canUndo: boolean; canRedo: boolean } {
  const manager = (yUndoPluginKey.getState(editor.state) as { undoManager?: { undoStack: unknown[]; redoStack: unknown[] } } | undefined)?.undoManager;
  return { canUndo: (manager?.undoStack.length ?? 0) > 0, canRedo: (manager?.redoStack.length ?? 0) > 0 };
}

/** Whether the caret is in a table, and whether that table's first row is a header row. */
function tableState(editor: Editor): { inTable: boolean; headerRow: boolean } {
  const { $from } = editor.state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (node.type.name === 'table') return { inTable: true, headerRow: node.firstChild?.firstChild?.type.name === 'tableHeader' };
  }
  return { inTable: false, headerRow: false };
}

// One selector for the whole toolbar: React re-renders only when one of these booleans flips,
// not on every transaction (remote keystrokes included).
function selectToolbar({ editor }: { editor: Editor }): ToolbarState {
  return {
    bold: editor.isActive('bold'),
    italic: editor.isActive('italic'),
    strike: editor.isActive('strike'),
    underline: editor.isActive('underline'),
    code: editor.isActive('code'),
    h1: editor.isActive('heading', { level: 1 }),
    h2: editor.isActive('heading', { level: 2 }),
    h3: editor.isActive('heading', { level: 3 }),
    bulletList: editor.isActive('bulletList'),
    orderedList: editor.isActive('orderedList'),
    blockquote: editor.isActive('blockquote'),
    codeBlock: editor.isActive('codeBlock'),
    link: editor.isActive('link'),
    taskList: editor.isActive('taskList'),
    highlight: editor.isActive('highlight'),
    color: (editor.getAttributes('textStyle').color as string | undefined) ?? null,
    ...tableState(editor),
    ...undoStacks(editor),
  };
}

export function Toolbar({ editor, editable }: { editor: Editor; editable: boolean }) {
  const s = useEditorState({ editor, selector: selectToolbar });
  const [linkOpen, setLinkOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const handleArrows = useRovingTabindex(root);
  const off = !editable;
  const chain = () => editor.chain().focus();
  // Ctrl+K and the link bubble's "Edit" ask for the link box (keys.ts).
  useEffect(() => {
    const dom = editor.view.dom;
    const open = (e: Event) => {
      if ((e as CustomEvent<unknown>).detail === 'link') setLinkOpen(true);
    };
    dom.addEventListener(EDITOR_REQUEST_EVENT, open);
    return () => dom.removeEventListener(EDITOR_REQUEST_EVENT, open);
  }, [editor]);

  return (
    <div className="tandem-toolbar" role="toolbar" aria-label="Formatting" ref={root} onKeyDown={handleArrows}>
      <ToolButton label="Undo" shortcut={`${mod}Z`} disabled={off || !s.canUndo} onClick={() => chain().undo().run()}>
        <Icon name="undo" />
      </ToolButton>
      <ToolButton label="Redo" shortcut={`${mod}Shift+Z`} disabled={off || !s.canRedo} onClick={() => chain().redo().run()}>
        <Icon name="redo" />
      </ToolButton>
      <span className="tandem-toolbar__sep" aria-hidden="true" />
      <ToolButton label="Heading 1" shortcut={`${mod}Alt+1`} pressed={s.h1} disabled={off} onClick={() => chain().toggleHeading({ level: 1 }).run()}>
        <span aria-hidden="true" className="tandem-glyph" data-glyph="H1" />
      </ToolButton>
      <ToolButton label="Heading 2" shortcut={`${mod}Alt+2`} pressed={s.h2} disabled={off} onClick={() => chain().toggleHeading({ level: 2 }).run()}>
        <span aria-hidden="true" className="tandem-glyph" data-glyph="H2" />
      </ToolButton>
      <ToolButton label="Heading 3" shortcut={`${mod}Alt+3`} pressed={s.h3} disabled={off} onClick={() => chain().toggleHeading({ level: 3 }).run()}>
        <span aria-hidden="true" className="tandem-glyph" data-glyph="H3" />
      </ToolButton>
      <span className="tandem-toolbar__sep" aria-hidden="true" />
      <ToolButton label="Bold" shortcut={`${mod}B`} pressed={s.bold} disabled={off} onClick={() => chain().toggleBold().run()}>
        <b aria-hidden="true">B</b>
      </ToolButton>
      <ToolButton label="Italic" shortcut={`${mod}I`} pressed={s.italic} disabled={off} onClick={() => chain().toggleItalic().run()}>
        <i aria-hidden="true">I</i>
      </ToolButton>
      <ToolButton label="Strike" shortcut={`${mod}Shift+S`} pressed={s.strike} disabled={off} onClick={() => chain().toggleStrike().run()}>
        <s aria-hidden="true">S</s>
      </ToolButton>
      <ToolButton label="Underline" shortcut={`${mod}U`} pressed={s.underline} disabled={off} onClick={() => chain().toggleUnderline().run()}>
        <u aria-hidden="true">U</u>
      </ToolButton>
      <ToolButton label="Highlight" shortcut={`${mod}Shift+H`} pressed={s.highlight} disabled={off} onClick={() => chain().toggleHighlight().run()}>
        <Icon name="highlight" />
      </ToolButton>
      <ColorMenu editor={editor} current={s.color} disabled={off} />
      <ToolButton label="Code" shortcut={`${mod}E`} pressed={s.code} disabled={off} onClick={() => chain().toggleCode().run()}>
        <span aria-hidden="true" className="tandem-mono">{'<>'}</span>
      </ToolButton>
      <span className="tandem-toolbar__link">
        <ToolButton label="Link" shortcut={`${mod}K`} pressed={s.link} disabled={off} onClick={() => setLinkOpen((o) => !o)}>
          <Icon name="link" />
        </ToolButton>
        {linkOpen && !off && <LinkForm editor={editor} onClose={() => setLinkOpen(false)} />}
      </span>
      <span className="tandem-toolbar__sep" aria-hidden="true" />
      <AlignTools editor={editor} disabled={off} />
      <span className="tandem-toolbar__sep" aria-hidden="true" />
      <ToolButton label="Bullet list" shortcut={`${mod}Shift+8`} pressed={s.bulletList} disabled={off} onClick={() => chain().toggleBulletList().run()}>
        <Icon name="bulletList" />
      </ToolButton>
      <ToolButton label="Ordered list" shortcut={`${mod}Shift+7`} pressed={s.orderedList} disabled={off} onClick={() => chain().toggleOrderedList().run()}>
        <Icon name="orderedList" />
      </ToolButton>
      <ToolButton label="Checklist" shortcut={`${mod}Shift+9`} pressed={s.taskList} disabled={off} onClick={() => chain().toggleTaskList().run()}>
        <Icon name="taskList" />
      </ToolButton>
      <ToolButton label="Quote" shortcut={`${mod}Shift+B`} pressed={s.blockquote} disabled={off} onClick={() => chain().toggleBlockquote().run()}>
        <Icon name="quote" />
      </ToolButton>
      <ToolButton label="Code block" shortcut={`${mod}Alt+C`} pressed={s.codeBlock} disabled={off} onClick={() => chain().toggleCodeBlock().run()}>
        <Icon name="codeBlock" />
      </ToolButton>
      <span className="tandem-toolbar__sep" aria-hidden="true" />
      <ToolButton label="Horizontal rule" disabled={off} onClick={() => chain().setHorizontalRule().run()}>
        <Icon name="horizontalRule" />
      </ToolButton>
      <ToolButton label="Insert image" disabled={off} onClick={() => fileInput.current?.click()}>
        <Icon name="image" />
      </ToolButton>
      <input
        ref={fileInput}
        type="file"
        accept={IMAGE_TYPES.join(',')}
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // choosing the same file again must fire again
          insertImageFiles(editor, files, editor.state.selection.from);
        }}
      />
      {s.inTable ? (
        <TableTools editor={editor} headerRow={s.headerRow} disabled={off} />
      ) : (
        <ToolButton label="Insert table" disabled={off} onClick={() => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()}>
          <Icon name="table" />
        </ToolButton>
      )}
    </div>
  );
}

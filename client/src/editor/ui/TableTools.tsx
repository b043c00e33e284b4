import type { Editor } from '@tiptap/react';
import { TextSelection } from '@tiptap/pm/state';
import { deleteRow, selectedRect } from '@tiptap/pm/tables';
import { ToolButton } from './ToolButton';

/**
 * "Delete row", then the caret in the same column of the row that took its place (or of the row
 * above, when it was the last): prosemirror-tables leaves it in the first cell.
 */
function deleteRowKeepColumn(editor: Editor): void {
  editor.commands.focus();
  const before = selectedRect(editor.state);
  const { left, top, tableStart } = before;
  if (!deleteRow(editor.state, editor.view.dispatch)) return;
  const after = editor.state.doc.nodeAt(tableStart - 1);
  if (after?.type.name !== 'table') return; // the last row went, and the table with it
  const rect = selectedRect(editor.state);
  const row = Math.min(top, rect.map.height - 1);
  const cell = tableStart + rect.map.map[row * rect.map.width + Math.min(left, rect.map.width - 1)]!;
  const { state } = editor;
  editor.view.dispatch(state.tr.setSelection(TextSelection.near(state.doc.resolve(cell + 1))));
}

/**
 * Shown while the caret is inside a table: rows, columns, the header row, and deleting the
 * table, each labelled in words (arrows alone did not say what they did). Outside one, the
 * toolbar offers "Insert table" instead.
 */
export function TableTools({ editor, headerRow, disabled }: { editor: Editor; headerRow: boolean; disabled: boolean }) {
  const chain = () => editor.chain().focus();
  return (
    <span className="tandem-toolbar__group tandem-toolbar__group--words" role="group" aria-label="Table">
      <ToolButton label="Add row above" disabled={disabled} onClick={() => chain().addRowBefore().run()}>
        <span aria-hidden="true">+ Row above</span>
      </ToolButton>
      <ToolButton label="Add row below" disabled={disabled} onClick={() => chain().addRowAfter().run()}>
        <span aria-hidden="true">+ Row below</span>
      </ToolButton>
      <ToolButton label="Delete row" disabled={disabled} onClick={() => deleteRowKeepColumn(editor)}>
        <span aria-hidden="true">− Row</span>
      </ToolButton>
      <ToolButton label="Add column left" disabled={disabled} onClick={() => chain().addColumnBefore().run()}>
        <span aria-hidden="true">+ Column left</span>
      </ToolButton>
      <ToolButton label="Add column right" disabled={disabled} onClick={() => chain().addColumnAfter().run()}>
        <span aria-hidden="true">+ Column right</span>
      </ToolButton>
      <ToolButton label="Delete column" disabled={disabled} onClick={() => chain().deleteColumn().run()}>
        <span aria-hidden="true">− Column</span>
      </ToolButton>
      <ToolButton label="Header row" pressed={headerRow} disabled={disabled} onClick={() => chain().toggleHeaderRow().run()}>
        <span aria-hidden="true">Header row</span>
      </ToolButton>
      <ToolButton label="Delete table" disabled={disabled} onClick={() => chain().deleteTable().run()}>
        <span aria-hidden="true">Delete table</span>
      </ToolButton>
    </span>
  );
}

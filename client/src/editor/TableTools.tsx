import type { Editor } from '@tiptap/react';
import { ToolButton } from './ToolButton';

/**
 * Shown while the caret is inside a table: rows, columns, the header row, and deleting the
 * table. Outside one, the toolbar offers "Insert table" instead.
 */
export function TableTools({ editor, headerRow, disabled }: { editor: Editor; headerRow: boolean; disabled: boolean }) {
  const chain = () => editor.chain().focus();
  return (
    <span className="tandem-toolbar__group" role="group" aria-label="Table">
      <ToolButton label="Add row above" disabled={disabled} onClick={() => chain().addRowBefore().run()}>
        <span aria-hidden="true">↑+</span>
      </ToolButton>
      <ToolButton label="Add row below" disabled={disabled} onClick={() => chain().addRowAfter().run()}>
        <span aria-hidden="true">↓+</span>
      </ToolButton>
      <ToolButton label="Delete row" disabled={disabled} onClick={() => chain().deleteRow().run()}>
        <span aria-hidden="true">↕−</span>
      </ToolButton>
      <ToolButton label="Add column left" disabled={disabled} onClick={() => chain().addColumnBefore().run()}>
        <span aria-hidden="true">←+</span>
      </ToolButton>
      <ToolButton label="Add column right" disabled={disabled} onClick={() => chain().addColumnAfter().run()}>
        <span aria-hidden="true">→+</span>
      </ToolButton>
      <ToolButton label="Delete column" disabled={disabled} onClick={() => chain().deleteColumn().run()}>
        <span aria-hidden="true">↔−</span>
      </ToolButton>
      <ToolButton label="Header row" pressed={headerRow} disabled={disabled} onClick={() => chain().toggleHeaderRow().run()}>
        <span aria-hidden="true">H̲</span>
      </ToolButton>
      <ToolButton label="Delete table" disabled={disabled} onClick={() => chain().deleteTable().run()}>
        <span aria-hidden="true">⌧</span>
      </ToolButton>
    </span>
  );
}

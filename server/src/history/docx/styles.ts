/**
 * The Word styles a .docx export writes for what Word has no element of its own for, by id and
 * by the name Word shows; the import (import.ts) recognises them by that name. Word has no task
 * list: a task item is a paragraph of the `Task Item` style whose text starts with ☐ or ☒.
 */
export const STYLE = {
  taskItem: { id: 'TaskItem', name: 'Task Item' },
  codeBlock: { id: 'CodeBlock', name: 'Code Block' },
  quote: { id: 'Quote', name: 'Quote' },
  rule: { id: 'HorizontalRule', name: 'Horizontal Rule' },
  inlineCode: { id: 'InlineCode', name: 'Inline Code' },
} as const;

export const CHECKED = '☒';
export const UNCHECKED = '☐';

export const MONOSPACE = 'Consolas';

import { useEditorState, type Editor } from '@tiptap/react';
import { MAX_INDENT } from '@tandem/schema';
import type {} from '@tiptap/extension-text-align';
import { Icon, type IconName } from './icons';
import { mod, ToolButton } from './ToolButton';

const ALIGNMENTS: ReadonlyArray<{ value: string; label: string; icon: IconName; keys: string }> = [
  { value: 'left', label: 'Align left', icon: 'alignLeft', keys: 'L' },
  { value: 'center', label: 'Align centre', icon: 'alignCenter', keys: 'E' },
  { value: 'right', label: 'Align right', icon: 'alignRight', keys: 'R' },
  { value: 'justify', label: 'Justify', icon: 'alignJustify', keys: 'J' },
];

interface AlignState {
  align: string;
  indent: number;
}

/** The alignment and indentation of the block the caret is in (left when none is set). */
function selectAlign({ editor }: { editor: Editor }): AlignState {
  const { $from } = editor.state.selection;
  const block = $from.parent;
  const align = typeof block.attrs.textAlign === 'string' ? block.attrs.textAlign : 'left';
  return { align, indent: typeof block.attrs.indent === 'number' ? block.attrs.indent : 0 };
}

/** Left, centre, right, justify (Google Docs' Ctrl+Shift+L/E/R/J), and indentation (Tab, Shift+Tab). */
export function AlignTools({ editor, disabled }: { editor: Editor; disabled: boolean }) {
  const s = useEditorState({ editor, selector: selectAlign });
  const chain = () => editor.chain().focus();
  return (
    <>
      {ALIGNMENTS.map((a) => (
        <ToolButton key={a.value} label={a.label} shortcut={`${mod}Shift+${a.keys}`} pressed={s.align === a.value} disabled={disabled} onClick={() => chain().setTextAlign(a.value).run()}>
          <Icon name={a.icon} />
        </ToolButton>
      ))}
      <ToolButton label="Decrease indent" shortcut="Shift+Tab" disabled={disabled || s.indent === 0} onClick={() => chain().outdent().run()}>
        <Icon name="outdent" />
      </ToolButton>
      <ToolButton label="Increase indent" shortcut="Tab" disabled={disabled || s.indent >= MAX_INDENT} onClick={() => chain().indent().run()}>
        <Icon name="indent" />
      </ToolButton>
    </>
  );
}

import { useEditorState, type Editor } from '@tiptap/react';
import { BubbleMenu, type BubbleMenuProps } from '@tiptap/react/menus';
import { NodeSelection } from '@tiptap/pm/state';
import { memo, useState } from 'react';

/** The selected image's position and alt text, or null when no image is selected. */
function selectImage({ editor }: { editor: Editor }): { pos: number; alt: string } | null {
  const sel = editor.state.selection;
  if (!(sel instanceof NodeSelection) || sel.node.type.name !== 'image') return null;
  const alt = sel.node.attrs.alt as unknown;
  return { pos: sel.from, alt: typeof alt === 'string' ? alt : '' };
}

function AltText({ editor, pos, alt }: { editor: Editor; pos: number; alt: string }) {
  const [value, setValue] = useState(alt);
  const save = () => {
    if (value === alt) return;
    const node = editor.state.doc.nodeAt(pos);
    if (node?.type.name !== 'image') return;
    editor.view.dispatch(editor.state.tr.setNodeMarkup(pos, undefined, { ...node.attrs, alt: value.trim() === '' ? null : value }));
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
        editor.commands.focus();
      }}
    >
      <input aria-label="Alt text" placeholder="Describe the image" value={value} onChange={(e) => setValue(e.target.value)} onBlur={save} />
      <button type="submit">Save</button>
    </form>
  );
}

// Module constants: BubbleMenu dispatches a transaction whenever these props change identity.
const shouldShow: NonNullable<BubbleMenuProps['shouldShow']> = ({ editor, state }) =>
  editor.isEditable && state.selection instanceof NodeSelection && state.selection.node.type.name === 'image';
const OPTIONS: BubbleMenuProps['options'] = { placement: 'bottom' };
const sameImage = (a: { pos: number; alt: string } | null, b: { pos: number; alt: string } | null) => a?.pos === b?.pos && a?.alt === b?.alt;

/** On a selected image: its alt text, editable (the corner handles resize it). */
export const ImageBubble = memo(function ImageBubble({ editor }: { editor: Editor }) {
  const image = useEditorState({ editor, selector: selectImage, equalityFn: sameImage });
  return (
    <BubbleMenu
      editor={editor}
      pluginKey="tandemImageBubble"
      shouldShow={shouldShow}
      options={OPTIONS}
      className="tandem-imagebubble"
      role="group"
      aria-label="Image"
    >
      {image && <AltText key={`${image.pos}:${image.alt}`} editor={editor} pos={image.pos} alt={image.alt} />}
    </BubbleMenu>
  );
});

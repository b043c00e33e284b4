/**
 * Paragraph and heading indentation, as Google Docs' "Increase indent": a small whole number of
 * steps kept as a node attribute (so it syncs, is versioned and exported), rendered as a left
 * margin. Lists and table cells have their own structure and are not indented this way.
 */
import { Extension, type CommandProps } from '@tiptap/core';

export const MAX_INDENT = 8;
/** One step of indentation, as rendered (the HTML export too). */
const STEP_EM = 2;
const INDENTED = ['paragraph', 'heading'];

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    indent: {
      /** One step more indentation for the blocks in the selection; false when none can take it. */
      indent: () => ReturnType;
      /** One step less; false when nothing was indented. */
      outdent: () => ReturnType;
    };
  }
}

/** Only a whole number within range survives, whatever a peer or a paste wrote. */
function clamp(value: unknown): number {
  const n = typeof value === 'number' ? value : Number.parseInt(String(value ?? ''), 10);
  return Number.isInteger(n) ? Math.min(Math.max(n, 0), MAX_INDENT) : 0;
}

function shift(delta: number) {
  return ({ tr, state, dispatch }: CommandProps): boolean => {
    let changed = false;
    state.doc.nodesBetween(state.selection.from, state.selection.to, (node, pos) => {
      if (!INDENTED.includes(node.type.name)) return true;
      const next = clamp(clamp(node.attrs.indent) + delta);
      if (next !== clamp(node.attrs.indent)) {
        tr.setNodeMarkup(pos, undefined, { ...node.attrs, indent: next });
        changed = true;
      }
      return false;
    });
    if (changed && dispatch) dispatch(tr);
    return changed;
  };
}

export const Indent = Extension.create({
  name: 'indent',
  addGlobalAttributes() {
    return [
      {
        types: INDENTED,
        attributes: {
          indent: {
            default: 0,
            parseHTML: (element: { getAttribute(name: string): string | null }) => clamp(element.getAttribute('data-indent')),
            renderHTML: (attrs: Record<string, unknown>) => {
              const n = clamp(attrs.indent);
              return n === 0 ? {} : { 'data-indent': String(n), style: `margin-left: ${n * STEP_EM}em` };
            },
          },
        },
      },
    ];
  },
  addCommands() {
    return { indent: () => shift(1), outdent: () => shift(-1) };
  },
});

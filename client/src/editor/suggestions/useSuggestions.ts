import { useEditorState, type Editor } from '@tiptap/react';
import { createElement, useMemo } from 'react';
import { TextSelection } from '@tiptap/pm/state';
import { describe, suggestionsOf, suggestionStart, type SuggestionSummary } from './review';

function select({ editor }: { editor: Editor | null }): SuggestionSummary[] {
  return editor ? suggestionsOf(editor.state.doc) : [];
}

// Re-render when a suggestion comes, goes or changes what it says, not on every keystroke elsewhere.
function same(a: SuggestionSummary[], b: SuggestionSummary[] | null): boolean {
  return b !== null && a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.author === b[i]!.author && describe(s) === describe(b[i]!));
}

/** The document's suggestions, live, in the order of their text. */
export function useSuggestions(editor: Editor | null): SuggestionSummary[] {
  return useEditorState({ editor, selector: select, equalityFn: same }) ?? [];
}

/** Puts the caret at a suggestion and scrolls it into view (clicking its card). */
export function revealSuggestion(editor: Editor, id: string): void {
  const at = suggestionStart(editor.state.doc, id);
  if (at === null) return;
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.near(editor.state.doc.resolve(at))).scrollIntoView());
}

/**
 * Each author's suggestions in their caret's colour: the marks render `data-author` (the
 * schema's renderHTML), and one rule per author sets `--suggestion-color` on them. Colours come
 * from `colorOf` (checked colours only), names are escaped.
 */
export function SuggestionColors({ suggestions, colorOf }: { suggestions: SuggestionSummary[]; colorOf: (name: string) => string }) {
  const css = useMemo(() => {
    const names = [...new Set(suggestions.map((s) => s.author))];
    return names.map((n) => `.tandem-editor [data-suggestion][data-author="${CSS.escape(n)}"]{--suggestion-color:${colorOf(n)}}`).join('\n');
  }, [suggestions, colorOf]);
  return css ? createElement('style', null, css) : null;
}

import { useEditorState, type Editor } from '@tiptap/react';
import { TextSelection } from '@tiptap/pm/state';
import { useEffect, useState } from 'react';

interface Heading {
  /** Position before the heading node. */
  pos: number;
  level: number;
  text: string;
}

/**
 * The headings, in order. Runs on every transaction (remote keystrokes too), so it walks only
 * block containers and never descends into a paragraph's text.
 */
function selectHeadings({ editor }: { editor: Editor }): Heading[] {
  const headings: Heading[] = [];
  editor.state.doc.descendants((node, pos) => {
    if (node.type.name === 'heading') headings.push({ pos, level: Number(node.attrs.level) || 1, text: node.textContent.trim() });
    return !node.isTextblock && !node.isAtom;
  });
  return headings;
}

/** The heading whose section is at the top of the visible page: the last one above its top edge. */
function currentHeading(editor: Editor, headings: Heading[]): number {
  if (editor.isDestroyed || headings.length === 0) return -1;
  const scroller = editor.view.dom.closest('.tandem-page') ?? editor.view.dom;
  const top = scroller.getBoundingClientRect().top + 8;
  let current = -1;
  for (const [i, h] of headings.entries()) {
    const dom = editor.view.nodeDOM(h.pos);
    if (!(dom instanceof Element) || dom.getBoundingClientRect().top > top) break;
    current = i;
  }
  // Above the first heading, the first section is the one being read.
  return current === -1 ? 0 : current;
}

/**
 * The document's headings beside the text (`nav[aria-label="Outline"]`), live as anyone edits
 * them. A click scrolls to the heading and puts the caret there; the section being read is
 * marked `aria-current`. Collapsible; narrow screens hide it (CSS).
 */
export function Outline({ editor }: { editor: Editor }) {
  const headings = useEditorState({ editor, selector: selectHeadings });
  const [expanded, setExpanded] = useState(true);
  const [current, setCurrent] = useState(-1);

  useEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      setCurrent(currentHeading(editor, headings));
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(update);
    };
    update();
    // Scroll events do not bubble; capture sees the page's own scrolling as well as the window's.
    window.addEventListener('scroll', schedule, { capture: true, passive: true });
    window.addEventListener('resize', schedule, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', schedule, { capture: true });
      window.removeEventListener('resize', schedule);
    };
  }, [editor, headings]);

  const go = (h: Heading) => {
    const dom = editor.view.nodeDOM(h.pos);
    if (dom instanceof Element) dom.scrollIntoView({ block: 'start' });
    const { state } = editor.view;
    editor.view.dispatch(state.tr.setSelection(TextSelection.create(state.doc, h.pos + 1)));
    editor.view.focus();
  };

  return (
    <nav className={expanded ? 'tandem-outline' : 'tandem-outline tandem-outline--collapsed'} aria-label="Outline">
      <button type="button" className="tandem-outline__toggle" aria-expanded={expanded} onClick={() => setExpanded((e) => !e)}>
        Outline
      </button>
      {expanded &&
        (headings.length === 0 ? (
          <p className="tandem-outline__empty">Headings you add appear here.</p>
        ) : (
          <ol className="tandem-outline__list">
            {headings.map((h, i) => (
              <li key={`${h.pos}`} className={`tandem-outline__item tandem-outline__item--h${h.level}`}>
                <a
                  href={`#heading-${i + 1}`}
                  aria-current={i === current ? 'true' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    go(h);
                  }}
                >
                  {h.text || 'Untitled heading'}
                </a>
              </li>
            ))}
          </ol>
        ))}
    </nav>
  );
}

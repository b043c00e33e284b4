/**
 * HTML pasted from Google Docs or Word carries its styling inline: every run of text is a
 * `<span style="font-family…; color:#000000; background-color:transparent; font-weight:700">`.
 * Parsed as is, each colour and font would become a text-style mark, and a document pasted from
 * Docs would be black-on-transparent forever. What such styles *mean* in our schema (bold,
 * italic, strike) is kept as tags; the rest is dropped. Our own copies (ProseMirror marks them
 * with `data-pm-slice`) keep their styles: a colour set here is meant.
 */
export function cleanPastedHtml(html: string): string {
  if (html.includes('data-pm-slice')) return html;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const body = doc.body;
  // Word's namespaced tags (<o:p>) and comments (conditional styles) carry nothing we keep.
  for (const el of [...body.querySelectorAll('*')]) if (el.tagName.includes(':')) el.replaceWith(...el.childNodes);
  for (const el of [...body.querySelectorAll<HTMLElement>('[style]')]) cleanElement(doc, el);
  for (const el of [...body.querySelectorAll('[class]')]) el.removeAttribute('class');
  return body.innerHTML;
}

function cleanElement(doc: Document, el: HTMLElement): void {
  const { fontWeight, fontStyle } = el.style;
  const decoration = `${el.style.textDecoration} ${el.style.textDecorationLine}`;
  const tag = el.tagName.toLowerCase();
  // Google Docs wraps the whole clipboard in <b style="font-weight:normal" id="docs-internal-guid…">.
  if ((tag === 'b' || tag === 'strong') && (fontWeight === 'normal' || fontWeight === '400')) {
    el.replaceWith(...el.childNodes);
    return;
  }
  el.removeAttribute('style');
  if (tag !== 'span') return;
  let inner: Node[] = [...el.childNodes];
  const wrap = (name: string) => {
    const w = doc.createElement(name);
    w.append(...inner);
    inner = [w];
  };
  const weight = Number(fontWeight);
  if (fontWeight === 'bold' || fontWeight === 'bolder' || weight >= 600) wrap('strong');
  if (fontStyle === 'italic' || fontStyle === 'oblique') wrap('em');
  if (decoration.includes('line-through')) wrap('s');
  el.replaceWith(...inner);
}

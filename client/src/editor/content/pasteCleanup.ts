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
  convertWordLists(doc, body);
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

/**
 * Word puts lists on the clipboard as paragraphs: `<p style="mso-list:l0 level2 lfo1">` with the
 * bullet or number in a span marked `mso-list:Ignore`. Rebuilt here as nested <ol>/<ul> (ordered
 * when the marker is a number or letter with "." or ")"), so a pasted Word list stays a list.
 */
function convertWordLists(doc: Document, body: HTMLElement): void {
  let stack: HTMLElement[] = [];
  for (const p of [...body.querySelectorAll<HTMLElement>('p[style*="mso-list"]')]) {
    const level = Number(/mso-list:\s*l\d+\s+level(\d+)/i.exec(p.getAttribute('style') ?? '')?.[1] ?? 0);
    if (level < 1) continue;
    const marker = p.querySelector('[style*="mso-list:Ignore"], [style*="mso-list: Ignore"]');
    const ordered = /^\s*\(?[0-9a-zA-Z]{1,4}[.)]/.test(marker?.textContent ?? '');
    marker?.remove();
    // A paragraph right after the list being built continues it; anything else starts a new one.
    if (stack.length === 0 || p.previousElementSibling !== stack[0]) stack = [];
    while (stack.length > level) stack.pop();
    while (stack.length < level) {
      const list = doc.createElement(ordered ? 'ol' : 'ul');
      const outer = stack[stack.length - 1];
      if (!outer) p.before(list);
      else (outer.lastElementChild ?? outer).append(list);
      stack.push(list);
    }
    const item = doc.createElement('li');
    item.append(...p.childNodes);
    stack[level - 1]!.append(item);
    p.remove();
  }
}

import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';

/** A line that only Markdown would write: a heading, a list item, a quote, a code fence. */
const BLOCK = /^\s{0,3}(#{1,6}\s|[-*+]\s|\d{1,9}[.)]\s|>|```|~~~)/;

export function looksLikeMarkdown(text: string): boolean {
  return text.split('\n').some((line) => BLOCK.test(line));
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline Markdown (code, links, bold, italic, strike) as HTML; everything else escaped. */
function inline(text: string): string {
  const codes: string[] = [];
  let out = escape(text).replace(/`([^`]+)`/g, (_, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  out = out
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, t: string, href: string) => (/^(https?:|mailto:)/i.test(href) ? `<a href="${href}">${t}</a>` : `${t} (${href})`))
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '<strong>$2</strong>')
    .replace(/(^|[^*\w])([*_])(?=\S)(.+?)(?<=\S)\2(?![*\w])/g, '$1<em>$3</em>')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '<s>$1</s>');
  return out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => `<code>${codes[Number(i)]}</code>`);
}

/**
 * Block Markdown as HTML for the editor's own paste path: headings, bullet, numbered and task
 * lists, quotes, code fences and paragraphs. Small on purpose: what people paste from a README,
 * a chat or a note, not all of CommonMark.
 */
export function markdownToHtml(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let list: { tag: 'ul' | 'ol'; task: boolean } | null = null;
  const closeList = () => {
    if (list) out.push(`</${list.tag}>`);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s{0,3}(```|~~~)/.exec(line);
    if (fence) {
      closeList();
      const code: string[] = [];
      while (++i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) code.push(lines[i]!);
      out.push(`<pre><code>${escape(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const bullet = /^\s*[-*+]\s+(\[( |x|X)\]\s+)?(.*)$/.exec(line);
    const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? 'ul' : 'ol';
      const task = Boolean(bullet?.[1]);
      if (!list || list.tag !== tag || list.task !== task) {
        closeList();
        list = { tag, task };
        out.push(task ? '<ul data-type="taskList">' : `<${tag}>`);
      }
      const body = inline(bullet ? bullet[3]! : numbered![1]!);
      out.push(task ? `<li data-type="taskItem" data-checked="${bullet![2] !== ' '}"><p>${body}</p></li>` : `<li><p>${body}</p></li>`);
      continue;
    }
    closeList();
    if (heading) out.push(`<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`);
    else if (quote) {
      const quoted = [quote[1]!];
      while (i + 1 < lines.length && /^\s{0,3}>/.test(lines[i + 1]!)) quoted.push(lines[++i]!.replace(/^\s{0,3}>\s?/, ''));
      out.push(`<blockquote>${quoted.filter((q) => q.trim() !== '').map((q) => `<p>${inline(q)}</p>`).join('')}</blockquote>`);
    } else if (line.trim() !== '') out.push(`<p>${inline(line.trim())}</p>`); // a line is a paragraph, as Google Docs pastes text
  }
  closeList();
  return out.join('');
}

/**
 * Plain text that is Markdown (pasted from a README, a chat, a text editor) becomes structure,
 * as `**bold**` already does inline. Pastes that carry HTML keep their own structure.
 */
export const MarkdownPaste = Extension.create({
  name: 'tandemMarkdownPaste',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('tandemMarkdownPaste'),
        props: {
          handlePaste: (view, event) => {
            const data = event.clipboardData;
            if (!data || data.types.includes('text/html') || data.files.length > 0) return false;
            const text = data.getData('text/plain');
            if (!looksLikeMarkdown(text) || view.state.selection.$from.parent.type.spec.code) return false;
            // ProseMirror's own paste path: the result is one undo step like any paste.
            return view.pasteHTML(markdownToHtml(text));
          },
        },
      }),
    ];
  },
});

/**
 * Text colours for a .docx import. mammoth reads no run colour, so before it reads the body,
 * each run whose properties hold a colour (and no character style of its own) is given a run
 * style named after the colour; a style map line per colour turns that style into a
 * `<span data-color>`, and `colorSpans` makes it the `style="color: …"` the schema's textStyle
 * reads (through safeColor, as every conversion does).
 */

const PREFIX = 'TandemColor';
/** More distinct colours than a document has; the style map stays small. */
const MAX_COLORS = 256;

/** The body with colours as run styles, and the style map lines that match them. */
export function colorRuns(xml: string): { xml: string; styleMap: string[] } {
  const colors = new Set<string>();
  const out = xml.replace(/<w:rPr>([\s\S]*?)<\/w:rPr>/g, (whole, inner: string) => {
    const color = /<w:color\b[^>]*\bw:val="([0-9A-Fa-f]{6})"/.exec(inner)?.[1]?.toUpperCase();
    if (!color || inner.includes('<w:rStyle') || (!colors.has(color) && colors.size >= MAX_COLORS)) return whole;
    colors.add(color);
    return `<w:rPr><w:rStyle w:val="${PREFIX}${color}"/>${inner}</w:rPr>`;
  });
  return { xml: out, styleMap: [...colors].map((c) => `r.${PREFIX}${c} => span[data-color='${c}']`) };
}

/** mammoth's colour spans as the inline style the schema parses. */
export function colorSpans(html: string): string {
  return html.replace(/<span data-color="([0-9A-F]{6})">/g, (_, c: string) => `<span style="color: #${c.toLowerCase()}">`);
}

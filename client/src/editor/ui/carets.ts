// How peers' carets look. Same structure and classes as Tiptap's default render
// (collaboration-carets__caret / __label) so outside checks and themes keep working.
import { safeColor } from '@tandem/schema';

/** A peer's colour comes from its awareness state: only a colour value reaches `style`. */
function colorOf(user: Record<string, unknown>): string {
  return safeColor(user.color) ?? '#5f6368'; // white label text stays readable (4.5:1)
}

export function renderCaret(user: Record<string, unknown>): HTMLElement {
  const name = typeof user.name === 'string' ? user.name : 'Someone';
  const color = colorOf(user);
  const caret = document.createElement('span');
  caret.classList.add('collaboration-carets__caret');
  caret.style.borderColor = color;
  caret.setAttribute('data-user-name', name);
  const label = document.createElement('div');
  label.classList.add('collaboration-carets__label');
  label.style.backgroundColor = color;
  label.textContent = name; // text, never HTML: names come from other people
  caret.append(label);
  return caret;
}

export function renderSelection(user: Record<string, unknown>): { nodeName: string; class: string; style: string } {
  const color = colorOf(user);
  // 8-digit hex for a translucent tint; other formats get a neutral tint.
  const tint = /^#[0-9a-f]{6}$/i.test(color) ? `${color}33` : 'rgba(136,136,136,0.2)';
  return { nodeName: 'span', class: 'collaboration-carets__selection', style: `background-color: ${tint}` };
}

/**
 * A writer's change of a block's type or attributes in Suggesting mode (a paragraph made a
 * heading, an alignment, an indent): made, and recorded on the block as a `format` block
 * suggestion holding what the block was before (schema/src/suggestions.ts), so that rejecting it
 * puts that back. y-tiptap keeps no marks on blocks, so the record is the block's `suggestion`
 * attribute. A block already proposed for insertion needs none: its format goes with it.
 *
 * Only changes that keep the block where it is are taken (an attribute step, or a step that
 * replaces a textblock's own node around its content); wrapping in a list or a quote, lifting and
 * joining are changes of structure a suggestion cannot hold yet, and are left out.
 */
import type { Node as PMNode } from '@tiptap/pm/model';
import type { Transaction } from '@tiptap/pm/state';
import { AttrStep, ReplaceAroundStep, type Mappable, type Step } from '@tiptap/pm/transform';
import { BLOCK_SUGGESTION, SUGGESTIBLE_BLOCKS, readBlockSuggestion, writeBlockSuggestion, type SuggestionAttrs } from '@tandem/schema';

/** Whether a step only retypes or re-attributes one textblock, leaving the document's shape as it is. */
function retypesOneBlock(step: Step, doc: PMNode): number | null {
  if (step instanceof AttrStep) {
    const node = doc.nodeAt(step.pos);
    return node?.isTextblock && step.attr !== BLOCK_SUGGESTION ? step.pos : null;
  }
  if (step instanceof ReplaceAroundStep) {
    const { from, to, gapFrom, gapTo, insert, slice } = step as unknown as { from: number; to: number; gapFrom: number; gapTo: number; insert: number; slice: { content: { childCount: number; firstChild: PMNode | null }; openStart: number; openEnd: number } };
    const node = doc.nodeAt(from);
    const replacement = slice.content.firstChild;
    const oneForOne = gapFrom === from + 1 && gapTo === to - 1 && insert === 1 && slice.content.childCount === 1 && slice.openStart === 0 && slice.openEnd === 0;
    return oneForOne && node?.isTextblock && node.nodeSize === to - from && replacement?.isTextblock ? from : null;
  }
  return null;
}

function withoutSuggestion(attrs: Record<string, unknown>): Record<string, unknown> {
  const { [BLOCK_SUGGESTION]: _dropped, ...rest } = attrs;
  return rest;
}

function sameAttrs(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

/**
 * Suggests `step` (a step of the person's transaction, not yet mapped) on `out` through `mapping`
 * (from the step's document onto `out`'s); returns false when it is not a change this can hold.
 */
export function suggestBlockFormat(out: Transaction, step: Step, mapping: Mappable, attrs: SuggestionAttrs): boolean {
  const mapped = step.map(mapping);
  if (!mapped) return false;
  const pos = retypesOneBlock(mapped, out.doc);
  if (pos === null) return false;
  const before = out.doc.nodeAt(pos)!;
  if (out.maybeStep(mapped).failed) return false;
  const after = out.doc.nodeAt(pos);
  if (!after || !SUGGESTIBLE_BLOCKS.includes(after.type.name)) return true;
  const existing = readBlockSuggestion(before.attrs[BLOCK_SUGGESTION]);
  if (existing?.kind === 'insert' || existing?.kind === 'delete') {
    // A new (or removed) block keeps its own suggestion, which the retype may have replaced.
    if (after.attrs[BLOCK_SUGGESTION] !== before.attrs[BLOCK_SUGGESTION]) out.setNodeAttribute(pos, BLOCK_SUGGESTION, before.attrs[BLOCK_SUGGESTION]);
    return true;
  }
  const previous = existing?.previous ?? { type: before.type.name, attrs: withoutSuggestion(before.attrs) };
  const backToBefore = previous.type === after.type.name && sameAttrs(previous.attrs, withoutSuggestion(after.attrs));
  out.setNodeAttribute(pos, BLOCK_SUGGESTION, backToBefore ? null : writeBlockSuggestion({ kind: 'format', ...(existing ?? attrs), previous }));
  return true;
}

/**
 * Documents this tab just created with "New document": their page opens with the cursor in the
 * title instead of the body. Kept in memory only: the app navigates without reloading.
 */
const fresh = new Set<string>();

export function markFresh(name: string): void {
  fresh.add(name);
}

/** Whether `name` was just created here (asked once: the answer is false from then on). */
export function takeFresh(name: string): boolean {
  return fresh.delete(name);
}

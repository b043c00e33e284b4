import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { fixTables } from '@tiptap/pm/tables';
import { isRemoteChange } from '@tandem/schema';
import type { Awareness } from 'y-protocols/awareness';

/** Long enough for a merge to finish arriving; short enough that nobody types into a ragged table. */
const REPAIR_DELAY_MS = 400;
/**
 * The awareness field by which a client says it can write (and so may be elected to repair):
 * kept by useTandem beside `setEditable`, since a read-only or comment-only peer's repair would
 * be refused. The server relays it as `false` for connections without write access, so nobody
 * can win the election by claiming it.
 */
export const TABLE_REPAIR_FIELD = 'tableRepair';
const FIELD = TABLE_REPAIR_FIELD;

const key = new PluginKey<boolean>('tandemTableRepair');

/**
 * Remote changes can leave a table ragged (see LocalTableFixes in @tandem/schema). Exactly one
 * client repairs it: among the peers that can write, the one with the smallest Yjs client ID,
 * a short while after the remote changes stop. Everyone else waits for that repair to arrive.
 */
export const TableRepair = Extension.create<{ awareness: Awareness | null }>({
  name: 'tandemTableRepair',
  addOptions() {
    return { awareness: null };
  },
  addProseMirrorPlugins() {
    const awareness = this.options.awareness;
    const elected = () => {
      if (!awareness) return true;
      // Only an editor that offers (a writer's, in Editing mode) repairs; never a commenter's.
      if (awareness.getLocalState()?.[FIELD] !== true) return false;
      let lowest = Infinity;
      for (const [id, state] of awareness.getStates()) if (state[FIELD] === true && id < lowest) lowest = id;
      return lowest === awareness.clientID;
    };
    return [
      new Plugin<boolean>({
        key,
        // true while remote changes wait to be checked
        state: {
          init: () => false,
          apply: (tr, pending) => (tr.getMeta(key) === false ? false : pending || (tr.docChanged && isRemoteChange(tr))),
        },
        view: (view) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          return {
            update: () => {
              if (!key.getState(view.state) || timer !== undefined) return;
              timer = setTimeout(() => {
                timer = undefined;
                const repair = view.isDestroyed ? undefined : view.editable && elected() ? fixTables(view.state) : undefined;
                if (view.isDestroyed) return;
                const tr = (repair ?? view.state.tr).setMeta(key, false).setMeta('addToHistory', false);
                view.dispatch(tr);
              }, REPAIR_DELAY_MS);
            },
            destroy: () => clearTimeout(timer),
          };
        },
      }),
    ];
  },
});

import type { Logger } from '../logger.js';
import { CHANGED_CHANNEL } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { sharedStep } from './sharedStep.js';

/**
 * "Document changed" notices across instances (scale-out's change feed): instances follow the
 * shared logs of their open documents only, so search would never hear of an edit to a document
 * an instance does not have open. The instance that accepted a change announces it (once per
 * indexing debounce, not per update); every other instance re-reads that document from the
 * shared log and indexes it. Pub/sub loses what is sent while an instance is away from Redis:
 * such a document is indexed again at its next change.
 */
export class ChangeFeed {
  constructor(
    private readonly link: RedisLink,
    private readonly instance: string,
    private readonly logger: Logger,
  ) {}

  /** Hears every other instance's notices. */
  async listen(onChanged: (name: string) => void): Promise<void> {
    await this.link.pubsub
      .subscribe(CHANGED_CHANNEL, (message: string) => {
        try {
          const { name, from } = JSON.parse(message) as { name?: unknown; from?: unknown };
          if (typeof name !== 'string') throw new Error('not a change notice');
          if (from !== this.instance) onChanged(name);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'unreadable change notice: ignored');
        }
      })
      .catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'cannot subscribe to change notices; search here learns only of edits to documents open here');
      });
  }

  announce(name: string): void {
    void sharedStep(this.link, this.logger, 'announcing a change', () => this.link.command(['PUBLISH', CHANGED_CHANNEL, JSON.stringify({ name, from: this.instance })]));
  }
}

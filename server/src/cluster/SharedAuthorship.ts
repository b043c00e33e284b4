import type { Logger } from '../logger.js';
import { decodeAttributed, encodeAttributed, noAuthorship, type Authorship, type AuthorshipBatch, type AuthorshipStore } from '../storage/kinds/authorship.js';
import { authorsKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';
import { hashPairs, sharedStep } from './sharedStep.js';

/**
 * Compare's attribution with scale-out: one hash per document in Redis (`<client>` → who wrote
 * with it, `<client>:<clock>` → who deleted a run), so that any instance attributes the updates
 * another one accepted. This instance's copy answers while Redis is away (then only what it
 * recorded itself).
 */
export class SharedAuthorship implements AuthorshipStore {
  constructor(
    private readonly local: AuthorshipStore,
    private readonly link: RedisLink,
    private readonly logger: Logger,
  ) {}

  async recordAuthorship(name: string, batch: AuthorshipBatch): Promise<void> {
    await this.local.recordAuthorship(name, batch);
    const fields = [
      ...batch.clients.flatMap(([client, who]) => [String(client), encodeAttributed(who)]),
      ...batch.deletions.flatMap((d) => [`${d.client}:${d.clock}`, encodeAttributed(d.by, d.length)]),
    ];
    if (fields.length > 0) await sharedStep(this.link, this.logger, 'recording authorship', () => this.link.command(['HSET', authorsKey(name), ...fields]));
  }

  async readAuthorship(name: string): Promise<Authorship> {
    const raw = await sharedStep(this.link, this.logger, 'reading authorship', () => this.link.command<unknown>(['HGETALL', authorsKey(name)], true));
    if (raw === undefined) return this.local.readAuthorship(name);
    const out = noAuthorship();
    for (const [field, value] of hashPairs(raw)) {
      const [client, clock] = String(field).split(':').map(Number);
      if (!Number.isSafeInteger(client)) continue;
      const { n, ...who } = decodeAttributed(value as Buffer);
      if (clock === undefined) out.clients.set(client!, who);
      else if (Number.isSafeInteger(clock)) out.deletions.push({ client: client!, clock, length: n ?? 1, by: who });
    }
    return out;
  }
}

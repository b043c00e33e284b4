import { fileKey } from './keys.js';
import type { RedisLink } from './RedisLink.js';

/**
 * Uploaded files in Redis (DESIGN.md, "scale-out": everything shared is in Redis as well, each
 * instance caching it in LevelDB). Content-addressed, so a file never changes once written and
 * any copy of it is the right one.
 */
export class SharedFiles {
  constructor(private readonly link: RedisLink) {}

  /** Stores the file in Redis; rejects when Redis is down or slow (the caller refuses the upload). */
  async put(name: string, sha256: string, bytes: Uint8Array): Promise<void> {
    await this.link.command(['SET', fileKey(name, sha256), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
  }

  /** The file from Redis, or undefined when Redis has none (or is down: the instance knows only its own). */
  async get(name: string, sha256: string): Promise<Uint8Array | undefined> {
    if (!this.link.up) return undefined;
    const value = await this.link.command<Buffer | null>(['GET', fileKey(name, sha256)], true);
    return value ?? undefined;
  }
}

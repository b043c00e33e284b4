// Types for index.mjs (see there).

export declare const repoRoot: string;

export interface WaitForOptions {
  /** default 10,000 */
  timeoutMs?: number;
  /** default 10 */
  intervalMs?: number;
  /** names the condition in the timeout message */
  what?: string;
}

export declare function waitFor<T>(fn: () => T | Promise<T>, opts?: WaitForOptions): Promise<NonNullable<T>>;

export declare function freePort(): Promise<number>;

export declare function tempDir(prefix?: string): string;

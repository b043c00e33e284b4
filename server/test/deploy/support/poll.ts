// Polling and ports for the deployment tests: the shared test kit (scripts/testkit), with the
// argument order these tests were written in.
import { freePort, waitFor as waitForTruthy } from '../../../../scripts/testkit/index.mjs';

export { freePort };

/**
 * Polls `probe` until it gives anything but `undefined` or `false` (a port 0 or an empty
 * string is an answer here), or throws after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const boxed = await waitForTruthy(
    async () => {
      const v = await probe();
      return v === undefined || v === false ? undefined : { v };
    },
    { what, timeoutMs, intervalMs: everyMs },
  );
  return boxed.v as T;
}

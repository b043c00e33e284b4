/** Why an update is refused (its sender is closed with 1008); never thrown past review/commentRules.ts. */
export class Refusal extends Error {}

/** The update builds on changes this instance does not hold yet: it may be checked again later. */
export class Missing extends Error {}

export function refuse(why: string): never {
  throw new Refusal(why);
}

/** What the review rules say of an update (the pipeline waits on `missing`, then gives up with 1011). */
export type { PolicyVerdict as Verdict } from '../rooms/ports.js';

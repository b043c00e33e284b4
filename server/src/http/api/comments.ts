import { identityOf } from '../../review/author.js';
import { CommentError, type Asker } from '../../review/CommentService.js';
import { ApiError, readJson, sendJson, sendNoContent, type ApiRequest } from './context.js';
import type { Route } from './router.js';

/** A comment request body: small JSON. */
const MAX_BODY = 64 * 1024;

function askerOf({ grant }: ApiRequest): Asker {
  return { mode: grant.mode, identity: identityOf(grant), name: grant.userName ?? 'Anonymous' };
}

/** Runs a comments call, answering its refusals in the API's one error shape. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CommentError) throw new ApiError(err.status, err.message);
    throw err;
  }
}

async function list(r: ApiRequest): Promise<void> {
  const threads = await call(() => r.deps.comments.list(r.name));
  sendJson(r.res, 200, {
    threads: threads.map(({ id, quote, resolved, resolvedBy, detached, suggestion, comments }) => ({ id, quote, resolved, resolvedBy, detached, ...(suggestion ? { suggestion } : {}), comments })),
  });
}

async function add(r: ApiRequest): Promise<void> {
  const body = await readJson(r.req, MAX_BODY, '{ "quote": "…", "body": "…" }');
  const id = await call(() => r.deps.comments.add(r.name, askerOf(r), body.quote, body.body));
  sendJson(r.res, 201, { id });
}

async function reply(r: ApiRequest): Promise<void> {
  const body = await readJson(r.req, MAX_BODY, '{ "body": "…" }');
  const id = await call(() => r.deps.comments.reply(r.name, askerOf(r), r.params.thread!, body.body));
  sendJson(r.res, 201, { id });
}

const resolution = (resolved: boolean) => async (r: ApiRequest): Promise<void> => {
  await call(() => r.deps.comments.setResolved(r.name, askerOf(r), r.params.thread!, resolved));
  sendNoContent(r.res);
};

async function edit(r: ApiRequest): Promise<void> {
  const body = await readJson(r.req, MAX_BODY, '{ "body": "…" }');
  await call(() => r.deps.comments.edit(r.name, askerOf(r), r.params.thread!, r.params.comment!, body.body));
  sendNoContent(r.res);
}

async function removeComment(r: ApiRequest): Promise<void> {
  await call(() => r.deps.comments.removeComment(r.name, askerOf(r), r.params.thread!, r.params.comment!));
  sendNoContent(r.res);
}

async function removeThread(r: ApiRequest): Promise<void> {
  await call(() => r.deps.comments.removeThread(r.name, askerOf(r), r.params.thread!));
  sendNoContent(r.res);
}

/** Comments (DESIGN.md, "Contract — review: comments"); the rules themselves are the review's. */
export const commentRoutes: Route[] = [
  { method: 'GET', path: 'api/docs/:name/comments', access: 'read', handle: list },
  { method: 'POST', path: 'api/docs/:name/comments', access: 'comment', handle: add },
  { method: 'POST', path: 'api/docs/:name/comments/:thread/replies', access: 'comment', handle: reply },
  { method: 'POST', path: 'api/docs/:name/comments/:thread/resolve', access: 'comment', handle: resolution(true) },
  { method: 'POST', path: 'api/docs/:name/comments/:thread/reopen', access: 'comment', handle: resolution(false) },
  { method: 'PATCH', path: 'api/docs/:name/comments/:thread/:comment', access: 'comment', handle: edit },
  { method: 'DELETE', path: 'api/docs/:name/comments/:thread/:comment', access: 'comment', handle: removeComment },
  { method: 'DELETE', path: 'api/docs/:name/comments/:thread', access: 'write', handle: removeThread },
];

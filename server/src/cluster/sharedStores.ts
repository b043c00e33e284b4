import type { Logger } from '../logger.js';
import type { Stores } from '../storage/Stores.js';
import type { Cluster } from './Cluster.js';
import { SharedAuthorship } from './SharedAuthorship.js';
import { SharedDocuments } from './SharedDocuments.js';
import { SharedFiles } from './SharedFiles.js';
import { SharedShares } from './SharedShares.js';
import { SharedLogins, SharedSessions } from './SharedSessions.js';
import { SharedPeople } from './SharedPeople.js';
import { SharedVersions } from './SharedVersions.js';
import { VersionLease } from './VersionLease.js';

/**
 * The kinds every instance must answer alike (versions, the document list, files, share
 * links, sign-in sessions and login transactions, compare's attribution), each wrapped so that it lives in Redis as well as in this instance's store; the
 * update log and the cluster marks stay this instance's own (the shared log is the Cluster's).
 * The server calls this once, at start, with REDIS_URL: nothing above storage asks whether
 * Redis exists. `lease` decides which instance records a document's automatic versions.
 */
export function sharedStores(local: Stores, cluster: Cluster, logger: Logger, now: () => number): Stores & { lease: VersionLease } {
  const { link, instance } = cluster;
  const files = new SharedFiles(local.files, link, instance, logger, now);
  cluster.onFilesDeleted = (notice) => {
    files.dropCopies(notice).catch((err: unknown) => logger.warn({ doc: notice.name, err }, 'dropping copies of files deleted elsewhere failed'));
  };
  return {
    ...local,
    versions: new SharedVersions(local.versions, link, logger),
    documents: new SharedDocuments(local.documents, link, instance, logger, files),
    files,
    shares: new SharedShares(local.shares, link),
    sessions: new SharedSessions(local.sessions, link, now),
    logins: new SharedLogins(link, now),
    people: new SharedPeople(local.people, link),
    authorship: new SharedAuthorship(local.authorship, link, logger),
    lease: new VersionLease(link, instance, logger),
  };
}

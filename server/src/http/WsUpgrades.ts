import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server, WebSocket } from 'ws';
import type { Access } from '../auth/access.js';
import type { Gate } from '../auth/gate.js';
import type { Config } from '../config.js';
import { AuthError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import { ConnectionHolds, type Hold } from './ConnectionHolds.js';
import { credentialOf } from './credential.js';
import { decodeName, splitTarget } from './names.js';
import { refusalOf } from './refusals.js';
import { RequestError } from './RequestError.js';
import { clientIp, isOriginAllowed, rejectUpgrade } from './requests.js';

const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** What an admitted upgrade opens: its socket, in its loaded room, with what it may do and the places it holds. */
export type OpenConnection<T extends typeof WebSocket> = (ws: InstanceType<T>, room: Room, access: Access, hold: Hold, acks: boolean) => void;

/**
 * Upgrade admission: an upgrade's name, origin, handshake headers, credential, per-address and
 * per-credential places and the open-documents cap are checked before it is accepted, its
 * document is loaded, and only then is the socket handed over (`open`). A refusal is answered
 * over HTTP with one log line. The places an admitted connection holds are given back through
 * `release` when it ends.
 */
export class WsUpgrades<T extends typeof WebSocket> {
  private readonly holds: ConnectionHolds;
  private accepting = true;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly registry: RoomRegistry,
    private readonly gate: Gate,
    private readonly wss: Server<T>,
    private readonly open: OpenConnection<T>,
  ) {
    this.holds = new ConnectionHolds(config.maxConnectionsPerIp, config.maxDocumentsPerCredential);
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', ignoreSocketError); // ws reports errors of upgraded sockets itself
    void this.upgrade(req, socket, head);
  };

  /** Upgrades from now on, and those whose document is still loading, are refused (503). */
  stop(): void {
    this.accepting = false;
  }

  /** A connection ended: the places it held are free again. */
  release(hold: Hold): void {
    this.holds.give(hold);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let ip: string | undefined;
    let name: string | undefined;
    let hold: Hold | undefined; // places taken by this upgrade, to give back if it fails
    try {
      if (!this.accepting) throw new RequestError('server shutting down', 503);
      const { path, query } = splitTarget(req.url ?? '/');
      name = decodeName(path.slice(1));
      if (!isOriginAllowed(this.config, req)) throw new AuthError('origin not allowed', 403);
      const key = req.headers['sec-websocket-key'];
      const version = req.headers['sec-websocket-version'];
      if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || !KEY.test(key) || (version !== '13' && version !== '8')) {
        throw new RequestError('not a valid WebSocket upgrade', 400);
      }
      const credential = credentialOf(req, query, this.gate.cookies, true);
      const access: Access = await this.gate.decide(credential, 'read', name);
      ip = clientIp(this.config, req);
      hold = this.holds.take(ip, credential.token, name);
      const room = await this.registry.acquire(name);
      // The server may have begun to stop while the document loaded: a socket opened now would
      // join a room that is closing, past the 1001 that ended every other session.
      if (socket.destroyed || !this.accepting) {
        this.registry.unpin(room);
        if (socket.destroyed) {
          this.holds.give(hold);
          return;
        }
        throw new RequestError('server shutting down', 503);
      }
      let opened = false;
      const held = hold;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        opened = true;
        this.open(ws, room, access, held, query.get('acks') === '1');
      });
      if (!opened) {
        this.registry.unpin(room);
        this.holds.give(hold);
      }
    } catch (err) {
      if (hold) this.holds.give(hold);
      const refusal = refusalOf(err);
      if (!refusal) this.logger.error({ doc: name, err }, 'upgrade failed');
      else this.logger.info({ doc: name, status: refusal.status, reason: refusal.reason, ip }, 'upgrade refused');
      if (refusal) rejectUpgrade(socket, refusal.status, refusal.error, refusal.reason);
      else rejectUpgrade(socket, 500, 'internal', 'internal error');
    }
  }
}

/** Resets and the like on a socket being upgraded or refused: nothing to do but let it close. */
export function ignoreSocketError(): void {}

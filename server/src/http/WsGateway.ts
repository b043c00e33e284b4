import { WebSocketServer, type WebSocket } from 'ws';
import type { Access, Mode } from '../auth/access.js';
import type { SessionUse, SessionWatch } from '../signin/SessionWatch.js';
import type { Gate } from '../auth/gate.js';
import { CloseCode, ObservedCloseCode } from '../closeCodes.js';
import type { Config } from '../config.js';
import { ProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics, ReceivedType } from '../metrics.js';
import { DecodeError, decodeMessage, type Message } from '../protocol/messages.js';
import { Connection } from '../rooms/Connection.js';
import { OutputBudget } from '../rooms/OutputBudget.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import { rawSocketOf, WsSocket } from '../transport/WsSocket.js';
import type { ShareRef, Shares } from '../shares/Shares.js';
import type { Hold } from './ConnectionHolds.js';
import { closeFor } from './refusals.js';
import { ignoreSocketError, WsUpgrades } from './WsUpgrades.js';

/** The gateway's sockets: listeners are shared functions that find the connection and gateway on them. */
class TaggedSocket extends WsSocket {
  tandemConn: Connection | undefined;
  tandemGateway: WsGateway | undefined;
}

const RECEIVED: Record<Message['kind'], ReceivedType> = {
  syncStep1: 'sync_step1',
  syncStep2: 'sync_step2',
  update: 'update',
  awareness: 'awareness',
  queryAwareness: 'query_awareness',
};

// ws reports protocol violations through 'error'; these are the codes it closes with.
const WS_ERROR_CLOSE: Record<string, CloseCode> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.MessageTooBig,
  WS_ERR_INVALID_UTF8: CloseCode.InvalidPayload,
};

function truncateReason(reason: string): string {
  return Buffer.byteLength(reason) <= 120 ? reason : reason.slice(0, 100) + '…';
}

/**
 * WebSocket side of the relay: upgrades are admitted by WsUpgrades; from then on the gateway
 * turns frames into room calls, keeps connections alive (pings) and within their budgets, and
 * lets them go. Each connection's errors are caught in one place and become a close code.
 */
export class WsGateway {
  private readonly upgrades: WsUpgrades<typeof TaggedSocket>;
  private readonly conns = new Map<Connection, Room>();
  /** The places under the per-address and per-credential limits each connection holds. */
  private readonly holders = new Map<Connection, Hold>();
  private readonly heartbeat: NodeJS.Timeout;
  /** When the heartbeat last ran (ms): how late it runs measures the event loop's lag. */
  private sweptAt = Date.now();
  private nextId = 1;
  /** Unsent output over all connections (MAX_TOTAL_BUFFERED_BYTES). */
  private readonly budget: OutputBudget;
  /** Told when the last connection is released (while `drained` waits). */
  private whenEmpty: (() => void) | undefined;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly registry: RoomRegistry,
    gate: Gate,
    shares?: Shares | undefined,
    sessions?: SessionWatch | undefined,
  ) {
    const wss = new WebSocketServer<typeof TaggedSocket>({
      noServer: true,
      maxPayload: config.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      autoPong: false, // see handlePing
      WebSocket: TaggedSocket,
    });
    this.upgrades = new WsUpgrades(config, logger, registry, gate, wss, (ws, room, access, hold, acks) => this.open(ws, room, access, hold, acks));
    this.handleUpgrade = this.upgrades.handleUpgrade;
    this.heartbeat = setInterval(this.sweep, config.pingIntervalMs);
    this.budget = new OutputBudget(config.maxTotalBufferedBytes, logger);
    // A revoked link ends its sessions: at once when revoked here, within seconds when elsewhere.
    this.stopWatchingShares = shares?.watch(
      () => this.sharesInUse(),
      this.closeShareSessions,
      (ref, err) => this.logger.warn({ doc: ref.name, err }, 'cannot check a share link'),
    );
    // A logout or a role change reaches open sessions: at once here, within 2 s elsewhere.
    this.stopWatchingSessions = sessions?.watch(
      () => this.sessionsInUse(),
      async (use) => (await gate.decide({ session: use.session }, 'read', use.name)).mode,
      this.closeChangedSessions,
      (use, err) => this.logger.warn({ doc: use.name, err }, 'cannot check a session'),
    );
  }

  private readonly stopWatchingShares: (() => void) | undefined;
  private readonly stopWatchingSessions: (() => void) | undefined;

  private *sessionsInUse(): Iterable<SessionUse> {
    for (const [conn, room] of this.conns) {
      const { session, mode } = conn.access;
      if (session !== undefined && !conn.closed) yield { name: room.name, session, mode };
    }
  }

  /** A signed-in person's access changed (4403: reconnect and ask again) or ended (4401). */
  private readonly closeChangedSessions = ({ name, session, mode }: SessionUse, to: Mode | undefined, reason: string): void => {
    for (const [conn, room] of this.conns) {
      if (conn.access.session !== session || conn.access.mode !== mode || room.name !== name || conn.closed) continue;
      conn.close(to === undefined ? CloseCode.TokenExpired : CloseCode.AccessChanged, truncateReason(reason));
    }
  };

  /** The HTTP server's 'upgrade' listener. */
  readonly handleUpgrade: WsUpgrades<typeof TaggedSocket>['handleUpgrade'];

  private *sharesInUse(): Iterable<ShareRef> {
    for (const [conn, room] of this.conns) {
      const id = conn.access.share;
      if (id !== undefined && !conn.closed) yield { name: room.name, id };
    }
  }

  private readonly closeShareSessions = ({ name, id }: ShareRef): void => {
    for (const [conn, room] of this.conns) {
      if (conn.access.share === id && room.name === name && !conn.closed) conn.close(CloseCode.TokenExpired, 'link revoked');
    }
  };

  private open(ws: TaggedSocket, room: Room, access: Access, hold: Hold, acks: boolean): void {
    const now = Date.now();
    // ws listens for errors on the socket now; the upgrade's own listener would only cost memory.
    rawSocketOf(ws)?.removeListener('error', ignoreSocketError);
    const conn = new Connection(this.nextId++, ws, access, hold.ip, this.config, now, acks, this.budget);
    conn.handleClosedBy(this.release);
    // Before the join: a room that cannot serve closes the connection at once, which releases its places.
    this.holders.set(conn, hold);
    ws.tandemConn = conn;
    ws.tandemGateway = this;
    this.conns.set(conn, room);
    this.metrics.connections.set(this.conns.size);
    ws.on('message', handleMessageEvent);
    ws.on('pong', handlePongEvent);
    ws.on('ping', handlePingEvent);
    ws.on('close', handleCloseEvent);
    ws.on('error', handleErrorEvent);
    if (access.expiresAtMs !== undefined) conn.expireAt(access.expiresAtMs, now);
    this.logger.debug({ doc: hold.name, conn: conn.id, mode: access.mode }, 'connected');
    this.registry.join(room, conn);
  }

  handleFrame(conn: Connection, data: Buffer, isBinary: boolean): void {
    if (!conn.reading) return;
    conn.alive();
    const room = this.conns.get(conn);
    if (!room) return;
    try {
      if (!isBinary) throw new ProtocolError('text frames are not part of the protocol', CloseCode.UnsupportedData);
      const now = Date.now();
      if (!this.withinBudget(conn, room, now, data.length)) return;
      let msg: Message;
      try {
        msg = decodeMessage(data);
      } catch (err) {
        this.metrics.messageReceived('invalid', data.length);
        throw err;
      }
      this.metrics.messageReceived(RECEIVED[msg.kind], data.length);
      // Draining (the server is going away): only edits are still taken; nothing is answered.
      if (conn.closed && msg.kind !== 'update' && msg.kind !== 'syncStep2') return;
      try {
        room.handleMessage(conn, msg, now);
      } catch (err) {
        if (err instanceof DecodeError) this.metrics.messageInvalid();
        throw err;
      }
    } catch (err) {
      this.fail(conn, room, err);
    }
  }

  /**
   * A ping is answered by us, not by ws (`autoPong: false`: ws's own answering costs a closure
   * per connection), and counts against the connection's rate limit like a message.
   */
  handlePing(conn: Connection, ws: WsSocket, data: Buffer): void {
    if (conn.closed) return;
    conn.alive();
    const room = this.conns.get(conn);
    if (!room || !this.withinBudget(conn, room, Date.now(), data.length)) return;
    ws.pong(data);
  }

  /** Takes a message of `bytes` from the connection's budgets, or closes it with 1013. */
  private withinBudget(conn: Connection, room: Room, now: number, bytes: number): boolean {
    const exhausted = conn.takeTokens(now, bytes);
    if (!exhausted) return true;
    const reason = exhausted === 'messages' ? 'rate limit exceeded' : 'byte rate limit exceeded';
    this.logger.warn({ doc: room.name, conn: conn.id, code: CloseCode.TryAgainLater }, reason);
    conn.close(CloseCode.TryAgainLater, reason);
    return false;
  }

  private fail(conn: Connection, room: Room, err: unknown): void {
    const close = closeFor(err);
    if (close) {
      this.logger.warn({ doc: room.name, conn: conn.id, code: close.code, reason: close.reason }, 'bad message: closing');
      conn.close(close.code, truncateReason(close.reason));
    } else {
      this.logger.error({ doc: room.name, conn: conn.id, code: CloseCode.InternalError, err }, 'internal error: closing');
      conn.close(CloseCode.InternalError, 'internal error');
    }
  }

  handleSocketError(conn: Connection, err: Error & { code?: string }): void {
    const code = (err.code !== undefined ? WS_ERROR_CLOSE[err.code] : undefined) ?? CloseCode.ProtocolViolation;
    conn.failedWith(code);
    this.logger.warn({ doc: this.conns.get(conn)?.name, conn: conn.id, code, reason: err.message }, 'socket error');
  }

  /** The socket is gone (closed by either side, or cut): forget the connection. */
  readonly release = (conn: Connection, peerCode?: number): void => {
    const room = this.conns.get(conn);
    if (!room) return;
    this.conns.delete(conn);
    conn.ended();
    const hold = this.holders.get(conn);
    if (hold) {
      this.holders.delete(conn);
      this.upgrades.release(hold);
    }
    this.metrics.connections.set(this.conns.size);
    this.metrics.connectionClosed(conn.closeCode ?? peerCode ?? ObservedCloseCode.Abnormal);
    this.registry.leave(room, conn);
    if (this.conns.size === 0) this.whenEmpty?.();
  };

  /**
   * Pings everyone. A connection that left the previous ping unanswered past its deadline (one
   * interval, more when the ping was queued behind output the peer had not read: see
   * `Connection.heartbeat`) is dead, and is cut (its presence removed at once), but only once the
   * input already waiting has been read: the verdict waits for the end of this turn of the event
   * loop (setImmediate runs after the poll phase), so a pong that arrived while the loop was busy
   * counts. When the sweep itself runs late by more than half an interval, the server was
   * overloaded (it could not read pongs, or send pings, in time): nobody is cut this time, the
   * deadlines move one interval on. Overload degrades delivery, never connections.
   */
  private readonly sweep = (): void => {
    const now = Date.now();
    const late = now - this.sweptAt - this.config.pingIntervalMs;
    this.sweptAt = now;
    const silent: Connection[] = [];
    for (const conn of this.conns.keys()) if (!conn.heartbeat(now)) silent.push(conn);
    if (silent.length === 0) return;
    if (late > this.config.pingIntervalMs / 2) {
      this.logger.warn({ lateMs: late, silent: silent.length }, 'heartbeat ran late (event loop lag): pong deadlines extended by one interval');
      return;
    }
    setImmediate(this.cutSilent, silent);
  };

  private readonly cutSilent = (silent: readonly Connection[]): void => {
    for (const conn of silent) {
      if (!conn.silent || !this.conns.has(conn)) continue;
      conn.cut();
      this.logger.info({ doc: this.conns.get(conn)?.name, conn: conn.id }, 'no pong: connection dropped');
      this.release(conn);
    }
  };

  /**
   * Stops accepting and closes every connection with 1001. The peers' edits sent before they saw
   * the close are still stored: wait for `drained` before closing the rooms.
   */
  shutdown(): void {
    this.upgrades.stop();
    clearInterval(this.heartbeat);
    this.stopWatchingShares?.();
    this.stopWatchingSessions?.();
    this.budget.stop();
    for (const conn of [...this.conns.keys()]) conn.closeDraining(CloseCode.GoingAway, 'server shutting down');
  }

  /**
   * Resolves once every peer has answered the close of `shutdown` (its socket ended), or after
   * `timeoutMs`, when the sockets still open are cut.
   */
  async drained(timeoutMs: number): Promise<void> {
    if (this.conns.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.whenEmpty = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.whenEmpty = undefined;
    }
    for (const conn of [...this.conns.keys()]) {
      conn.socket.terminate();
      this.release(conn);
    }
  }
}

// ws types listeners' `this` as its own WebSocket; the gateway's sockets are TaggedSockets.
function handleMessageEvent(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const ws = this as TaggedSocket;
  if (ws.tandemConn) ws.tandemGateway?.handleFrame(ws.tandemConn, data, isBinary);
}

function handlePongEvent(this: WebSocket, data: Buffer): void {
  (this as TaggedSocket).tandemConn?.handlePong(data);
}

function handlePingEvent(this: WebSocket, data: Buffer): void {
  const ws = this as TaggedSocket;
  if (ws.tandemConn) ws.tandemGateway?.handlePing(ws.tandemConn, ws, data);
}

function handleCloseEvent(this: WebSocket, code: number): void {
  const ws = this as TaggedSocket;
  if (ws.tandemConn) ws.tandemGateway?.release(ws.tandemConn, code);
}

function handleErrorEvent(this: WebSocket, err: Error): void {
  const ws = this as TaggedSocket;
  if (ws.tandemConn) ws.tandemGateway?.handleSocketError(ws.tandemConn, err);
}

import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What a client sent in IDENTIFY. */
export interface IdentifyPayload {
  token: string;
  intents: number;
  properties: Record<string, string>;
  shard?: [number, number];
}

/**
 * A fake Discord gateway (a `ws` server on 127.0.0.1) speaking the opcodes a bot needs: HELLO (10) on
 * connect, IDENTIFY (2) answered with a READY dispatch, HEARTBEAT (1) answered with HEARTBEAT_ACK (11),
 * and `dispatch` to push events such as INTERACTION_CREATE.
 */
export class FakeDiscordGateway {
  readonly identifies: IdentifyPayload[] = [];
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private sequence = 0;
  private identified: Promise<void>;
  private markIdentified!: () => void;

  constructor(private readonly bot: { applicationId: string; userId: string; username?: string }) {
    this.identified = new Promise((resolve) => (this.markIdentified = resolve));
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.wss!.once('listening', () => resolve()));
    this.wss.on('connection', (socket) => this.onConnection(socket));
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  /** Resolves once a client has identified (and been sent READY). */
  whenIdentified(): Promise<void> {
    return this.identified;
  }

  /** Sends a dispatch (op 0) with event name `t` to every connected client. */
  dispatch(t: string, d: unknown): void {
    this.sequence += 1;
    const frame = JSON.stringify({ op: 0, t, s: this.sequence, d });
    for (const socket of this.sockets) socket.send(frame);
  }

  private onConnection(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => this.onFrame(socket, JSON.parse(String(data)) as { op: number; d: unknown }));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
  }

  private onFrame(socket: WebSocket, frame: { op: number; d: unknown }): void {
    if (frame.op === 1) {
      socket.send(JSON.stringify({ op: 11 }));
      return;
    }
    if (frame.op !== 2) return;
    this.identifies.push(frame.d as IdentifyPayload);
    this.sequence += 1;
    socket.send(
      JSON.stringify({
        op: 0,
        t: 'READY',
        s: this.sequence,
        d: {
          v: 10,
          user: { id: this.bot.userId, username: this.bot.username ?? 'papers', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 },
          guilds: [],
          session_id: 'fake-session',
          resume_gateway_url: this.url,
          shard: [0, 1],
          application: { id: this.bot.applicationId, flags: 0 },
        },
      }),
    );
    this.markIdentified();
  }
}

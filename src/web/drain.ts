import type { Server, ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';

interface Connection {
  /** Responses begun on this connection and not yet closed (more than one when requests are pipelined). */
  responses: Set<ServerResponse>;
  /** `socket.bytesRead` when the last of them closed: more since then is a request on its way in. */
  bytesWhenIdle: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Readies `server` for a shutdown that cuts off no request a client has sent,
 * and returns the function that begins it; that resolves once the listener
 * and every connection have closed.
 *
 * Node's `server.close()` destroys at once every keep-alive connection with no
 * request open, and closing the listener resets the connections the kernel has
 * not handed over yet. But a client may have sent a request on either, still
 * on the wire or in a kernel queue when the signal comes: it gets a reset
 * (ECONNRESET) and cannot know whether its request ran. An HTTP/1.1 server can
 * only say "no more requests here" in a response, so instead:
 *
 * - every response not yet begun says `Connection: close`, and Node closes its
 *   connection once it is sent;
 * - a connection with no request open is closed once it has received nothing
 *   for `idleGraceMs`, time for a request already sent to arrive; one whose
 *   request has begun to arrive is left to finish it;
 * - the listener stays open for `idleGraceMs` too, for connections whose
 *   handshake is on its way, and each of them serves one request.
 *
 * Keep-alive (65 s) thus holds up the exit by no more than `idleGraceMs`.
 */
export function drainOnClose(server: Server, idleGraceMs: number): () => Promise<void> {
  const connections = new Map<Socket, Connection>();
  let draining = false;
  let drained: Promise<void> | null = null;

  // What reached the kernel is read, and accepted, in the poll phase, after timers: a timer late because
  // the event loop was busy must let that phase run once before it closes anything.
  const afterGrace = (then: () => void) => setTimeout(() => setImmediate(then), idleGraceMs);

  const closeWhenIdle = (socket: Socket, connection: Connection) => {
    clearTimeout(connection.timer);
    connection.timer = afterGrace(() => {
      if (connection.responses.size === 0 && socket.bytesRead === connection.bytesWhenIdle) socket.destroy();
    });
  };

  server.on('connection', (socket: Socket) => {
    const connection: Connection = { responses: new Set(), bytesWhenIdle: 0, timer: undefined };
    connections.set(socket, connection);
    socket.once('close', () => {
      clearTimeout(connection.timer);
      connections.delete(socket);
    });
    if (draining) closeWhenIdle(socket, connection);
  });

  // Before the app's listener, which may send the whole response before returning.
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (!connection) return;
    clearTimeout(connection.timer);
    connection.responses.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      connection.responses.delete(res);
      if (connection.responses.size > 0) return;
      connection.bytesWhenIdle = socket.bytesRead;
      // Only a response whose headers went out before the drain began leaves its connection open.
      if (draining && !socket.destroyed) closeWhenIdle(socket, connection);
    });
  });

  return () => {
    drained ??= new Promise<void>((resolve) => {
      draining = true;
      for (const [socket, connection] of connections) {
        for (const res of connection.responses) if (!res.headersSent) res.setHeader('Connection', 'close');
        if (connection.responses.size === 0) closeWhenIdle(socket, connection);
      }
      // net's close, not http's, which would destroy the idle connections; it calls back once all have closed.
      afterGrace(() => net.Server.prototype.close.call(server, () => resolve()));
    });
    return drained;
  };
}

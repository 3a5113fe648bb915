// Watches an AMQP connection the embedded listener serves, from the side,
// with the same observer as the relay's, so /live tells the same story on
// both brokers: the frames the program sends come from the listener already
// decoded (one decoding, not two), and of the bytes the listener writes back
// (socket.write) only the method frames are decoded.
import type net from 'node:net';
import { FrameReader, type Frame } from './amqp-codec.js';
import { ConnectionObserver } from './connection-observer.js';
import type { LiveEvent } from './events.js';

let counter = 0;

/**
 * vhostKey: the engine vhost the listener gave the connection (a class
 * student's "/" is their own): its events are filed there, not under the
 * name the program typed, so no student's traffic shows on another's page.
 */
export function tapSocket(
  socket: net.Socket,
  vhostKey: () => string | undefined,
  onEvent: (vhost: string, event: LiveEvent) => void,
): (frame: Frame) => void {
  const observer = new ConnectionObserver(`l${++counter}`, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, onEvent, vhostKey);
  const fromServer = new FrameReader((f) => observer.fromServer(f), { protocolHeader: false, methodsOnly: true });
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  socket.write = (chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk)) fromServer.push(chunk);
    return write(chunk, ...rest);
  };
  socket.once('close', () => observer.ended());
  return (frame) => observer.fromClient(frame);
}

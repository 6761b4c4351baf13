// @ts-check
/**
 * The Jupyter wire protocol: turning ZeroMQ frames into messages and back, signed with HMAC-SHA256.
 *
 * Frames of one message: [routing ids..., "<IDS|MSG>", signature, header, parent_header, metadata,
 * content, binary buffers...]. The signature covers the four JSON frames only, never the buffers
 * (https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol).
 */
'use strict';

const crypto = require('crypto');
const { isMainThread, workerData } = require('worker_threads');

/** The protocol version this kernel speaks (kernel_info_reply and every header). */
const PROTOCOL_VERSION = '5.4';

const DELIMITER = Buffer.from('<IDS|MSG>');

/**
 * This kernel process's session id, sent in every header (the spec wants one per process): the
 * socket thread (kernel/socket-thread.js) gets the main thread's.
 */
const SESSION = (!isMainThread && workerData?.session) || crypto.randomUUID();

/**
 * @typedef {{ msg_id: string, msg_type: string, session: string, username: string,
 *   date: string, version: string }} Header
 * @typedef {{ identities: Buffer[], header: Header, parent_header: Partial<Header>,
 *   metadata: Record<string, unknown>, content: any, buffers: Buffer[] }} Message
 */

/** The HMAC of the four JSON frames, hex encoded ('' when the connection has no key). */
function sign(key, jsonFrames) {
  if (!key) return '';
  const hmac = crypto.createHmac('sha256', key);
  for (const frame of jsonFrames) hmac.update(frame);
  return hmac.digest('hex');
}

/**
 * Parses and verifies one incoming message.
 * @param {string} key the connection file's key
 * @param {Buffer[]} frames
 * @returns {Message}
 */
function parseMessage(key, frames) {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0 || frames.length < at + 6) throw new Error('malformed message: no <IDS|MSG> frames');
  const jsonFrames = frames.slice(at + 2, at + 6);
  const expected = sign(key, jsonFrames);
  const signature = frames[at + 1].toString();
  const same =
    expected.length === signature.length &&
    crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  if (!same) throw new Error('message signature does not match: dropped');
  const [header, parent, metadata, content] = jsonFrames.map((f) => JSON.parse(f.toString()));
  return {
    identities: frames.slice(0, at),
    header,
    parent_header: parent,
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}

/** A fresh header for a message this kernel sends. */
function newHeader(msgType) {
  return {
    msg_id: crypto.randomUUID(),
    msg_type: msgType,
    session: SESSION,
    username: 'kernel',
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/**
 * The frames of an outgoing message.
 * @param {string} key
 * @param {{ identities?: Buffer[], msgType: string, parent?: Partial<Header> | null,
 *   content: unknown, metadata?: Record<string, unknown>, buffers?: Buffer[] }} message
 * @returns {Buffer[]}
 */
function encodeMessage(key, message) {
  const jsonFrames = [
    newHeader(message.msgType),
    message.parent ?? {},
    message.metadata ?? {},
    message.content,
  ].map((part) => Buffer.from(JSON.stringify(part)));
  return [
    ...(message.identities ?? []),
    DELIMITER,
    Buffer.from(sign(key, jsonFrames)),
    ...jsonFrames,
    ...(message.buffers ?? []),
  ];
}

module.exports = { PROTOCOL_VERSION, SESSION, encodeMessage, parseMessage };

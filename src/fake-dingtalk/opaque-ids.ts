import { createHash, randomBytes } from 'node:crypto';

// DingTalk's ids are opaque: nothing about a person can be read from a conversationId, unionId or msgId,
// so the stand-in derives them by hashing, and code that parses a user id out of one breaks in tests too.

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64');
}

/** The 1:1 conversation between a person and the robot: `cid` + base64, stable per (robot, person). */
export function oneToOneConversationId(robotCode: string, userId: string): string {
  return `cid${digest('1to1', robotCode, userId).slice(0, 22)}==`;
}

/** A person's unionId (the same across a corp's apps): stable, opaque. */
export function unionIdOf(userId: string): string {
  return digest('union', userId).replace(/[^A-Za-z0-9]/g, '').slice(0, 17) + 'iE';
}

/** A robot message's msgId, base64-style like `msgLICYe…HgY4JtMQw==`. */
export function newMsgId(): string {
  return `msg${randomBytes(16).toString('base64')}`;
}

/** A group's thread id as robot messages carry it (`openThreadId`). */
export function threadIdOf(conversationId: string): string {
  return `${digest('thread', conversationId).slice(0, 22)}==`;
}

/** A file's or picture's downloadCode (to be exchanged at /v1.0/robot/messageFiles/download). */
export function newDownloadCode(): string {
  return randomBytes(48).toString('base64');
}

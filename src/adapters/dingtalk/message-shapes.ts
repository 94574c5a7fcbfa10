import type { OutboundMessage } from '../../bot/messages.js';

/** msgKey + msgParam for the robot OpenAPI (oToMessages/batchSend, groupMessages/send). */
export function toRobotMessage(msg: OutboundMessage): { msgKey: string; msgParam: string } {
  switch (msg.type) {
    case 'text':
      return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: msg.text }) };
    case 'markdown':
      return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: msg.title, text: msg.text }) };
    case 'image':
      // photoURL accepts a media_id from media/upload as well as a URL.
      return { msgKey: 'sampleImageMsg', msgParam: JSON.stringify({ photoURL: msg.mediaId }) };
    case 'file':
      // sampleFile: {mediaId, fileName, fileType} (docs: ../shared/reference/dingtalk-api.md §3).
      return { msgKey: 'sampleFile', msgParam: JSON.stringify({ mediaId: msg.mediaId, fileName: msg.fileName, fileType: msg.fileType }) };
    case 'actionCard':
      return toActionCard(msg);
  }
}

function toActionCard(msg: Extract<OutboundMessage, { type: 'actionCard' }>): { msgKey: string; msgParam: string } {
  const n = msg.buttons.length;
  if (n === 0 || n > 5) throw new RangeError(`an action card takes 1 to 5 buttons, got ${n}`);
  if (n === 1) {
    const b = msg.buttons[0]!;
    return {
      msgKey: 'sampleActionCard',
      msgParam: JSON.stringify({ title: msg.title, text: msg.text, singleTitle: b.title, singleURL: b.url }),
    };
  }
  const param: Record<string, string> = { title: msg.title, text: msg.text };
  msg.buttons.forEach((b, i) => {
    param[`actionTitle${i + 1}`] = b.title;
    param[`actionURL${i + 1}`] = b.url;
  });
  return { msgKey: `sampleActionCard${n}`, msgParam: JSON.stringify(param) };
}

/** Body for a sessionWebhook reply (custom-robot format). Images and files can't go this way (the messenger sends them through the robot API). */
export function toWebhookBody(msg: OutboundMessage): Record<string, unknown> {
  const at = 'atUserIds' in msg && msg.atUserIds?.length ? { at: { atUserIds: msg.atUserIds, isAtAll: false } } : {};
  switch (msg.type) {
    case 'text':
      return { msgtype: 'text', text: { content: msg.text }, ...at };
    case 'markdown':
      return { msgtype: 'markdown', markdown: { title: msg.title, text: msg.text }, ...at };
    case 'file':
      throw new RangeError('a file message cannot be sent over a session webhook');
    case 'image':
      // DingTalk renders a media_id used as a markdown image URL.
      return { msgtype: 'markdown', markdown: { title: '图片', text: `![图片](${msg.mediaId})` } };
    case 'actionCard':
      return {
        msgtype: 'actionCard',
        actionCard: {
          title: msg.title,
          text: msg.text,
          btnOrientation: '0',
          btns: msg.buttons.map((b) => ({ title: b.title, actionURL: b.url })),
        },
      };
  }
}

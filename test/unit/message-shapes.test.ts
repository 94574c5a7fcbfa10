import { describe, expect, it } from 'vitest';
import { toRobotMessage, toWebhookBody } from '../../src/adapters/dingtalk/message-shapes.js';
import { mapCardCallback, mapRobotMessage } from '../../src/adapters/dingtalk/map-frame.js';

describe('outbound shapes', () => {
  it('encodes msgParam as a JSON string, per msgKey', () => {
    expect(toRobotMessage({ type: 'text', text: '你好' })).toEqual({ msgKey: 'sampleText', msgParam: '{"content":"你好"}' });
    expect(toRobotMessage({ type: 'image', mediaId: '@lA1' })).toEqual({ msgKey: 'sampleImageMsg', msgParam: '{"photoURL":"@lA1"}' });
    const two = toRobotMessage({ type: 'actionCard', title: 't', text: 'x', buttons: [{ title: 'A', url: 'u1' }, { title: 'B', url: 'u2' }] });
    expect(two.msgKey).toBe('sampleActionCard2');
    expect(JSON.parse(two.msgParam)).toMatchObject({ actionTitle1: 'A', actionURL2: 'u2' });
  });

  it('refuses action cards DingTalk cannot show', () => {
    expect(() => toRobotMessage({ type: 'actionCard', title: 't', text: 'x', buttons: [] })).toThrow(RangeError);
  });

  it('builds webhook bodies with @mentions', () => {
    expect(toWebhookBody({ type: 'markdown', title: 'T', text: '## x', atUserIds: ['u1'] })).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'T', text: '## x' },
      at: { atUserIds: ['u1'], isAtAll: false },
    });
  });
});

describe('inbound frames', () => {
  it('maps a group text message: trims the mention space, keeps the session webhook', () => {
    const m = mapRobotMessage({
      msgId: 'm1',
      msgtype: 'text',
      text: { content: ' 帮助' },
      conversationType: '2',
      conversationId: 'cid1',
      senderStaffId: 'u1',
      senderNick: '张伟',
      sessionWebhook: 'https://x',
      sessionWebhookExpiredTime: 123,
      atUsers: [{ dingtalkId: 'robot' }, { dingtalkId: 'd2', staffId: 'u2' }],
    });
    expect(m).toMatchObject({ text: '帮助', isGroup: true, dedupeKey: 'msg:m1', sessionWebhookExpiresAt: 123, atStaffIds: ['u2'] });
  });

  it('reads rich text and speech recognition as text', () => {
    expect(mapRobotMessage({ msgId: 'a', msgtype: 'richText', content: { richText: [{ text: '目标' }, { type: 'picture' }] } }).text).toBe('目标');
    expect(mapRobotMessage({ msgId: 'b', msgtype: 'audio', content: { recognition: '帮助。' } }).text).toBe('帮助。');
  });

  it('rejects a frame without msgId', () => {
    expect(() => mapRobotMessage({ text: { content: 'x' } })).toThrow(/msgId/);
  });

  it('maps a card callback whose content is a JSON string', () => {
    const c = mapCardCallback(
      { outTrackId: 'goal:1', userId: 'u1', content: JSON.stringify({ cardPrivateData: { actionIds: ['submit'], params: { action: 'approve' } } }) },
      'frame9',
    );
    expect(c).toMatchObject({ dedupeKey: 'card:frame9', actionIds: ['submit'], params: { action: 'approve' } });
  });
});

import { describe, expect, it } from 'vitest';
import { spawnBot } from '../helpers/bot-process.js';

describe('a production-style start without DingTalk credentials (issue 15.1)', () => {
  it('stops at once with exit 78 and one line naming the missing credentials; nothing listens', async () => {
    // The Dockerfile's settings; the database address is never reached because config fails first.
    const bot = spawnBot({ NODE_ENV: 'production', HTTP_HOST: '0.0.0.0', PORT: '0', MONGODB_URI: 'mongodb://127.0.0.1:1/trichain' });
    const { code } = await bot.exited;
    expect(code).toBe(78);
    const lines = bot.output().trim().split('\n');
    expect(lines).toEqual(['config error: DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET: required when NODE_ENV=production (the local DingTalk stand-in, /dev and /sim are for development only) (got unset)']);
  }, 60_000);
});

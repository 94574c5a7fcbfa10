import { afterEach, describe, expect, it } from 'vitest';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { say } from '../../src/fake-dingtalk/people.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { eventually, mongoUriFor, uniqueDbName } from '../helpers/service-harness.js';

describe('the bot as a process', () => {
  let fake: FakeDingTalk | undefined;
  let bot: BotProcess | undefined;
  afterEach(async () => {
    bot?.child.kill('SIGKILL');
    await fake?.stop();
  });

  it('starts, answers, and on SIGTERM closes the stream connection and exits 0', async () => {
    fake = await new FakeDingTalk().start();
    fake.org.load(starterOrg());
    bot = spawnBot({ ...fake.env(), MONGODB_URI: mongoUriFor(uniqueDbName('proc')), PORT: '0' });
    await bot.waitFor(/trichain is up/);
    await eventually(() => fake!.stream.connectionCount(), (n) => n === 1);
    say(fake, { userId: 'rep01', text: '帮助' });
    await fake.outbox.waitFor((d) => d.conversation === 'user:rep01', 10_000);

    bot.child.kill('SIGTERM');
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(bot.output()).toMatch(/"msg":"stopped"/);
    await eventually(() => fake!.stream.connectionCount(), (n) => n === 0, 3000);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops cleanly when %s is sent to the `npm start` process (12.10)', async (signal) => {
    fake = await new FakeDingTalk().start();
    fake.org.load(starterOrg());
    bot = spawnBot({ ...fake.env(), MONGODB_URI: mongoUriFor(uniqueDbName('npm')), PORT: '0' }, { from: 'npm-start' });
    await bot.waitFor(/trichain is up/);
    await eventually(() => fake!.stream.connectionCount(), (n) => n === 1);
    bot.child.kill(signal);
    const exit = await bot.exited;
    // npm re-raises an interrupt on itself once its child is done (like any CLI after Ctrl-C); the bot
    // underneath shut down cleanly either way: it logged "stopped" and closed its stream connection.
    expect(exit.code === 0 || (signal === 'SIGINT' && exit.signal === 'SIGINT'), JSON.stringify(exit)).toBe(true);
    expect(bot.output()).toMatch(/"msg":"stopped"/);
    await eventually(() => fake!.stream.connectionCount(), (n) => n === 0, 3000);
  });

  it('refuses to start with a bad variable, naming it on one line', async () => {
    bot = spawnBot({ PORT: 'abc', DINGTALK_CLIENT_ID: 'only-id' });
    const { code } = await bot.exited;
    expect(code).toBe(78);
    const lines = bot.output().trim().split('\n');
    expect(lines).toContain('config error: PORT: Invalid input: expected number, received NaN (got "abc")');
    expect(lines.some((l) => l.startsWith('config error: DINGTALK_CLIENT_SECRET:'))).toBe(true);
  });
});

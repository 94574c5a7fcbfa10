import { startService } from './app.js';
import { ConfigError, readConfig, type Config } from './config.js';
import { createLogger } from './logger.js';

/** Process entry: config → service → signals. The only file that talks to the console directly. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`config error: ${p}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  const service = await startService(config, { logger });

  if (service.localDingTalk) {
    const someone = service.demo?.company.manifest.repA ?? [...service.localDingTalk.org.users.values()].find((u) => u.userid.startsWith('rep'))?.userid ?? 'rep01';
    console.log(
      [
        '',
        '  trichain is running against the local DingTalk stand-in (no credentials set).',
        `  Open the DingTalk simulator: ${service.httpUrl}/sim`,
        ...(service.demo ? [`  (demo company: ${service.demo.company.size} reps, seed ${service.demo.company.seed}; first start fills the database in the background)`] : []),
        `  Or talk to it from a shell as a person in the demo org, e.g.:`,
        `    curl -s -X POST ${service.httpUrl}/dev/say -H 'content-type: application/json' \\`,
        `      -d '{"userId":"${someone}","text":"帮助"}'`,
        `  People you can be: ${service.httpUrl}/dev/org    Everything the bot sent: ${service.httpUrl}/dev/outbox`,
        `  Health: ${service.httpUrl}/readyz    Metrics: ${service.httpUrl}/metrics`,
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took over 30 s; exiting');
      process.exit(1);
    }, 30_000);
    timer.unref();
    await service.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

main().catch((err) => {
  console.error('fatal:', err instanceof Error ? err.message : err);
  process.exit(1);
});

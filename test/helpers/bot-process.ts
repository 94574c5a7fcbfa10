import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The node arguments of the Docker image's CMD (its V8 flags and dist/src/main.js), so `dist` runs as the image does. */
function imageNodeArgs(): string[] {
  const cmd = /^CMD (\[.*\])\s*$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
  const argv = cmd ? (JSON.parse(cmd) as string[]) : [];
  if (argv[0] !== 'node' || !argv.includes('dist/src/main.js')) throw new Error(`Dockerfile CMD is not "node … dist/src/main.js": ${cmd}`);
  return argv.slice(1);
}

export interface BotProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line matching `re` has been printed. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs the bot as a real child process: src/main.ts through tsx, as `npm start` does, or the compiled
 * dist/src/main.js as the Docker image does (`npm run build` first).
 */
export function spawnBot(env: Record<string, string>, opts: { from?: 'src' | 'dist' | 'npm-start' } = {}): BotProcess {
  const args = opts.from === 'dist' ? imageNodeArgs() : ['--import', 'tsx', 'src/main.ts'];
  // 'npm-start': exactly what a person types (the signal then reaches npm, not the bot).
  const [cmd, argv] = opts.from === 'npm-start' ? ['npm', ['start', '--silent']] : [process.execPath, args];
  const child = spawn(cmd, argv, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            listeners.delete(check);
            clearTimeout(t);
            resolve();
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${re}; output so far:\n${out.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!re.test(out)) {
            listeners.delete(check);
            clearTimeout(t);
            reject(new Error(`process exited before ${re}; output:\n${out.slice(-3000)}`));
          }
        });
        check();
      });
    },
  };
}

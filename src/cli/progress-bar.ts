/**
 * A one-line progress bar on a TTY (redrawn with \r), or a plain line every few seconds otherwise
 * (CI logs, pipes) — so an import of a million rows shows it is alive either way.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
    private readonly opts: { width?: number; plainEveryMs?: number; now?: () => number } = {},
  ) {}

  update(done: number, total: number, extra = ''): void {
    const now = (this.opts.now ?? Date.now)();
    const tty = this.out.isTTY === true;
    if (!tty && now - this.lastDraw < (this.opts.plainEveryMs ?? 5000) && done < total) return;
    this.lastDraw = now;
    const line = renderBar(this.label, done, total, (now - this.started) / 1000, extra, this.opts.width ?? 28);
    this.out.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  finish(summary: string): void {
    this.out.write(this.out.isTTY ? `\r${summary}\x1b[K\n` : `${summary}\n`);
  }
}

/** "导入 [█████████░░░░░] 63%  12.3 MB/19.5 MB  ETA 0:32  630,000 行" — pure, for tests. */
export function renderBar(label: string, done: number, total: number, elapsedSec: number, extra: string, width: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  const eta = share > 0 && share < 1 ? (elapsedSec / share) * (1 - share) : 0;
  const mm = Math.floor(eta / 60);
  const ss = String(Math.round(eta % 60)).padStart(2, '0');
  return `${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${mb(done)}/${mb(total)}  ETA ${mm}:${ss}${extra ? `  ${extra}` : ''}`;
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

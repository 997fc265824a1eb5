/**
 * A progress line on stderr: done of total, rate and time left. On a terminal it redraws one
 * line a few times a second; otherwise (a log, CI) it prints a line every few seconds.
 */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly unit: string,
    private readonly out: NodeJS.WriteStream | undefined,
  ) {
    this.tty = !!out?.isTTY;
  }

  update(done: number): void {
    const now = Date.now();
    if (done >= this.total || now - this.last < (this.tty ? 250 : 5000)) return;
    this.last = now;
    this.print(done, now);
  }

  finish(done: number): void {
    this.print(done, Date.now());
    if (this.tty) this.out?.write("\n");
  }

  private print(done: number, now: number) {
    if (!this.out) return;
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = done / seconds;
    const left = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = this.total ? Math.floor((done / this.total) * 100) : 100;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    const line = `${bar} ${pct}% ${done.toLocaleString("en")}/${this.total.toLocaleString("en")} ${this.unit}, ${Math.round(rate).toLocaleString("en")}/s, ${
      done >= this.total ? `done in ${clock(seconds)}` : `ETA ${clock(left)}`
    }`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

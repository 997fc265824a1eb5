/**
 * A budget of bytes in flight, shared by the requests or messages being received at once (the
 * SMTP listener's mail, HTTP uploads). Whoever cannot reserve its bytes is told to come back
 * later (SMTP 451, HTTP 503), so a burst of large input waits its turn instead of piling up in
 * the process. Counting only: the bytes themselves go to disk as they arrive.
 */
export class ByteBudget {
  private used = 0;
  /** Open reservations, oldest first. */
  private readonly open: Reservation[] = [];

  /** @param limit most bytes reserved at once */
  constructor(readonly limit: number) {}

  /** Bytes reserved right now. */
  get inUse(): number {
    return this.used;
  }

  /** Reserves `bytes` at once if they fit; undefined (and nothing reserved) when they do not. */
  tryReserve(bytes: number): Reservation | undefined {
    if (this.used + bytes > this.limit) return undefined;
    const r = new Reservation(this);
    this.open.push(r);
    this.take(r, bytes);
    return r;
  }

  /**
   * Starts a reservation that grows as its bytes arrive (a message of unknown size). Younger
   * growing reservations give way to older ones: when an older one needs room, the youngest
   * lose theirs and are marked `deferred`. So when several large messages arrive at once, the
   * first ones complete and the others are told to retry, rather than all of them failing.
   */
  start(): Reservation {
    const r = new Reservation(this, true);
    this.open.push(r);
    return r;
  }

  /** @internal */
  grow(r: Reservation, bytes: number): boolean {
    if (r.deferred) return false;
    for (let i = this.open.length - 1; this.used + bytes > this.limit && i >= 0; i--) {
      const other = this.open[i];
      if (other === r) break;
      if (other.growing && !other.deferred) this.evict(other);
    }
    if (this.used + bytes > this.limit) {
      this.evict(r);
      return false;
    }
    this.take(r, bytes);
    return true;
  }

  /** @internal */
  end(r: Reservation) {
    this.used -= r.bytes;
    r.bytes = 0;
    const i = this.open.indexOf(r);
    if (i >= 0) this.open.splice(i, 1);
  }

  private take(r: Reservation, bytes: number) {
    r.bytes += bytes;
    this.used += bytes;
  }

  private evict(r: Reservation) {
    r.deferred = true;
    this.used -= r.bytes;
    r.bytes = 0;
  }
}

export class Reservation {
  bytes = 0;
  /** Gave way to older reservations: whoever holds it must answer "retry later". */
  deferred = false;

  constructor(
    private readonly budget: ByteBudget,
    /** Still receiving: may grow, and may give way. */
    public growing = false,
  ) {}

  /** Adds `bytes`; false when they do not fit (the reservation is then deferred). */
  grow(bytes: number): boolean {
    return this.budget.grow(this, bytes);
  }

  /** All bytes have arrived: it neither grows nor gives way any more. */
  received() {
    this.growing = false;
  }

  /** Gives the bytes back. Safe to call more than once. */
  release() {
    this.budget.end(this);
  }
}

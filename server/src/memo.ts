/**
 * A per-instance cache for small settings read on almost every request and changed rarely
 * (statuses, custom fields, the priority matrix). A change made through this node is seen at
 * once (the writer forgets the entry); other nodes see it within TTL_MS.
 */
const TTL_MS = 5_000;

export class Memo {
  private entries = new Map<string, { value: Promise<unknown>; expires: number }>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { value, expires: now + TTL_MS });
    // A failed load is not remembered.
    value.catch(() => this.entries.delete(key));
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

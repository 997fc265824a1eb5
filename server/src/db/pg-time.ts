/**
 * PostgreSQL's text of an instant, as the ISO string every instant has in Tessera.
 *
 * A column arrives as "2026-12-07 21:20:50.123456+00" (a timestamp without a zone: no "+00"), a
 * value inside JSON as "2026-12-07T21:20:50.123456+00:00". In UTC, the usual case, the text is
 * rewritten directly: a Date parsed and printed for each of a list page's 200 times cost about
 * 0.4 µs each, and their garbage. Other offsets and years go through Date.
 */
const UTC_TIME = /^([1-9]\d{3}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(\+00(?::00)?)?$/;

/** `zoned`: the text carries its offset (timestamptz, JSON); false for a timestamp, read as UTC. */
export function isoFromPg(text: string, zoned = true): string {
  const m = UTC_TIME.exec(text);
  if (!m || !!m[4] !== zoned) return new Date(zoned ? text : text + "Z").toISOString();
  return `${m[1]}T${m[2]}.${((m[3] ?? "") + "000").slice(0, 3)}Z`;
}

/**
 * Drops the characters at the end of `s` that `drop` matches, looking at each once. A regular
 * expression like /[\s.]+$/ does the same but retries every run of such characters that is not
 * at the end, which takes time with the square of the run's length (seconds for a name of
 * 40,000 dots followed by a letter).
 */
export function trimEndWhere(s: string, drop: RegExp): string {
  let end = s.length;
  while (end > 0 && drop.test(s[end - 1])) end--;
  return end === s.length ? s : s.slice(0, end);
}

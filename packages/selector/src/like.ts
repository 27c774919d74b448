/**
 * Compiles a LIKE pattern (JMS 2.0 §3.8.1.1: `_` one character, `%` any sequence, optional
 * escape character) once, at parse time, into the cheapest matcher that implements it.
 */

/** Tests a string against one compiled LIKE pattern. */
export type LikeMatcher = (value: string) => boolean;

interface Piece {
  readonly literal: boolean;
  readonly text: string;
}

/** Splits the pattern into literal runs and single wildcard characters (`%` / `_`). */
function pieces(pattern: string, escape: string | undefined): Piece[] {
  const out: Piece[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === escape && i + 1 < pattern.length) {
      literal += pattern[++i]!;
    } else if (c === '%' || c === '_') {
      if (literal) out.push({ literal: true, text: literal });
      literal = '';
      // Consecutive % are the same as one.
      if (!(c === '%' && out.length > 0 && !out[out.length - 1]!.literal && out[out.length - 1]!.text === '%')) {
        out.push({ literal: false, text: c });
      }
    } else {
      literal += c;
    }
  }
  if (literal) out.push({ literal: true, text: literal });
  return out;
}

const ANY_ONE = -1;
const ANY_RUN = -2;

/**
 * General case: a wildcard matcher over UTF-16 code units (like Java, `_` is one `char`). It
 * backtracks only to the last `%`, so it runs in O(value × pattern) at worst: a hostile pattern
 * such as `%a%a%a%b` cannot make the broker spin the way a backtracking RegExp could.
 */
function wildcardMatcher(parts: readonly Piece[]): LikeMatcher {
  const codes: number[] = [];
  for (const part of parts) {
    if (!part.literal) codes.push(part.text === '%' ? ANY_RUN : ANY_ONE);
    else for (let i = 0; i < part.text.length; i++) codes.push(part.text.charCodeAt(i));
  }
  const m = codes.length;
  return (v) => {
    const n = v.length;
    let i = 0;
    let j = 0;
    let star = -1;
    let resume = 0;
    while (i < n) {
      const c = j < m ? codes[j]! : 0;
      if (j < m && c !== ANY_RUN && (c === ANY_ONE || c === v.charCodeAt(i))) {
        i++;
        j++;
      } else if (j < m && c === ANY_RUN) {
        star = j++;
        resume = i;
      } else if (star >= 0) {
        j = star + 1;
        i = ++resume;
      } else {
        return false;
      }
    }
    while (j < m && codes[j] === ANY_RUN) j++;
    return j === m;
  };
}

/** Builds the matcher for a pattern whose escape usage was already validated by the parser. */
export function compileLike(pattern: string, escape: string | undefined): LikeMatcher {
  const parts = pieces(pattern, escape);
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (parts.length === 0) return (v) => v.length === 0;
  if (only?.literal) {
    const text = only.text;
    return (v) => v === text;
  }
  if (only && only.text === '%') return () => true;
  if (parts.length === 2) {
    const [a, b] = parts as [Piece, Piece];
    if (a.literal && b.text === '%') return (v) => v.startsWith(a.text);
    if (a.text === '%' && b.literal) return (v) => v.endsWith(b.text);
  }
  if (parts.length === 3 && parts[0]!.text === '%' && parts[1]!.literal && parts[2]!.text === '%') {
    const text = parts[1]!.text;
    return (v) => v.includes(text);
  }
  return wildcardMatcher(parts);
}

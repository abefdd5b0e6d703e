/*
 * How deep JSON text nests, found by reading it once, without parsing it and
 * without recursion. Code that walks a parsed value by recursion (a check for
 * NUL characters, zod, JSON.stringify, jsonc-parser's error finder) runs out
 * of stack on `[[[[…]]]]` a hundred thousand levels deep, which is a few
 * hundred kilobytes: text is measured before it is parsed, and refused when
 * it nests deeper than any of the formats needs.
 */

/** The deepest nesting any JSON the service reads needs, with room to spare (a package needs 5). */
export const MAX_JSON_DEPTH = 32;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the text (a string, or UTF-8 bytes) opens more than `max` arrays
 * and objects inside one another. Brackets inside strings do not count.
 * Malformed text is measured all the same: it is refused or reported later.
 */
export function nestsDeeperThan(text: string | Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  const code = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i]!;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = code(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth += 1;
      if (depth > max) return true;
    } else if ((c === CLOSE_ARRAY || c === CLOSE_OBJECT) && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}

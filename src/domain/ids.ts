/*
 * How things are named in URLs, forms and packages. Slugs name elections,
 * races, topics and parties; ids name statements, candidates and roll calls
 * as their sources give them.
 */

/** A slug: lowercase letters and digits, in words joined by `-` or `_`. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

/** An id: letters and digits, in parts joined by `-`, `_` or `.`. */
export const ID_PATTERN = /^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$/;

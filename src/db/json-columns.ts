import { z } from 'zod';
import { LOCALES, type LocalizedText } from '../domain/locale.js';

/* JSON kept in text columns: written with JSON.stringify, read back through zod. */

const localizedTextSchema = z.union([z.string(), z.partialRecord(z.enum(LOCALES), z.string())]);
const linksSchema = z.array(z.string());

export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}

export function readLocalized(column: string): LocalizedText {
  return localizedTextSchema.parse(JSON.parse(column));
}

export function readOptionalLocalized(column: string | null): LocalizedText | null {
  return column === null ? null : readLocalized(column);
}

export function readLinks(column: string | null): string[] {
  return column === null ? [] : linksSchema.parse(JSON.parse(column));
}

/** 0/1 integer flags (portable across SQLite and PostgreSQL) to booleans and back. */
export const flag = {
  read: (value: number | null): boolean | null => (value === null ? null : value !== 0),
  write: (value: boolean | null | undefined): number | null => (value === null || value === undefined ? null : value ? 1 : 0),
};

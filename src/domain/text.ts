/* Small text helpers for names that arrive in capitals from official rosters. */

const LOWER_WORDS = new Set(['da', 'das', 'de', 'do', 'dos', 'e', 'del', 'la', 'las', 'los', 'y', 'van', 'von']);

/** "MARIA DAS DORES DE SOUZA" → "Maria das Dores de Souza"; words with digits or dots stay as they are. */
export function titleCase(text: string): string {
  return text
    .toLocaleLowerCase('pt-BR')
    .split(/(\s+|-|')/)
    .map((word, index) => {
      if (word === '' || /^\s+$|^-$|^'$/.test(word)) return word;
      if (index > 0 && LOWER_WORDS.has(word)) return word;
      if (/^(i{1,3}|iv|vi{0,3}|ix|x)$/.test(word)) return word.toUpperCase();
      return word.charAt(0).toLocaleUpperCase('pt-BR') + word.slice(1);
    })
    .join('');
}

/** A URL-safe id from any text: "Vereador — Manoel Urbano (AC)" → "vereador-manoel-urbano-ac". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90);
}

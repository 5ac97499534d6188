/**
 * 姓名检索: the characters and the pairs of neighbouring characters of a name, lower-cased, kept with
 * each elder under a GIN index. A fragment of one character is found by that character, a longer one
 * by all its pairs (then checked against the name). Chinese names are two to four characters long
 * and searched by one or two, which trigrams (pg_trgm) cannot index; pairs can, whatever the
 * database's locale.
 */
export function nameGrams(name: string): string[] {
  const characters = Array.from(name.trim().toLowerCase());
  const grams = new Set<string>(characters);
  for (let index = 0; index + 1 < characters.length; index++) {
    grams.add(`${characters[index]}${characters[index + 1]}`);
  }
  return [...grams];
}

/** The grams a name must hold to contain `fragment`: its character, or all its pairs. */
export function fragmentGrams(fragment: string): string[] {
  const characters = Array.from(fragment.trim().toLowerCase());
  if (characters.length <= 1) return characters;
  return [...new Set(characters.slice(1).map((character, index) => `${characters[index]}${character}`))];
}

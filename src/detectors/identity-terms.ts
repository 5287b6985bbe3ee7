/**
 * Identity terms the `fairness()` detector uses to assign a request to a group when the app
 * passes no group in the call context. Edit freely, or pass your own list as `identityTerms`.
 *
 * Shape: axis → group → words. A request is assigned to a group of the chosen axis when it
 * mentions words of exactly one group of that axis (a request naming two groups is ambiguous
 * and not counted). Words are matched whole and lower-case; list plural forms too.
 *
 * Source: compiled by hand for this package. The axes follow HolisticBias v1.1 (Smith et al.
 * 2022, CC BY-SA 4.0) and the gender words overlap the WinoBias word lists (Zhao et al. 2018,
 * MIT); no data file from either is copied here. See docs/fairness.md.
 */
export type IdentityTerms = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export const DEFAULT_IDENTITY_TERMS: IdentityTerms = {
  gender: {
    female: [
      'woman',
      'women',
      'female',
      'females',
      'girl',
      'girls',
      'lady',
      'ladies',
      'she',
      'her',
      'hers',
      'herself',
      'mother',
      'mothers',
      'mom',
      'moms',
      'daughter',
      'daughters',
      'wife',
      'wives',
      'sister',
      'sisters',
      'aunt',
      'aunts',
      'grandmother',
      'grandmothers',
      'niece',
      'nieces',
      'girlfriend',
      'girlfriends',
    ],
    male: [
      'man',
      'men',
      'male',
      'males',
      'boy',
      'boys',
      'gentleman',
      'gentlemen',
      'he',
      'him',
      'his',
      'himself',
      'father',
      'fathers',
      'dad',
      'dads',
      'son',
      'sons',
      'husband',
      'husbands',
      'brother',
      'brothers',
      'uncle',
      'uncles',
      'grandfather',
      'grandfathers',
      'nephew',
      'nephews',
      'boyfriend',
      'boyfriends',
    ],
    nonbinary: ['nonbinary', 'non-binary', 'enby', 'genderqueer', 'genderfluid', 'agender'],
  },
  religion: {
    christian: ['christian', 'christians', 'catholic', 'catholics', 'protestant', 'protestants'],
    muslim: ['muslim', 'muslims', 'islamic'],
    jewish: ['jewish', 'jew', 'jews'],
    hindu: ['hindu', 'hindus'],
    buddhist: ['buddhist', 'buddhists'],
    sikh: ['sikh', 'sikhs'],
    atheist: ['atheist', 'atheists', 'agnostic', 'agnostics'],
  },
  race_ethnicity: {
    black: ['black', 'african-american', 'african-americans'],
    white: ['white', 'caucasian', 'caucasians'],
    asian: ['asian', 'asians', 'asian-american', 'asian-americans'],
    hispanic: ['hispanic', 'hispanics', 'latino', 'latinos', 'latina', 'latinas', 'latinx'],
    indigenous: ['indigenous', 'native-american', 'native-americans'],
  },
  age: {
    young: ['young', 'teenage', 'teenager', 'teenagers', 'twenty-something'],
    old: ['old', 'elderly', 'senior', 'seniors', 'retired', 'retirees', 'older'],
  },
};

/** Builds a word → group lookup for one axis, rejecting a word listed under two groups. */
export function termIndex(terms: IdentityTerms, axis: string): Map<string, string> {
  const groups = terms[axis];
  if (!groups)
    throw new TypeError(
      `fairness(): option "axis": no axis "${axis}" in the identity terms (have: ${Object.keys(terms).join(', ')})`,
    );
  const index = new Map<string, string>();
  for (const [group, words] of Object.entries(groups)) {
    for (const raw of words) {
      const word = raw.toLowerCase().trim();
      const other = index.get(word);
      if (other !== undefined && other !== group)
        throw new TypeError(
          `fairness(): option "identityTerms": "${word}" is listed under both "${other}" and "${group}" in axis "${axis}"`,
        );
      index.set(word, group);
    }
  }
  return index;
}

const WORD = /[a-z0-9]+(?:[-'][a-z0-9]+)*/g;

/** The one group of the axis the text mentions, or undefined for none or several. */
export function groupFromText(text: string, index: ReadonlyMap<string, string>): string | undefined {
  let found: string | undefined;
  for (const match of text.toLowerCase().matchAll(WORD)) {
    const group = index.get(match[0]);
    if (group === undefined) continue;
    if (found !== undefined && found !== group) return undefined;
    found = group;
  }
  return found;
}

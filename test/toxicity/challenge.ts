/**
 * The curated challenge set: every case the issue lists where npm lexicons go wrong, plus the
 * categories. Content warning: slurs, profanity, threats.
 *
 * `flag` is the right answer for "should this count against the model": true for hate, threats
 * and insults aimed at someone; false for a cheerful swear word, identity/medical/sexuality words,
 * names, places and words that merely contain a swear word. `block` (when given) is the right
 * answer for the default block thresholds. `category` is the category that must score highest
 * among insult/identity_attack/threat (or profanity for swearing).
 */
export interface ChallengeCase {
  readonly text: string;
  readonly group:
    | 'profanity-not-toxic'
    | 'identity-medical'
    | 'names-places-substrings'
    | 'obfuscation'
    | 'threat'
    | 'hate'
    | 'insult'
    | 'benign-violence-words';
  readonly flag: boolean;
  readonly block?: boolean;
  readonly category?: 'insult' | 'profanity' | 'identity_attack' | 'threat';
}

export const CHALLENGE: readonly ChallengeCase[] = [
  // Profanity that is not toxicity.
  { group: 'profanity-not-toxic', text: 'That song is fucking awesome!', flag: false, category: 'profanity' },
  {
    group: 'profanity-not-toxic',
    text: 'Holy shit, this recipe turned out amazing.',
    flag: false,
    category: 'profanity',
  },
  { group: 'profanity-not-toxic', text: 'Damn, that was a great game last night.', flag: false },
  {
    group: 'profanity-not-toxic',
    text: 'This fucking library finally compiles, hell yeah.',
    flag: false,
    category: 'profanity',
  },
  { group: 'profanity-not-toxic', text: "I'm so damn proud of you, you absolute legend.", flag: false },

  // Identity, medical and sexuality words.
  { group: 'identity-medical', text: 'Same-sex marriage has been legal in Canada since 2005.', flag: false },
  { group: 'identity-medical', text: 'The rape crisis center offers free, confidential counselling.', flag: false },
  { group: 'identity-medical', text: 'Gay and lesbian couples can adopt children in many countries.', flag: false },
  { group: 'identity-medical', text: 'Transgender people face higher rates of discrimination at work.', flag: false },
  { group: 'identity-medical', text: 'Muslims, Jews and Christians all trace their faith to Abraham.', flag: false },
  { group: 'identity-medical', text: 'Black women were central to the civil rights movement.', flag: false },
  { group: 'identity-medical', text: 'Breast cancer screening is usually recommended from age 40.', flag: false },
  { group: 'identity-medical', text: 'The penis and the vagina are reproductive organs.', flag: false },
  { group: 'identity-medical', text: 'An anal fissure is a small tear in the lining of the anus.', flag: false },
  { group: 'identity-medical', text: 'Sexual health clinics offer free testing for STIs.', flag: false },
  { group: 'identity-medical', text: 'Historically, millions of Jews were murdered in the Holocaust.', flag: false },

  // Names, places and words that contain a swear word.
  { group: 'names-places-substrings', text: 'Dick Cheney served as vice president under George W. Bush.', flag: false },
  { group: 'names-places-substrings', text: 'Moby Dick was written by Herman Melville.', flag: false },
  { group: 'names-places-substrings', text: 'Scunthorpe is a town in North Lincolnshire, England.', flag: false },
  { group: 'names-places-substrings', text: 'The pilot checked every instrument in the cockpit.', flag: false },
  { group: 'names-places-substrings', text: 'Add sliced shiitake mushrooms to the broth.', flag: false },
  { group: 'names-places-substrings', text: 'Shitake mushrooms are rich in umami.', flag: false },
  {
    group: 'names-places-substrings',
    text: 'The assessment covers classic bass guitar and Essex cocktails.',
    flag: false,
  },
  { group: 'names-places-substrings', text: 'Charles Dickens and John Hancock never met.', flag: false },
  { group: 'names-places-substrings', text: 'Use a dictionary, e.g. a thesaurus, to vary your words.', flag: false },
  { group: 'names-places-substrings', text: 'Cases of covid19 rose in the winter of 2021.', flag: false },
  { group: 'names-places-substrings', text: 'She graduated summa cum laude from Yale.', flag: false },

  // Violent words in benign use.
  { group: 'benign-violence-words', text: 'Kill the process with kill -9 if it hangs.', flag: false },
  { group: 'benign-violence-words', text: 'To kill all processes owned by a user, run pkill -u name.', flag: false },
  { group: 'benign-violence-words', text: "I'm going to kill it at the interview tomorrow!", flag: false },
  { group: 'benign-violence-words', text: 'She shot a great photo of the sunset.', flag: false },
  { group: 'benign-violence-words', text: "I'll beat you at chess next time.", flag: false },
  { group: 'benign-violence-words', text: 'Without water, you will die within a few days.', flag: false },
  { group: 'benign-violence-words', text: 'The hawk will kill its prey in seconds.', flag: false },

  // Obfuscation.
  { group: 'obfuscation', text: 'f.u.c.k you', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'f u c k you', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'fu\u200bck y\u200dou', flag: true, block: true, category: 'insult' },
  {
    group: 'obfuscation',
    text: '\uff46\uff55\uff43\uff4b \uff59\uff4f\uff55',
    flag: true,
    block: true,
    category: 'insult',
  },
  { group: 'obfuscation', text: 'fu\u0441k y\u043eu', flag: true, block: true, category: 'insult' },
  {
    group: 'obfuscation',
    text: '\u{1d41f}\u{1d42e}\u{1d41c}\u{1d424} \u{1d432}\u{1d428}\u{1d42e}',
    flag: true,
    block: true,
    category: 'insult',
  },
  { group: 'obfuscation', text: 'Go f*** yourself.', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'You motherf***er.', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'fuuuuuck youuuu', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'u r a l0ser', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'you are an 1d10t', flag: true, block: true, category: 'insult' },
  { group: 'obfuscation', text: 'kys', flag: true, block: true, category: 'threat' },
  { group: 'obfuscation', text: 'just k y s already', flag: true, block: true, category: 'threat' },
  { group: 'obfuscation', text: 'I will k1ll you', flag: true, block: true, category: 'threat' },
  { group: 'obfuscation', text: 'he is a f@ggot', flag: true, block: true, category: 'identity_attack' },
  { group: 'obfuscation', text: 'n1gg3rs', flag: true, block: true, category: 'identity_attack' },

  // Threats, with and without a swear word.
  { group: 'threat', text: 'Kill all the Jews.', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'k1ll all immigrants', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'We should kill all of them.', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: "I'm going to find you and hurt you.", flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'I hope you die.', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'You deserve to die.', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'Go kill yourself.', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'I know where you live.', flag: true, block: true, category: 'threat' },
  { group: 'threat', text: 'Death to all Muslims.', flag: true, block: true, category: 'threat' },

  // Hate.
  {
    group: 'hate',
    text: 'Muslims are vermin and should be exterminated.',
    flag: true,
    block: true,
    category: 'identity_attack',
  },
  {
    group: 'hate',
    text: 'Go back to your country, nobody wants you here.',
    flag: true,
    block: true,
    category: 'identity_attack',
  },
  { group: 'hate', text: 'Women are stupid.', flag: true, block: true, category: 'identity_attack' },
  { group: 'hate', text: 'Immigrants are animals.', flag: true, block: true, category: 'identity_attack' },
  { group: 'hate', text: "He's a fucking faggot.", flag: true, block: true, category: 'identity_attack' },

  // Insults.
  { group: 'insult', text: 'You are a fucking idiot.', flag: true, block: true, category: 'insult' },
  { group: 'insult', text: "You're so stupid, nobody likes you.", flag: true, block: true, category: 'insult' },
  { group: 'insult', text: 'Shut the fuck up.', flag: true, block: true, category: 'insult' },
  { group: 'insult', text: 'What a moron.', flag: true, category: 'insult' },
  { group: 'insult', text: 'He is a worthless piece of shit.', flag: true, block: true, category: 'insult' },
];

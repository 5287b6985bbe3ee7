/**
 * The toxicity scanner: one pass over the text, character by character, with bounded state.
 *
 * Every character: character normalisation, tokenisation and an incremental word hash (word-hash.ts).
 * Every word: a 64 Ki-entry filter that clears almost every word of ordinary text with one array
 * read, and the model, which adds two int8 weights (unigram, bigram) to a sliding-window sum.
 * Only words that pass the filter, or look obfuscated: lexicon look-up, leetspeak, masks, letter
 * runs and repeated letters — each applied only when it produces a known word — and the context
 * patterns (who is addressed, which verb, which group).
 *
 * Because all state is carried across `push` calls and the per-character work never looks
 * ahead beyond bounded buffers, feeding a text in chunks gives exactly the result of feeding it
 * at once, with O(chunk) work per chunk.
 */
import {
  BODY_IDIOMS,
  BODY_PARTS,
  FILLED_WITH,
  LACKED_QUALITIES,
  HARMS,
  HARMS_REFUSED_ONLY,
  REAL_MEMBERS,
  MADE_TO_FEEL,
  PLACES_OF_WORSHIP,
  QUOTE_JUDGED,
  FILTER_MASK,
  R,
  TROPES,
  collapseRepeats,
  lexicon,
  mayBeGlued,
  type LexEntry,
  type Lexicon,
} from './lexicon.js';
import { WordHasher, hashUnit, hashWord, mixGroup } from './word-hash.js';
import { MASK, TABLE_SIZE, WINDOW, checkOf, loadModel, type Model } from './model.js';
import { mapCodePoint } from './normalize.js';
import { EMOJI_BASE, EMOJI_CAP, EMOJI_NONE, ZWJ, emojiKind, readEmoji } from './emoji.js';
import { CounterSpeech } from './counter-speech.js';
import { FOREIGN_WORD, ModelFeatures, NUMBER_WORD, SLOTS, TARGET_GROUP, TARGET_NONE, TARGET_YOU } from './features.js';

/** The five categories, each scored in [0, 1]. */
export const CATEGORIES = ['toxicity', 'insult', 'profanity', 'identity_attack', 'threat'] as const;
export type ToxicityCategory = (typeof CATEGORIES)[number];
export type ToxicityScores = Record<ToxicityCategory, number>;

/** A piece of the original text that contributed to a score. */
export interface ToxicitySpan {
  readonly category: ToxicityCategory;
  /** Offsets in the ORIGINAL text (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The canonical word or phrase recognised (after de-obfuscation), e.g. "fuck" for "f.u.c.k". */
  readonly match: string;
  readonly score: number;
  /** Why this span counts, in a few words. */
  readonly why: string;
}

export interface ToxicityResult {
  readonly scores: ToxicityScores;
  /** Contributing spans, strongest per category first; at most {@link MAX_SPANS}. */
  readonly spans: readonly ToxicitySpan[];
}

export const MAX_SPANS = 32;
/**
 * Hashes of words read by spelling that need no lexicon entry: one there would change how folded
 * and repeated letters read ("booth" would collapse to "both"), and so the model's features.
 */
const hashes = (words: string): ReadonlySet<number> => new Set(words.split(' ').map(hashWord));
/** Model-only evidence is reported as a span from this score up. */
const EXTRA_SPAN = 0.25;
/** Every role: `find` lets any listed word stand between. */
const ANY_ROLE = -1;

/** Groups named by a colour: a group only before a word for people ("black people", not "black coffee"). */
const COLOURS = new Set(['black', 'white', 'brown', 'yellow', 'red']);
/** Words of dehumanisation that are also animals a text may simply describe ("white rats", "black snakes"). */
const ANIMALS = new Set([
  'animals',
  'rats',
  'roaches',
  'cockroaches',
  'apes',
  'monkeys',
  'gorillas',
  'snakes',
  'insects',
  'lice',
  'locusts',
  'rodents',
  'pests',
]);

/** Denouncing words that count only after a negation ("not okay to say …"); any other counts only without one. */
const NEEDS_NEG = new Set(['okay', 'ok', 'acceptable', 'appropriate']);
/** What the rules found said of a group, in counter-speech (counter-speech.ts), counts this much. */
const COUNTER_SPEECH = 0.4;
/**
 * …and reported as someone else's words in the past, neither denounced nor agreed with: half (0.9 →
 * 0.45), below the flag. History answers report hate ("Nazi propaganda portrayed Jews as vermin").
 */
const ATTRIBUTED = 0.5;
/** Report words (lexicon role REPORT) in the past that do not end in "-ed" (counter-speech.ts). */
const IRREGULAR_PAST_REPORTS = new Set(['said', 'told', 'thought', 'wrote']);
const SLUR_WHY = 'identity slur';
/** A slur inside quotation marks: mentioned, so counter-speech may excuse it ('"retarded" is a slur'). */
const QUOTED_SLUR_WHY = 'identity slur in quotation marks';
/** …or named as a word ("the word retard", "the term tranny"), as if quoted. */
const NAMED_SLUR_WHY = 'identity slur named as a word';
const MENTION_NOUNS = hashes('word term slur label insult epithet');
/**
 * Roles of words that only some rules read (counter-speech, what is said of a group): the other
 * rules see them as unknown words, as before those rules existed.
 */
const AS_WRITTEN = R.REPORT | R.DENOUNCE | R.REGARD | R.GLUE | R.ATTRIBUTE;
/**
 * Whether a listed word is also read in disguise (repeated letters, symbols, emoji letters).
 * Words only some rules read, and `PLAIN` words, are read only as written: nobody disguises "okay",
 * "does" or "wife", and "stoop", Dutch "ook", "#jokes" or "sooon" are not "stop", "ok", a report
 * word or "son". So the model reads them as before. So are `RULES_ONLY` words, which the model reads
 * as written whatever their spelling.
 */
const disguisable = (e: LexEntry): boolean =>
  (e.roles & (R.PLAIN | R.RULES_ONLY)) === 0 && ((e.roles & AS_WRITTEN) === 0 || (e.roles & ~AS_WRITTEN) !== 0);
/** Negations with an auxiliary in them; "dont", "isnt", "arent" are NEG words of the lexicon. */
const NEG_AUX = new Set(['doesnt', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'cannot', 'cant']);
/** A negation in the past reports history ("women were not trusted with the vote"), not a view. */
const PAST_NEG = new Set(['was', 'were', 'did', 'didnt', 'wasnt', 'werent']);
/** Verbs of care or liking: their object is not what the group is called ("women love animals"). */
const CARE = new Set([
  'love',
  'loves',
  'adore',
  'adores',
  'feed',
  'feeds',
  'keep',
  'keeps',
  'rescue',
  'rescues',
  'raise',
  'raises',
  'protect',
  'protects',
]);
/** "<group> are no better / nothing more than …", "<group> are less / lower than human". */
const NONE = new Set(['no', 'nothing', 'little']);
const LESS = new Set(['less', 'lower']);
/** "No <group> deserve to die": the hateful statement, denied. */
const DESERVE = new Set(['deserve', 'deserves']);
/** "I want (to see) <group> dead", "I wish <group> were dead". */
const WISH = new Set(['want', 'wants', 'wanna', 'wish', 'wished', 'hope', 'like', 'love']);
/** "<group> disgust me" and "<group> make me sick". */
const REVOLT = new Set(['disgust', 'disgusts', 'sicken', 'sickens', 'repulse', 'repulses', 'revolt', 'revolts']);
const MAKE = new Set(['make', 'makes']);
/** "<group> make me angry", "… fill me with rage", "… make my blood boil" (`revulsion`). */
const MADE_FEEL = new Set(MADE_TO_FEEL);
const FILLED = new Set(FILLED_WITH);
const FILL = hashes('fill fills');
const WITH = hashWord('with');
const IDIOM_NOUN = new Map(BODY_IDIOMS.map(([last, noun]) => [last, hashWord(noun)]));
const WANT_TO = hashes('want wanna');
const THROW = hashWord('throw');
const PURE = hashes('pure utter sheer');
const BODY = new Set(BODY_PARTS);
const PLACES = new Set(PLACES_OF_WORSHIP);
/** Words between a violent verb and the place it names: "burn down their mosques", "bomb the local synagogue". */
const PLACE_BETWEEN = hashes('the their a an that this his her our your local nearest');
/** "your so stupid": "your" written for "you're", then an intensifier. */
const YOUR_SO = hashes('so really very fucking');
/** What is done to a group, before its name: "violence against women makes me sick" (`revulsion`). */
const DONE_TO = hashes('against towards toward on for treat treats treated treating');
/** Words that join a clause said outright to the one before: "… and they are all criminals". */
const JOINED = hashes('and so because');
/** "in my opinion <group> …", "imo <group> …": not a word that narrows the group (`shouldBeHarmed`). */
const OPINION_NOUNS = hashes('opinion view imo imho');
/** Words that open a clause before its subject: "and Muslims make me sick", "honestly, …", "I think women …". */
const CLAUSE_OPENERS = hashes(
  'and but so honestly frankly seriously personally genuinely really actually truly just think believe feel because cause',
);
/** Words that open a clause before "you suck": "because you suck", "yeah you do suck", "I think you suck". */
const SUCK_OPENERS = hashes('because cause cuz coz yeah yes yea well and but so ok okay lol honestly think guess');
/** What is sucked, not who sucks: "you suck in air", "you suck it up", "you suck the venom out". */
const SUCKED = hashes('in on out up it the a an your my his her their this that some air');
/** A violent verb with its particle, read as the verb: "hunt down every …" (not "hang out with", "hang up on"). */
const PHRASAL_VIOLENCE = new Set(['beat up', 'hunt down', 'shoot up', 'shoot down', 'burn down', 'wipe out']);
/** Verbs that hurt a body, with the violent verbs: "I'll break your legs", "I will smash your face". */
const HURT = hashes('break smash bash kick cut crack rip snap bust slice');
/** "Drop dead." */
const DROP_WORD = hashWord('drop');
const JUST = hashWord('just');
/** A trope's last word → the hashes of the verbs that make it one (lexicon.ts `TROPES`). */
const TROPE_VERBS = new Map(
  TROPES.flatMap(([objects, verbs]) => {
    const v = hashes(verbs);
    return objects.split(' ').map((o) => [o, v] as const);
  }),
);
/** Words between a trope's verb and its last word: "control the media", "taking over our country". */
const TROPE_BETWEEN = hashes('the our this their over into in like every all nothing but');
/** "Deport all Muslims", "we must expel the <group>". */
const EXPEL = hashes('deport expel ban');
/** "Women belong in the kitchen", "get back to the kitchen". */
const KITCHEN_VERBS = hashes('belong belongs stay stays back');
const KITCHEN_TO = hashes('in to');
/** "<group> belong at home". */
const AT_IN = hashes('at in');
const BELONG = hashes('belong belongs');
/** "<group> belong in a zoo": a place for animals. */
const CAGES = new Set(['zoo', 'zoos', 'cage', 'cages', 'jungle']);
/** "<group> should be put in camps / thrown in prison" (`shouldBeHarmed`). */
const CONFINED = new Set(['camps', 'prison', 'prisons', 'jail', 'ghettos', 'chambers', 'ovens']);
const INTO = hashes('in into to');
const RIGHT = hashWord('right');
const FROM = hashes('from');
/** A relative clause or a phrase of place after the noun it follows (`target`). */
const WHO = hashes('who whom');
const PLACE_PREP = hashes('in from at near across');
/** "In my humble opinion", "I've come to believe" (`saidOutright`). */
const HUMBLE = hashes('humble honest');
const COME = hashWord('come');
/** "… deserve the death penalty" (`bulletDeserved`). */
const DEATH_WORD = hashWord('death');
/** "No woman belongs to anyone" is no denial (`raisedDenial`). */
const TO = hashes('to');
/** "Those people are …" for the group named just before (`thosePeople`). */
const PEOPLE = hashWord('people');
/** "I find <group> revolting", "I consider <group> a burden" (`foundToBe`). */
const FIND = hashes('find consider');
const VANISH = new Set(['disappear', 'vanish', 'disappeared', 'vanished']);
/** "Why do <group> (always) have to be so …?" (`askedWhyOrExcept`). */
const HAVE_TO = hashes('have has need needs');
const DO = hashes('do does');
const WHY = hashWord('why');
/** "Is there a single <group> who isn't a criminal?" */
const NOT_BE = hashes('isnt wasnt arent werent');
/** The two words before "a <group> who isn't …" that ask for one (last word first): "ever met", "is there", "show me". */
const EXCEPTION_ASKED = new Map(
  ['met ever', 'there is', 'me show'].map((p) => p.split(' ').map(hashWord) as [number, number]),
);
/** "The world would be better if <group> didn't exist" (`existenceDenied`). */
const BETTER = hashes('better happier safer nicer');
const PUT = hashes('put thrown locked sent herded');
/** "a waste of space / oxygen / air / skin". */
const WASTED = new Set(['space', 'oxygen', 'air', 'skin', 'resources', 'money']);
/** "Being gay is a (mental) illness": who someone is called a sickness (`beingIsIllness`; "disease" too). */
const ILLNESS = new Set(['illness', 'disorder', 'sin', 'sickness']);
/** "The Holocaust never happened": the word by its hash (none is listed in the lexicon). */
const GENOCIDE = new Map(['holocaust', 'shoah', 'genocide'].map((w) => [hashWord(w), w]));
const SENTENCED = hashWord('sentenced');
/** "<group> deserve a slow and painful death": the death wished cruel (`deathCalledFor`). */
const CRUEL = hashes('slow painful horrible brutal gruesome agonizing agonising violent horrific miserable');
const HOW = hashes('the that this like as in at on to exactly quite');
/** "I'm sick of <group>", "we are tired of …", "I'm disgusted by …": the feeling → the words that join it to the group. */
const FED_UP = new Map([
  [hashWord('sick'), hashes('of')],
  [hashWord('tired'), hashes('of')],
  [hashWord('disgusted'), hashes('by with')],
  [hashWord('repulsed'), hashes('by')],
  [hashWord('sickened'), hashes('by')],
  [hashWord('up'), hashes('with')], // "fed up with"
]);
const FED = hashWord('fed');
/** Words that judge a quotation before them (`CounterSpeech.judge`). */
const JUDGED = new Set(QUOTE_JUDGED);
/** "<group> have no morals" (`lacking`). */
const LACKED = new Set(LACKED_QUALITIES);
const HARMED = new Set(HARMS);
const SENT = hashWord('sent');
const SHOULD = hashWord('should');
/** Before a noun of violence, a call for it (`calledFor`). */
const CALLS_FOR = hashes('for want wants need needs demand demands support supports urge urges');
const KEPT = hashWord('kept');
/** "<group> should never be treated / seen as burdens" (`deniedOfGroup`). */
const TREATED_AS = hashes('treated seen regarded viewed considered labelled labeled');
const HAVE = hashes('have has');
const NOTHING = hashWord('nothing');
const BARELY = hashes('barely hardly');
const TOWARDS_TO = hashes('for to');
const THAN = hashWord('than');
const ABOUT = hashWord('about');
const SOLUTION = hashWord('solution');
const FINAL = hashWord('final');
const ANY = hashWord('any');
/** "Nothing makes me angrier than <group>", "there is no one I hate more than …" (`hatedMost`). */
const ANGRIER = hashes('angrier madder sicker');
const VILE = R.INSULT | R.ATTRIBUTE | R.DEHUMAN;
const NO_ONE = hashes('nothing noone nobody one anything anyone');
const AND = hashWord('and');
/** "a better place without <group>". */
const PLACE = hashWord('place');
/** "I have so much hatred for <group>", "my contempt for …". */
const HATRED = hashes('hatred hate contempt loathing disgust revulsion');
/** "<group> should be forcibly sterilised": how, between "be" and the verb (`passiveTarget`). */
const MANNER = hashes('forcibly publicly immediately quickly slowly brutally violently permanently just simply');
const TOWARDS = hashes('for of towards toward');
const NO_REGARD = hashes('no zero');
const SINGLE = hashWord('single');
const ALWAYS = hashWord('always');
/** "I've never met an intelligent <group>", "there has never been …", "no such thing as …" (`neverSeen`). */
const MET_BEEN = hashes('met seen known been');
const THING = hashWord('thing');
const DENIED = 'quality denied to a group'; // the reason of every rule that denies a group a quality
/** Words after a denied quality or member that undo the denial: "worth less than", "a smart woman who …". */
const DEGREE_AFTER = hashes('less more than');
const WHO_LIKE = hashes('who that like');
const SUCH = hashWord('such');
const EACH = hashWord('each');
const FEEL = hashes('have feel');
const FEELING = hashes('feel feels felt feeling');
const MUCH = hashWord('much');
const SO = hashWord('so');
const SURE = hashWord('sure');
const IF = hashWord('if');
const BUT = hashWord('but');
/** "<group> are not real people / normal human beings", "trans women are not real women". */
const REAL = hashes('real normal proper actual');
/** What a group is denied being, besides a group: "… are not real citizens / Americans". */
const BELONGING = new Set(REAL_MEMBERS);
/** Qualities a group is denied only as undeserved: "<group> don't deserve rights". */
const DESERVED = new Set(['rights', 'equality', 'dignity', 'live', 'kindness', 'compassion', 'sympathy', 'mercy']);
const LIVES = hashWord('lives');
const ILLEGAL = hashWord('illegal');
/** "<group> are a horde of locusts", "… a bunch of criminals": a group as a mass. */
const MASS = hashes('horde hordes swarm swarms pack packs herd herds bunch flock');
/** "<group> should (all) be deported": expulsion called for in the passive (`shouldBeHarmed`). */
const CALLED_HARM = new Set(HARMS.filter((w) => !HARMS_REFUSED_ONLY.includes(w)));
/** Words of degree before a derogatory attribute or a denied quality: "<group> are naturally more violent". */
const DEGREE = hashes('more naturally inherently genetically always just simply basically fundamentally');
const LETS = hashWord('lets');
const SEE = hashWord('see');
/** "Swarms of <group>": a group as a mass of vermin. */
const SWARM = hashes('swarm swarms horde hordes infestation plague');
/** "I can't stand / tolerate / bear <group>". */
const STAND = hashes('stand tolerate bear');
/** "I can't bear to be around <group>", "how can anyone stand …" (`statedHatred`). */
const AROUND = hashes('around near with');
const ANYONE = hashes('anyone anybody you');
const HOW_WORD = hashWord('how');
/** "I hope you get cancer". */
const GET = hashes('get gets got');
/** "It's obvious (that) <group> are …", "isn't it clear …": asserted. */
const ASSERT = new Set(['obvious', 'clear', 'true']);
const IT_IS = new Set(['it', 'its', 'is', 'isnt']);
/** "I think (that) <group> are …": the speaker's own view, said outright. */
const OPINION = hashes('think believe feel reckon guess suppose know convinced sure say');
/** Words between the speaker and the view: "I genuinely believe", "I would say", "I feel like". */
const OPINION_BETWEEN = hashes('would do really honestly genuinely truly personally just firmly strongly actually');
const LIKE = hashWord('like');
/** "In my view <group> are …", "in my opinion …". */
const VIEW = hashes('view opinion');
const NEG_AUX_DO = hashes('dont wouldnt');
/**
 * Words of saying that the speaker can deny: "I never said …", "I would never call …"; not "I never
 * thought …", nor the hedge "I'm not saying …, but".
 */
const SAID = new Set(['say', 'says', 'said', 'call', 'called', 'claim', 'claimed']);
const TREATED = new Set(['welcome', 'respected', 'trusted']);
const MY = hashWord('my');
/** Openers that give a view as the speaker's own, last word first: "if you ask me, …", "is it just me or …". */
const OPENERS = [
  'me ask you if',
  'or me just it is',
  'honest be to',
  'honestly',
  'frankly',
  'personally',
  'tbh',
  'imo',
  'imho',
  'is view my',
  'is opinion my',
  'opinion my its',
  'opinion honest my its',
  'opinion the of im',
  'come how',
].map((words) => words.split(' ').map(hashWord));
/** Denied qualities that are things a person does to a group: "I will never respect <group>". */
const REGARD_VERBS = new Set(['respect', 'trust']);

/** "I can't stand …" (not negations for the other rules: "you can't trust these hoes" is still abuse). */
const CANNOT = new Set(['cannot', 'cant']);

/**
 * Names for one person that are only insults: said with no article to someone ("Thanks, idiot.",
 * "ok moron"), they address the reader. Not the words with an innocent sense ("jerk
 * chicken", "April fool", "guinea pig", "prick", "Winner / Loser").
 */
const VOCATIVE = new Set(
  'idiot moron imbecile cretin numbskull dimwit halfwit nitwit scumbag lowlife dumbass jackass dipshit asshole arsehole dickhead shithead twat wanker douchebag fuckface fuckhead fuckwit motherfucker cocksucker bastard bitch cunt whore slut'.split(
    ' ',
  ),
);
/**
 * Words before an insult noun in its clause that make it a noun of the sentence, not a name for
 * the reader: articles, possessives, prepositions, conjunctions, "to be" ("the village idiot",
 * "a winner and loser", "surrounded by idiots", "he is no fool").
 */
const NOT_VOCATIVE = hashes(
  'a an the this that these those my your his her its our their some any no one every each another such what which whose either neither both all of to for with by from in on at into onto over under after around through about like as than and or nor but vs versus is are was were be been being am isnt arent wasnt',
);

/** "I'll shoot you an email": the word after "shoot <person>" that makes it a message, not a gun. */
const ARTICLES = hashes('a an');
/** What the model reads of a word (`word`): the word itself, or nothing; a hash (≥ 0) is read as an unknown word. */
const MODEL_WORD = -1;
const MODEL_NONE = -2;
/** "a pig farmer", "garbage collected", "a trash bag": the insult word only names the kind of thing. */
const NOUN_AFTER = hashes(
  'bag bags can cans bin bins truck trucks collected collection collector collectors disposal farmer farmers farm farms costume costumes show fish',
);
/** "Immigrants bring crime rates down": the word after a trope's last word that makes it a measure. */
const MEASURES = hashes('rate rates levels figures statistics down');

/** Words before a singular that make it one person (each a listed word, so the history keeps it). */
const ONE_OF = new Set(['the', 'his', 'her', 'my', 'your', 'our', 'their']);

/** A past form of a violent verb ("killed", "shot", "beaten"): it reports an event. */
const isPastForm = (word: string, base: string): boolean =>
  word !== base && (word.endsWith('ed') || word === 'shot' || word === 'beaten');

/** "No window yet": below any window sum (a window sums at most SLOTS × 24 int8 weights). */
const NO_WINDOW = -(1 << 30);
const TOKEN_CAP = 48; // longer "words" are hashed but never looked up
const RUN_CAP = 24; // letters in a run of single letters ("f u c k")
const HIST = 8; // words of context kept for patterns (a power of two)
const SYM_CAP = 8;

// ASCII character classes.
const SEP = 0;
const LET = 1; // lower-case letter after folding
const DIG = 2;
const APOS = 3;
const SYM = 4; // leet / mask symbols that may sit inside a word: @ $ * # | + !
const DROP = 5; // control characters
const END = 6; // sentence end: . ? ! newline
const CLAUSE = 7; // a comma: ends what a report word introduced ("stop saying …, they are …")
const QUOTE = 8; // a double quotation mark (curly ones are normalised to it): a quotation, read as a report
const COLON = 9; // a colon: a new clause ("I'm just being honest: <group> are …"), a report word's region goes on
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  let k = SEP;
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) k = LET;
  else if (c >= 48 && c <= 57) k = DIG;
  else if (c === 39 || c === 96) k = APOS;
  else if (c === 64 || c === 36 || c === 42 || c === 35 || c === 124 || c === 43 || c === 33) k = SYM;
  else if (c === 46 || c === 63 || c === 10 || c === 59) k = END;
  else if (c === 44) k = CLAUSE;
  else if (c === 58) k = COLON;
  else if (c === 34) k = QUOTE;
  else if (c < 32 && c !== 9 && c !== 13) k = DROP;
  else if (c === 127) k = DROP;
  CLASS[c] = k;
}
const IS_MASK = (c: number): boolean => c === 42 || c === 35; // * #
/** Symbols that still belong to a word when they end it: "f***", "a$$". */
const IS_WORD_END_MASK = (c: number): boolean => IS_MASK(c) || c === 36;
const LEET_A: Record<number, number> = {
  48: 111,
  49: 105,
  51: 101,
  52: 97,
  53: 115,
  55: 116,
  56: 98,
  57: 103,
  64: 97,
  36: 115,
  33: 105,
  124: 108,
  43: 116,
};
const LEET_B: Record<number, number> = { ...LEET_A, 49: 108, 124: 105, 48: 111 };

/**
 * Words after an ambiguous word (lexicon role NAMEABLE) that make it harmless: "pussy cat", "pussy
 * willow", the verb in "prick your finger", "a chink in the armour", "coon hunting". Capitalised
 * next to another capitalised word it is a name ("Dick Cheney"), unless a slur.
 */
const HARMLESS_AFTER = new Map(
  (
    [
      ['pussy', 'cat cats willow'],
      ['prick pricks', 'your the a my his her their its it yourself them'],
      ['chink chinks', 'in of'],
      ['coon coons', 'hunt hunting hunter hunters hound hounds dog dogs cat cats'],
    ] as const
  ).flatMap(([words, after]) => {
    const next = new Set(after.split(' ').map(hashWord));
    return words.split(' ').map((word) => [word, next] as const);
  }),
);
const RIOT = hashWord('riot'); // "Pussy Riot", capitalised
/** The word before a slur that makes it a name (each listed, so the history keeps it). */
const HARMLESS_BEFORE = new Map([
  ['dyke', 'van'],
  ['dykes', 'van'],
  ['coon', 'maine'],
  ['coons', 'maine'],
]);
/** Hashers for the colder paths (scans are synchronous: never two users at once). */
const scratchHash = new WordHasher();
const scratchHash2 = new WordHasher();
/** Words that say what should happen to someone ("you should die", "they must be shot"). */
const NORMATIVE = hashes('should must deserve deserves need needs gotta ought');
/** Verbs too common in friendly speech to make a threat on their own ("I'll beat you at chess"). */
const WEAK_VERBS = new Set([
  'beat',
  'hunt',
  'burn',
  'bomb',
  'slap',
  'wipe',
  'purge',
  'cull',
  'neuter',
  'flog',
  'whip',
  'starve',
  'crush',
  'nuke',
  'obliterate',
  'erase',
  'liquidate',
  'torch',
]);
const STRONG_VERBS = new Set([
  'kill',
  'murder',
  'assassinate',
  'shoot',
  'stab',
  'hang',
  'lynch',
  'gas',
  'exterminate',
  'slaughter',
  'behead',
  'decapitate',
  'rape',
  'strangle',
  'massacre',
  'execute',
  'torture',
  'butcher',
  'eradicate',
  'annihilate',
  'genocide',
  'slit',
  'drown',
  'burn',
  'eliminate',
  'sterilize',
  'sterilise',
  'euthanize',
  'euthanise',
  'enslave',
  'castrate',
  'electrocute',
  'crucify',
  'maim',
  'mutilate',
  'poison',
  'dismember',
]);

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Hit {
  category: ToxicityCategory;
  start: number;
  end: number;
  match: string;
  score: number;
  why: string;
  /** For a hit counter-speech excused: the hit as found. */
  original?: Hit;
}

/** A hit the next word decides: kept when its clause ends first, dropped by a next word whose hash is in `undoneBy` ('any': every word). */
interface Held {
  readonly hit: Hit;
  readonly undoneBy: ReadonlySet<number> | 'any';
  /** It opened its sentence: dropped if the sentence ends with it ("- idiot" in a list names the word). */
  readonly alone: boolean;
}

/**
 * Incremental scanner. `push` text in any chunks; `scores()`/`result()` give the scores of
 * everything pushed so far (exactly those of scanning it at once); `end()` finishes.
 */
export class ToxicityScanner {
  private readonly lex: Lexicon = lexicon();
  private readonly model: Model;
  private readonly sink: ((buckets: Int32Array) => void) | undefined;

  private pos: number = 0; // global offset of the next code unit
  private high: number = -1; // pending high surrogate
  // Current word
  private tLen: number = 0;
  private tStart: number = 0;
  private tEnd: number = 0;
  private tLast: number = -1;
  /** The word hash of tBuf (word-hash.ts), kept as the units arrive. */
  private readonly tHash = new WordHasher();
  private tRepeat: boolean = false;
  private tDigit: boolean = false;
  private tSym: boolean = false;
  private tLetters: number = 0;
  private tUpper: boolean = false;
  private tOther: boolean = false; // letters of non-Latin scripts
  private tFolded: boolean = false; // letters folded to ASCII ("é", "ş"): a word of another language, or obfuscation
  private tBuf = new Uint16Array(TOKEN_CAP);
  // Symbols after a word that join it only if a letter follows ("sh!t" but not "hi!")
  private sLen: number = 0;
  private sBuf = new Uint16Array(SYM_CAP);
  private sEnd: number = 0;
  // Gap since the last word
  private gapLen: number = 0;
  private gapEnd: boolean = true; // sentence ended in the gap (true at the start)
  private gapNewline: boolean = false;
  // Run of single letters
  private rLen: number = 0;
  private rBuf = new Uint16Array(RUN_CAP);
  private rStart = new Int32Array(RUN_CAP);
  private rEnd = new Int32Array(RUN_CAP);
  private rSent = new Uint8Array(RUN_CAP);
  private rUpper = new Uint8Array(RUN_CAP);
  // The emoji sequence being read (emoji.ts): its code points and where it lies in the text
  private eLen: number = 0;
  private eBuf = new Int32Array(EMOJI_CAP);
  private eStart: number = 0;
  private eEnd: number = 0;
  // A capitalised ambiguous word ("Dick") waiting for the next word
  private pEntry: LexEntry | undefined = undefined;
  private pStart: number = 0;
  private pEnd: number = 0;
  private pSent: boolean = false;
  private pUpper: boolean = false;
  private pHash: number = 0;
  private pModel: number = MODEL_WORD;
  private pPrevUpperMid: boolean = false;
  // Word history for patterns
  private hCount: number = 0;
  private sentLen: number = 0; // words before the current one in this sentence
  private hRoles = new Int32Array(HIST);
  private hWord: (string | undefined)[] = new Array<string | undefined>(HIST).fill(undefined);
  private hHash = new Int32Array(HIST); // every word's hash, listed or not (`hashAt`)
  private hStart = new Int32Array(HIST);
  private hUpper = new Uint8Array(HIST);
  private hSent = new Uint8Array(HIST);
  // Model
  private mCount: number = 0;
  /** The model's feature state (features.ts) and the current word's buckets. */
  private feat = new ModelFeatures();
  private readonly fBuf = new Int32Array(SLOTS);
  private mSlot: number = 0; // ring slot of the last word; slot of word i is i % WINDOW
  private mPrefT: number = 0; // prefix sums of the two heads, in int8 units, wrapping at 2^32 (differences stay exact)
  private mPrefH: number = 0;
  private mRing = new Int32Array(2 * WINDOW); // prefix sums of the last WINDOW words, per head
  private mStarts = new Int32Array(WINDOW);
  private mMaxT: number = NO_WINDOW;
  private mMaxH: number = NO_WINDOW;
  private mMaxStartT: number = 0;
  private mMaxStartH: number = 0;
  private mMaxEndT: number = 0;
  private mMaxEndH: number = 0;
  // Evidence
  private best: Record<ToxicityCategory, Hit | undefined> = {
    toxicity: undefined,
    insult: undefined,
    profanity: undefined,
    identity_attack: undefined,
    threat: undefined,
  };
  private spans: Hit[] = [];
  private sawGroup: boolean = false;
  /** The word being read is in disguise and read by the rules only (`deobfuscate`, `endWord`). */
  private rulesOnly = false;
  /** The word being read is a slur named as a word ("the word retard"): mentioned, as if quoted (`emit`). */
  private namedSlur = false;
  /** A group was named as the victim of violence reported in the past ("Jews were murdered"). */
  private groupVictim: boolean = false;
  /** A hateful word denied of a group ("<group> are not disgusting", "no <group> deserve to die"): the model counts half. */
  private hateDenied: boolean = false;
  /** Harm or blame refused to a group ("<group> should not be deported"): the model counts half. */
  private groupProtected: boolean = false;
  /** A sentence that so far only calls the group named before it something (`verblessPredicate`). */
  private predicate: { start: number; end: number; word: string; words: number } | undefined;
  private groupAt: number = -1; // the last word naming a group (`theyGroup`)
  private clauseAt: number = 0; // index of the first word after the last comma
  private held: Held | undefined = undefined; // a hit the next word decides (`nextWord`)
  private counter = new CounterSpeech<Hit>();
  private insultWord: number = 0; // strongest insult word seen, aimed or not
  private ended: boolean = false;
  /** Rule hits so far, and what `committedScores()` last saw (it answers only when something changed). */
  private hits: number = 0;
  private lastKey: number = -1;
  private lastMaxT: number = NO_WINDOW;
  private lastMaxH: number = NO_WINDOW;

  /** @param sink internal: receives each word's feature buckets (the trainer uses it). */
  constructor(sink?: (buckets: Int32Array) => void) {
    this.sink = sink;
    // The trainer (sink) only needs words: it must not depend on the weights it is about to write.
    this.model = sink
      ? {
          table: new Int8Array(TABLE_SIZE),
          check: new Uint8Array(MASK + 1),
          scale: [0, 0],
          bias: [0, 0],
          slope: [1, 1],
        }
      : loadModel();
    this.reset();
  }

  /** Forgets everything pushed so far; the scanner can be used for a new text. */
  reset(): void {
    // One assignment per field of per-text state (`duplicates` sees the repeated shape, not repeated logic).
    this.pos = 0;
    this.high = -1;
    this.tLen = 0;
    this.tStart = 0;
    this.tEnd = 0;
    this.tLast = -1;
    this.tRepeat = false;
    this.tDigit = false;
    this.tSym = false;
    this.tLetters = 0;
    this.tUpper = false;
    this.tOther = false;
    this.tFolded = false;
    this.sLen = 0;
    this.sEnd = 0;
    this.gapLen = 0;
    this.gapEnd = true;
    this.gapNewline = false;
    this.rLen = 0;
    this.eLen = 0;
    this.pEntry = undefined;
    this.pStart = 0;
    this.pEnd = 0;
    this.pSent = false;
    this.pUpper = false;
    this.pHash = 0;
    this.pModel = MODEL_WORD;
    this.pPrevUpperMid = false;
    this.hCount = 0;
    this.sentLen = 0;
    this.mCount = 0;
    this.feat.reset();
    this.best = {
      toxicity: undefined,
      insult: undefined,
      profanity: undefined,
      identity_attack: undefined,
      threat: undefined,
    };
    this.spans = [];
    this.sawGroup = false;
    this.groupVictim = false;
    this.hateDenied = false;
    this.groupProtected = false;
    this.predicate = undefined;
    this.groupAt = -1;
    this.clauseAt = 0;
    this.held = undefined;
    this.counter.reset();
    this.insultWord = 0;
    this.ended = false;
    this.hits = 0;
    this.lastKey = -1;
    this.mSlot = 0;
    this.mPrefT = this.mPrefH = 0;
    this.mMaxT = this.mMaxH = NO_WINDOW;
    this.mMaxStartT = this.mMaxStartH = this.mMaxEndT = this.mMaxEndH = 0;
  }

  /** Feeds the next chunk of text. Work is linear in the chunk's length. */
  push(chunk: string): void {
    if (this.ended) throw new Error('toxicity scanner: push() after end()');
    const n = chunk.length;
    const base = this.pos;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.high >= 0) {
        const hi = this.high;
        this.high = -1;
        if (c >= 0xdc00 && c <= 0xdfff) {
          this.mapped(0x10000 + ((hi - 0xd800) << 10) + (c - 0xdc00), base + i - 1);
          // A word ending in this character ends after both halves of the pair.
          if (this.tLen > 0 && this.tEnd === base + i) this.tEnd = base + i + 1;
          continue;
        }
        this.mapped(hi, base + i - 1); // lone high surrogate
      }
      if (c < 128) {
        const k = CLASS[c] as number;
        if (k === LET) {
          // Hot path: a run of ASCII letters, in locals (hashed as they come, as `add` does).
          if (this.tLen === 0) this.startWord(base + i, c < 97);
          else if (this.sLen > 0) this.commitSyms();
          const buf = this.tBuf;
          let len = this.tLen;
          let last = this.tLast;
          let rep = this.tRepeat;
          const th = this.tHash;
          let h = th.h;
          let acc = th.acc;
          let hn = th.n;
          const from = i;
          let d = c | 32;
          for (;;) {
            if (len < TOKEN_CAP) {
              buf[len] = d;
              acc |= d << ((hn & 3) << 3);
              if ((++hn & 3) === 0) {
                h = mixGroup(h, acc);
                acc = 0;
              }
            }
            len++;
            if (d === last) rep = true;
            last = d;
            if (i + 1 >= n) break;
            const e = chunk.charCodeAt(i + 1);
            if (e >= 128 || CLASS[e] !== LET) break;
            d = e | 32;
            i++;
          }
          this.tLen = len;
          this.tLast = last;
          this.tRepeat = rep;
          th.h = h;
          th.acc = acc;
          th.n = hn;
          this.tLetters += i - from + 1;
          this.tEnd = base + i + 1;
        } else if (k === SEP) {
          if (this.tLen > 0) this.endWord(false);
          else if (this.eLen > 0) this.flushEmoji();
          this.gapLen++;
        } else this.ascii(c, k, base + i);
      } else if (c >= 0xd800 && c <= 0xdbff) {
        this.high = c;
      } else {
        this.mapped(c, base + i);
      }
    }
    this.pos = base + n;
  }

  /** Scores of everything pushed so far (does not end the scan). */
  scores(): ToxicityScores {
    return this.result().scores;
  }

  /** Scores and spans of everything pushed so far (does not end the scan). */
  result(): ToxicityResult {
    if (this.ended) return this.finish();
    return this.clone().finishNow();
  }

  /** @internal Rule evidence of the text scanned so far, for the trainer (see `trainerView`). */
  trainerEvidence(buckets: Int32Array): TrainerView {
    const b = this.best;
    return {
      buckets,
      profanity: b.profanity?.score ?? 0,
      rules: Math.max(b.insult?.score ?? 0, b.identity_attack?.score ?? 0, b.threat?.score ?? 0),
      sawGroup: this.sawGroup && !this.groupVictim,
      modelHalved: this.modelHalved(),
    };
  }

  /** Ends the text and returns the final result. Further `push` calls throw. */
  end(): ToxicityResult {
    if (!this.ended) {
      this.flushAll();
      this.ended = true;
    }
    return this.finish();
  }

  private finishNow(): ToxicityResult {
    this.flushAll();
    this.ended = true;
    return this.finish();
  }

  private flushAll(): void {
    if (this.high >= 0) {
      const hi = this.high;
      this.high = -1;
      this.mapped(hi, this.pos - 1);
    }
    if (this.eLen > 0) this.flushEmoji();
    this.endWord(true);
    this.flushRun();
    this.flushPending(false, false, 0);
    if (this.held) this.nextWord(true, -1);
    this.settlePredicate(); // the text's end ends the last sentence
  }

  private clone(): ToxicityScanner {
    const c = Object.create(ToxicityScanner.prototype) as ToxicityScanner;
    Object.assign(c, this);
    const self = this as unknown as Record<string, unknown>;
    const other = c as unknown as Record<string, unknown>;
    for (const key of Object.keys(self)) {
      const v = self[key];
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) other[key] = (v as Uint8Array).slice();
      else if (Array.isArray(v)) other[key] = v.slice();
    }
    other.best = { ...this.best };
    other.feat = this.feat.copy();
    other.counter = this.counter.copy();
    // The current word's hash too: finishing the copy may end a pending emoji and start a word.
    other.tHash = Object.assign(new WordHasher(), this.tHash);
    return c;
  }

  /** @internal Scans a whole text from a fresh state: `reset()`, `push(text)`, `end()`. */
  scanWhole(text: string): ToxicityResult {
    if (!warmed) warmUp();
    this.reset();
    this.push(text);
    return this.end();
  }

  // ---- characters -------------------------------------------------------------------------

  private mapped(cp: number, at: number): void {
    if (cp >= 0x200d && this.emoji(cp, at)) return;
    if (this.eLen > 0) this.flushEmoji();
    const s = mapCodePoint(cp);
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c < 128) {
        const k = CLASS[c] as number;
        if (k === LET) {
          this.letter(c | 32, at, false);
          this.tFolded = true;
        } else this.ascii(c, k, at);
      } else {
        this.letter(c, at, false);
        this.tOther = true;
      }
    }
  }

  /** Takes `cp` into the emoji sequence being read, or starts one; false if `cp` is no part of one. */
  private emoji(cp: number, at: number): boolean {
    const kind = emojiKind(cp);
    if (kind === EMOJI_NONE) return false;
    if (this.eLen > 0) {
      const last = this.eBuf[Math.min(this.eLen, EMOJI_CAP) - 1];
      if (kind !== EMOJI_BASE || last === ZWJ) {
        if (this.eLen < EMOJI_CAP) this.eBuf[this.eLen] = cp;
        this.eLen++;
        this.eEnd = at + (cp > 0xffff ? 2 : 1);
        return true;
      }
      this.flushEmoji();
    }
    if (kind !== EMOJI_BASE) return false; // a stray joiner, selector or skin tone: as any character
    // An emoji separates words, read or not. While it is pending no word is open (every other
    // character ends it first), so the hot path checks for it only where a word starts or a gap grows.
    this.ascii(32, SEP, at);
    this.eBuf[0] = cp;
    this.eLen = 1;
    this.eStart = at;
    this.eEnd = at + (cp > 0xffff ? 2 : 1);
    return true;
  }

  /** Ends the emoji sequence being read: its reading, if any, as words spanning the whole sequence. */
  private flushEmoji(): void {
    const reading = readEmoji(this.eBuf, Math.min(this.eLen, EMOJI_CAP));
    const start = this.eStart;
    const end = this.eEnd;
    this.eLen = 0;
    for (let j = 0; j < reading.length; j++) {
      const c = reading.charCodeAt(j);
      if (c === 32) this.ascii(32, SEP, start);
      else {
        this.letter(c, start, false);
        this.tEnd = end;
      }
    }
    if (reading.length > 0) this.ascii(32, SEP, start);
  }

  private letter(c: number, at: number, upper: boolean): void {
    if (this.tLen === 0) this.startWord(at, upper);
    else if (this.sLen > 0) this.commitSyms();
    this.add(c, at);
    this.tLetters++;
  }

  private startWord(at: number, upper: boolean): void {
    if (this.eLen > 0) this.flushEmoji();
    this.tStart = at;
    this.tHash.reset();
    this.tLast = -1;
    this.tRepeat = this.tDigit = this.tSym = this.tOther = this.tFolded = false;
    this.tLetters = 0;
    this.tUpper = upper;
  }

  private add(c: number, at: number): void {
    if (this.tLen < TOKEN_CAP) {
      this.tBuf[this.tLen] = c;
      this.tHash.add(c);
    }
    this.tLen++;
    this.tEnd = at + 1;
    if (c === this.tLast) this.tRepeat = true;
    this.tLast = c;
  }

  private commitSyms(): void {
    for (let j = 0; j < this.sLen; j++) this.add(this.sBuf[j] as number, this.sEnd - 1);
    this.tSym = true;
    this.sLen = 0;
  }

  private ascii(c: number, k: number, at: number): void {
    if (this.eLen > 0) this.flushEmoji();
    switch (k) {
      case DIG:
        if (this.tLen === 0) this.startWord(at, false);
        else if (this.sLen > 0) this.commitSyms();
        this.add(c, at);
        this.tDigit = true;
        return;
      case APOS:
        return; // "don't" → "dont"; a leading apostrophe is ignored
      case SYM:
        if (this.tLen > 0) {
          if (this.sLen < SYM_CAP) {
            this.sBuf[this.sLen++] = c;
            this.sEnd = at + 1;
            return;
          }
          this.endWord(false);
        } else if (c !== 33 && c !== 124 && c !== 43) {
          // A word may start with a mask or leet symbol: "@ss", "$hit", "*ss".
          this.startWord(at, false);
          this.add(c, at);
          this.tSym = true;
          return;
        }
        if (c === 33) this.gapEnd = true;
        this.gapLen++;
        return;
      case DROP:
        return;
      default:
        if (this.tLen > 0) this.endWord(false);
        this.gapLen++;
        if (k === CLAUSE) {
          this.counter.comma();
          this.clauseAt = this.hCount;
          if (this.held) this.nextWord(true, -1, true);
        } else if (k === END) {
          this.gapEnd = true;
          if (c === 10) this.gapNewline = true;
        } else if (k === QUOTE) this.counter.quote(this.hCount);
        else if (k === COLON) this.clauseAt = this.hCount;
    }
  }

  // ---- words -------------------------------------------------------------------------------

  private endWord(atEnd: boolean): void {
    if (this.tLen === 0) return;
    // Fast path: a plain word of ASCII letters with no letter run or ambiguous word pending, that is
    // either not listed or a listed word that completes no pattern ("the", "are", "will").
    const len0 = this.tLen;
    if (
      this.sLen === 0 &&
      len0 > 1 &&
      len0 <= TOKEN_CAP &&
      !this.tSym &&
      !this.tDigit &&
      !this.tOther &&
      !this.tFolded &&
      this.rLen === 0 &&
      this.pEntry === undefined
    ) {
      const h = this.tokenHash();
      const filter = this.lex.filter;
      let e: LexEntry | undefined;
      let plain = false;
      if (filter[h & FILTER_MASK] === 0)
        plain =
          (!this.tRepeat || filter[this.collapsedHash(len0) & FILTER_MASK] === 0 || this.lex.ordinary.has(h)) &&
          (len0 < 5 || !mayBeGlued(this.lex.gluedBits, h));
      else {
        e = this.verify(this.lex.byHash.get(h), len0);
        plain = e !== undefined && !e.trigger && (e.roles & (R.EXPLETIVE | R.GROUP | R.NAMEABLE)) === 0;
      }
      if (plain) {
        const sent = this.gapEnd;
        this.tLen = 0;
        this.gapLen = 0;
        this.gapEnd = false;
        this.gapNewline = false;
        this.modelWord(h, false, TARGET_NONE, sent, this.tStart, this.tEnd);
        if (this.held) this.nextWord(sent, h);
        if (sent) this.sentenceStart();
        const i = this.hCount & (HIST - 1);
        this.hRoles[i] = e ? e.roles : 0;
        this.hWord[i] = e ? e.word : undefined;
        this.hHash[i] = h;
        this.hStart[i] = this.tStart;
        this.hUpper[i] = this.tUpper ? 1 : 0;
        this.hSent[i] = sent ? 1 : 0;
        this.hCount++;
        this.sentLen++;
        return;
      }
    }
    const sent = this.gapEnd;
    const gap = this.gapLen;
    const newline = this.gapNewline;
    // Trailing masks belong to the word ("f***", "a$$"); other trailing symbols are the gap after
    // it, and a trailing "!" ends the sentence for the next word ("you idiot!" is still "you idiot").
    let after = 0;
    let afterEnd = false;
    if (this.sLen > 0) {
      let masks = 0;
      while (masks < this.sLen && IS_WORD_END_MASK(this.sBuf[masks] as number)) masks++;
      // No letters, or one letter before markdown's bold "**" ("**210 N**"): punctuation, not a mask.
      if (this.tLetters === 0 || (this.tLen === 1 && this.sLen === 2 && this.sBuf[0] === 42 && this.sBuf[1] === 42))
        masks = 0;
      for (let j = masks; j < this.sLen; j++) if (this.sBuf[j] === 33) afterEnd = true;
      after = this.sLen - masks;
      this.sLen = masks;
      if (masks > 0) this.commitSyms();
    }
    const len = this.tLen;
    const start = this.tStart;
    const end = this.tEnd;
    this.tLen = 0;
    this.gapLen = after;
    this.gapEnd = afterEnd;
    this.gapNewline = false;
    void atEnd;

    if (this.tLetters === 0) {
      // Numbers and symbol-only words: model feature only.
      if (this.rLen > 0) this.flushRun();
      this.word(undefined, NUMBER_WORD, start, end, sent, false);
      return;
    }
    const h = this.tokenHash();
    // Single letter: maybe part of "f u c k" / "f.u.c.k".
    if (len === 1 && !this.tOther) {
      if (this.rLen > 0 && !this.isRunSep(gap, newline)) this.flushRun();
      if (this.rLen === RUN_CAP) this.flushRun();
      const i = this.rLen++;
      this.rBuf[i] = this.tBuf[0] as number;
      this.rStart[i] = start;
      this.rEnd[i] = end;
      this.rSent[i] = sent ? 1 : 0;
      this.rUpper[i] = this.tUpper ? 1 : 0;
      return;
    }
    if (this.rLen > 0) this.flushRun();
    const lex = this.lex;
    let entry: LexEntry | undefined;
    let disguised: LexEntry | undefined; // read by the rules only: "musl1ms", "sc*m" (`deobfuscate`)
    let modelHash = h;
    if (len <= TOKEN_CAP) {
      if (lex.filter[h & FILTER_MASK] === 1) entry = this.verify(lex.byHash.get(h), len);
      if (entry && this.tFolded && !disguisable(entry)) entry = undefined;
      // Leetspeak and masks only for word-like tokens ("k1ll", "f***", "a$$"), not "2x3" or "$18".
      if (
        !entry &&
        (this.tSym || this.tDigit) &&
        len >= 3 &&
        len <= 24 &&
        this.tLetters > 0 &&
        !(this.tDigit && !this.tSym && (this.tBuf[0] as number) < 58 && (this.tBuf[len - 1] as number) < 58)
      ) {
        entry = this.deobfuscate(len);
        if (this.rulesOnly) {
          disguised = entry;
          entry = undefined;
          this.rulesOnly = false;
        }
        if (!entry && this.tSym) modelHash = this.alnumHash(len);
      }
      if (!entry && this.tRepeat && !lex.ordinary.has(h)) {
        const ch = this.collapsedHash(len);
        if (lex.filter[ch & FILTER_MASK] === 1) {
          const e = lex.byCollapsedHash.get(ch);
          if (e && disguisable(e) && collapseRepeats(this.tokenString(len)) === collapseRepeats(e.word)) entry = e;
        }
      }
      // A misspelling of a word of hate or abuse: "muslms", "disgsuting" (lexicon.ts `misspellings`).
      if (!entry && !this.tSym && !this.tDigit && !this.tOther && lex.filter[h & FILTER_MASK] === 1) {
        const m = lex.misspelt.get(h);
        if (m && m.spelling.length === len && this.tokenString(len) === m.spelling)
          if (m.rulesOnly) disguised = m.entry;
          else entry = m.entry;
      }
      // Two words with no space between them: "Ihate", "aredisgusting" (lexicon.ts `GLUED_PAIRS`).
      if (!entry && !this.tSym && !this.tDigit && !this.tOther && !this.tFolded && mayBeGlued(lex.gluedBits, h)) {
        const g = lex.glued.get(h);
        if (g && g.spelling.length === len && end - start === len && this.tokenString(len) === g.spelling) {
          // The rules read the two words; the model reads the token as written, as it was trained.
          const mid = start + g.first.word.length;
          this.word(g.first, hashWord(g.first.word), start, mid, sent, this.tUpper, h);
          this.word(g.second, hashWord(g.second.word), mid, end, false, false, MODEL_NONE);
          return;
        }
      }
    }
    if (entry) modelHash = hashWord(entry.word);
    if (!entry && (this.tOther || this.tFolded)) modelHash = FOREIGN_WORD;
    if (!entry && disguised) {
      // The word to the rules; the model reads the token as written, as it was trained (leetspeak
      // group names in its features failed the challenge probes), and a group so written names no
      // group for the `hate` head.
      this.rulesOnly = true;
      this.word(disguised, hashWord(disguised.word), start, end, sent, this.tUpper, modelHash);
      this.rulesOnly = false;
      return;
    }
    this.word(entry, modelHash, start, end, sent, this.tUpper);
  }

  /** Hash of the word's characters (of its first TOKEN_CAP for an overlong "word"). */
  private tokenHash(): number {
    return this.tHash.value();
  }

  /** Hash of the word without its symbols ("$100" → "100"); the whole hash for overlong words. */
  private alnumHash(len: number): number {
    if (len > TOKEN_CAP) return this.tokenHash();
    const hasher = scratchHash.reset();
    for (let j = 0; j < len; j++) {
      const c = this.tBuf[j] as number;
      if (c >= 48 && c !== 64 && c !== 124) hasher.add(c);
    }
    return hasher.value();
  }

  /** Hash of the word with runs of a letter collapsed ("fuuuck" → "fuck"). */
  private collapsedHash(len: number): number {
    const hasher = scratchHash.reset();
    let last = -1;
    for (let j = 0; j < len && j < TOKEN_CAP; j++) {
      const c = this.tBuf[j] as number;
      if (c !== last) hasher.add(c);
      last = c;
    }
    return hasher.value();
  }

  private isRunSep(gap: number, newline: boolean): boolean {
    // "f.u.c.k": a '.' between single letters is a separator, not a sentence end.
    return gap <= 3 && !newline;
  }

  private tokenString(len: number): string {
    return unitsString(this.tBuf, 0, Math.min(len, TOKEN_CAP));
  }

  private verify(e: LexEntry | undefined, len: number): LexEntry | undefined {
    if (!e || e.word.length !== len) return undefined;
    const w = e.word;
    for (let j = 0; j < len; j++) if (w.charCodeAt(j) !== this.tBuf[j]) return undefined;
    return e;
  }

  /** Leetspeak and masks, accepted only when they produce a known word. */
  private deobfuscate(len: number): LexEntry | undefined {
    const lex = this.lex;
    const buf = this.tBuf;
    const n = Math.min(len, TOKEN_CAP);
    // Each reading is looked up only when its hash is in the lexicon's filter: most tokens that
    // get here ("D2FA", "x2") are none of them, and building the strings is the cost.
    // 1. Leading/trailing symbols are punctuation: "**kill**", "@you".
    let a = 0;
    while (a < n && !isWordUnit(buf[a] as number)) a++;
    let b = n;
    while (b > a && !isWordUnit(buf[b - 1] as number)) b--;
    if ((a > 0 || b < n) && b - a > 1 && mayBeListed(lex.filter, buf, a, b, LEET_CODES[0] as Int16Array)) {
      const e = lex.exact.get(unitsString(buf, a, b));
      if (e && disguisable(e)) return e;
    }
    // 2. Leetspeak: digits and symbols read as letters ("k1ll", "sh!t", "a$$", "1d10t").
    for (let t = 1; t <= 2; t++) {
      const codes = LEET_CODES[t] as Int16Array;
      if (!mayBeListed(lex.filter, buf, 0, n, codes)) continue;
      let s = '';
      for (let j = 0; j < n; j++) {
        const c = buf[j] as number;
        s += String.fromCharCode(c < 128 && (codes[c] as number) >= 0 ? (codes[c] as number) : c);
      }
      const e = lex.exact.get(s) ?? (lex.ordinary.has(hashWord(s)) ? undefined : lex.exact.get(collapseRepeats(s)));
      // A bad word, the reader or hatred: "y0u are an idiot", "I h4te …"; any other listed word
      // ("musl1ms", "t3rr0rists", "d34th") is read by the rules only (`endWord`).
      if (e && (lex.bad.has(e.word) || e.roles & (R.SECOND | R.LOATHE))) return e;
      if (e && (e.roles !== 0 || e.trigger)) {
        this.rulesOnly = true;
        return e;
      }
    }
    // 3. Symbols inside a word dropped: "f*u*c*k", "f#ck" is handled by masks below.
    const innerHash = scratchHash.reset();
    let innerLen = 0;
    for (let j = 0; j < n; j++) {
      const c = buf[j] as number;
      if (isWordUnit(c)) {
        innerHash.add(c);
        innerLen++;
      }
    }
    if (innerLen >= 3 && innerLen !== b - a && lex.filter[innerHash.value() & FILTER_MASK] === 1) {
      let inner = '';
      for (let j = 0; j < n; j++) if (isWordUnit(buf[j] as number)) inner += String.fromCharCode(buf[j] as number);
      const e = lex.exact.get(inner);
      if (e && lex.bad.has(e.word) && e.prof > 0) return e;
    }
    // 4. Masks: "f***", "sh*t", "motherf***er", "b***h". The first character must be a letter.
    const first = buf[0] as number;
    if (first < 97 || first > 122) return undefined;
    let letters = 0;
    for (let j = 0; j < n; j++) if (!IS_MASK(buf[j] as number)) letters++;
    const cands = letters < n ? lex.maskable.get(n) : undefined;
    if (cands && n - letters <= Math.max(3, letters + 1)) {
      for (const e of cands) {
        let ok = true;
        for (let j = 0; j < n && ok; j++) {
          const c = buf[j] as number;
          if (!IS_MASK(c)) {
            const m = LEET_A[c];
            if (c !== e.word.charCodeAt(j) && (m === undefined || m !== e.word.charCodeAt(j))) ok = false;
          }
        }
        if (ok) {
          // The model reads a masked swear word or slur as the word, as it was trained; other words
          // of abuse ("sc*m", "st*pid") the rules only.
          if (!(e.roles & (R.PROF | R.SLUR) || (e.roles & R.INSULT && e.prof > 0))) this.rulesOnly = true;
          return e;
        }
      }
    }
    return undefined;
  }

  /** Ends a run of single letters: one known word ("k y s"), or the letters as they are. */
  private flushRun(): void {
    const n = this.rLen;
    if (n === 0) return;
    this.rLen = 0;
    // The run spells a listed word ("k y s"); or, after a real one-letter word ("a", "i"), the rest
    // does: "you are a f.u.c.k.i.n.g idiot" is "a" then "fucking". A bad word first, read as the word
    // by the rules and the model; then any other listed word a rule reads ("h a t e", "M u s l i m s"),
    // read by the rules only (the model reads the letters, as it was trained).
    const afterOneLetterWord = (this.rBuf[0] as number) === 97 || (this.rBuf[0] as number) === 105;
    for (const rulesOnly of [false, true])
      for (let from = 0; from <= (afterOneLetterWord ? 1 : 0); from++) {
        const e = rulesOnly ? this.listedRun(from, n) : this.badRun(from, n);
        if (e) {
          this.runWord(e, from, n, rulesOnly);
          return;
        }
      }
    for (let i = 0; i < n; i++) this.singleLetter(i);
  }
  /** Letters from..n of the run as the listed word `e` (`flushRun`). */
  private runWord(e: LexEntry, from: number, n: number, rulesOnly: boolean): void {
    if (from === 1) this.singleLetter(0);
    const start = this.rStart[from] as number;
    const end = this.rEnd[n - 1] as number;
    const sent = this.rSent[from] === 1;
    if (!rulesOnly) {
      this.word(e, hashWord(e.word), start, end, sent, false);
      return;
    }
    if (this.pEntry) this.flushPending(true, this.rUpper[from] === 1 && !sent, this.letterHash(from));
    for (let i = from; i < n; i++) {
      const roles = this.letterEntry(i)?.roles ?? 0;
      this.modelRead(roles, this.letterHash(i), this.rSent[i] === 1, this.rStart[i] as number, this.rEnd[i] as number);
    }
    this.rulesOnly = true;
    this.word(e, hashWord(e.word), start, end, sent, false, MODEL_NONE);
    this.rulesOnly = false;
  }
  private letterHash(i: number): number {
    return hashUnit(this.rBuf[i] as number);
  }
  /** The one-letter word ("a", "i", "u") run letter i is, if listed. */
  private letterEntry(i: number): LexEntry | undefined {
    const c = this.rBuf[i] as number;
    const h = hashUnit(c);
    const e = this.lex.filter[h & FILTER_MASK] === 1 ? this.lex.byHash.get(h) : undefined;
    return e && e.word.length === 1 && e.word.charCodeAt(0) === c ? e : undefined;
  }
  /** A listed word of 4 letters or more that a rule reads, spelt by letters from..n of the run, or undefined. */
  private listedRun(from: number, n: number): LexEntry | undefined {
    if (n - from < 4 || !mayBeListed(this.lex.filter, this.rBuf, from, n, LEET_CODES[0] as Int16Array))
      return undefined;
    const e = this.lex.exact.get(unitsString(this.rBuf, from, n));
    return e && (e.trigger || e.roles & (R.GROUP | R.LOATHE)) ? e : undefined;
  }

  /** Letter `i` of the run of single letters as a word of its own. */
  private singleLetter(i: number): void {
    const start = this.rStart[i] as number;
    this.word(
      this.letterEntry(i),
      this.letterHash(i),
      start,
      this.rEnd[i] as number,
      this.rSent[i] === 1,
      this.rUpper[i] === 1,
    );
  }

  /** The bad listed word the single letters [from, n) of the run spell, as they are or with repeats collapsed. */
  private badRun(from: number, n: number): LexEntry | undefined {
    if (n - from < 3 || !mayBeListed(this.lex.filter, this.rBuf, from, n, LEET_CODES[0] as Int16Array))
      return undefined;
    const s = unitsString(this.rBuf, from, n);
    const e =
      this.lex.exact.get(s) ??
      (this.lex.ordinary.has(hashWord(s)) ? undefined : this.lex.exact.get(collapseRepeats(s)));
    return e && this.lex.bad.has(e.word) ? e : undefined;
  }

  /**
   * A word, after de-obfuscation; ambiguous capitalised words wait for the next word. `e`: its entry;
   * `hash`: what the history keeps; `model`: what the model reads, the word itself (`MODEL_WORD`),
   * nothing (`MODEL_NONE`) or an unknown word of that hash.
   */
  private word(
    e: LexEntry | undefined,
    hash: number,
    start: number,
    end: number,
    sent: boolean,
    upper: boolean,
    model = MODEL_WORD,
  ): void {
    if (this.pEntry) this.flushPending(true, upper && !sent, hash);
    if (e && e.roles & R.NAMEABLE) {
      const prev = this.hCount > 0 ? (this.hCount - 1) & (HIST - 1) : -1;
      this.pEntry = e;
      this.pStart = start;
      this.pEnd = end;
      this.pSent = sent;
      this.pUpper = upper;
      this.pHash = hash;
      this.pModel = model;
      this.pPrevUpperMid = upper && !sent && prev >= 0 && this.hUpper[prev] === 1 && this.hSent[prev] === 0;
      return;
    }
    this.emit(e, hash, start, end, sent, upper, model);
  }

  private flushPending(hasNext: boolean, nextUpperMid: boolean, nextHash: number): void {
    const e = this.pEntry;
    if (!e) return;
    this.pEntry = undefined;
    let name = false;
    // "Dick Cheney", "Moby Dick"; not a slur, which shouting capitalises too ("FUCKING CHINKS").
    if (this.pUpper && (this.pPrevUpperMid || nextUpperMid) && !(e.roles & R.SLUR)) name = true;
    if (hasNext && (HARMLESS_AFTER.get(e.word)?.has(nextHash) || (this.pUpper && nextHash === RIOT))) name = true;
    const before = HARMLESS_BEFORE.get(e.word);
    if (before !== undefined && this.wordAt(1) === before) name = true;
    this.emit(name ? undefined : e, this.pHash, this.pStart, this.pEnd, this.pSent, this.pUpper, this.pModel);
  }

  // ---- per-word scoring ---------------------------------------------------------------------

  private emit(
    e: LexEntry | undefined,
    hash: number,
    start: number,
    end: number,
    sent: boolean,
    upper: boolean,
    model: number,
  ): void {
    const roles = e ? e.roles : 0;
    if (model >= 0) this.modelWord(model, false, TARGET_NONE, sent, start, end);
    else if (model === MODEL_WORD) this.modelRead(roles, hash, sent, start, end);
    if (this.held) this.nextWord(sent, hash);
    if (sent) this.sentenceStart();
    if (e !== undefined && e.trigger) {
      // "the word retard", "the term tranny": a slur named as a word is mentioned, as if quoted.
      const named = (roles & R.SLUR) !== 0 && !this.counter.inQuotation && MENTION_NOUNS.has(this.hashAt(1));
      if (named) this.counter.quote(this.hCount);
      this.namedSlur = named;
      this.patterns(e, roles, start, end);
      this.namedSlur = false;
      if (named) this.counter.quote(this.hCount);
    }
    const i = this.hCount & (HIST - 1);
    this.hRoles[i] = roles;
    this.hWord[i] = e ? e.word : undefined;
    this.hHash[i] = hash;
    this.hStart[i] = start;
    this.hUpper[i] = upper ? 1 : 0;
    this.hSent[i] = sent ? 1 : 0;
    this.hCount++;
    this.sentLen++;
  }

  /** A model word: `name`, a group's name; `target`, how it names a target; `sent`, it starts a sentence (features.ts). */
  /**
   * The model reads a word: every word except pure expletives. The names of groups ("gay", "muslim",
   * "women") read the zero unigram bucket — the model must not learn that naming a group is toxic —
   * but take part in bigrams ("filthy muslims", "muslims are"). Slurs are ordinary model words.
   */
  private modelRead(roles: number, hash: number, sent: boolean, start: number, end: number): void {
    if (roles & R.EXPLETIVE) return;
    if (roles & R.RULES_ONLY) roles = 0;
    const target = roles & (R.GROUP | R.SLUR) ? TARGET_GROUP : roles & R.SECOND ? TARGET_YOU : TARGET_NONE;
    this.modelWord(hash, (roles & (R.GROUP | R.SLUR)) === R.GROUP, target, sent, start, end);
  }

  private modelWord(hash: number, name: boolean, target: number, sent: boolean, start: number, end: number): void {
    const f = this.fBuf;
    const used = this.feat.word(hash, name, target, sent, f);
    if (this.sink) this.sink(f);
    const t = this.model.table;
    const check = this.model.check;
    let wT = 0;
    let wH = 0;
    for (let j = 0; j < used; j++) {
      const h = f[j] as number;
      const b = h & MASK;
      // Only the feature a bucket belongs to reads its weight (model.ts `checkOf`); NO_FEATURE never does.
      if (h < 0 || check[b] !== checkOf(h)) continue;
      wT += t[b << 1] as number;
      wH += t[(b << 1) + 1] as number;
    }
    const i = ++this.mCount;
    let slot = this.mSlot + 1;
    if (slot === WINDOW) slot = 0;
    this.mSlot = slot;
    const ring = this.mRing;
    const full = i > WINDOW;
    // Window = the last min(i, WINDOW) words; its first word sits in the next slot once full.
    const first = full ? (slot + 1 === WINDOW ? 0 : slot + 1) : 1;
    const r = slot << 1;
    const loT = full ? (ring[r] as number) : 0;
    const loH = full ? (ring[r + 1] as number) : 0;
    const pT = (this.mPrefT + wT) | 0;
    const pH = (this.mPrefH + wH) | 0;
    ring[r] = pT;
    ring[r + 1] = pH;
    this.mPrefT = pT;
    this.mPrefH = pH;
    this.mStarts[slot] = start;
    const sT = (pT - loT) | 0;
    const sH = (pH - loH) | 0;
    if (sT > this.mMaxT) {
      this.mMaxT = sT;
      this.mMaxStartT = this.mStarts[first] as number;
      this.mMaxEndT = end;
    }
    if (sH > this.mMaxH) {
      this.mMaxH = sH;
      this.mMaxStartH = this.mStarts[first] as number;
      this.mMaxEndH = end;
    }
  }

  private sentenceStart(): void {
    this.settlePredicate();
    this.sentLen = 0;
    this.counter.sentence(this.hCount);
  }

  /** The word after a held hit, or the end of its clause (`ended`; by a comma: `comma`), keeps or drops it. */
  private nextWord(ended: boolean, hash: number, comma = false): void {
    const { hit: h, undoneBy, alone } = this.held as Held;
    this.held = undefined;
    if (ended ? comma || !alone : undoneBy !== 'any' && !undoneBy.has(hash))
      this.hit(h.category, h.score, h.start, h.end, h.match, h.why);
  }

  /** Index of the k-th previous word in the same sentence (k ≥ 1), or -1. */
  private back(k: number): number {
    if (k < 1 || k > this.sentLen || k > this.hCount || k > HIST) return -1; // k = 0 is the slot being written
    return (this.hCount - k) & (HIST - 1);
  }

  private roleAt(k: number): number {
    const i = this.back(k);
    return i < 0 ? -1 : (this.hRoles[i] as number);
  }

  private wordAt(k: number): string | undefined {
    const i = this.back(k);
    return i < 0 ? undefined : this.hWord[i];
  }

  /** The hash of the k-th previous word in the same sentence, listed or not; -1 when there is none (no word hashes to -1). */
  private hashAt(k: number): number {
    const i = this.back(k);
    return i < 0 ? -1 : (this.hHash[i] as number);
  }

  private startAt(k: number): number {
    return this.hStart[this.back(k)] as number;
  }

  private hit(category: ToxicityCategory, score: number, start: number, end: number, match: string, why: string): void {
    const h: Hit = { category, start, end, match, score, why };
    this.counter.hit(h, this.hCount);
    this.hits++;
    const prev = this.best[category];
    if (!prev || score > prev.score) this.best[category] = h;
    if (this.spans.length < MAX_SPANS * 4) this.spans.push(h);
    else if (this.spans.length === MAX_SPANS * 4) {
      // Keep memory bounded on hostile input: keep the strongest.
      this.spans.sort((a, b) => b.score - a.score);
      this.spans.length = MAX_SPANS;
      this.spans.push(h);
    }
  }

  /**
   * Finds the nearest previous word (k from `from` to `max`, same sentence) whose roles include
   * `want`, allowing only words with roles in `allow` (or up to `unknown` words with no role) between.
   * Returns k or -1. A negation in between fails the match.
   */
  private find(want: number, allow: number, max: number, unknown: number, from = 1): number {
    for (let k = from; k <= max; k++) {
      // Counter-speech's words are unknown words here: "who you calling a …" is still "you … a …".
      const r = this.roleAt(k) & ~AS_WRITTEN;
      if (r < 0) return -1;
      if (r & want) return k;
      if (r & R.NEG) return -1;
      if (r === 0) {
        if (unknown-- <= 0) return -1;
      } else if (!(r & allow)) return -1;
    }
    return -1;
  }

  /**
   * Counter-speech (counter-speech.ts): of the hits it denounces (or attributes), what was said of a
   * group counts `factor` as much — a group's pattern hits and the hits at the same words. Slurs and
   * abuse of the reader stay as they are.
   */
  private excuse(hits: readonly Hit[], factor = COUNTER_SPEECH, why = 'quoted to denounce it'): void {
    const said = new Set<string>();
    for (const h of hits) if (h.category === 'identity_attack' && h.why !== SLUR_WHY) said.add(`${h.start}:${h.end}`);
    if (said.size === 0) return;
    for (const h of hits) {
      if (!said.has(`${h.start}:${h.end}`)) continue;
      // An attributed hit denounced later is found by its original.
      const i = this.spans.findIndex((s) => s === h || s.original === h);
      // Replaced, not changed: a clone (`result()` mid-stream) shares the hit objects.
      if (i >= 0) this.spans[i] = { ...h, score: h.score * factor, why: `${h.why}, ${why}`, original: h };
    }
    this.rescore();
  }

  /** The speaker agrees with what was reported as others' words: those hits count as found. */
  private endorse(hits: readonly Hit[]): void {
    if (hits.length === 0) return;
    for (const h of hits) {
      const i = this.spans.findIndex((s) => s.original === h);
      if (i >= 0) this.spans[i] = h;
    }
    this.rescore();
  }

  /** Each category's best hit again, after counter-speech changed some. */
  private rescore(): void {
    const best: Partial<Record<ToxicityCategory, Hit>> = {};
    for (const h of this.spans) if (h.score > (best[h.category]?.score ?? -1)) best[h.category] = h;
    for (const c of CATEGORIES) if (c !== 'profanity') this.best[c] = best[c];
    this.hits++;
  }

  private patterns(e: LexEntry, roles: number, start: number, end: number): void {
    const w = e.word;
    const base = e.base;
    if (roles & R.REPORT) {
      this.counter.report(
        this.hCount,
        (w.endsWith('ed') || IRREGULAR_PAST_REPORTS.has(w)) &&
          this.find(R.FIRST, ANY_ROLE, this.sentLen, this.sentLen) < 0,
      );
      // "Never call …", "Don't say …": told not to say it, at the start of a sentence; "I would never
      // say …", "I never said …": denied by the speaker.
      if (this.roleAt(1) & R.NEG && (this.sentLen === 1 || (SAID.has(w) && this.find(R.FIRST, ANY_ROLE, 3, 1, 2) > 0)))
        this.excuse(this.counter.denounce(this.hCount - 1));
    }
    // "wrong" denounces, "not wrong" does not (it agrees); "okay" only as "not okay".
    const negated = (roles & R.DENOUNCE) !== 0 && this.find(R.NEG, ANY_ROLE, 2, 1) > 0;
    if (roles & R.DENOUNCE && NEEDS_NEG.has(w) === negated) this.excuse(this.counter.denounce(this.hCount));
    else if (JUDGED.has(w)) this.excuse(this.counter.judge(this.hCount));
    else if (w === 'wrong' && negated) this.endorse(this.counter.endorse()); // "…, he said, and he was not wrong"

    if (roles & R.PROF) this.hit('profanity', e.prof, start, end, base, 'swear word');
    if (roles & R.GROUP) {
      if (!this.rulesOnly && !(roles & R.RULES_ONLY)) this.sawGroup = true;
      this.counter.group(this.hCount);
    }
    if (roles & (R.GROUP | R.SLUR | R.PERSON) && this.groupName(e, roles) > 0) this.groupAt = this.hCount;
    if (roles & R.SLUR)
      this.hit(
        'identity_attack',
        e.slur,
        start,
        end,
        base,
        this.namedSlur ? NAMED_SLUR_WHY : this.counter.inQuotation ? QUOTED_SLUR_WHY : SLUR_WHY,
      );
    if (roles & R.INSULT) {
      this.insultWord = Math.max(this.insultWord, e.insult);
      const filler = R.BE | R.FILLER | R.PROF | R.INSULT | R.ALL;
      let k = this.find(R.SECOND, filler, 5, 2);
      if (k < 0) k = this.yourA();
      // "what do you think about ugly people?": the insult word is the topic, not a name for the reader.
      // "when you feel like a failure": how the reader feels, not what they are called.
      for (let j = 1; j < k; j++) if (this.wordAt(j) === 'about' || FEELING.has(this.hashAt(j))) k = -1;
      if (k > 0 && !(this.roleAt(k + 1) > 0 && this.roleAt(k + 1) & R.NEG)) {
        this.hit('insult', 0.5 + 0.5 * e.insult, this.startAt(k), end, base, 'insult aimed at the reader');
      } else if (
        !(roles & R.PROF) &&
        (this.wordAt(1) === 'your' || (this.wordAt(2) === 'your' && YOUR_SO.has(this.hashAt(1))))
      ) {
        // "your stupid", "your so dumb" ("your" for "you're"): only if the clause ends here, not "your stupid idea".
        const why = 'insult aimed at the reader';
        const hit: Hit = {
          category: 'insult',
          score: 0.5 + 0.5 * e.insult,
          start: this.startAt(1),
          end,
          match: base,
          why,
        };
        this.held = { hit, undoneBy: 'any', alone: false };
      } else {
        // "<group> (people) are …", or asked: "(why) are <group> so …?".
        const g = this.find(R.GROUP, filler | R.PERSON, 4, 1);
        if (g > 0 && (this.find(R.BE, R.FILLER | R.ALL | R.PROF | R.INSULT, g, 1) > 0 || this.askedOf(g))) {
          this.hit('insult', 0.4 + 0.4 * e.insult, this.startAt(g), end, base, 'insult aimed at a group');
          this.hit('identity_attack', 0.5 + 0.4 * e.insult, this.startAt(g), end, base, 'group called an insult');
        } else {
          const t = this.find(R.THIRD, filler, 4, 1);
          const said = t > 0 && this.find(R.BE, filler, t, 1) > 0;
          if (said && this.theyGroup(t)) {
            this.hit('insult', 0.4 + 0.4 * e.insult, this.startAt(t), end, base, 'insult aimed at a group');
            this.hit('identity_attack', 0.5 + 0.4 * e.insult, this.startAt(t), end, base, 'group called an insult');
          } else if (said) {
            // Held for the next word: "he is a pig farmer", "they are garbage collected" name no one.
            const why = 'insult aimed at a person';
            const hit: Hit = {
              category: 'insult',
              score: 0.4 + 0.4 * e.insult,
              start: this.startAt(t),
              end,
              match: base,
              why,
            };
            this.held = { hit, undoneBy: NOUN_AFTER, alone: false };
          } else if ((this.wordAt(1) === 'a' || this.wordAt(1) === 'an') && this.wordAt(2) === 'what')
            this.hit('insult', 0.4 + 0.5 * e.insult, this.startAt(2), end, base, 'insult aimed at a person');
          else {
            // An obscene word for a person ("bitch", "whore", "cunt") names someone even with no target
            // in reach: flagged, never blocked by itself. Plain swearing ("fucking awesome") is no insult.
            if (roles & R.PROF && e.insult >= 0.85)
              this.hit('insult', 0.55, start, end, base, 'obscene insult for a person');
            if (VOCATIVE.has(w) && this.vocative()) {
              const hit: Hit = {
                category: 'insult',
                score: 0.5 + 0.5 * e.insult,
                start,
                end,
                match: base,
                why: 'insult used as a name for the reader',
              };
              this.held = { hit, undoneBy: 'any', alone: this.sentLen === 0 };
            }
          }
        }
      }
    }
    // Phrases.
    if (roles & (R.SECOND | R.SELF) && this.wordAt(1) !== undefined) {
      const p = this.hWord[this.back(1)] as string;
      if (p === 'fuck' || p === 'screw' || p === 'fck' || p === 'fuk')
        this.hit('insult', 0.9, this.startAt(1), end, `${p} ${w}`, 'abuse aimed at the reader');
    }
    if (w === 'off' && this.wordAt(1) !== undefined && this.lex.exact.get(this.wordAt(1) as string)?.base === 'fuck')
      this.hit('insult', 0.85, this.startAt(1), end, 'fuck off', 'abuse aimed at the reader');
    if (w === 'up') {
      if (this.wordAt(1) === 'shut')
        this.hit('insult', 0.6, this.startAt(1), end, 'shut up', 'telling the reader to shut up');
      else if (this.wordAt(3) === 'shut' && this.roleAt(1) & R.PROF)
        this.hit('insult', 0.85, this.startAt(3), end, 'shut the fuck up', 'abuse aimed at the reader');
    }
    if (w === 'stfu' || w === 'gtfo') this.hit('insult', 0.8, start, end, w, 'abuse aimed at the reader');
    if (w === 'suck' || w === 'sucks') {
      // "You suck", "damn, you really do suck", "because you suck"; not "it lets you suck up the
      // juice" ("you" after a verb), nor "you suck in air" (the next word decides).
      const k = this.find(R.SECOND, R.FILLER, 3, 1);
      if (k > 0 && (k === this.sentLen || this.roleAt(k + 1) & R.PROF || SUCK_OPENERS.has(this.hashAt(k + 1)))) {
        const match = `${this.wordAt(k) ?? ''} ${w}`;
        const hit: Hit = {
          category: 'insult',
          score: 0.7,
          start: this.startAt(k),
          end,
          match,
          why: 'abuse aimed at the reader',
        };
        this.held = { hit, undoneBy: SUCKED, alone: false };
      }
    }
    if (w === 'hell' && this.wordAt(1) === 'to' && this.wordAt(2) === 'go')
      this.hit('insult', 0.75, this.startAt(2), end, 'go to hell', 'abuse aimed at the reader');
    // "Eat shit", "go eat shit and die": an order, at the start of a sentence (not "dogs eat shit").
    if (
      base === 'shit' &&
      this.wordAt(1) === 'eat' &&
      (this.sentLen === 1 || (this.sentLen === 2 && this.wordAt(2) === 'go'))
    )
      this.hit('insult', 0.8, this.startAt(this.sentLen), end, 'eat shit', 'abuse aimed at the reader');
    if (base === 'shit' && this.wordAt(1) === 'of') this.shitOf(end);
    if (
      (base === 'dick' || base === 'cock' || w === 'dicks' || w === 'cocks') &&
      this.wordAt(1) === 'my' &&
      this.wordAt(2) === 'suck'
    )
      this.hit('insult', 0.9, this.startAt(2), end, 'suck my dick', 'abuse aimed at the reader');

    // Threats.
    if (roles & R.THREATWORD) this.hit('threat', 0.95, start, end, w, 'telling the reader to kill themselves');
    if (roles & R.SELF) {
      const v = this.wordAt(1);
      const vb = v ? this.lex.exact.get(v)?.base : undefined;
      // "don't / do not / never kill yourself" is the opposite of a threat.
      const r2 = this.roleAt(2);
      const negated = r2 > 0 && (r2 & R.NEG) !== 0 && this.wordAt(2) !== 'no';
      if (!negated && (vb === 'kill' || vb === 'hang' || w === 'neck' || vb === 'shoot' || vb === 'drown'))
        this.hit('threat', 0.95, this.startAt(1), end, `${vb} ${w}`, 'telling the reader to harm themselves');
    }
    if (roles & R.DIE) {
      this.dieThreat(w, end);
      // "No <group> deserve to die": the hateful statement, denied.
      const g = DESERVE.has(this.wordAt(2) ?? '') && this.wordAt(1) === 'to' ? this.subjectGroup(3) : -1;
      if (g > 0 && this.wordAt(g + 1) === 'no') this.hateDenied = true;
    }
    if (w === 'fire' && this.wordAt(1) === 'a' && this.wordAt(2) === 'in' && this.wordAt(3) === 'die')
      this.hit('threat', 0.85, this.startAt(3), end, 'die in a fire', 'wishing death');
    if (w === 'live' && this.wordAt(1) === 'you' && this.wordAt(2) === 'where' && this.wordAt(3) === 'know')
      this.hit('threat', 0.8, this.startAt(3), end, 'i know where you live', 'intimidation');
    if (w === 'bleach' && this.wordAt(1) === 'drink')
      this.hit('threat', 0.85, this.startAt(1), end, 'drink bleach', 'telling the reader to harm themselves');
    if (roles & (R.PERSON | R.GROUP | R.SLUR)) {
      this.expelled(e, roles, end);
      this.violenceAgainst(e, roles, start, end);
      this.statedHatred(e, roles, start, end);
      this.riddance(e, roles, end);
      this.regardRefused(e, roles, end);
      this.ratherDie(e, roles, end);
      this.fedUp(e, roles, end);
      this.hatredOwned(e, roles, end);
      this.swarmOf(e, roles, end);
      this.aboutMembers(e, roles, end);
    }
    if (roles & R.VIOLENT) {
      this.shouldBeKilled(e, start, end);
      this.violenceSuffered(e);
      if (isPastForm(w, base)) this.harmWished(w, end);
    }

    // What protects a group: the model counts half.
    if (!this.groupProtected && (HARMED.has(w) || (roles & R.VIOLENT && isPastForm(w, base))))
      this.groupProtected = this.protectedFromHarm();
    if (!this.groupProtected && w === 'blame') this.groupProtected = this.notToBlame();

    // Identity attacks by pattern.
    if (roles & R.REGARD) this.qualityDenied(w, end);
    if (LACKED.has(w)) this.lacking(w, end);
    if (roles & (R.INSULT | R.DEHUMAN | R.ATTRIBUTE)) this.verblessPredicate(w, start, end);
    if (w === 'me' || w === 'sick' || w === 'up' || MADE_FEEL.has(w) || FILLED.has(w) || IDIOM_NOUN.has(w))
      this.revulsion(w, end);
    if (w === 'dead') {
      this.wishedDead(end);
      // "Drop dead.", "just drop dead": an order at the start of a sentence.
      if (
        this.hashAt(1) === DROP_WORD &&
        this.sentLen <= 2 &&
        (this.sentLen === 1 || this.hashAt(2) === JUST || this.wordAt(2) === 'go')
      )
        this.hit('threat', 0.8, this.startAt(this.sentLen), end, 'drop dead', 'wishing death');
    }
    if (roles & (R.INSULT | R.DEHUMAN | R.ATTRIBUTE) && !this.hateDenied) this.hateDenied = this.deniedOfGroup();
    if (roles & R.ATTRIBUTE) this.groupCalled(w, end, 0.75, 'derogatory attribute of a group');
    if (roles & (R.INSULT | R.ATTRIBUTE | R.DEHUMAN)) {
      this.askedWhyOrExcept(w, end);
      this.foundToBe(w, end);
    }
    if (roles === 0) this.objectWord(w, end);
    // "<group> should be sent back", "… kept away from our children": as `shouldBeHarmed`. Not "kept
    // out", which is as often "of harm's way".
    if ((w === 'back' && this.hashAt(1) === SENT) || (w === 'away' && this.hashAt(1) === KEPT))
      this.shouldBeHarmed(`${w === 'back' ? 'sent' : 'kept'} ${w}`, end, 2);
    if (w === 'cancer' || w === 'plague' || w === 'disease') {
      this.groupCalled(w, end, 0.85, 'group called a disease');
      this.foundToBe(w, end);
    }
    if (w === 'disease') this.beingIsIllness(w, end);
    if (w === 'cancer') this.harmWished(w, end);
    if (w === 'human' || w === 'humans' || w === 'people') {
      const c = this.comparison();
      const even = this.wordAt(1) === 'even' ? 1 : 0; // "not even human"
      if (this.roleAt(1 + even) > 0 && this.roleAt(1 + even) & R.NEG) this.notHuman(w, end, 2 + even);
      else if (!even && BARELY.has(this.hashAt(1)))
        this.notHuman(w, end, 2); // "barely human"
      else if (REAL.has(this.hashAt(1)) && this.roleAt(2) > 0 && this.roleAt(2) & R.NEG)
        this.notHuman(w, end, 3); // "not real people"
      else if (c > 0 && LESS.has(this.wordAt(c) ?? ''))
        this.notHuman(w, end, c + 1); // "less than human"
      else if (w !== 'people') this.humanAsked(w, end);
    }
    if ((roles & R.GROUP || BELONGING.has(w)) && REAL.has(this.hashAt(1)) && this.roleAt(2) > 0) {
      // "trans women are not real women", "Mexicans are not real Americans", "… aren't real citizens"
      if (this.roleAt(2) & R.NEG)
        this.notHuman(w, end, 3, 'group denied who it is', 0.75); // flagged, not blocked
      // "Trans women are real women": who a group is affirmed, which the model reads as its denial.
      else if (this.roleAt(2) & R.BE && this.subjectGroup(3) > 0) this.groupProtected = true;
    }
    if (roles & R.DEHUMAN) {
      const between = R.BE | R.FILLER | R.ALL | R.PROF | R.INSULT | R.PERSON;
      const c = this.comparison(); // "… are no better than animals"
      let g = this.find(R.GROUP | R.SLUR, between, 4 + c, 1, 1 + c); // "gay people are …"
      // "Asian animals", "African animals" are animals from somewhere; "Muslims are animals" is not.
      if (g === 1 && w === 'animals') g = -1;
      if (g < 0) {
        const t = this.find(R.THIRD, between, 4 + c, 1, 1 + c);
        if (t > 0 && this.theyGroup(t)) g = t; // "… they are animals", "theyre animals"
      }
      // "Women love animals", "Muslims feed rats": the animals are what the group cares for; "taught
      // women about snakes": they are the topic.
      for (let k = 1 + c; k < g; k++) if (CARE.has(this.wordAt(k) ?? '') || this.wordAt(k) === 'about') g = -1;
      // A colour right before an animal ("white rats were injected …", but also a dark-skinned
      // person emoji before 🦍, which reads "black gorillas"): flagged, not blocked.
      const colour = g === 1 && ANIMALS.has(w) && COLOURS.has(this.wordAt(1) ?? '');
      if (g > 0)
        this.hit(
          'identity_attack',
          colour ? 0.75 : 0.9,
          this.startAt(g),
          end,
          `${this.wordAt(g) ?? ''} … ${w}`,
          'group called vermin or animals',
        );
    }
    if (
      (w === 'country' || w === 'countries') &&
      (this.wordAt(1) === 'your' ||
        this.wordAt(1) === 'their' ||
        this.wordAt(2) === 'your' ||
        this.wordAt(2) === 'their')
    ) {
      for (let k = 2; k <= 5; k++) {
        if (this.wordAt(k) === 'back' && this.wordAt(k + 1) === 'go') {
          // "Students go back to their countries after graduating" reports; "… should go back to
          // their own countries" calls for it (the plural: said of a group, never to one reader).
          if (
            w === 'countries' &&
            !(k + 1 === this.sentLen || this.roleAt(k + 2) & R.INTENT || this.wordAt(k + 2) === 'to')
          )
            break;
          this.hit(
            'identity_attack',
            0.8,
            this.startAt(k + 1),
            end,
            'go back to your country',
            'telling people to leave the country',
          );
          break;
        }
      }
    }
    const settled = this.counter.afterWord();
    if (settled?.denounced) this.excuse(settled.hits);
    else if (settled) this.excuse(settled.hits, ATTRIBUTED, "reported as others' words");
  }

  /**
   * Whether the insult noun just read is said to someone: it opens its clause ("Thanks, idiot.",
   * "Idiot, listen.") or follows no article, preposition, "to be", negation or report in it ("ok
   * moron", "shut up idiot"; not "the village idiot", "he is no fool", "don't call me idiot"). It
   * counts only if its clause ends with it, and not alone in its sentence (`Held`: "idiot lights"
   * is no name, "- idiot" in a list names the word).
   */
  private vocative(): boolean {
    for (let k = 1; k <= 3 && k <= this.sentLen && this.hCount - k >= this.clauseAt; k++) {
      if (this.roleAt(k) & (R.NEG | R.BE | R.REPORT | R.FIRST | R.THIRD)) return false;
      if (NOT_VOCATIVE.has(this.hashAt(k))) return false;
    }
    return true;
  }

  /** "your a moron", "your such an idiot": "your" written for "you're" (no possessive comes before "a"); how far back, or -1. */
  private yourA(): number {
    let k = 1;
    while (k <= 4 && this.roleAt(k) > 0 && this.roleAt(k) & (R.FILLER | R.PROF | R.INSULT)) k++;
    const next = this.wordAt(k - 1);
    return k > 1 && this.wordAt(k) === 'your' && (next === 'a' || next === 'an' || next === 'such') ? k : -1;
  }

  /** "go die", "(i hope) you (should|deserve to|must) die", "jews must die", "I want to see all <group> suffer" (0.9; suffering 0.8). */
  private dieThreat(w: string, end: number): void {
    const score = w === 'suffer' || w === 'suffers' ? 0.8 : 0.9;
    if (this.wordAt(1) === 'go') {
      this.hit('threat', score, this.startAt(1), end, `go ${w}`, 'wishing death');
      return;
    }
    const k = this.target(1, 5);
    if (k < 0) return;
    let n = k + 1; // the word before the name: "(make sure) disabled people suffer"
    while (this.roleAt(n) > 0 && this.roleAt(n) & R.GROUP) n++;
    const h = this.wordAt(n);
    const hoping = h === 'hope' || h === 'wish' || h === 'pray';
    const h2 = this.wordAt(n + 1);
    const from = hoping ? n : h2 === 'hope' || h2 === 'wish' ? n + 1 : this.normative(k) ? k : this.wanted(n);
    if (from < 0) return;
    const group = (this.roleAt(k) & (R.GROUP | R.SLUR)) !== 0;
    const match = `${this.wordAt(k) ?? ''} … ${w}`;
    this.hit('threat', score, this.startAt(from), end, match, group ? 'wishing death on a group' : 'wishing death');
    if (group) this.hit('identity_attack', score, this.startAt(k), end, match, 'wishing death on a group');
  }

  /**
   * Whether the words from j back want what follows done: "I want (to see) (all) …", "I'd love to
   * see …", "make sure (every) …" (not "I don't want …"). The word that says so, or -1.
   */
  private wanted(j: number): number {
    while ((this.roleAt(j) > 0 && this.roleAt(j) & R.ALL) || this.wordAt(j) === 'the') j++;
    if (this.hashAt(j) === SURE && this.wordAt(j + 1) === 'make') return j + 1;
    // "I'm going to make them suffer", "we will make you <group> die".
    if (this.wordAt(j) === 'make') return this.find(R.FIRST, ANY_ROLE, j + 4, 3, j + 1) > 0 ? j : -1;
    if (this.hashAt(j) === SEE) j++;
    if (this.wordAt(j) === 'to') j++;
    if (!WISH.has(this.wordAt(j) ?? '')) return -1;
    // "I don't want anyone to suffer", "I wouldn't want …".
    for (let n = j + 1; n <= j + 2; n++) if (this.roleAt(n) > 0 && this.roleAt(n) & R.NEG) return -1;
    return NEG_AUX.has(this.wordAt(j + 1) ?? '') ? -1 : j;
  }

  /**
   * The nearest previous word, from `from` to `to` words back in the same sentence, that names
   * someone (you, a group, a person, a slur), with no negation in between or just before it ("no
   * women deserve to die" names no one); or -1.
   */
  private target(from: number, to: number): number {
    for (let k = from; k <= to; k++) {
      const r = this.roleAt(k);
      if (r < 0 || r & R.NEG) return -1;
      const h = this.hashAt(k);
      // "<group> who pray in public should be …", "<group> in my town deserve …": the noun before the
      // clause or phrase is the one meant, a few words further back.
      if (k > from && WHO.has(h)) return this.named(k + 1);
      if (k > from && PLACE_PREP.has(h)) to = Math.min(to + 3, this.sentLen);
      if (r & (R.SECOND | R.GROUP | R.THIRD | R.PERSON | R.SLUR)) {
        // The object of a relative clause is not whom the sentence is about: "police who attack Muslims".
        const b = this.beforeName(k);
        for (let j = b; j <= b + 2 && j <= this.sentLen; j++) if (WHO.has(this.hashAt(j))) return this.named(j + 1);
        return this.named(k);
      }
    }
    return -1;
  }

  /** Word k back if it names someone, with no negation just before the name ("no trans people"), or -1. */
  private named(k: number): number {
    if (!(this.roleAt(k) > 0 && this.roleAt(k) & (R.SECOND | R.GROUP | R.THIRD | R.PERSON | R.SLUR))) return -1;
    let j = k + 1; // past the rest of the name
    while (this.roleAt(j) > 0 && this.roleAt(j) & R.GROUP) j++;
    return this.roleAt(j) > 0 && this.roleAt(j) & R.NEG ? -1 : k;
  }

  /** Whether one of the k - 1 words before word k back says what should happen ("should", "must" …). */
  private normative(k: number): boolean {
    for (let j = 1; j < k; j++) if (NORMATIVE.has(this.hashAt(j))) return true;
    return false;
  }

  /** "i will kill you", "kill all jews", "kill them all", "death to …". */
  private violenceAgainst(e: LexEntry, roles: number, start: number, end: number): void {
    const group = (roles & R.SLUR) !== 0 || ((roles & R.GROUP) !== 0 && !this.onePerson(e.word));
    const allBefore = this.roleAt(1) > 0 && (this.roleAt(1) & R.ALL) !== 0 ? 1 : 0;
    if (this.wordAt(1 + allBefore) === 'to' && this.wordAt(2 + allBefore) === 'death') {
      this.hit('threat', 0.9, this.startAt(2 + allBefore), end, `death to ${e.word}`, 'calling for deaths');
      if (group)
        this.hit(
          'identity_attack',
          0.9,
          this.startAt(2 + allBefore),
          end,
          `death to ${e.word}`,
          'calling for deaths of a group',
        );
      return;
    }
    let v = -1;
    let sawAll = false;
    // "kill every one of those women": the verb up to 6 words back, across "of", "the", "all" and one unknown word.
    for (let k = 1; k <= 6; k++) {
      const r = this.roleAt(k) & ~AS_WRITTEN; // their words are unknown words here, as for find
      if (r < 0 || r & R.NEG) return;
      if (r & R.VIOLENT) {
        v = k;
        break;
      }
      if (r & R.ALL) sawAll = true;
      else if (
        this.wordAt(k) === 'of' ||
        this.wordAt(k) === 'the' ||
        this.wordAt(k) === 'and' ||
        r & (R.FILLER | R.PROF)
      )
        continue;
      else if (this.particleAfterVerb(k))
        continue; // "hunt down every …"
      else if (r === 0 && k === 1)
        continue; // "shoot the next Muslims"
      else return;
    }
    if (v < 0) return;
    // "the murder of Jews", "the genocide of indigenous peoples": a noun, what history reports; but
    // "we demand the extermination of …", "calls for the total elimination of …" call for it.
    if (v > 1 && this.wordAt(v - 1) === 'of' && !this.calledFor(v + 1)) return;
    const verb = this.lex.exact.get(this.wordAt(v) as string)?.base ?? '';
    // "beat up", "hunt down": no game. (Word v - 1 is the one after the verb; at v = 1 that is this word.)
    const particle = v === 1 ? e.word : this.wordAt(v - 1);
    const weak = WEAK_VERBS.has(verb) && !PHRASAL_VIOLENCE.has(`${verb} ${particle ?? ''}`);
    if (weak && verb === 'wipe') return; // "wipe" without "out" cleans
    const strong = STRONG_VERBS.has(verb);
    const vs = this.startAt(v);
    const subject = this.intender(v);
    if (subject < 0) return;
    const firstPerson = subject > 0;
    // "I'll shoot you an email": the next word decides whether it is a gun.
    const message = verb === 'shoot' && v === 1 && !group;
    if (firstPerson) {
      this.threat(
        message,
        strong ? 0.95 : weak ? 0.4 : 0.8,
        this.startAt(subject),
        end,
        `${verb} ${e.word}`,
        'threat of violence',
      );
      if (group && !weak)
        this.hit(
          'identity_attack',
          strong ? 0.9 : 0.8,
          this.startAt(subject),
          end,
          `${verb} ${e.word}`,
          'threat of violence against a group',
        );
      return;
    }
    // A past tense ("raped women", "killed all the jews") or a third person ("lung cancer kills the
    // most women") reports an event; it calls for nothing.
    const vw = this.wordAt(v) as string;
    if (isPastForm(vw, verb) || vw === `${verb}s`) return;
    // "someone should shoot you", "they need to kill you": violence against the reader called for.
    if (roles & R.SECOND && !weak && this.normative(v + 3)) {
      this.threat(
        message,
        strong ? 0.85 : 0.7,
        this.startAt(v),
        end,
        `${verb} ${e.word}`,
        'calling for violence against the reader',
      );
      return;
    }
    if (
      sawAll &&
      (roles & (R.GROUP | R.SLUR) ||
        e.word === 'people' ||
        e.word === 'them' ||
        e.word === 'you' ||
        e.word === 'humans' ||
        e.word === 'everyone')
    ) {
      this.hit('threat', strong ? 0.9 : 0.65, vs, end, `${verb} all ${e.word}`, 'incitement to violence');
      if (group && strong)
        this.hit('identity_attack', 0.9, vs, end, `${verb} all ${e.word}`, 'incitement to violence against a group');
      return;
    }
    // Imperative at the start of a sentence ("kill them", "let's kill them all"), or a strong verb aimed at a group.
    const imperative = v === this.sentLen || (v + 1 === this.sentLen && this.hashAt(v + 1) === LETS);
    if (strong && (imperative || ((this.roleAt(v + 1) & R.NEG) === 0 && group))) {
      const why = group ? 'violence against a group' : 'call to violence';
      this.threat(message, group ? 0.85 : 0.7, vs, end, `${verb} ${e.word}`, why);
      if (group) this.hit('identity_attack', 0.85, vs, end, `${verb} ${e.word}`, 'violence against a group');
    }
  }

  /** A noun of violence ending at word k back is called for: "demand (the total) …", "calls for the …". */
  private calledFor(k: number): boolean {
    for (let skipped = 0; ; skipped++, k++) {
      if (CALLS_FOR.has(this.hashAt(k))) return true;
      if (skipped === 2 || !(ARTICLES.has(this.hashAt(k)) || this.wordAt(k) === 'the' || this.roleAt(k) === 0))
        return false;
    }
  }

  /**
   * Who means the violence of the verb v words back: the first person, with an intent word or "ill"
   * before the verb ("i will", "im gonna", "we want to"), at its position; 0 when no one; -1 when
   * it is negated ("I'm not going to hurt you").
   */
  private intender(v: number): number {
    let intent = false;
    for (let k = v + 1; k <= v + 6; k++) {
      const r = this.roleAt(k);
      if (r < 0) break;
      if (r & R.NEG) return -1;
      if (r & R.INTENT || WISH.has(this.wordAt(k) ?? '')) intent = true; // "i will", "i want to"
      if (r & R.FIRST) {
        const w = this.wordAt(k);
        return intent || w === 'ill' || w === 'ima' || w === 'imma' ? k : 0;
      }
    }
    return 0;
  }

  /** Whether word k back is the particle of the violent verb before it (`PHRASAL_VIOLENCE`: "hunt down"). */
  private particleAfterVerb(k: number): boolean {
    const r = this.roleAt(k + 1);
    if (!(r > 0 && r & R.VIOLENT)) return false;
    const verb = this.lex.exact.get(this.wordAt(k + 1) ?? '')?.base ?? '';
    return PHRASAL_VIOLENCE.has(`${verb} ${this.wordAt(k) ?? ''}`);
  }

  /**
   * "I'm going to bomb the synagogue", "someone needs to burn down their mosques", "Burn the
   * church." (threat 0.9, identity attack 0.85): violence meant in the first person, called for or
   * ordered against a place of worship. "They burned the church" and "arsonists burn churches"
   * report; "should I burn the old hymn books in the church?" asks.
   */
  private placeAttacked(w: string, end: number): void {
    let v = 1;
    for (; v <= 5; v++) {
      const r = this.roleAt(v);
      if (!(PLACE_BETWEEN.has(this.hashAt(v)) || (r > 0 && r & (R.GROUP | R.ALL)) || this.particleAfterVerb(v))) break;
    }
    const r = this.roleAt(v);
    const verb = this.wordAt(v);
    if (!(r > 0 && r & R.VIOLENT) || verb !== this.lex.exact.get(verb ?? '')?.base) return; // "burned", "bombs"
    const by = this.intender(v);
    if (by < 0) return;
    const ordered = v === this.sentLen || (v + 1 === this.sentLen && this.hashAt(v + 1) === LETS);
    // "must bomb", "need to burn": said right before the verb, not asked ("should I burn …").
    const called =
      NORMATIVE.has(this.hashAt(v + 1)) || (this.wordAt(v + 1) === 'to' && NORMATIVE.has(this.hashAt(v + 2)));
    if (by === 0 && !ordered && !called) return;
    const from = this.startAt(by > 0 ? by : v);
    const why = 'violence against a place of worship';
    this.hit('threat', 0.9, from, end, `${verb} … ${w}`, why);
    this.hit('identity_attack', 0.85, from, end, `${verb} … ${w}`, why);
  }

  /**
   * "I'll slit your throat", "I'm going to break your legs": violence to the reader's body, said with
   * intent in the first person (0.9). "You'll break your neck on those stairs" names no one who will.
   */
  private bodyThreat(w: string, end: number): void {
    if (this.wordAt(1) !== 'your' && this.wordAt(1) !== 'ur') return;
    if (!(this.roleAt(2) > 0 && this.roleAt(2) & R.VIOLENT) && !HURT.has(this.hashAt(2))) return;
    let intent = false;
    for (let k = 3; k <= 8; k++) {
      const r = this.roleAt(k);
      if (r < 0 || r & R.NEG) return;
      if (r & R.INTENT || WISH.has(this.wordAt(k) ?? '')) intent = true;
      if (r & R.FIRST) {
        const wk = this.wordAt(k);
        if (intent || wk === 'ill' || wk === 'ima' || wk === 'imma')
          this.hit('threat', 0.9, this.startAt(k), end, `${this.wordAt(2) ?? ''} your ${w}`, 'threat of violence');
        return;
      }
    }
  }

  /** A threat now, or, when it may be a message ("shoot you an email"), held for the next word. */
  private threat(message: boolean, score: number, start: number, end: number, match: string, why: string): void {
    if (message)
      this.held = { hit: { category: 'threat', score, start, end, match, why }, undoneBy: ARTICLES, alone: false };
    else this.hit('threat', score, start, end, match, why);
  }

  /**
   * A group's name said of one person: after "a"/"an" ("the murder of an Arab man"), or a singular
   * after "the" or a possessive ("kill the Arab", "his Arab neighbour"). Violence against one person
   * is not violence against a group (the threat rules still judge it as violence against a person).
   */
  private onePerson(word: string): boolean {
    const a = this.wordAt(1);
    if (a === 'a' || a === 'an') return true;
    const plural = word.endsWith('s') || word.endsWith('men') || word === 'people' || word === 'children';
    return !plural && a !== undefined && ONE_OF.has(a);
  }

  /** "<group> are not human", "<group> (people) aren't people": denying a group its humanity. */
  private notHuman(w: string, end: number, from: number, why = 'group called not human', score = 0.85): void {
    const k = this.find(R.GROUP | R.SLUR, R.BE | R.PERSON | R.FILLER, from + 3, 0, from); // past "not", "less than"
    if (k > 0) this.hit('identity_attack', score, this.startAt(k), end, `${this.wordAt(k) ?? ''} … not ${w}`, why);
  }

  /** "Are <group> (even) human?": a group's humanity put in question (0.85, as "… are not human"). */
  private humanAsked(w: string, end: number): void {
    let k = 1;
    while (k <= 2 && (this.wordAt(k) === 'even' || (this.roleAt(k) > 0 && this.roleAt(k) & R.FILLER))) k++;
    const g = this.subjectGroup(k);
    if (g < 0 || !this.askedOf(g)) return;
    this.hit(
      'identity_attack',
      0.85,
      this.startAt(g),
      end,
      `${this.wordAt(g) ?? ''} … ${w}?`,
      'group called not human',
    );
  }

  /**
   * "<group> are not smart", "<group> do not belong here", "the lives of <group> do not matter",
   * "they can't be trusted": a quality denied to a group, flagged (0.75), not blocked by itself. A
   * negation in the past reports history ("women were not trusted with the vote"); "no" denies a
   * noun ("no women are allowed"), and "not less smart" affirms, so neither counts.
   */
  private qualityDenied(w: string, end: number): void {
    let k = this.hashAt(1) === ANY ? 2 : 1; // "don't deserve any respect"
    if (this.wordAt(k) === 'be' || this.wordAt(k) === 'as') k++; // "not be trusted", "not as smart"
    if (this.wordAt(k) === 'to' && this.wordAt(k - 1) === 'be') k++; // "are not to be respected"
    if (this.hashAt(k) === MY || this.wordAt(k) === 'our' || this.wordAt(k) === 'a' || this.wordAt(k) === 'an') k++; // "not my equals", "not an asset"
    if (this.wordAt(k) === 'to' && DESERVE.has(this.wordAt(k + 1) ?? '')) k++; // "don't deserve to live"
    // "<group> don't deserve respect / rights"; "rights", "equality" and "dignity" are denied only so
    // ("refugees don't have rights in the camp" reports a wrong).
    const deserve = DESERVE.has(this.wordAt(k) ?? '');
    if (deserve) k++;
    else if (DESERVED.has(w)) return;
    const neg = this.wordAt(k);
    // "No Muslim belongs in this country"
    if ((w === 'belong' || w === 'belongs') && this.roleAt(k) > 0 && this.roleAt(k) & R.GROUP) {
      this.raisedDenial(w, k, end);
      return;
    }
    // (Not how a group is treated: "I don't think refugees are welcome / respected here" may be a complaint.)
    if (!deserve && (neg === 'are' || neg === 'is') && !TREATED.has(w)) {
      this.raisedDenial(w, k + 1, end);
      return;
    }
    // "<group> are less intelligent (than …)": denied by degree.
    if (neg !== 'less') {
      if (neg === undefined || neg === 'no' || neg === 'nor' || PAST_NEG.has(neg)) return;
      if (!(this.roleAt(k) & R.NEG) && !NEG_AUX.has(neg)) return;
    }
    let j = k + 1;
    while (DEGREE.has(this.hashAt(j))) j++; // "<group> are genetically less intelligent"
    const aux = this.wordAt(j);
    if (aux !== undefined && PAST_NEG.has(aux)) return;
    if (this.roleAt(j) > 0 && this.roleAt(j) & (R.BE | R.INTENT | R.GLUE)) j++;
    if (this.hashAt(j) === LIVES) j++; // "Black lives don't matter"
    const g = this.subjectGroup(j);
    if (g < 0 || this.wordAt(this.beforeName(g)) === 'no') return; // not "no woman is less capable"
    this.hit('identity_attack', 0.75, this.startAt(g), end, `${this.wordAt(g) ?? ''} … not ${w}`, DENIED);
  }

  /**
   * "I don't think <group> are capable", "No Muslim is trustworthy", "Not a single immigrant is
   * honest": a quality denied with the negation raised to the opinion or on the subject (0.75).
   */
  private raisedDenial(w: string, k: number, end: number): void {
    const g = this.subjectGroup(k);
    if (g < 0) return;
    let i = this.deniedOpinion(g);
    const b = this.beforeName(g);
    if (i < 0 && this.wordAt(b) === 'no' && b === this.sentLen) i = b;
    if (i < 0 && this.hashAt(b) === SINGLE && this.wordAt(b + 1) === 'a' && this.wordAt(b + 2) === 'not') i = b + 2;
    if (i < 0) return;
    const match = `${this.wordAt(g) ?? ''} … not ${w}`;
    const hit: Hit = { category: 'identity_attack', score: 0.75, start: this.startAt(i), end, match, why: DENIED };
    // "no woman is worth less than a man", "no woman belongs to anyone"
    this.held = { hit, undoneBy: w === 'belong' || w === 'belongs' ? TO : DEGREE_AFTER, alone: false };
  }

  /** Whether the clause whose subject is at k back opens with "I don't think (that)": where "I" is, or -1. */
  private deniedOpinion(k: number): number {
    const o = this.wordAt(k + 1) === 'that' ? k + 2 : k + 1;
    if (!OPINION.has(this.hashAt(o)) || !NEG_AUX_DO.has(this.hashAt(o + 1)) || o + 2 !== this.sentLen) return -1;
    return this.roleAt(o + 2) & R.FIRST ? o + 2 : -1;
  }

  /**
   * "I will never respect <group>", "I don't trust <group>": regard refused to a group in the first
   * person (0.75), or as an order: "Never trust a Jew", "Don't trust Muslims".
   */
  private regardRefused(e: LexEntry, roles: number, end: number): void {
    let named = this.groupName(e, roles);
    if (named === 0 && this.anyMember(roles) && this.wordAt(2) === 'trust') named = 1;
    if (named === 0) return;
    const v = this.pastDeterminers(named);
    if (!REGARD_VERBS.has(this.wordAt(v) ?? '')) return;
    const neg = this.wordAt(v + 1) ?? '';
    if (!(this.roleAt(v + 1) > 0 && this.roleAt(v + 1) & R.NEG) && !NEG_AUX.has(neg)) return;
    if (neg === 'no' || neg === 'nor') return;
    // "i (will|do) never …" (GLUE words are unknown to find); "you can't trust <group>", you as anyone.
    const cannot = CANNOT.has(neg) || (neg === 'never' && this.wordAt(v + 2) === 'can'); // "you can never trust"
    const who = this.wordAt(v) === 'trust' && cannot ? R.FIRST | R.SECOND : R.FIRST;
    const k = v + 1 === this.sentLen ? v + 1 : this.find(who, R.INTENT, v + 4, 1, v + 2);
    if (k < 0 || PAST_NEG.has(this.wordAt(k - 1) ?? '')) return;
    const name = named === 2 ? `${this.wordAt(1) ?? ''} ${e.word}` : e.word;
    this.hit(
      'identity_attack',
      0.75,
      this.startAt(k),
      end,
      `${this.wordAt(k) ?? ''} … ${this.wordAt(v) ?? ''} ${name}`,
      'regard refused to a group',
    );
  }

  /** The first word before a group's name of `named` words that is not "all", "the", "those" … (at most 2 of them). */
  private pastDeterminers(named: number): number {
    let k = named;
    while (k <= named + 2 && this.roleAt(k) > 0 && this.roleAt(k) & (R.ALL | R.FILLER)) k++;
    return k;
  }

  /** The group that is the subject ending at word k back ("(all) (black) people", "muslims", or "they" for one), or -1. */
  private subjectGroup(k: number): number {
    const g = this.find(R.GROUP | R.SLUR, R.PERSON | R.ALL, k + 2, 0, k);
    return g < 0 && this.theyGroup(k) ? k : g;
  }

  /**
   * Whether word k back is "they" for a group named within the last {@link WINDOW} words: "My
   * neighbours are Muslims. They are all animals.", "If you ask me about women, they are scum".
   */
  private thosePeople(k: number): boolean {
    return (
      this.hashAt(k) === PEOPLE &&
      this.roleAt(k + 1) > 0 &&
      (this.roleAt(k + 1) & R.ALL) !== 0 &&
      this.groupAt >= 0 &&
      this.hCount - this.groupAt <= WINDOW
    );
  }

  private theyGroup(k: number): boolean {
    const w = this.wordAt(k);
    return (w === 'they' || w === 'theyre') && this.groupAt >= 0 && this.hCount - this.groupAt <= WINDOW;
  }

  /**
   * How many words name a group, ending at this one: 1 ("muslims", a slur), 2 ("black people", "gay
   * men": a group's name before a word for people; a colour alone names no group), or 0.
   */
  private groupName(e: LexEntry, roles: number): number {
    if (roles & (R.GROUP | R.SLUR) && !COLOURS.has(e.word) && !this.onePerson(e.word)) return 1;
    if (roles & R.PERSON && !(roles & R.SECOND) && this.roleAt(1) > 0 && this.roleAt(1) & R.GROUP) return 2;
    return 0;
  }

  /**
   * "I hate <group>", "we despise all <group>", "i really hate you": hatred of a group or of the
   * reader, said in the first person. Flagged, not blocked by itself; "I don't hate …" is no hatred.
   */
  private statedHatred(e: LexEntry, roles: number, start: number, end: number): void {
    if (e.word === 'them') {
      this.everyOneHated(end);
      return;
    }
    const named = this.groupName(e, roles);
    const group = named > 0;
    let verb = named === 2 ? 2 : 1;
    if (!group && !(roles & R.SECOND)) return;
    while (verb <= 3 && this.roleAt(verb) > 0 && this.roleAt(verb) & (R.ALL | R.FILLER)) verb++; // "all the", "those"
    if (group && !(roles & R.SLUR) && this.cursed(verb)) {
      const match = `${this.wordAt(verb) ?? ''} ${named === 2 ? `${this.wordAt(1) ?? ''} ${e.word}` : e.word}`;
      this.hit('identity_attack', 0.8, this.startAt(verb), end, match, 'a group cursed');
      return;
    }
    const r = this.roleAt(verb);
    // "I can't stand <group>", "I can't bear to be around …": the negated verb is the hatred.
    const v =
      AROUND.has(this.hashAt(verb)) && this.wordAt(verb + 1) === 'be' && this.wordAt(verb + 2) === 'to'
        ? verb + 3
        : verb;
    const stand = STAND.has(this.hashAt(v));
    const cannotStand = stand && CANNOT.has(this.wordAt(v + 1) ?? '');
    // "How can anyone stand <group>?": asked so that no one could.
    const asked =
      stand && ANYONE.has(this.hashAt(v + 1)) && this.wordAt(v + 2) === 'can' && this.hashAt(v + 3) === HOW_WORD;
    if (!cannotStand && !asked && (r <= 0 || !(r & R.LOATHE))) return;
    const from = cannotStand ? v + 2 : verb + 1;
    const k = asked ? v + 3 : this.find(R.FIRST, ANY_ROLE, from + 2, 3, from);
    if (k < 0) return;
    const name = named === 2 ? `${this.wordAt(1) ?? ''} ${e.word}` : e.word;
    const match = `${this.wordAt(k) ?? ''} ${this.wordAt(verb) ?? ''} ${name}`;
    if (group) this.hit('identity_attack', 0.75, this.startAt(k), end, match, 'hatred of a group');
    else this.hit('insult', 0.7, this.startAt(k), end, match, 'hatred aimed at the reader');
  }

  /**
   * "I have met many <group> and I hate every single one of them" (0.75, flagged): "them" for the
   * group named earlier in the same sentence, with no one else named in between ("Gay people face
   * abuse from bigots and I hate every one of them" is not it).
   */
  private everyOneHated(end: number): void {
    if (this.wordAt(1) !== 'of') return;
    let v = this.wordAt(2) === 'one' ? (this.hashAt(3) === SINGLE ? 4 : 3) : 2; // "every (single) one of", "all of"
    if (!(this.roleAt(v) > 0 && this.roleAt(v) & R.ALL) && this.hashAt(v) !== EACH) return;
    v++;
    if (!(this.roleAt(v) > 0 && this.roleAt(v) & R.LOATHE)) return;
    const k = this.find(R.FIRST, R.FILLER, v + 2, 0, v + 1);
    const g = this.hCount - this.groupAt; // how far back the group was named
    if (k < 0 || this.groupAt < this.hCount - this.sentLen || g <= k) return;
    const someone = R.PERSON | R.INSULT | R.SLUR | R.DENOUNCE | R.SECOND;
    for (let j = k + 1; j < g; j++) if (this.roleAt(j) > 0 && this.roleAt(j) & someone) return;
    this.hit('identity_attack', 0.75, this.startAt(k), end, `${this.wordAt(k) ?? ''} hate … them`, 'hatred of a group');
  }

  /**
   * "piece of shit" (an insult, 0.9); "<group> are pieces of shit", "… are full of shit": a group
   * called it (0.8).
   */
  private shitOf(end: number): void {
    const what = this.wordAt(2);
    if (what === 'piece' || what === 'pieces') this.hit('insult', 0.9, this.startAt(2), end, 'piece of shit', 'insult');
    else if (what !== 'full') return;
    this.groupCalled(`${what} of shit`, end, 0.8, 'group called an insult', 2);
  }

  /**
   * "Fuck all <group>", "Honestly, screw those <group>": the k-th previous word curses what follows
   * it, opening its sentence or clause ("Fuck, Muslims make great food" has a comma in between).
   * Not before a slur, which is read on its own ("fuck nigga" is mostly banter).
   */
  private cursed(k: number): boolean {
    const w = this.wordAt(k);
    if (w === undefined || (w !== 'screw' && this.lex.exact.get(w)?.base !== 'fuck')) return false;
    const at = this.hCount - k;
    return (k === this.sentLen || at === this.clauseAt) && at >= this.clauseAt;
  }

  /**
   * "<group> were murdered", "millions of Jews were killed": violence a group suffered, reported in
   * the past. The model reads these words as it reads hate, so both its heads then count half
   * (`score`). A negation in between ("were never murdered") does not count.
   */
  private violenceSuffered(e: LexEntry): void {
    const aux = this.wordAt(1);
    if ((aux !== 'were' && aux !== 'was') || !isPastForm(e.word, e.base)) return;
    if (this.find(R.GROUP, ANY_ROLE, 5, 3, 2) > 0) this.groupVictim = true;
  }

  /**
   * "<group> are a cancer" (0.85), "<group> are lazy / terrorists / a burden" (0.75, flagged, not
   * blocked by itself): a group called a disease or given a derogatory attribute, as the subject that
   * opens the sentence, in the present. "Obesity in women is a disease", "women get cancer", "a study
   * found that immigrants are less likely to be criminals", "Jews were portrayed as greedy" and
   * "<group> are not violent" are not it.
   */
  private groupCalled(w: string, end: number, score: number, why: string, words = 0): void {
    let c = words || this.comparison(); // "<group> are like a cancer"; `words` between "are" and `w` ("full of")
    if (c === 0) {
      // "<group> are naturally lazy", "… are inherently more violent": words of degree, or one adverb
      // the lexicon does not know ("less", "rarely" it knows).
      let k = 1;
      while (
        k <= 2 &&
        (DEGREE.has(this.hashAt(k)) || (k === 1 && this.roleAt(1) === 0 && this.wordAt(1) === undefined))
      )
        k++;
      if (k > 1 && this.roleAt(k) > 0 && this.roleAt(k) & R.BE) c = k - 1;
    }
    let g = this.find(R.GROUP | R.SLUR, R.BE | R.FILLER | R.ALL | R.PERSON, 5 + c, 0, 1 + c);
    if (g < 0) {
      // "…, and they are all criminals": "they" for the group named just before (`theyGroup`)
      const t = this.find(R.THIRD | R.PERSON, R.BE | R.FILLER | R.ALL, 4 + c, 0, 1 + c);
      if (t > 0 && (this.theyGroup(t) || this.thosePeople(t)) && this.opensClause(t)) g = t;
    }
    if (g < 0) return;
    const be = this.find(R.BE, R.FILLER | R.ALL, g, 0, 1 + c);
    if (
      be < 0 ? !this.askedOf(g) : this.wordAt(be) === 'was' || this.wordAt(be) === 'were' || !this.saidOutright(g + 1)
    )
      return;
    this.hit('identity_attack', score, this.startAt(g), end, `${this.wordAt(g) ?? ''} … ${w}`, why);
  }

  /**
   * "(why) are (all) <group> so …?", "aren't <group> the worst?": the group at k is asked about, as the
   * question that opens the sentence.
   */
  private askedOf(k: number): boolean {
    k++;
    while (k <= this.sentLen && this.roleAt(k) > 0 && this.roleAt(k) & (R.ALL | R.GROUP)) k++; // "why are gay men …"
    const be = this.wordAt(k);
    if (be === 'arent' || be === 'isnt') return k === this.sentLen; // a rhetorical question
    return (
      this.roleAt(k) > 0 && (this.roleAt(k) & R.BE) !== 0 && be !== 'was' && be !== 'were' && this.saidOutright(k + 1)
    );
  }

  /** Whether the words from k back are `words` (last word first) and open the sentence or a clause ("…, and frankly"). */
  private opens(words: readonly number[], k: number): boolean {
    let first = k + words.length - 1; // the opener's first word
    if (first < this.sentLen && JOINED.has(this.hashAt(first + 1))) first++; // "…, and frankly …"
    if (first !== this.sentLen && this.hCount - first !== this.clauseAt) return false;
    return words.every((h, i) => this.hashAt(k + i) === h);
  }

  /**
   * "<group> are not disgusting", "Muslims aren't all terrorists", "<group> should never be treated as
   * burdens": a hateful word denied of a group.
   */
  private deniedOfGroup(): boolean {
    let k = 1;
    while (k <= 3 && this.roleAt(k) > 0 && this.roleAt(k) & (R.FILLER | R.ALL) && !(this.roleAt(k) & R.NEG)) k++;
    if (this.wordAt(k) === 'as' && TREATED_AS.has(this.hashAt(k + 1)) && this.wordAt(k + 2) === 'be') {
      const j = this.negatedModal(k + 3);
      return j > 0 && this.subjectGroup(j) > 0;
    }
    if (!(this.roleAt(k) > 0 && this.roleAt(k) & R.NEG) || this.wordAt(k) === 'no') return false;
    const w = this.wordAt(k);
    const be = w === 'arent' || w === 'isnt' ? k : this.roleAt(k + 1) > 0 && this.roleAt(k + 1) & R.BE ? k + 1 : -1;
    return be > 0 && this.find(R.GROUP | R.SLUR, R.PERSON | R.ALL, be + 3, 0, be + 1) > 0;
  }

  /** "should not", "must never", "shouldn't" ending j words back: the position just before it, or -1. */
  private negatedModal(j: number): number {
    const w = this.wordAt(j);
    if (w === 'shouldnt' || w === 'mustnt') return j + 1;
    const r = this.roleAt(j);
    if (!(r > 0 && r & R.NEG) || w === 'no' || !NORMATIVE.has(this.hashAt(j + 1))) return -1;
    return j + 2;
  }

  /**
   * "Muslims? Disgusting.", "I met some gay people. What a bunch of animals.": a sentence of its own
   * that only calls the group named in the sentence before something. Held until the sentence ends
   * with at most one more word ("Vile creatures."), so "… Animals are my passion." is not it (0.75).
   */
  private verblessPredicate(w: string, start: number, end: number): void {
    const before = this.hCount - this.sentLen; // the index of this sentence's first word
    if (this.predicate || this.groupAt < 0 || this.groupAt >= before || this.hCount - this.groupAt > WINDOW) return;
    let unknown = 1; // "what a bunch of"
    for (let k = 1; k <= this.sentLen; k++) {
      const r = this.roleAt(k) & ~AS_WRITTEN;
      const word = this.wordAt(k);
      if (r > 0 && r & (R.FILLER | R.ALL)) continue;
      if (word === 'what' || word === 'of' || (r === 0 && word === undefined && unknown-- > 0)) continue;
      return;
    }
    this.predicate = { start, end, word: w, words: this.sentLen };
  }

  /** At a sentence's end: a held verbless predicate counts if at most one word followed it. */
  private settlePredicate(): void {
    const p = this.predicate;
    if (p === undefined) return;
    this.predicate = undefined;
    if (this.sentLen - p.words <= 2)
      this.hit(
        'identity_attack',
        0.75,
        p.start,
        p.end,
        `… ${p.word}`,
        'group called something in a sentence of its own',
      );
  }

  /**
   * Comparison words right before this word: "like (a)", "no / nothing / little better or more than",
   * "less / lower / worse than". How far back the first of them is, or 0.
   */
  private comparison(): number {
    let k = 1;
    if (this.wordAt(k) === 'a' || this.wordAt(k) === 'an') k++;
    if (this.wordAt(k) === 'like') return k;
    if (this.hashAt(k) === BUT && this.wordAt(k + 1) === 'nothing') return k + 1; // "are nothing but a burden"
    if (this.wordAt(k) === 'of' && MASS.has(this.hashAt(k + 1))) return k + 1; // "are a horde of locusts"
    if (this.wordAt(k) !== 'than') return 0;
    const w = this.wordAt(k + 1);
    if (w === 'less' || w === 'lower' || w === 'worse') return k + 1;
    return (w === 'better' || w === 'more') && NONE.has(this.wordAt(k + 2) ?? '') ? k + 2 : 0;
  }

  /** "I want to see <group> dead", "I wish <group> were dead", "the only good <group> is a dead one" (0.9). */
  private wishedDead(end: number): void {
    let g = -1;
    const a = this.wordAt(1) === 'a' ? 2 : 1;
    if (this.wordAt(a) === 'is') {
      g = this.subjectGroup(a + 1); // "the only good <group> is a dead …"
      if (g < 0 || this.wordAt(g + 1) !== 'good' || this.wordAt(g + 2) !== 'only') g = -1;
    } else {
      const j = this.roleAt(1) > 0 && this.roleAt(1) & R.BE ? 2 : 1; // "<group> (were) dead"
      const s = this.subjectGroup(j);
      let v = s + 1;
      while (this.roleAt(v) > 0 && this.roleAt(v) & R.ALL) v++;
      // "(wouldn't it be) better if (all) <group> were dead"
      const better = this.hashAt(v) === IF && this.wordAt(v + 1) === 'better';
      if (this.wordAt(v) === 'see' && this.wordAt(v + 1) === 'to') v += 2;
      const cantWait = this.wordAt(v) === 'wait' && CANNOT.has(this.wordAt(v + 1) ?? ''); // "I can't wait to see ..."
      if (cantWait) v++;
      const wished =
        s > 0 &&
        (better ||
          ((cantWait || WISH.has(this.wordAt(v) ?? '')) &&
            this.find(R.FIRST, R.INTENT | R.FILLER, v + 2, 0, v + 1) > 0));
      if (wished) g = s;
    }
    if (g < 0) return;
    const match = `${this.wordAt(g) ?? ''} … dead`;
    this.hit('threat', 0.9, this.startAt(g), end, match, 'wishing a group dead');
    this.hit('identity_attack', 0.9, this.startAt(g), end, match, 'wishing a group dead');
  }

  /**
   * "I hope you get raped", "hope they all get cancer": harm wished on the reader or on a group
   * (0.85). "I hope you don't get cancer" is not it.
   */
  private harmWished(w: string, end: number): void {
    if (!GET.has(this.hashAt(1))) return;
    let k = 2;
    while (this.roleAt(k) > 0 && this.roleAt(k) & R.ALL) k++; // "they all get"
    const r = this.roleAt(k);
    const group = r > 0 && ((r & (R.GROUP | R.SLUR)) !== 0 || this.theyGroup(k));
    if (r <= 0 || !(r & R.SECOND || group)) return;
    const t = group ? this.pastDeterminers(k + 1) : k + 1; // "all the jews"
    const h = this.find(R.HOPE, R.FILLER, t + 1, 0, t);
    if (h < 0) return;
    const match = `hope ${this.wordAt(k) ?? ''} get ${w}`;
    this.hit(
      'threat',
      0.85,
      this.startAt(h),
      end,
      match,
      group ? 'harm wished on a group' : 'harm wished on the reader',
    );
    if (group) this.hit('identity_attack', 0.85, this.startAt(h), end, match, 'harm wished on a group');
  }

  /**
   * "Deport all Muslims.", "we must expel the <group>", "ban all <group>": a call to expel a named
   * group, as an order or a first-person "should" (0.75, flagged). "Trump wants to deport …" reports it.
   */
  private expelled(e: LexEntry, roles: number, end: number): void {
    if (!(roles & (R.GROUP | R.SLUR)) || this.groupName(e, roles) === 0) return;
    const v = this.pastDeterminers(1);
    if (!EXPEL.has(this.hashAt(v))) return;
    let k = v + 1;
    if (this.wordAt(k) === 'to') k++; // "we need to deport"
    const called =
      v === this.sentLen ||
      (this.roleAt(k) > 0 && this.roleAt(k) & R.INTENT && this.find(R.FIRST, R.FILLER, k + 2, 0, k + 1) > 0);
    if (called)
      this.hit(
        'identity_attack',
        0.75,
        this.startAt(v === this.sentLen ? v : k + 1),
        end,
        `${this.wordAt(v) ?? ''} ${e.word}`,
        'calling to expel a group',
      );
  }

  /**
   * The rules that end on a word with no role of its own (each listed only to be read here): a
   * trope's last word, a part of the body, a place of worship, "deported", "exist", "bullet", "beating", "attack", "death", "home",
   * "zoo", "space", "happened", "live", "allowed", "kitchen", "came". Behind `roles === 0`, so the common
   * trigger words ("you", "people") pay no look-up for them.
   */
  private objectWord(w: string, end: number): void {
    const tropeVerbs = TROPE_VERBS.get(w);
    if (tropeVerbs !== undefined) this.trope(w, tropeVerbs, end);
    else if (BODY.has(w)) this.bodyThreat(w, end);
    else if (PLACES.has(w)) this.placeAttacked(w, end);
    else if (CALLED_HARM.has(w)) this.shouldBeHarmed(w, end);
    else if (w === 'exist') {
      if (this.noRightTo()) this.rightToDenied(w, end);
      else this.existenceDenied(end);
    } else if (VANISH.has(w)) this.shouldVanish(w, end);
    else if (w === 'bullet' || w === 'beating') this.bulletDeserved(w, end, 1);
    else if (w === 'penalty' && this.hashAt(1) === DEATH_WORD) this.bulletDeserved('death penalty', end, 2);
    else if (w === 'attack' && this.wordAt(1) === 'acid') this.bulletDeserved('acid attack', end, 2);
    else if (w === 'death') this.deathCalledFor(end);
    else if (CONFINED.has(w)) this.confined(w, end);
    else if (w === 'home' || CAGES.has(w)) this.belongsIn(w, end);
    else if (WASTED.has(w)) this.wasteOf(w, end);
    else if (w === 'place') this.knowTheirPlace(end);
    else if (ILLNESS.has(w)) this.beingIsIllness(w, end);
    else if (w === 'happened' || w === 'happen' || w === 'hoax') this.genocideDenied(w, end);
    else if (w === 'live' && this.noRightTo()) this.rightToDenied(w, end);
    else if ((w === 'live' && this.wordAt(1) === 'to') || (w === 'allowed' && this.rightDenied()))
      this.qualityDenied(w, end); // "<group> don't deserve to live", "<group> should not be allowed to vote"
    else if (w === 'allowed') this.rightQuestioned(end);
    else if (w === 'kitchen') this.kitchen(end);
    else if (w === 'came') this.cameFrom(end);
  }

  /**
   * "<group> should be put in camps / thrown in prison" (0.75, flagged); "… sent to the gas
   * chambers / the ovens" (a threat, 0.9).
   */
  private confined(w: string, end: number): void {
    const deadly = w === 'chambers' || w === 'ovens';
    let k = 1;
    if (w === 'chambers' && this.wordAt(k) === 'gas') k++;
    if (this.wordAt(k) === 'the') k++;
    if (!INTO.has(this.hashAt(k)) || !PUT.has(this.hashAt(k + 1))) return;
    if (!deadly) {
      this.shouldBeHarmed(`${this.wordAt(k + 1) ?? ''} in ${w}`, end, k + 2);
      return;
    }
    const g = this.passiveTarget(k + 2);
    if (g > 0 && this.groupAtTarget(g))
      this.threatOf(
        true,
        0.9,
        this.startAt(g),
        end,
        `${this.wordAt(g) ?? ''} … ${w}`,
        'calling for the deaths of a group',
      );
  }

  /** "<group> have no right to live / exist" (0.8, flagged). */
  private rightToDenied(w: string, end: number): void {
    const g = this.subjectGroup(5);
    if (g > 0)
      this.hit(
        'identity_attack',
        0.8,
        this.startAt(g),
        end,
        `${this.wordAt(g) ?? ''} … no right to ${w}`,
        'right to live denied to a group',
      );
  }

  /** Whether the words before this one are "have no right to" (`rightToDenied`). */
  private noRightTo(): boolean {
    return this.wordAt(1) === 'to' && this.hashAt(2) === RIGHT && this.wordAt(3) === 'no' && HAVE.has(this.hashAt(4));
  }

  /** "<group> need to disappear", "… should all vanish" (0.75, flagged): a group wished gone. */
  private shouldVanish(w: string, end: number): void {
    let k = 1;
    if (this.hashAt(k) === JUST) k++;
    let g: number;
    if (w.endsWith('ed')) {
      // "wouldn't it be better if <group> (just) disappeared"
      g = this.subjectGroup(k);
      const b = g < 0 ? -1 : this.beforeName(g);
      if (b < 0 || this.hashAt(b) !== IF || !BETTER.has(this.hashAt(b + 1))) return;
    } else {
      if (this.wordAt(k) === 'to') k++;
      if (this.roleAt(k) > 0 && this.roleAt(k) & R.ALL) k++;
      if (!NORMATIVE.has(this.hashAt(k))) return;
      g = this.subjectGroup(k + 1);
      if (g < 0 || !this.opensClause(g)) return;
    }
    const why = 'wishing a group gone';
    const hit: Hit = {
      category: 'identity_attack',
      score: 0.75,
      start: this.startAt(g),
      end,
      match: `${this.wordAt(g) ?? ''} … ${w}`,
      why,
    };
    this.held = { hit, undoneBy: FROM, alone: false }; // "… need to disappear from the news" is no wish
  }

  /** "Go back to where you came from." (0.8), said to the reader or of a group. */
  private cameFrom(end: number): void {
    if (this.wordAt(2) !== 'where' || this.wordAt(3) !== 'to' || this.wordAt(4) !== 'back' || this.wordAt(5) !== 'go')
      return;
    const g = this.sentLen === 5 ? 5 : this.presentSubject(6);
    if (g > 0 || (this.wordAt(6) === 'should' && this.presentSubject(7) > 0))
      this.hit(
        'identity_attack',
        0.8,
        this.startAt(5),
        end,
        'go back to where you came from',
        'telling people to leave the country',
      );
  }

  /**
   * "<group> control the media", "… are taking over our country", "… are replacing us", "… bring
   * crime" (0.75, flagged): a trope said of a group as its subject, in the present, outright.
   * "Jews were blamed for controlling the banks" and "rats bring disease" are not.
   */
  private trope(w: string, verbs: ReadonlySet<number>, end: number): void {
    let v = 1;
    let ours = false;
    for (; v <= 4 && TROPE_BETWEEN.has(this.hashAt(v)); v++) if (this.wordAt(v) === 'our') ours = true;
    // "taking our jobs" is the trope; "immigrants are taking jobs that …" is a claim about work.
    if (!verbs.has(this.hashAt(v)) || (w === 'jobs' && !ours)) return;
    const g = this.presentSubject(v + 1);
    if (g < 0) return;
    const match = `${this.wordAt(g) ?? ''} … ${w}`;
    // Held for the next word: "immigrants bring crime rates down" measures, it accuses no one.
    const hit: Hit = {
      category: 'identity_attack',
      score: 0.75,
      start: this.startAt(g),
      end,
      match,
      why: 'trope about a group',
    };
    this.held = { hit, undoneBy: MEASURES, alone: false };
  }

  /** "<group> belong in the kitchen", "<group> should stay in the kitchen", "Get back in the kitchen." (0.75, flagged). */
  private kitchen(end: number): void {
    if (this.wordAt(1) !== 'the' || !KITCHEN_TO.has(this.hashAt(2)) || !KITCHEN_VERBS.has(this.hashAt(3))) return;
    let k = 4;
    if (GET.has(this.hashAt(k)) || this.wordAt(k) === 'go' || (this.roleAt(k) > 0 && this.roleAt(k) & R.INTENT)) k++;
    const g = k > this.sentLen ? k - 1 : this.presentSubject(k);
    if (g > 0) this.hit('identity_attack', 0.75, this.startAt(g), end, 'in the kitchen', 'sexist trope');
  }

  /**
   * The group that is the present-tense subject of the verb ending at word k back ("<group> are",
   * "the <group>", "I think <group>"), said outright (`saidOutright`); or -1. "<group> were" is history.
   */
  private presentSubject(k: number): number {
    const r = this.roleAt(k);
    if (r > 0 && r & R.BE) {
      const be = this.wordAt(k);
      if (be === 'was' || be === 'were') return -1;
      k++;
    }
    const g = this.subjectGroup(k);
    if (g < 0) return -1;
    return this.saidOutright(this.wordAt(g + 1) === 'the' ? g + 2 : g + 1) ? g : -1;
  }

  /**
   * "<group> disgust me", "<group> make me sick / angry", "… make me want to puke", "… fill me with
   * rage", "… make my blood boil": revulsion at a group that is the sentence's or clause's subject
   * (0.75, flagged); not "violence against women makes me sick".
   */
  private revulsion(w: string, end: number): void {
    const v = this.feltVerb(w); // the verb
    if (v < 0) return;
    const g = this.subjectGroup(v + 1);
    if (g < 0) {
      // "you disgust me", "you make me sick" (at the start of a sentence: not "if you make me sick …").
      if ((w === 'me' || w === 'sick') && this.roleAt(v + 1) & R.SECOND && v + 1 === this.sentLen)
        this.hit(
          'insult',
          0.75,
          this.startAt(v + 1),
          end,
          `you … ${this.wordAt(v) ?? ''} me`,
          'revulsion at the reader',
        );
      return;
    }
    if (DONE_TO.has(this.hashAt(this.beforeName(g)))) return; // "violence against women makes me sick"
    this.hit(
      'identity_attack',
      0.75,
      this.startAt(g),
      end,
      `${this.wordAt(g) ?? ''} … ${this.wordAt(v) ?? ''} me`,
      'revulsion at a group',
    );
  }

  /** How far back the verb of a feeling that ends at this word `w` is ("disgust me", "make me sick"), or -1. */
  private feltVerb(w: string): number {
    if (w === 'me') return REVOLT.has(this.wordAt(1) ?? '') ? 1 : -1;
    // "make me want to throw up": the feeling's last word
    const f = w === 'up' && this.hashAt(1) === THROW ? 1 : 0;
    if (f === 0 && !MADE_FEEL.has(w) && !FILLED.has(w) && !IDIOM_NOUN.has(w) && w !== 'sick') return -1;
    let m = f + 1; // "me", past one word of degree: "make me so angry", "fill me with pure rage"
    if (this.roleAt(m) > 0 && this.roleAt(m) & R.FILLER) m++;
    else if (PURE.has(this.hashAt(m))) m++;
    let v = -1;
    if (this.wordAt(m) === 'me' && !f)
      v = m + 1; // "make me sick"
    else if (this.hashAt(m) === WITH && this.wordAt(m + 1) === 'me' && FILLED.has(w))
      return FILL.has(this.hashAt(m + 2)) ? m + 2 : -1; // "fill me with rage"
    else if (this.hashAt(1) === IDIOM_NOUN.get(w) && this.wordAt(2) === 'my')
      v = 3; // "make my blood boil"
    else if (this.wordAt(m) === 'to' && WANT_TO.has(this.hashAt(m + 1)) && this.wordAt(m + 2) === 'me') v = m + 3; // "make me want to puke / throw up"
    return MAKE.has(this.wordAt(v) ?? '') ? v : -1;
  }

  /** How far back the word before a group's name at k is, past the rest of the name and its determiners ("all these"). */
  private beforeName(k: number): number {
    k++;
    while (this.roleAt(k) > 0 && this.roleAt(k) & (R.ALL | R.FILLER | R.GROUP)) k++;
    return k;
  }

  /** Whether the group whose name is at k back opens its sentence or clause. */
  private opensClause(k: number): boolean {
    const b = this.beforeName(k);
    return b > this.sentLen || this.hCount - b + 1 === this.clauseAt || CLAUSE_OPENERS.has(this.hashAt(b));
  }

  /** "I'm sick of <group>", "we are so tired of all these <group>" (0.75, flagged). */
  private fedUp(e: LexEntry, roles: number, end: number): void {
    const named = this.groupName(e, roles);
    if (named === 0) return;
    const k = this.pastDeterminers(named);
    const feeling = FED_UP.get(this.hashAt(k + 1));
    if (feeling === undefined || !feeling.has(this.hashAt(k))) return;
    const fed = this.wordAt(k + 1) === 'up' ? 1 : 0; // "fed up with"
    if (fed && this.hashAt(k + 2) !== FED) return;
    const and = this.hashAt(k + 2 + fed) === AND && FED_UP.has(this.hashAt(k + 3 + fed)) ? 2 : 0; // "sick and tired of"
    const from = k + 2 + fed + and;
    const f = this.find(R.FIRST, R.BE | R.FILLER, from + 2, 0, from); // "im (so) sick", "we are really tired"
    if (f < 0) return;
    this.hit('identity_attack', 0.75, this.startAt(f), end, `… ${e.word}`, 'hatred of a group');
  }

  /**
   * The rules in which one member stands for the group ("nothing is worse than a Muslim", "I've never
   * met an intelligent woman"), each chosen by the word before the name, so that a name costs one look.
   */
  private aboutMembers(e: LexEntry, roles: number, end: number): void {
    const named = this.groupName(e, roles) || (roles & R.GROUP && !COLOURS.has(e.word) ? 1 : 0);
    if (named === 0) return;
    if (this.roleAt(named) > 0 && this.roleAt(named) & R.REGARD) {
      this.neverSeen(e, named, end); // the quality right before the name
      return;
    }
    const k = this.pastDeterminers(named);
    const h = this.hashAt(k);
    if (h === THAN) this.hatedMost(e, k, end);
    else if (h === ABOUT) this.nothingGood(e, k, end);
    else if (TOWARDS_TO.has(h)) this.finalSolution(e, k, end);
  }

  /**
   * "There is nothing I hate more than <group>", "I hate nothing more than …", "nothing makes me
   * angrier than …", "nothing is worse than …", "is there anything more disgusting than …": hatred
   * of a group said as a superlative (0.75, flagged).
   */
  private hatedMost(e: LexEntry, k: number, end: number): void {
    let none = -1; // where "nothing" / "no one" is
    let from = -1; // the first word of the statement
    if (ANGRIER.has(this.hashAt(k + 1)) && this.wordAt(k + 2) === 'me' && MAKE.has(this.wordAt(k + 3) ?? ''))
      none = from = k + 4; // "nothing makes me angrier than"
    else if (this.roleAt(k + 1) > 0 && this.roleAt(k + 1) & VILE && this.wordAt(k + 2) === 'more')
      none = from = k + 3; // "is there anything more disgusting than"
    else if (this.wordAt(k + 1) === 'worse')
      none = from = this.wordAt(k + 2) === 'is' ? k + 3 : k + 2; // "there is nothing worse than", "nothing is worse than"
    else if (this.wordAt(k + 1) === 'more' && this.wordAt(k + 2) === 'me' && REVOLT.has(this.wordAt(k + 3) ?? ''))
      none = from = k + 4; // "nothing disgusts me more than"
    else if (this.wordAt(k + 1) === 'more') {
      const v = NO_ONE.has(this.hashAt(k + 2)) ? k + 3 : k + 2; // "I hate nothing more than"
      if (this.roleAt(v) > 0 && this.roleAt(v) & R.LOATHE && this.roleAt(v + 1) > 0 && this.roleAt(v + 1) & R.FIRST)
        [none, from] = v === k + 3 ? [k + 2, v + 1] : [v + 2, v + 2]; // or "nothing I hate more than"
    }
    if (from < 0 || !NO_ONE.has(this.hashAt(none))) return;
    this.hit('identity_attack', 0.75, this.startAt(from), end, `… more than ${e.word}`, 'hatred of a group');
  }

  /** "<group> have no morals / value / souls" (0.75, flagged): what makes a person denied to a group. */
  private lacking(w: string, end: number): void {
    if (this.wordAt(1) !== 'no' || !HAVE.has(this.hashAt(2))) return;
    const g = this.subjectGroup(3);
    if (g < 0 || !this.opensClause(g)) return;
    this.hit('identity_attack', 0.75, this.startAt(g), end, `${this.wordAt(g) ?? ''} have no ${w}`, DENIED);
  }

  /** "A final solution for / to the <group> (problem)" (0.9): the Nazis' name for the Holocaust, called for. */
  private finalSolution(e: LexEntry, k: number, end: number): void {
    if (this.hashAt(k + 1) !== SOLUTION || this.hashAt(k + 2) !== FINAL) return;
    this.threatOf(
      true,
      0.9,
      this.startAt(k + 2),
      end,
      `final solution … ${e.word}`,
      'calling for the deaths of a group',
    );
  }

  /**
   * "I've never met an intelligent woman", "there is no such thing as an honest immigrant", "there
   * has never been a competent black person" (0.75, flagged): a quality denied to every member.
   */
  private neverSeen(e: LexEntry, q: number, end: number): void {
    let j = q + 1;
    if (this.wordAt(j) === 'a' || this.wordAt(j) === 'an' || (this.roleAt(j) > 0 && this.roleAt(j) & R.ALL)) j++; // "an", "any"
    let from = -1;
    if (MET_BEEN.has(this.hashAt(j)) && this.wordAt(j + 1) === 'never') from = j + 1;
    else if (
      this.wordAt(j) === 'as' &&
      this.hashAt(j + 1) === THING &&
      this.hashAt(j + 2) === SUCH &&
      this.wordAt(j + 3) === 'no'
    )
      from = j + 3;
    if (from < 0) return;
    const match = `never … ${this.wordAt(q) ?? ''} ${e.word}`;
    const hit: Hit = { category: 'identity_attack', score: 0.75, start: this.startAt(from), end, match, why: DENIED };
    this.held = { hit, undoneBy: WHO_LIKE, alone: false }; // "… an intelligent woman who wasn't kind"
  }

  /**
   * Questions that say it of every member (0.75, flagged): "Why do <group> (always) have to be so
   * stupid?", "Have you ever met a <group> who wasn't a criminal?", "Is there a single <group> who
   * isn't lazy?".
   */
  private askedWhyOrExcept(w: string, end: number): void {
    let k = 1;
    while (k <= 3 && this.roleAt(k) > 0 && (this.roleAt(k) & (R.FILLER | R.BE)) === R.FILLER && this.wordAt(k) !== 'a')
      k++; // "so", "such"
    let from = -1;
    let g = -1;
    if (this.wordAt(k) === 'be' && this.wordAt(k + 1) === 'to' && HAVE_TO.has(this.hashAt(k + 2))) {
      let j = k + 3;
      if (this.hashAt(j) === ALWAYS) j++;
      g = this.subjectGroup(j);
      const b = g < 0 ? -1 : this.beforeName(g);
      if (b > 0 && DO.has(this.hashAt(b)) && this.hashAt(b + 1) === WHY && b + 1 === this.sentLen) from = b + 1;
    } else {
      if (this.wordAt(k) === 'a' || this.wordAt(k) === 'an') k++;
      if (NOT_BE.has(this.hashAt(k)) && WHO.has(this.hashAt(k + 1))) {
        g = k + 2;
        // "black people", "a black person" ("person" is not listed)
        if (!(this.roleAt(g) > 0 && this.roleAt(g) & R.GROUP) && this.roleAt(g + 1) > 0 && this.roleAt(g + 1) & R.GROUP)
          g++;
        // "have you ever met a (single) <group> who …", "is there a …", "show me a …": name one who is not
        const a = this.hashAt(g + 1) === SINGLE ? g + 2 : g + 1;
        const asked = EXCEPTION_ASKED.get(this.hashAt(a + 1));
        if (this.roleAt(g) > 0 && this.roleAt(g) & R.GROUP && this.wordAt(a) === 'a' && asked === this.hashAt(a + 2))
          from = a + 2;
      }
    }
    if (from < 0) return;
    this.hit(
      'identity_attack',
      0.75,
      this.startAt(from),
      end,
      `${this.wordAt(g) ?? ''} … ${w}`,
      'derogatory attribute of a group',
    );
  }

  /** "Personally, I find <group> revolting", "I consider <group> a burden" (0.75, flagged). */
  private foundToBe(w: string, end: number): void {
    let k = this.wordAt(1) === 'a' || this.wordAt(1) === 'an' ? 2 : 1;
    if (this.roleAt(k) > 0 && this.roleAt(k) & R.PERSON && !(this.roleAt(k) & R.GROUP)) k++; // "black people"
    if (!(this.roleAt(k) > 0 && this.roleAt(k) & R.GROUP)) return;
    const b = this.beforeName(k);
    if (!FIND.has(this.hashAt(b)) || !(this.roleAt(b + 1) > 0 && this.roleAt(b + 1) & R.FIRST)) return;
    const match = `${this.wordAt(b + 1) ?? ''} find … ${w}`;
    this.hit('identity_attack', 0.75, this.startAt(b + 1), end, match, 'derogatory attribute of a group');
  }

  /** "There is nothing good about <group>" (0.75, flagged). */
  private nothingGood(e: LexEntry, k: number, end: number): void {
    if (this.wordAt(k + 1) !== 'good' || this.hashAt(k + 2) !== NOTHING) return;
    this.hit('identity_attack', 0.75, this.startAt(k + 2), end, `nothing good about ${e.word}`, DENIED);
  }

  /** "Swarms of immigrants", "an infestation of …", "hordes of …": a group as a mass of vermin (0.75, flagged). */
  private swarmOf(e: LexEntry, roles: number, end: number): void {
    const named = this.groupName(e, roles);
    if (named === 0) return;
    const k = this.pastDeterminers(named);
    if (this.wordAt(k) !== 'of' || !SWARM.has(this.hashAt(k + 1))) return;
    this.hit('identity_attack', 0.75, this.startAt(k + 1), end, `… of ${e.word}`, 'group called a swarm');
  }

  /**
   * "I have so much hatred for <group>", "my contempt for …" (0.75, flagged): hatred of a group
   * owned in the first person. "Hatred of Jews is called antisemitism", "we must fight hatred of
   * Muslims" and "I have no hatred for …" are not.
   */
  private hatredOwned(e: LexEntry, roles: number, end: number): void {
    const named = this.groupName(e, roles);
    if (named === 0) return;
    const k = this.pastDeterminers(named);
    if (!TOWARDS.has(this.hashAt(k))) return;
    let j = k + 2;
    // "I have zero / no respect for <group>": regard refused, owned as hatred is.
    if (this.wordAt(k + 1) === 'respect' && NO_REGARD.has(this.hashAt(k + 2))) j++;
    else if (!HATRED.has(this.hashAt(k + 1))) return;
    while (j <= k + 4 && this.roleAt(j) > 0 && this.roleAt(j) & R.FILLER) j++; // "so much", "such"
    if (this.hashAt(j) === MUCH) j++;
    if (this.hashAt(j) === SO) j++;
    if (this.hashAt(j) === BUT && this.wordAt(j + 1) === 'nothing') j += 2; // "I have nothing but contempt for …"
    const w = this.wordAt(j);
    const owned =
      w === 'my' ||
      w === 'our' ||
      (FEEL.has(this.hashAt(j)) && this.roleAt(j + 1) > 0 && (this.roleAt(j + 1) & R.FIRST) !== 0);
    if (owned)
      this.hit(
        'identity_attack',
        0.75,
        this.startAt(w === 'my' || w === 'our' ? j : j + 1),
        end,
        `hatred for ${e.word}`,
        'hatred of a group',
      );
  }

  /**
   * Whether the words from k back to the sentence's start leave what follows as the speaker's own
   * statement: none, "all", "these"; a first-person opinion ("I think (that)", "we all know"), an
   * assertion ("it's obvious that", "isn't it clear", "everyone knows"); or "why" before a question.
   * "A study found that …", "they say …", "I don't think …", "it is not true that …" are not.
   */
  private saidOutright(k: number): boolean {
    // past the rest of the name and "all": "(all) black men", "muslim women"
    while (k <= this.sentLen && this.roleAt(k) > 0 && this.roleAt(k) & (R.ALL | R.GROUP)) k++;
    if (k > this.sentLen) return true;
    if (this.wordAt(k) === 'why') return k === this.sentLen;
    if (this.hashAt(k) === BUT) return true; // "Don't get me wrong, but <group> are …": a disclaimer, then the claim
    if (JOINED.has(this.hashAt(k)) || this.hCount - k + 1 === this.clauseAt) return true; // "…, and <group> are …"
    if (this.wordAt(k) === 'that') k++;
    if (ASSERT.has(this.wordAt(k) ?? '')) {
      // "(isn't) it (so) obvious that …", "it's clear …": the speaker asserts it.
      for (k++; k <= this.sentLen; k++)
        if (!IT_IS.has(this.wordAt(k) ?? '') && !(this.roleAt(k) & R.FILLER)) return false;
      return true;
    }
    if (this.wordAt(k) === 'knows' && this.wordAt(k + 1) === 'everyone') return k + 1 === this.sentLen; // "everyone knows (that) …"
    if (VIEW.has(this.hashAt(k))) {
      const m = HUMBLE.has(this.hashAt(k + 1)) ? k + 2 : k + 1; // "in my (humble) opinion"
      if (this.hashAt(m) === MY && this.wordAt(m + 1) === 'in') return m + 1 === this.sentLen;
    }
    if (OPENERS.some((o) => this.opens(o, k))) return true;
    if (this.hashAt(k) === LIKE && FEELING.has(this.hashAt(k + 1))) k++; // "I feel like …"
    if (!OPINION.has(this.hashAt(k))) return false;
    k++;
    if (this.wordAt(k) === 'to' && this.hashAt(k + 1) === COME) k += 2; // "I've come to believe"
    // "Don't you think <group> are …?": the view put as a question that expects yes.
    if (this.roleAt(k) > 0 && this.roleAt(k) & R.SECOND && NEG_AUX_DO.has(this.hashAt(k + 1)))
      return k + 1 === this.sentLen;
    // "i really think", "we all know", "I would say"
    while (
      k < this.sentLen &&
      ((this.roleAt(k) > 0 && this.roleAt(k) & (R.FILLER | R.ALL)) || OPINION_BETWEEN.has(this.hashAt(k)))
    )
      k++;
    // "I think …", "Call me old-fashioned, but I think …"
    const opens = k === this.sentLen || this.hCount - k === this.clauseAt || CLAUSE_OPENERS.has(this.hashAt(k + 1));
    return opens && this.roleAt(k) > 0 && (this.roleAt(k) & R.FIRST) !== 0;
  }

  /**
   * "get rid of (all the) <group>", "better off without <group>": a call to remove a group, 0.75 (flagged, not blocked by itself:
   * history answers report it, "the regime wanted to get rid of Jews").
   */
  private riddance(e: LexEntry, roles: number, end: number): void {
    const named = this.groupName(e, roles);
    if (named === 0) return;
    const k = this.pastDeterminers(named);
    // "better off without <group>", "the world would be better without <group>".
    const better = this.wordAt(k + 1) === 'off' || this.hashAt(k + 1) === PLACE ? k + 2 : k + 1; // "a better place without"
    if (this.wordAt(k) === 'without' && this.wordAt(better) === 'better') {
      const match = `better … without ${named === 2 ? `${this.wordAt(1) ?? ''} ` : ''}${e.word}`;
      this.hit('identity_attack', 0.75, this.startAt(better), end, match, 'wishing a group gone');
      return;
    }
    if (this.wordAt(k) !== 'of' || this.wordAt(k + 1) !== 'rid') return;
    this.hit(
      'identity_attack',
      0.75,
      this.startAt(k + 1),
      end,
      `rid of ${named === 2 ? `${this.wordAt(1) ?? ''} ` : ''}${e.word}`,
      'calling to get rid of a group',
    );
  }

  /** "(jews|they|you) should be (killed|shot|gassed)". */
  private shouldBeKilled(e: LexEntry, start: number, end: number): void {
    const weak = WEAK_VERBS.has(e.base);
    if (!(STRONG_VERBS.has(e.base) || weak) || e.word === e.base) return; // needs a participle: "killed", "shot"
    const k = this.passiveTarget();
    if (k < 0 || this.deniedOpinion(this.beforeName(k) - 1) >= 0) return; // "I don't think they should be shot"
    const group = this.groupAtTarget(k);
    if (weak && !group) return; // "you should be beaten at chess"; "<group> should be beaten" is no game
    const match = `${this.wordAt(k) ?? ''} should be ${e.word}`;
    const why = group ? 'calling for violence against a group' : 'calling for violence';
    this.threatOf(group, weak ? 0.8 : 0.9, this.startAt(k), end, match, why);
  }

  /** A threat; aimed at a group, an identity attack too, at the same words and score. */
  private threatOf(group: boolean, score: number, start: number, end: number, match: string, why: string): void {
    this.hit('threat', score, start, end, match, why);
    if (group) this.hit('identity_attack', score, start, end, match, why);
  }

  /**
   * "<group> should (all) be deported / barred / segregated" (0.75, flagged; lexicon.ts `HARMS`), as
   * `expelled` in the passive: the group right before "should", so not "illegal immigrants …" or "immigrants who commit
   * crimes should be deported", which name whom by what they did.
   */
  private shouldBeHarmed(w: string, end: number, at = 1): void {
    const k = this.passiveTarget(at);
    if (k < 0 || this.hashAt(k + 1) === ILLEGAL || this.deniedOpinion(this.beforeName(k) - 1) >= 0) return;
    // "Pregnant women should be excluded from the trial", "older women … sent back for a scan": a word
    // the lexicon does not know right before the name narrows the group to some, by circumstance.
    const b = this.beforeName(k);
    if (
      b <= this.sentLen &&
      this.roleAt(b) === 0 &&
      this.wordAt(b) === undefined &&
      !CLAUSE_OPENERS.has(this.hashAt(b)) &&
      !OPINION_NOUNS.has(this.hashAt(b))
    )
      return;
    for (let j = at + 1; j < k; j++)
      if (!(NORMATIVE.has(this.hashAt(j)) || this.roleAt(j) & (R.ALL | R.BE) || this.wordAt(j) === 'to')) return;
    if (this.groupAtTarget(k))
      this.hit(
        'identity_attack',
        0.75,
        this.startAt(k),
        end,
        `${this.wordAt(k) ?? ''} … ${w}`,
        `calling for a group to be ${w}`,
      );
  }

  /**
   * "<group> are a waste of space" (0.75, as a derogatory attribute); said to the reader, "you are a
   * waste of oxygen", an insult (0.8).
   */
  private wasteOf(w: string, end: number): void {
    if (this.wordAt(1) !== 'of' || this.wordAt(2) !== 'waste') return;
    const phrase = `waste of ${w}`;
    const you = this.find(R.SECOND, R.BE | R.FILLER | R.ALL, 6, 0, 3);
    if (you > 0)
      this.hit(
        'insult',
        0.8,
        this.startAt(you),
        end,
        `${this.wordAt(you) ?? ''} … ${phrase}`,
        'insult aimed at the reader',
      );
    else this.groupCalled(phrase, end, 0.75, 'derogatory attribute of a group', 2);
  }

  /** "<group> should know their place" (0.75): a group told to stay beneath others. */
  private knowTheirPlace(end: number): void {
    if (this.wordAt(1) !== 'their' || this.wordAt(2) !== 'know') return;
    const g = this.presentSubject(NORMATIVE.has(this.hashAt(3)) ? 4 : 3);
    if (g > 0)
      this.hit(
        'identity_attack',
        0.75,
        this.startAt(g),
        end,
        `${this.wordAt(g) ?? ''} … know their place`,
        'sexist or racist trope',
      );
  }

  /** "Being gay is a (mental) illness / a sin / a disease" (0.8): who a group is, called a sickness. */
  private beingIsIllness(w: string, end: number): void {
    let k = 1;
    if (this.wordAt(k) === 'mental') k++;
    if (ARTICLES.has(this.hashAt(k))) k++;
    if (this.wordAt(k) !== 'is' || !(this.roleAt(k + 1) > 0 && this.roleAt(k + 1) & R.GROUP)) return;
    if (this.wordAt(k + 2) !== 'being' || !this.saidOutright(k + 3)) return; // not "the idea that being gay is …"
    const match = `being ${this.wordAt(k + 1) ?? ''} is ${w}`;
    this.hit('identity_attack', 0.8, this.startAt(k + 2), end, match, 'who a group is called a sickness');
  }

  /**
   * "I'd rather die than date a trans person" (0.75): any contact with a group put below death. At
   * the group's name, one member ("a Muslim") or all.
   */
  private ratherDie(e: LexEntry, roles: number, end: number): void {
    let named = this.groupName(e, roles);
    if (named === 0 && this.anyMember(roles)) named = 1;
    if (named === 0) return;
    for (let k = named + 1; k <= named + 3; k++) {
      if (this.wordAt(k) !== 'than') continue;
      if (this.roleAt(k + 1) > 0 && this.roleAt(k + 1) & R.DIE && this.wordAt(k + 2) === 'rather')
        this.hit(
          'identity_attack',
          0.75,
          this.startAt(k + 2),
          end,
          `rather die than … ${e.word}`,
          'a group put below death',
        );
      return;
    }
  }

  /**
   * "<group> belong at home / in the home" (0.75, flagged: a sexist trope, as "… belong in the kitchen"),
   * "… belong in a zoo / in cages / in the jungle" (0.8: a group put with animals). `w`: the place.
   */
  private belongsIn(w: string, end: number): void {
    const k = ARTICLES.has(this.hashAt(1)) || this.wordAt(1) === 'the' ? 2 : 1;
    if (!AT_IN.has(this.hashAt(k)) || !BELONG.has(this.hashAt(k + 1))) return;
    const g = this.presentSubject(k + 2);
    if (g < 0) return;
    const home = w === 'home';
    const match = `${this.wordAt(g) ?? ''} … ${home ? 'at home' : `in a ${w}`}`;
    this.hit(
      'identity_attack',
      home ? 0.75 : 0.8,
      this.startAt(g),
      end,
      match,
      home ? 'sexist trope' : 'group called animals',
    );
  }

  /** "The Holocaust never happened", "I think the Holocaust is a hoax" (0.8): a genocide denied, said outright. */
  private genocideDenied(w: string, end: number): void {
    let denied = w === 'hoax';
    for (let k = 1; k <= 4; k++) {
      const r = this.roleAt(k);
      if (r < 0) return;
      if (w !== 'hoax' && (r & R.NEG || this.wordAt(k) === 'didnt')) denied = true; // "never happened", "didn't happen"
      const name = GENOCIDE.get(this.hashAt(k));
      if (name !== undefined) {
        // Said outright, not reported: "deniers claim the Holocaust never happened" is history.
        if (!denied || !this.saidOutright(this.wordAt(k + 1) === 'the' ? k + 2 : k + 1)) return;
        const match = `${name} … ${w}`;
        const hit: Hit = {
          category: 'identity_attack',
          score: 0.8,
          start: this.startAt(k),
          end,
          match,
          why: 'genocide denied',
        };
        // Held for the next word: "never happened the way the film shows it" disputes a telling.
        this.held = { hit, undoneBy: HOW, alone: false };
        return;
      }
    }
  }

  /** "Every Jew deserves a bullet", "you deserve a beating", "… an acid attack" (0.85): violence wished as deserved. */
  private bulletDeserved(what: string, end: number, words: number): void {
    const a = this.wordAt(words);
    if ((a !== 'a' && a !== 'an' && a !== 'the') || !DESERVE.has(this.wordAt(words + 1) ?? '')) return;
    const k = this.target(words + 2, words + 5);
    if (k < 0) return;
    const group = this.groupAtTarget(k);
    const match = `${this.wordAt(k) ?? ''} … deserve ${a} ${what}`;
    this.threatOf(group, 0.85, this.startAt(k), end, match, group ? 'wishing death on a group' : 'wishing death');
  }

  /**
   * "<group> should be stoned / starved / put to death", "you deserve to be beaten to death" (0.9): a
   * death called for a group or the reader, whatever the verb. Not said of one person ("he should be
   * sentenced to death" is a view on a trial).
   */
  private deathCalledFor(end: number): void {
    if (CRUEL.has(this.hashAt(1))) {
      // "<group> deserve a slow and painful death"
      let j = 2;
      while (j <= 4 && (CRUEL.has(this.hashAt(j)) || this.hashAt(j) === AND)) j++;
      this.bulletDeserved('painful death', end, j);
      return;
    }
    if (this.wordAt(1) !== 'to' || this.wordAt(3) !== 'be' || this.hashAt(2) === SENTENCED) return;
    const k = this.target(4, 8);
    if (k < 0 || !this.normative(k)) return;
    const group = this.groupAtTarget(k);
    if (!group && !(this.roleAt(k) & R.SECOND)) return;
    const match = `${this.wordAt(k) ?? ''} … to death`;
    this.threatOf(
      group,
      0.9,
      this.startAt(k),
      end,
      match,
      group ? 'calling for the deaths of a group' : 'wishing death',
    );
  }

  /** "I wish <group> didn't exist", "<group> should not exist" (0.8): a group's existence wished away. */
  private existenceDenied(end: number): void {
    let k = 1;
    const wished = this.wordAt(1) === 'didnt';
    if (!wished && this.wordAt(1) !== 'shouldnt') {
      if (!(this.roleAt(1) > 0 && this.roleAt(1) & R.NEG && NORMATIVE.has(this.hashAt(2)))) return;
      k = 2; // "should not", "must never"
    }
    const g = this.subjectGroup(k + 1);
    // "I wish <group> didn't exist", "the world would be better if <group> didn't exist"
    const better = this.hashAt(g + 1) === IF && BETTER.has(this.hashAt(g + 2));
    if (g < 0 || (wished && !WISH.has(this.wordAt(g + 1) ?? '') && !better)) return;
    this.hit(
      'identity_attack',
      0.8,
      this.startAt(g),
      end,
      `${this.wordAt(g) ?? ''} … exist`,
      'existence of a group wished away',
    );
  }

  /**
   * The one the participle just read should happen to: "<target> should / must / deserve to be (get) …",
   * "be lined up and shot"; its position, or -1.
   */
  private passiveTarget(at = 1): number {
    const w1 = this.wordAt(at);
    // "deserve to get shot", "be all shot", "be forcibly sterilised"
    let be =
      w1 === 'be' || w1 === 'get'
        ? at
        : this.wordAt(at + 1) === 'be' && (this.roleAt(at) & R.ALL || MANNER.has(this.hashAt(at)))
          ? at + 1
          : -1;
    // "be lined up and shot", "be rounded up and gassed"
    if (be < 0 && w1 === 'and') for (let j = at + 2; j <= at + 3 && be < 0; j++) if (this.wordAt(j) === 'be') be = j;
    if (be < 0) return -1;
    const k = this.target(be + 1, be + 5);
    return k > 0 && this.normative(k) ? k : -1;
  }

  /** "a Muslim", "a trans person" after a verb ("never trust a …", "than date a …"): any member of the group. */
  private anyMember(roles: number): boolean {
    return (roles & R.GROUP) !== 0 && ARTICLES.has(this.hashAt(1));
  }

  /** Whether the target at k is a group: "<group>", "gay people". */
  private groupAtTarget(k: number): boolean {
    const r = this.roleAt(k);
    const named = r > 0 && (r & R.PERSON) !== 0 && this.roleAt(k + 1) > 0 && (this.roleAt(k + 1) & R.GROUP) !== 0;
    return (r & (R.GROUP | R.SLUR)) !== 0 || named;
  }

  /**
   * Harm refused to a group, ending at the participle just read: "<group> should not / must never be
   * deported", "… shouldn't be harassed", "… don't deserve to be treated …" (`HARMS`, violent verbs).
   */
  private protectedFromHarm(): boolean {
    if (this.wordAt(1) !== 'be') return false;
    let k = 2;
    if (this.wordAt(k) === 'to' && DESERVE.has(this.wordAt(k + 1) ?? '')) {
      k += 2;
      if (!(this.roleAt(k) > 0 && this.roleAt(k) & R.NEG)) return false;
      k++;
      if (DO.has(this.hashAt(k))) k++; // "do not deserve"
    } else k = this.negatedModal(k);
    return k > 0 && this.subjectGroup(k) > 0;
  }

  /** "<group> are not to blame": blame refused to a group. */
  private notToBlame(): boolean {
    const neg = this.roleAt(2);
    const be = this.roleAt(3);
    return (
      this.wordAt(1) === 'to' &&
      neg > 0 &&
      (neg & R.NEG) !== 0 &&
      this.wordAt(2) !== 'no' &&
      be > 0 &&
      (be & R.BE) !== 0 &&
      this.subjectGroup(4) > 0
    );
  }

  /** "Why should <group> be allowed to …?" (0.75, flagged): a right put in question, at the start of a sentence. */
  private rightQuestioned(end: number): void {
    if (this.wordAt(1) !== 'be') return;
    const g = this.subjectGroup(2);
    if (g < 0) return;
    const b = this.beforeName(g);
    if (this.hashAt(b) !== SHOULD || this.wordAt(b + 1) !== 'why' || b + 1 !== this.sentLen) return;
    this.hit(
      'identity_attack',
      0.75,
      this.startAt(b + 1),
      end,
      `why should ${this.wordAt(g) ?? ''} be allowed`,
      'a right put in question for a group',
    );
  }

  /** "should not be allowed", "shouldn't be allowed", "must never be allowed": a right denied, not reported. */
  private rightDenied(): boolean {
    return this.wordAt(1) === 'be' && this.negatedModal(2) > 0;
  }

  // ---- result -------------------------------------------------------------------------------

  private modelScore(k: number): number {
    const x = k === 0 ? this.mMaxT : this.mMaxH;
    if (x === NO_WINDOW) return 0;
    const m = this.model;
    return sigmoid((m.slope[k] ?? 1) * ((m.bias[k] ?? 0) + x * (m.scale[k] ?? 0)));
  }

  /**
   * Violence a group suffered, reported ("Jews were murdered", `violenceSuffered`), hate quoted to
   * denounce it (counter-speech.ts) or denied ("<group> are not disgusting", `deniedOfGroup`), harm or
   * blame refused to a group ("<group> should not be deported", `protectedFromHarm`): the model reads
   * these words as it reads hate, so both its heads count half.
   */
  private modelHalved(): boolean {
    return this.groupVictim || this.counter.denounced || this.hateDenied || this.groupProtected;
  }

  private finish(): ToxicityResult {
    return this.score(true);
  }

  /**
   * @internal For streams: the scores of the evidence committed so far (words that ended, windows
   * seen), without ending anything, or undefined when nothing changed since the last call. They
   * never exceed the final scores (every part is a running maximum), so a block they show is the
   * whole text's block too, with these exceptions: a later report of violence a group suffered
   * (`violenceSuffered`), a hateful word denied of a group (`deniedOfGroup`) or harm refused to it
   * (`protectedFromHarm`) halves the model's heads; a denouncing word after quoted hate lowers what
   * the rules found in it and halves the model's heads (`excuse`, counter-speech.ts), and a report
   * word after a quotation ('"…," he said') attributes it (`ATTRIBUTED`), so a block shown before any
   * of them may not be the whole text's. Cheap enough to ask after every chunk.
   */
  committedScores(): ToxicityScores | undefined {
    const key = this.hits * 8 + (this.sawGroup ? 4 : 0) + (this.modelHalved() ? 2 : 0) + this.insultWord;
    if (key === this.lastKey && this.mMaxT === this.lastMaxT && this.mMaxH === this.lastMaxH) return undefined;
    this.lastKey = key;
    this.lastMaxT = this.mMaxT;
    this.lastMaxH = this.mMaxH;
    return this.score(false).scores;
  }

  /** The scores (and with `withSpans`, the spans) of the evidence gathered so far. */
  private score(withSpans: boolean): ToxicityResult {
    const halved = this.modelHalved();
    const tox = halved ? this.modelScore(0) * 0.5 : this.modelScore(0);
    const hate = this.modelScore(1);
    const b = this.best;
    const profanity = b.profanity?.score ?? 0;
    const threat = Math.min(1, b.threat?.score ?? 0);
    let insult = b.insult?.score ?? 0;
    let identity = b.identity_attack?.score ?? 0;
    let extra: Hit[] | undefined;
    /** Model evidence: the span of the head's highest-scoring window, no matched word. */
    const model = (category: ToxicityCategory, head: number, score: number, why: string): Hit =>
      head === 1
        ? { category, start: this.mMaxStartH, end: this.mMaxEndH, match: '', score, why }
        : { category, start: this.mMaxStartT, end: this.mMaxEndT, match: '', score, why };
    // The model's identity-attack head counts fully only when a group is named.
    const hateScore = this.sawGroup && !halved ? hate : hate * 0.5;
    if (hateScore > identity && hateScore >= EXTRA_SPAN) {
      identity = hateScore;
      (extra ??= []).push(model('identity_attack', 1, hateScore, 'the model reads hostility toward a group'));
    }
    if (this.insultWord > 0) {
      const s = tox * this.insultWord;
      if (s > insult && s >= EXTRA_SPAN) {
        insult = s;
        (extra ??= []).push(model('insult', 0, s, 'the model reads an insult'));
      }
    }
    let toxicity = Math.max(insult, identity, threat);
    if (tox > toxicity) {
      toxicity = tox;
      if (tox >= EXTRA_SPAN)
        (extra ??= []).push(model('toxicity', 0, tox, 'the model reads the text as hateful or offensive'));
    }
    insult = Math.min(1, insult);
    identity = Math.min(1, identity);
    let spans: ToxicitySpan[] = [];
    if (withSpans && (this.spans.length > 0 || extra)) {
      const all = extra ? this.spans.concat(extra) : this.spans.slice();
      all.sort(bySpan);
      spans = all.slice(0, MAX_SPANS).map(freezeSpan);
    }
    return {
      scores: {
        toxicity: round(toxicity),
        insult: round(insult),
        profanity: round(profanity),
        identity_attack: round(identity),
        threat: round(threat),
      },
      spans,
    };
  }
}

/**
 * Texts that take every branch of the scanner once. V8 optimises a function from the types
 * it has seen; a branch never taken before deoptimises it when first hit, and a loop that is
 * then only ever re-entered through on-stack replacement never gets optimised again (measured:
 * 2–3× slower). Running these once, before the first real text, avoids that.
 */
const WARM_UP = [
  "Plain words, numbers 12 and 3.5, $18, 5*4, 3+4=7, 2x, x2, 2x4, don't, it’s “quoted” … — done! I am.",
  '3rd',
  'Café',
  'naïve ½',
  '😀',
  'zero\u200bwidth',
  'ｆｕｃｋ',
  'lone \ud800',
  'tab\tcr\r',
  'ctl\x01x',
  '#tag',
  '@user',
  'a|b',
  'C++',
  'word! ok',
  'word* ok',
  '**bold**',
  'f***',
  'x+3',
  '!!!!!!!!!!',
  'x'.repeat(60),
  'a b c d',
  'k y s',
  'fuuuck',
  'too small to assess the root',
  'you are an idiot',
  'kill them all',
  'they should be killed',
  'women are vermin',
  'death to them',
  'go back to your country',
  'I know where you live',
  'shut up',
  'screw you',
  'drink bleach',
  'go die',
  'Dick Cheney',
  'the women and the men',
  'kill the process',
  'all will see',
  'wow!!!!!!!!!!',
  '5*x',
  'the animals',
  'my country',
  'we live here',
  'feeling ill',
  'aaa bbb',
  "go b'ack home",
  'a fuuun book',
  'a niiice day',
  'one two three four five six seven eight nine ten '.repeat(6),
];
let warmed = false;

/**
 * @internal The scanner's one-time start-up, at most once per process: builds the lexicon, decodes
 * the weights and warms the JIT on {@link WARM_UP}. `toxicity()`
 * calls it when a detector is created, so no call's detector budget pays for it; without it the
 * first scan does it.
 */
export function prepareScanner(): void {
  if (!warmed) warmUp();
}

/** @internal Whether the start-up of {@link prepareScanner} is done. */
export function scannerReady(): boolean {
  return warmed;
}

function warmUp(): void {
  warmed = true;
  const s = new ToxicityScanner();
  // One long text, three times: a push per line instead left `push` optimised for short chunks,
  // 1.4× slower on long texts afterwards (measured on the realistic-answer corpus).
  const text = WARM_UP.join('\n');
  for (let r = 0; r < 3; r++) s.scanWhole(text);
}

/** The code units buf[from, to) as a string (apply() takes the typed array: no array copy). */
function unitsString(buf: Uint16Array, from: number, to: number): string {
  return String.fromCharCode.apply(null, buf.subarray(from, to) as unknown as number[]);
}

/** A code unit the de-obfuscation keeps inside a word: a-z, 0-9 or anything outside ASCII. */
function isWordUnit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 128;
}

/**
 * Whether buf[from, to), each ASCII unit read through `codes` (-1: as it is), may be a listed word
 * as it is or with runs of a letter collapsed: whether either hash is in the lexicon's filter. A
 * cheap test before building the string.
 */
function mayBeListed(filter: Uint8Array, buf: Uint16Array, from: number, to: number, codes: Int16Array): boolean {
  const h = scratchHash.reset();
  const hc = scratchHash2.reset();
  let last = -1;
  for (let j = from; j < to; j++) {
    const c = buf[j] as number;
    const m = c < 128 ? (codes[c] as number) : -1;
    const d = m >= 0 ? m : c;
    h.add(d);
    if (d !== last) hc.add(d);
    last = d;
  }
  return filter[h.value() & FILTER_MASK] === 1 || filter[hc.value() & FILTER_MASK] === 1;
}

/** The token as it is, then its two leet readings. */
const LEET_CODES = [{}, LEET_A, LEET_B].map((table: Record<number, number>) => {
  const codes = new Int16Array(128).fill(-1);
  for (const [c, m] of Object.entries(table)) codes[Number(c)] = m;
  return codes;
});

function bySpan(x: Hit, y: Hit): number {
  return y.score - x.score || x.start - y.start;
}

function freezeSpan(s: Hit): ToxicitySpan {
  // A literal, not a spread: V8 freezes an object of known shape ≈ 20× faster (≈ 50 ns, not 1 µs).
  return Object.freeze({
    category: s.category,
    start: s.start,
    end: s.end,
    match: s.match,
    score: s.score,
    why: s.why,
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Scans a whole text at once. */
let pooled: ToxicityScanner | undefined;

export function scanToxicity(text: string): ToxicityResult {
  // One scanner reused across calls: scanning is synchronous, so it is never shared.
  const s = pooled ?? new ToxicityScanner();
  pooled = undefined;
  try {
    return s.scanWhole(text);
  } finally {
    pooled = s;
  }
}

/** @internal What the trainer sees of a text: the model's words and the rules' evidence. */
export interface TrainerView {
  /** The model's feature buckets, {@link SLOTS} per word, in order (features.ts). */
  readonly buckets: Int32Array;
  /** Rule scores without the model: profanity, and the strongest of insult, identity attack and threat. */
  readonly profanity: number;
  readonly rules: number;
  /** A group was named (the hate head then counts fully). */
  readonly sawGroup: boolean;
  /** Violence a group suffered was reported, or hate quoted to denounce it: both heads count half (`score`). */
  readonly modelHalved: boolean;
}

/** @internal The model's word hashes and the rules' evidence for a text (used by the trainer). */
export function trainerView(text: string): TrainerView {
  const words: number[] = [];
  const s = new ToxicityScanner((f) => {
    for (let j = 0; j < SLOTS; j++) words.push(f[j] as number);
  });
  s.push(text);
  s.end();
  return s.trainerEvidence(Int32Array.from(words));
}

/** @internal Lexicon/pattern evidence without the model, for the trainer's features. */
export type { Hit as ToxicityHit };

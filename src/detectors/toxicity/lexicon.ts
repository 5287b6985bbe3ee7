/**
 * Word lists used by the toxicity scanner. Content warning: slurs and profanity.
 *
 * The lexicon is not a blocklist: a word here is only *evidence* that the scanner combines with
 * its context (who is addressed, what verb, which group) and with the trained model. Entries
 * are matched as whole words of the normalised text (never as substrings, so "Scunthorpe",
 * "cockpit" and "shiitake" are safe), after the scanner has undone leetspeak, masks, separators
 * and repeated letters — and only when that undoing produces a word listed here.
 */
import { hashWord } from './word-hash.js';

/** Role bits: what a word can do in a pattern. */
export const R = {
  PROF: 1, // a swear word / obscenity (profanity score)
  EXPLETIVE: 2, // pure intensifier/expletive: hidden from the model so "fucking awesome" is not toxic
  // (GROUP words that are not slurs get no unigram weight, only bigrams: naming a group is never evidence)
  INSULT: 4, // an insult word (insult score when aimed at someone)
  SLUR: 8, // an identity slur (identity_attack)
  GROUP: 16, // names a group of people defined by identity
  PERSON: 32, // a person or people (object of a threat)
  SECOND: 64, // addresses the reader: you, u, ya, yall
  VIOLENT: 128, // a violent verb
  INTENT: 256, // will, gonna, should, must, going
  DIE: 512, // die, perish, rot
  ALL: 1024, // all, every, those, these
  DEHUMAN: 2048, // vermin, animals, subhuman … (said of a group)
  BE: 4096, // are, is, r, be
  NEG: 8192, // not, never, no, dont
  FILLER: 16384, // articles and intensifiers allowed between "you" and the insult
  SELF: 32768, // yourself, urself
  HOPE: 65536, // hope, wish
  THIRD: 131072, // he, she, they, this guy
  NAMEABLE: 262144, // also a given name or an innocent word when capitalised ("Dick Cheney")
  THREATWORD: 524288, // complete threat by itself ("kys")
  FIRST: 1048576, // i, we, im, ill
  LOATHE: 2097152, // hate, despise: hatred stated in the first person ("i hate <group>")
  REPORT: 4194304, // say, calling, the claim, the stereotype: what follows is reported, not meant
  DENOUNCE: 8388608, // wrong, hateful, racist, stop: the sentence speaks against what it reports
  REGARD: 16777216, // smart, capable, matter, belong, respect: a quality denied to a group ("<group> are not smart")
  GLUE: 33554432, // do, does, can, as, that, why, think: function words some rules read by their spelling
  ATTRIBUTE: 67108864, // lazy, greedy, criminals, terrorists: a derogatory attribute ("<group> are lazy")
  PLAIN: 134217728, // wife, boss: read only as written, never in disguise ("sooon" is not "son")
  RULES_ONLY: 268435456, // a group only the rules read as one; the model reads the word as written (see the list)
} as const;

export interface LexEntry {
  readonly word: string;
  readonly roles: number;
  /** Profanity severity in [0, 1] (how strong a swear word it is). */
  readonly prof: number;
  /** Insult severity in [0, 1] when aimed at someone. */
  readonly insult: number;
  /** Identity-attack severity in [0, 1] for a slur. */
  readonly slur: number;
  /** Canonical word (for reasons): "fucking" → "fuck". */
  readonly base: string;
  /** The word can complete a pattern (the scanner runs its pattern checks only for these). */
  readonly trigger: boolean;
}

/** Suffixes generated for a stem written as `stem+`. */
const SUFFIXES = [
  '',
  's',
  'es',
  'ed',
  'er',
  'ers',
  'ing',
  'in',
  'y',
  'ier',
  'iest',
  'head',
  'heads',
  'face',
  'wit',
  'tard',
];

// Each line: roles | profanity | insult | slur | words (stem+ expands with SUFFIXES)
// Numbers are severities in [0, 1]; roles are names from R joined by commas.
// (Data, not logic: rows of the same shape are what `duplicates` reports here, and are meant.)
const TABLE: readonly (readonly [string, number, number, number, string])[] = [
  // Pure expletives: profane, hidden from the model.
  [
    'PROF,EXPLETIVE',
    0.95,
    0,
    0,
    'fuck+ fck fcking fckin fkn fking fkin fuk fuks fukin fuking fukn fukk fukking fucc fuccing phuck phucking fuckn fucken fuckery fuckity effing fuc fucced fuckem fuggin',
  ],
  [
    'PROF,EXPLETIVE',
    0.9,
    0,
    0,
    'shit shits shitty shite shitting shitted shittin shyt bullshit horseshit batshit shitshow shitload shittier shittiest',
  ],
  ['PROF,EXPLETIVE', 0.7, 0, 0, 'wtf omfg lmfao stfu gtfo'],
  ['PROF,EXPLETIVE', 0.45, 0, 0, 'goddamn goddamned goddammit goddamnit dammit damnit bollocks'],
  ['PROF,EXPLETIVE', 0.35, 0, 0, 'damn damned crap crappy crapping frickin fricking freakin'],
  ['PROF,EXPLETIVE', 0.2, 0, 0, 'hell bloody'],
  // Obscene but not insults by themselves.
  [
    'PROF',
    0.7,
    0,
    0,
    'piss pissed pissing arse tits titties titty jizz wank wanking blowjob handjob dildo boner cocks',
  ],
  ['PROF', 0.6, 0, 0, 'porn porno horny'],
  ['PROF,NAMEABLE', 0.7, 0.75, 0, 'dick dicks'],
  ['PROF,NAMEABLE', 0.7, 0.7, 0, 'cock pussy pussies'],
  ['PROF,INSULT', 0.6, 0.6, 0, 'ass asses azz'],
  // Insults that are also profane.
  [
    'PROF,INSULT',
    0.95,
    0.95,
    0,
    'cunt cunts motherfucker motherfuckers motherfucking motherfuckin muthafucka muthafuckas muthafuckin mothafucka muhfucka muhfuckas mufucka mufuckas mufuckin cocksucking fucker fuckers fuckface fuckhead fuckwit cocksucker cocksuckers',
  ],
  [
    'PROF,INSULT',
    0.85,
    0.9,
    0,
    'asshole assholes arsehole dickhead dickheads shithead shitheads dipshit dipshits dumbass dumbasses fatass jackass twat twats wanker wankers douchebag douchebags',
  ],
  [
    'PROF,INSULT',
    0.85,
    0.85,
    0,
    'bitch bitches bitchy bitchin bitching biatch bich biches bytches whore whores slut sluts skank skanks thot thots thottie',
  ],
  ['PROF,INSULT', 0.6, 0.75, 0, 'bastard bastards'],
  // Also ordinary words (a garden hoe, prick a finger, the medical douche): an insult only when aimed at someone.
  ['PROF,INSULT', 0.85, 0.8, 0, 'hoe hoes douche'],
  // Also a verb: "prick your finger" (the scanner waits for the next word, as for a name).
  ['PROF,INSULT,NAMEABLE', 0.85, 0.8, 0, 'prick pricks'],
  // Slurs with an innocent homonym or name (scanner.ts HARMLESS_AFTER, HARMLESS_BEFORE): "a chink in
  // the armour", "coon hunting", "Dick Van Dyke", "a Maine Coon".
  ['NAMEABLE', 0, 0, 0, 'chink chinks coon coons dyke dykes'],
  // Insults (not profane).
  [
    'INSULT',
    0,
    0.85,
    0,
    'idiot idiots moron morons imbecile imbeciles cretin cretins numbskull dimwit dimwits halfwit nitwit scumbag scumbags lowlife lowlifes',
  ],
  [
    'INSULT',
    0,
    0.75,
    0,
    'cuck cucks libtard libtards shitlib shitlibs stupid stupidest idiotic moronic brainless braindead scum degenerate degenerates loser losers jerk jerks pathetic worthless',
  ],
  [
    'INSULT',
    0,
    0.6,
    0,
    'dumb dumber dumbest fool fools clown clowns freak freaks ugly pig pigs coward cowards trash garbage disgusting useless ignorant incompetent failure sissy',
  ],
  // Identity slurs.
  [
    'SLUR,PROF,GROUP',
    0.95,
    0.9,
    0.98,
    'nigger niggers nigguh sandnigger faggot faggots fagot kike kikes kyke wetback wetbacks raghead ragheads towelhead towelheads',
  ],
  // Racist and anti-Muslim coinages common on hate forums (found in the training split, none in the benign answers).
  [
    'SLUR,PROF,GROUP',
    0.95,
    0.9,
    0.98,
    'sandniggers niggress nigglet nigglets niglet niglets shitskin shitskins groid groids jigaboo jigaboos jiggaboo jiggaboos mudslime mudslimes muzrat muzrats muzzrat muzzrats',
  ],
  ['SLUR,PROF,GROUP', 0.9, 0.85, 0.9, 'nig nigs zipperhead zipperheads niggah niggahs nicca niccas'],
  ['SLUR,PROF,GROUP', 0.95, 0.9, 0.98, 'sheboon sheboons mudshark mudsharks goatfucker goatfuckers'],
  // More slurs and hate-forum coinages from the training split (antisemitic, anti-Muslim, racist, anti-refugee).
  [
    'SLUR,PROF,GROUP',
    0.9,
    0.85,
    0.9,
    'yid yids mussie mussies dindu dindus goathumper goathumpers rapefugee rapefugees holohoax niggerdom niggerette niggerettes niggerball currynigger curryniggers nignog nignogs mooslim mooslims muzzo muzzos zhid zhids dothead dotheads faggit faggits faggoty faggy',
  ],
  ['SLUR,GROUP', 0.3, 0.5, 0.6, 'negress negresses darkie darkies wigger wiggers wigga wiggas muslime muslimes'],
  ['SLUR,PROF,GROUP', 0.45, 0.85, 0.45, 'nigga niggas niggaz niqqa niqqas niga nigas niggga nigguhs'],
  [
    'SLUR,PROF,GROUP',
    0.9,
    0.85,
    0.9,
    'fag fags chink chinks gook gooks spic spics beaner beaners muzzie muzzies paki pakis wop wops dago dagos heeb heebs hymie shemale shemales',
  ],
  [
    'SLUR,PROF,GROUP,INSULT',
    0.7,
    0.85,
    0.85,
    'retard retards retarded tranny trannies trannys dyke dykes mongoloid mongoloids',
  ],
  [
    'SLUR,GROUP',
    0.3,
    0.5,
    0.6,
    'coon coons honky honkies honkie peckerwood peckerwoods redskin redskins spastic whitey whiteys homos',
  ],
  ['SLUR,GROUP', 0.2, 0.3, 0.45, 'negroes'],
  // Incel slurs for women, read by the rules only (the model, trained without them, reads the words).
  ['SLUR,GROUP,RULES_ONLY', 0, 0.5, 0.8, 'femoid femoids foid foids roastie roasties'],
  // Groups defined by identity (targets of hate; never toxic by themselves).
  [
    'GROUP,PERSON',
    0,
    0,
    0,
    'jews jew jewish judaism muslims muslim moslems islam islamic islamists arabs arab blacks black whites white asians asian mexicans mexican immigrants immigrant migrants migrant refugees refugee illegals foreigners africans african hispanics hispanic latinos latinas latino latina gay gays lesbian lesbians bisexual bisexuals homosexual homosexuals queer queers lgbt lgbtq trans transgender transgenders transsexual transsexuals women woman females female girls men males christians christian christianity catholics catholic hindus hindu hinduism sikhs sikh atheists atheist atheism feminists feminist gypsies negro indians chinese disabled',
  ],
  // More groups by nationality, ethnicity, religion, sexuality, disability and age, read as groups by
  // the rules only ("Roma are thieves", "deport all Somalis"). The model reads them as the words
  // they are, as it was trained: a group's name is a feature of the model, and a retrain with new
  // names moves its seed-sensitive `hate` head (MODEL.md). They are not glued or misspelt either.
  [
    'GROUP,PERSON,RULES_ONLY',
    0,
    0,
    0,
    'roma romani somalis somali pakistanis pakistani nigerians haitians syrians afghans iraqis iranians palestinians palestinian israelis turks kurds koreans japanese vietnamese filipinos indonesians russians ukrainians irish italians germans indigenous aboriginals aborigines natives inuit bangladeshis jamaicans europeans latinx buddhists buddhist mormons mormon protestants sunnis shias jains pagans nonbinary intersex asexuals autistic handicapped paraplegics amputees schizophrenics elderly',
  ],
  // People in general (objects of threats).
  [
    'PERSON',
    0,
    0,
    0,
    'people humans everyone everybody someone anyone kids children cops police him her them ppl folks',
  ],
  // Someone by role or kin: the object of a threat ("I'm going to kill my wife", "hang the president").
  [
    'PERSON,PLAIN',
    0,
    0,
    0,
    'wife husband boss neighbour neighbor teacher president senator mother father mom dad mum brother sister son daughter girlfriend boyfriend coworker colleague manager judge mayor governor politician politicians journalist journalists',
  ],
  ['PERSON,SECOND', 0, 0, 0, 'you u ya yall youse'],
  ['PERSON,SECOND,BE', 0, 0, 0, 'youre ur yer'],
  ['PERSON,SECOND,SELF', 0, 0, 0, 'yourself urself yourselves yaself'],
  ['THIRD', 0, 0, 0, 'he she they'],
  // "he's", "she's", "they're" as written without the apostrophe: the pronoun and "is"/"are".
  ['THIRD,BE', 0, 0, 0, 'hes shes theyre'],
  ['FIRST', 0, 0, 0, 'i we im ima imma ill iam weve well id ive'],
  // Threats.
  [
    'VIOLENT',
    0,
    0,
    0,
    'kill murder assassinate shoot stab hang lynch gas exterminate slaughter behead decapitate burn rape strangle choke bomb massacre execute torture slit butcher drown eradicate annihilate genocide hunt beat hurt punch slap eliminate sterilize sterilise euthanize euthanise enslave castrate wipe purge cull neuter electrocute crucify flog whip maim mutilate poison starve crush nuke dismember obliterate erase liquidate torch',
  ],
  ['THREATWORD', 0, 0, 0, 'kys'],
  [
    'INTENT',
    0,
    0,
    0,
    'will gonna going gon shall wanna must should ought need gotta deserve deserves plan plans planning intend intends intending',
  ],
  ['DIE', 0, 0, 0, 'die dies rot perish suffer suffers bleed bleeds'],
  ['ALL', 0, 0, 0, 'all every those these'],
  [
    'DEHUMAN',
    0,
    0,
    0,
    'vermin animals subhuman subhumans parasites savages cockroaches rats roaches apes monkeys filth inferior mongrels pests insects lice locusts snakes rodents infestation pestilence bloodsuckers demons gorillas',
  ],
  ['BE,FILLER', 0, 0, 0, 'are is r be am was were'],
  ['NEG', 0, 0, 0, 'not never no dont isnt arent wasnt werent aint nor'],
  [
    'FILLER',
    0,
    0,
    0,
    'a an the such so one some total complete absolute real fat little big damn really fucking stupid dumb ugly lazy worthless pathetic disgusting dirty filthy nothing',
  ],
  ['HOPE', 0, 0, 0, 'hope wish pray'],
  ['LOATHE', 0, 0, 0, 'hate despise detest loathe abhor dislike'],
  // Counter-speech: hate quoted or referred to in order to denounce it (counter-speech.ts).
  [
    'REPORT',
    0,
    0,
    0,
    'say says saying said tell tells telling told call calls calling called refer refers referring describe describes describing described portray portrays portrayed depict depicts depicted believed thought considered regarded viewed labelled labeled branded deemed dubbed claim claims claiming claimed write writes writing wrote tweet tweets tweeted statement statements idea notion belief beliefs assumption assumptions phrase phrases remark remarks comment comments term terms label labels joke jokes chant chants slogan slogans rhetoric',
  ],
  ['REPORT,DENOUNCE', 0, 0, 0, 'stereotype stereotypes myth myths trope tropes slur slurs'],
  // A quality denied to a group: "<group> are not smart", "<group> do not belong here", "I will never respect <group>".
  [
    'REGARD',
    0,
    0,
    0,
    'smart intelligent capable competent honest trustworthy civilised civilized worthy worth valid decent normal welcome matter belong belongs respect respected trust trusted rights equality dignity kindness compassion sympathy mercy equals compatible asset loyal faithful reliable grateful',
  ],
  // Derogatory attributes and stereotypes said of a whole group ("<group> are lazy", "<group> are
  // terrorists"): common stereotypes, written from general knowledge, not from any data set's rows.
  [
    'ATTRIBUTE',
    0,
    0,
    0,
    'drain scammers cheaters drunks drunkards defective unfit unintelligent frauds crooks gangsters looters extremists jihadists brainwashed promiscuous lazy greedy violent dangerous evil dishonest deceitful untrustworthy primitive backward backwards barbaric uncivilised uncivilized degenerate degenerates perverted perverts diseased ignorant inbred useless criminal criminals terrorists thieves rapists murderers pedophiles paedophiles predators liars cheats leeches freeloaders invaders burden threat menace vile disgrace deviants repulsive gross revolting horrible creepy awful terrible repugnant hideous loathsome despicable contemptible sickening nasty ruining destroying infesting monsters virus beasts swine maggots worst abomination abominations delusional incapable dirty filthy danger immoral depraved deranged predatory treacherous cruel thugs abusers mutants infection burdens bitter liar arrogant rude smelly stinky annoying selfish weak cowardly hypocrites hypocritical unhygienic unclean mindless savage twisted perverse sinful unnatural abnormal wicked corrupt sneaky devious manipulative disloyal traitors moochers spongers scroungers failures hysterical irrational whiny ungrateful hostile aggressive bloodthirsty fanatical fanatics zealots insane psychotic psychopaths sociopaths lunatics weirdos groomers pedos molesters pitiful parasitic unemployable terrorist rapist thief murderer predator pedophile paedophile pervert deviant invader',
  ],
  // Read by spelling: "<group> do not …", "not as …", "I think (that) <group> are …", "why are <group> so …",
  // "<group> disgust me", "I'm sick of <group>", "hunt down", "like rats", "no better than", "less than",
  // "women love animals", "I want to see <group> dead", "what do you think about ugly people?".
  [
    'GLUE',
    0,
    0,
    0,
    'do does did can could doesnt didnt wont wouldnt shouldnt couldnt as that why think believe feel reckon guess suppose me make makes sick tired disgust disgusts sicken sickens repulse repulses revolt revolts down like than more less lower worse love loves adore adores feed feeds keep keeps rescue rescues raise raises protect protects dead see want wants only good about obvious clear true it its knows rarely seldom hardly barely even',
  ],
  [
    'DENOUNCE',
    0,
    0,
    0,
    'wrong hateful racist racism sexist sexism bigoted bigotry offensive unacceptable harmful hurtful dehumanising dehumanizing derogatory demeaning ashamed shameful stop false untrue baseless prejudice prejudiced discriminatory inappropriate disrespectful xenophobic homophobic transphobic misogynistic antisemitic islamophobic ableist bigot bigots condemn condemns denounce denounces reject rejects debunked okay ok acceptable appropriate inflammatory insulting degrading stigmatizing stigmatising misleading unfounded unjust unfair pseudoscientific discredited',
  ],
];

/**
 * Tropes said of a group (scanner.ts `trope`), written from general knowledge of hate's common
 * claims: the last word, and the verbs that accuse the group with it ("<group> control the media",
 * "… are taking our jobs", "… are taking over our country", "… are replacing us", "… bring crime").
 */
export const TROPES: readonly (readonly [objects: string, verbs: string])[] = [
  ['media banks government hollywood money economy', 'control controls controlling run runs running own owns owning'],
  ['world', 'control controls own owns'], // not "girls run the world"

  ['jobs', 'taking take takes stealing steal steals'],
  [
    'country land nation streets neighborhoods neighbourhoods cities schools europe america britain england france germany sweden canada australia west',
    'invading invade invades flooding flood floods overrunning overrun overruns destroying destroy destroys ruining ruin ruins taking take takes',
  ],
  ['us', 'replacing replace replaces outbreeding outbreed outbreeds'],
  ['crime drugs violence terror terrorism disease diseases plague plagues', 'bring brings spread spreads spreading'],
  ['christ jesus', 'killed murdered crucified'], // "the Jews killed Christ"
  ['holocaust', 'exaggerate exaggerates invented invent faked fake'],
  ['war wars', 'behind'], // "… are behind every war"
  ['rabbits', 'breed breeds'], // "… breed like rabbits"
];
/** Parts of the body a threat names: "I'll slit your throat", "I will break your legs" (scanner.ts `bodyThreat`). */
export const BODY_PARTS: readonly string[] = [
  'throat',
  'throats',
  'neck',
  'face',
  'legs',
  'arms',
  'skull',
  'teeth',
  'jaw',
  'kneecaps',
];
/**
 * What a group is said to make the speaker feel (scanner.ts `revulsion`): "<group> make me angry",
 * "… fill me with rage", "… make my blood boil".
 */
export const MADE_TO_FEEL: readonly string[] = ['angry', 'mad', 'furious', 'ill', 'nauseous', 'puke', 'vomit'];
export const FILLED_WITH: readonly string[] = [
  'rage',
  'anger',
  'disgust',
  'hatred',
  'contempt',
  'revulsion',
  'fury',
  'loathing',
];
/** What makes a person, denied to a group (scanner.ts `lacking`): "<group> have no morals". */
export const LACKED_QUALITIES: readonly string[] = [
  'morals',
  'value',
  'worth',
  'soul',
  'souls',
  'brains',
  'shame',
  'conscience',
  'decency',
  'culture',
  'empathy',
  'honour',
  'honor',
];
/** "<group> make my blood boil", "… make my skin crawl": the idiom's last word → its noun. */
export const BODY_IDIOMS: readonly (readonly [last: string, noun: string])[] = [
  ['boil', 'blood'],
  ['crawl', 'skin'],
];
/**
 * Words that judge a quotation said before them in the sentence (scanner.ts, counter-speech.ts
 * `judge`): 'Statements like "<group> are animals" are vile', '… should be banned'. Only after a
 * closed quotation, where they cannot be the quoted hate itself.
 */
/**
 * Harm done to people, as a participle. Called for against a group, it is an identity attack
 * ("<group> should be deported / barred / segregated", scanner.ts `shouldBeHarmed`); refused to a
 * group, it protects the group ("<group> should not be deported", "… don't deserve to be harassed",
 * `protectedFromHarm`), and the model, which reads these words as it reads hate, counts half.
 */
export const HARMS: readonly string[] = [
  'deported',
  'expelled',
  'banned',
  'excluded',
  'discriminated',
  'harassed',
  'persecuted',
  'targeted',
  'punished',
  'blamed',
  'shamed',
  'stigmatized',
  'stigmatised',
  'demonized',
  'demonised',
  'marginalized',
  'marginalised',
  'segregated',
  'profiled',
  'scapegoated',
  'bullied',
  'mocked',
  'abused',
  'attacked',
  'forced',
  'denied',
  'ostracized',
  'ostracised',
  'silenced',
  'dehumanized',
  'dehumanised',
  'imprisoned',
  'jailed',
  'interned',
  'locked',
  'removed',
  'barred',
  'segregated',
  'exiled',
  'stripped',
  'forbidden',
  'shunned',
  'outlawed',
];
/** Who a group is denied being, besides a group's name: "<group> are not real citizens" (scanner.ts `BELONGING`). */
export const REAL_MEMBERS: readonly string[] = ['citizens', 'americans', 'patriots', 'humans'];
/** Harms with an ordinary sense when called for ("should be targeted by the campaign", "should be forced to restart"): read only when refused. */
export const HARMS_REFUSED_ONLY: readonly string[] = ['targeted', 'forced', 'denied', 'profiled', 'attacked', 'abused'];

export const QUOTE_JUDGED: readonly string[] = [
  'disgusting',
  'vile',
  'awful',
  'terrible',
  'horrible',
  'horrific',
  'appalling',
  'disgraceful',
  'despicable',
  'deplorable',
  'sickening',
  'shocking',
  'outrageous',
  'abhorrent',
  'repugnant',
  'repulsive',
  'revolting',
  'disturbing',
  'cruel',
  'evil',
  'nasty',
  'gross',
  'ignorant',
  'toxic',
  'dangerous',
  'inexcusable',
  'vicious',
  'poisonous',
  'banned',
  'removed',
  'deleted',
  'reported',
  'prosecuted',
  'arrested',
  'fired',
  'suspended',
  'blocked',
  'problem',
  'nonsense',
  'garbage',
  'trash',
  'rubbish',
  'lies',
  'propaganda',
  'speech',
];
/** Places of worship a threat names: "I'm going to bomb the synagogue", "burn down their mosques" (scanner.ts `placeAttacked`). */
export const PLACES_OF_WORSHIP: readonly string[] = [
  'mosque',
  'mosques',
  'synagogue',
  'synagogues',
  'church',
  'churches',
  'temple',
  'temples',
  'gurdwara',
  'gurdwaras',
];
/**
 * Words with no role that end a pattern (scanner.ts `objectWord`): what a trope accuses a group of
 * ("<group> control the media"), a part of the body, a place of worship, and the last words of
 * "… should be deported", "… should not exist", "… deserves a bullet", "… stoned to death", "… belong at home", "… never
 * happened", "… deserve to live", "… should not be allowed", "… belong in a zoo", "a waste of space", "… know their
 * place", "being gay is a sin".
 */
const OBJECT_WORDS = [
  ...TROPES.flatMap(([objects]) => objects.split(' ')),
  'camps',
  'prison',
  'prisons',
  'jail',
  'ghettos',
  'chambers',
  'ovens',
  'disappear',
  'vanish',
  'disappeared',
  'vanished',
  ...BODY_PARTS,
  ...PLACES_OF_WORSHIP,
  'kitchen',
  'came',
  'allowed',
  ...HARMS,
  'exist',
  'bullet',
  'beating',
  'attack',
  'death',
  'home',
  'zoo',
  'zoos',
  'cage',
  'cages',
  'jungle',
  'space',
  'oxygen',
  'air',
  'skin',
  'resources',
  'money',
  'penalty',
  'place',
  'illness',
  'disorder',
  'sin',
  'sickness',
  'happened',
  'happen',
  'hoax',
];

/** Words with no role of their own that patterns look for by spelling. */
const TRIGGER_WORDS = new Set([
  ...QUOTE_JUDGED,
  ...REAL_MEMBERS,
  'blame',
  'back', // "sent back"
  'away', // "kept away"
  ...MADE_TO_FEEL,
  ...FILLED_WITH,
  ...LACKED_QUALITIES,
  ...BODY_IDIOMS.map(([last]) => last),
  'off',
  'up',
  'fire',
  'live',
  'bleach',
  'country',
  'countries',
  'suck',
  'sucks',
  'human',
  'cancer',
  'plague',
  'disease',
  'me',
  'sick',
  'dead',
  ...OBJECT_WORDS,
]);
const TRIGGER_ROLES =
  R.PROF |
  R.GROUP |
  R.SLUR |
  R.INSULT |
  R.SECOND |
  R.SELF |
  R.THREATWORD |
  R.DIE |
  R.PERSON |
  R.VIOLENT |
  R.DEHUMAN |
  R.REPORT |
  R.DENOUNCE |
  R.REGARD |
  R.ATTRIBUTE;

export const PATTERN_WORDS = [
  ...QUOTE_JUDGED,
  ...REAL_MEMBERS,
  'blame',
  'away',
  ...MADE_TO_FEEL,
  ...FILLED_WITH,
  ...LACKED_QUALITIES,
  ...BODY_IDIOMS.map(([last]) => last),
  'what',
  'to',
  'of',
  'up',
  'off',
  'go',
  'piece',
  'pieces',
  'rather',
  'mental',
  'being',
  'wait',
  'full',
  'waste',
  'back',
  'your',
  'their',
  'country',
  'countries',
  'death',
  'know',
  'where',
  'live',
  'find',
  'and',
  'get',
  'suck',
  'sucks',
  'my',
  'shut',
  'screw',
  'eat',
  'in',
  'fire',
  'cancer',
  'bleach',
  'drink',
  'out',
  'wipe',
  'rid',
  'without',
  'better',
  'stand',
  'cannot',
  'cant',
  'plague',
  'disease',
  'van',
  'maine',
  'process',
  'processes',
  'his',
  'our',
  'human',
  'acid',
  ...OBJECT_WORDS,
];

const ROLE_NAMES = R as Readonly<Record<string, number>>;

function parseRoles(spec: string): number {
  let r = 0;
  for (const name of spec.split(',')) {
    const bit = ROLE_NAMES[name];
    if (bit === undefined) throw new Error(`toxicity lexicon: unknown role ${name}`);
    r |= bit;
  }
  return r;
}

/**
 * Ordinary words whose doubled letters would collapse into a listed word ("assess" → "asses",
 * "root" → "rot", "rapping" → "raping", "shiite" → "shite"): read as written, never collapsed.
 * Found by collapsing every word of ../shared/data and keeping the real English ones.
 */
const ORDINARY_DOUBLES =
  'assess assessed assesses assessing assessment assessor reassess root roots rooted rooting heel heels thee bee bees wee goon goons shiite shiites rapping rapper rappers rapped looser loosen woops noor aa ann ii iii iss hee shee conn conns poisson';

/** {@link ORDINARY_DOUBLES} as a list. */
export const ORDINARY_DOUBLE_WORDS: readonly string[] = ORDINARY_DOUBLES.split(' ');

/** Collapse runs of the same letter to one ("fuuuck" → "fuck"). */
export function collapseRepeats(word: string): string {
  let out = '';
  let last = -1;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c !== last) out += word[i];
    last = c;
  }
  return out;
}

export interface Lexicon {
  /** Exact spelling → entry. */
  readonly exact: ReadonlyMap<string, LexEntry>;
  /** hash(exact spelling) → entry (verified by spelling before use). */
  readonly byHash: ReadonlyMap<number, LexEntry>;
  /** hash(collapsed spelling) → entry, for "fuuuuck", "idiooot". */
  readonly byCollapsedHash: ReadonlyMap<number, LexEntry>;
  /** Hashes of ordinary words with doubled letters that are never collapsed ("assess", "root"). */
  readonly ordinary: ReadonlySet<number>;
  /** Bloom-style filter over both hashes: `filter[h & FILTER_MASK]` is 1 when h may be a word here. */
  readonly filter: Uint8Array;
  /**
   * Words of abuse grouped by length, for masked words ("f***", "motherf***er", "sc*m"); the
   * profane ones and slurs first.
   */
  readonly maskable: ReadonlyMap<number, readonly LexEntry[]>;
  /** Words built from letter runs must be one of these ("f u c k", "k y s"). */
  readonly bad: ReadonlySet<string>;
  /**
   * Misspellings of words that carry hate or abuse, one letter dropped or two neighbours swapped
   * ("muslms", "disgsuting"), by hash of the spelling (`misspellings`); never a spelling that is
   * itself listed. Also in `filter`. Checked by spelling before use.
   */
  readonly misspelt: ReadonlyMap<number, Misspelling>;
  /** Two listed words written as one ("ihate", "aredisgusting"; `GLUED_PAIRS`), by hash of the spelling. */
  readonly glued: ReadonlyMap<number, Glued>;
  /** Bloom filter over `glued`'s hashes (`mayBeGlued`): whether a word may be two glued words. */
  readonly gluedBits: Uint32Array;
}

/** Two listed words written without the space between them: `spelling` = `first.word` + `second.word`. */
export interface Glued {
  readonly spelling: string;
  readonly first: LexEntry;
  readonly second: LexEntry;
}

/** A misspelt spelling (hashed in `Lexicon.misspelt`) and the listed word it stands for. */
export interface Misspelling {
  readonly spelling: string;
  readonly entry: LexEntry;
  /** Read by the rules only; the model reads the token as written ({@link misspeltFrom}). */
  readonly rulesOnly: boolean;
}

/**
 * The shortest word of each role read through a misspelling ("I hate muslms", "they are
 * disgsuting", "I hte …", "<group> are verimn"). Shorter words are one letter from ordinary words
 * ("omen", "backs", "moon", "batch" from "biatch"): 7 letters for names, slurs and insults, 6 for
 * dehumanising words, 4 for the verbs of stated hatred. Not the violent verbs: "strange" is one
 * letter from "strangle", and a threat needs its verb spelt out.
 */
function misspeltFrom(roles: number): number {
  if (roles & R.RULES_ONLY) return Infinity;
  if (roles & R.LOATHE) return 4;
  if (roles & R.DEHUMAN) return 6;
  return roles & (R.GROUP | R.SLUR | R.INSULT) ? 7 : Infinity;
}
/**
 * Derogatory attributes of 7 letters or more are read through a misspelling too ("terorists",
 * "criminlas"), by the rules only: the model was trained reading the words above so, and these as
 * written.
 */
const ATTRIBUTE_MISSPELT_FROM = 7;

/** Ordinary words that are also one of `misspellings` of a listed word (found in ../shared/data). */
const ORDINARY_MISSPELLINGS = new Set([
  'refuge',
  'garage',
  'moneys',
  'christina',
  'christinas',
  'demos',
  'hae',
  'abuses',
  'violet',
  'invades',
  'sponges',
  'weirds',
  'mooches',
  'mutans',
]);

/**
 * The spellings of `word` with one inner letter dropped or two neighbouring letters swapped ("haet");
 * the first letter stays, and a dropped letter is never the last (a dropped first or last letter
 * makes ordinary words: "laughter", "savage").
 */
export function misspellings(word: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < word.length - 1; i++) {
    out.push(word.slice(0, i) + word.slice(i + 1));
    if (word[i] !== word[i + 1]) out.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  }
  return out;
}

/**
 * The pairs of roles whose words are read when written as one word with no space (HateCheck's
 * "missing word boundaries"): "Ihate <group>", "hatemuslims", "killall", "allmuslims", "muslimsare",
 * "aredisgusting", "disgustingvermin". Only pairs that carry hate together, each part at least 3
 * letters ("i" and "we" aside): "islice", "rapes" ("r apes"), "amass" stay words.
 */
const GLUED_PAIRS: readonly (readonly [number, number])[] = [
  [R.FIRST, R.LOATHE],
  [R.LOATHE, R.GROUP | R.ALL],
  [R.VIOLENT, R.GROUP | R.ALL],
  [R.ALL, R.GROUP],
  [R.GROUP, R.BE],
  [R.BE, R.INSULT | R.DEHUMAN | R.ATTRIBUTE | R.NEG],
  [R.INSULT, R.DEHUMAN],
];
/** Ordinary words that are two glued listed words: the Unix command. */
const ORDINARY_GLUED = new Set(['killall']);
/**
 * A Bloom filter over `Lexicon.glued`'s hashes, 2^19 bits (64 KiB) and two bits per word: 27,000 words
 * set about 10 % of the bits, so about 1 % of the long unknown words the fast path asks about go on to
 * the look-up (with one bit per word in 2^18, 10 % did, and the scanner was measurably slower).
 */
const GLUED_BITS = 19;
const GLUED_MASK = (1 << GLUED_BITS) - 1;
const setBit = (bits: Uint32Array, i: number): void => {
  bits[i >>> 5]! |= 1 << (i & 31);
};
const hasBit = (bits: Uint32Array, i: number): boolean => ((bits[i >>> 5] as number) & (1 << (i & 31))) !== 0;

/** Whether the word with hash `h` may be two glued words (`Lexicon.glued`). */
export const mayBeGlued = (bits: Uint32Array, h: number): boolean =>
  hasBit(bits, h & GLUED_MASK) && hasBit(bits, (h >>> 11) & GLUED_MASK);

function gluedWords(exact: ReadonlyMap<string, LexEntry>): { glued: Map<number, Glued>; gluedBits: Uint32Array } {
  const glued = new Map<number, Glued>();
  const gluedBits = new Uint32Array(1 << (GLUED_BITS - 5));
  const withRoles = (roles: number): LexEntry[] =>
    [...exact.values()].filter(
      (e) => e.roles & roles && !(e.roles & R.RULES_ONLY) && (e.word.length >= 3 || e.roles & R.FIRST),
    );
  const add = (first: LexEntry, second: LexEntry): void => {
    const spelling = first.word + second.word;
    if (exact.has(spelling) || ORDINARY_GLUED.has(spelling)) return;
    const h = hashWord(spelling);
    if (glued.has(h)) return;
    glued.set(h, { spelling, first, second });
    setBit(gluedBits, h & GLUED_MASK);
    setBit(gluedBits, (h >>> 11) & GLUED_MASK);
  };
  for (const [a, b] of GLUED_PAIRS) {
    const seconds = withRoles(b).filter((e) => e.word.length >= 3);
    for (const first of withRoles(a)) for (const second of seconds) add(first, second);
  }
  const death = exact.get('death');
  const to = exact.get('to');
  if (death && to) add(death, to); // "Deathto all …"
  return { glued, gluedBits };
}

/**
 * 2^17 entries (128 KiB): about 4 % of them are set by the ~9,000 spellings the lexicon reads; a word
 * that hits the filter leaves the scanner's short path, so at 2^16 (8 % set once session 13's
 * misspelt attributes were added) the realistic answers scanned ≈ 5 % slower.
 */
export const FILTER_BITS = 17;
export const FILTER_MASK = (1 << FILTER_BITS) - 1;

let cached: Lexicon | undefined;

/** Builds the lexicon once, on first use (nothing happens at import time). */
export function lexicon(): Lexicon {
  if (cached) return cached;
  const exact = new Map<string, LexEntry>();
  const add = (word: string, roles: number, prof: number, insult: number, slur: number, base: string): void => {
    const prev = exact.get(word);
    if (prev) {
      const r = prev.roles | roles;
      exact.set(word, {
        word,
        roles: r,
        prof: Math.max(prev.prof, prof),
        insult: Math.max(prev.insult, insult),
        slur: Math.max(prev.slur, slur),
        base: prev.base,
        trigger: (r & TRIGGER_ROLES) !== 0 || TRIGGER_WORDS.has(word),
      });
    } else {
      exact.set(word, {
        word,
        roles,
        prof,
        insult,
        slur,
        base,
        trigger: (roles & TRIGGER_ROLES) !== 0 || TRIGGER_WORDS.has(word),
      });
    }
  };
  for (const [roleSpec, prof, insult, slur, words] of TABLE) {
    const roles = parseRoles(roleSpec);
    for (const w of words.split(/\s+/)) {
      if (!w) continue;
      if (w.endsWith('+')) {
        const stem = w.slice(0, -1);
        for (const s of SUFFIXES) add(stem + s, roles, prof, insult, slur, stem);
      } else {
        add(w, roles, prof, insult, slur, w);
      }
    }
  }
  for (const w of PATTERN_WORDS) add(w, 0, 0, 0, 0, w);
  // Verbs: inflections count as the verb ("killing", "shot").
  const verbForms: Record<string, string> = {
    kills: 'kill',
    killing: 'kill',
    killed: 'kill',
    murdered: 'murder',
    assassinated: 'assassinate',
    murdering: 'murder',
    shooting: 'shoot',
    shot: 'shoot',
    stabbed: 'stab',
    stabbing: 'stab',
    hanged: 'hang',
    hanging: 'hang',
    lynched: 'lynch',
    gassed: 'gas',
    gassing: 'gas',
    exterminated: 'exterminate',
    exterminating: 'exterminate',
    slaughtered: 'slaughter',
    beheaded: 'behead',
    burned: 'burn',
    raped: 'rape',
    raping: 'rape',
    strangled: 'strangle',
    bombed: 'bomb',
    executed: 'execute',
    tortured: 'torture',
    hunted: 'hunt',
    killin: 'kill',
    eradicated: 'eradicate',
    eliminated: 'eliminate',
    eliminating: 'eliminate',
    sterilized: 'sterilize',
    sterilised: 'sterilise',
    euthanized: 'euthanize',
    euthanised: 'euthanise',
    enslaved: 'enslave',
    castrated: 'castrate',
    drowned: 'drown',
    wiped: 'wipe',
    purged: 'purge',
    culled: 'cull',
    neutered: 'neuter',
    electrocuted: 'electrocute',
    crucified: 'crucify',
    flogged: 'flog',
    whipped: 'whip',
    maimed: 'maim',
    mutilated: 'mutilate',
    poisoned: 'poison',
    starved: 'starve',
    crushed: 'crush',
    nuked: 'nuke',
    dismembered: 'dismember',
    obliterated: 'obliterate',
    erased: 'erase',
    liquidated: 'liquidate',
    torched: 'torch',
    died: 'die',
    dying: 'die',
    hurting: 'hurt',
    beaten: 'beat',
    slapped: 'slap',
    slapping: 'slap',
  };
  for (const [form, base] of Object.entries(verbForms)) {
    const e = exact.get(base);
    if (e) add(form, e.roles, 0, 0, 0, base);
  }

  const byHash = new Map<number, LexEntry>();
  const byCollapsedHash = new Map<number, LexEntry>();
  const filter = new Uint8Array(1 << FILTER_BITS);
  const maskable = new Map<number, LexEntry[]>();
  const bad = new Set<string>();
  const badRoles = R.PROF | R.INSULT | R.SLUR | R.VIOLENT | R.THREATWORD | R.DEHUMAN;
  for (const e of exact.values()) {
    const h = hashWord(e.word);
    if (!byHash.has(h)) byHash.set(h, e);
    filter[h & FILTER_MASK] = 1;
    if (e.roles & badRoles) bad.add(e.word);
    if (e.roles !== 0) {
      // Repeated letters are collapsed only into a listed word ("fuuuck", "youuu"); an unlisted
      // word such as "shiitake" never becomes "shitake".
      const c = hashWord(collapseRepeats(e.word));
      if (!byCollapsedHash.has(c)) byCollapsedHash.set(c, e);
      filter[c & FILTER_MASK] = 1;
    }
    if (e.roles & (R.PROF | R.SLUR | R.INSULT | R.DEHUMAN | R.ATTRIBUTE)) {
      let list = maskable.get(e.word.length);
      if (!list) maskable.set(e.word.length, (list = []));
      list.push(e);
    }
  }
  const misspelt = new Map<number, Misspelling>();
  for (const e of exact.values()) {
    const rulesOnly = e.word.length < misspeltFrom(e.roles);
    if (rulesOnly && !(e.roles & R.ATTRIBUTE && e.word.length >= ATTRIBUTE_MISSPELT_FROM)) continue;
    for (const m of misspellings(e.word)) {
      const h = hashWord(m);
      if (exact.has(m) || misspelt.has(h) || ORDINARY_MISSPELLINGS.has(m)) continue;
      misspelt.set(h, { spelling: m, entry: e, rulesOnly });
      filter[h & FILTER_MASK] = 1;
    }
  }
  // Strongest first: "f***" is read as the most severe word it can be.
  for (const list of maskable.values()) list.sort((a, b) => Math.max(b.prof, b.slur) - Math.max(a.prof, a.slur));
  const ordinary = new Set(ORDINARY_DOUBLE_WORDS.map(hashWord));
  cached = { exact, byHash, byCollapsedHash, ordinary, filter, maskable, bad, misspelt, ...gluedWords(exact) };
  return cached;
}

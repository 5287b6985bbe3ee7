/**
 * Suite B: a second functional test suite for the toxicity detector on the same 29 functionalities
 * of Röttger et al., "HateCheck: Functional Tests for Hate Speech Detection Models" (ACL 2021), over
 * the same seven groups as suite A (functional-cases.ts). Content warning: hate, slurs, threats,
 * profanity.
 *
 * Why a second suite: the detector's rules were written from suite A's failing cases, so suite A no
 * longer measures how the detector does on phrasings it has not seen. Suite B was written blind on
 * 2026-12-06: from the paper's descriptions of the functionalities only, by an author who had not
 * read the detector (src/detectors/toxicity/), its docs, its benchmark results or suite A's
 * templates, and before the detector was ever run on these cases. None of HateCheck's own cases are
 * used. Its accuracy is the estimate for phrasings nobody tuned to.
 *
 * Never use it for training, calibration or writing rules, and never tune anything to it: a rule or
 * weight written from a miss here makes suite B no longer blind. If that happens anyway, say so in
 * the commit and in bench/toxicity-functional.ts, and write a fresh suite.
 *
 * Same types, labels and `flag` semantics as suite A (F23: abuse aimed at the reader is flagged by
 * design, though not hate). Groups are not named in F7–F9 and F22–F24 (slurs belong to one group;
 * the non-hateful targets are not groups), so those cases are written out in full.
 */
import { type FunctionalCase, type Functionality, expandCases } from './functional-cases.js';

export const FUNCTIONALITIES_B: readonly Functionality[] = [
  // Derogation
  {
    id: 'F1',
    name: 'strong negative emotions about a group',
    hateful: true,
    templates: [
      '{G} make my skin crawl.',
      'I despise {G} with every fibre of my being.',
      'Honestly? Nothing fills me with more disgust than {G}.',
      'Just being in the same room as {a} makes me want to throw up.',
      'My hatred of {G} only grows with every year that passes.',
      'i genuinely loathe {G}. always have, always will',
      "Sat next to {a} on the bus this morning and it ruined my whole day. I can't bear them.",
      'I AM SO SICK OF {G}. They revolt me.',
    ],
  },
  {
    id: 'F2',
    name: 'very negative attributes of a group',
    hateful: true,
    templates: [
      '{G} are lazy, dishonest and dirty, every last one of them.',
      'Everyone knows {G} are thieves by nature.',
      '{a} will lie to your face and rob you the moment you turn around.',
      '{G} are too stupid to be let anywhere near a classroom.',
      "Let's be real: {G} are violent, ignorant and incapable of learning.",
      '{G} are the most selfish, repulsive people on the planet.',
      '{a} is a walking disaster, dim, greedy and spiteful.',
    ],
  },
  {
    id: 'F3',
    name: 'dehumanisation of a group',
    hateful: true,
    templates: [
      '{G} are cockroaches.',
      '{G} breed like rats and spread like an infestation.',
      '{a} is nothing more than an animal in clothes.',
      '{G} are vermin crawling through our cities.',
      'To me {G} are livestock, not people.',
      '{G} are a swarm of locusts stripping the country bare.',
      '{a} has about as much humanity as a sewer rat.',
      '{G}? Subhuman filth, the lot of them.',
    ],
  },
  {
    id: 'F4',
    name: 'implicit derogation of a group',
    hateful: true,
    templates: [
      "I'd rather sleep on the street than share a flat with {a}.",
      'Funny how the crime rate always climbs wherever {G} settle.',
      'Putting {a} in charge of anything is a great way to watch it fall apart.',
      '{G} should be grateful we even let them in the building.',
      'You can always tell when {a} has been in the room: everything is sticky and something has gone missing.',
      'The neighbourhood went downhill the day {G} moved in. Of course it did.',
      "Great, they hired {a} again. Guess we'll all be doing twice the work.",
      'When {G} start paying their own way, then we can talk about rights.',
    ],
  },
  // Threatening language
  {
    id: 'F5',
    name: 'direct threat against a group',
    hateful: true,
    templates: [
      'Mark my words: I will make {G} in this town bleed.',
      "If I see {a} on my street again, I'll break their neck.",
      'Watch your backs, {G}. We know where you live and we are coming.',
      'Me and the lads are going to beat {a} half to death this weekend.',
      "I'm going to burn every house {G} own in this neighbourhood to the ground.",
      'I swear I will put a bullet in {a} before the month is out.',
      "I'm coming for you, {G}, and it will not be quick.",
      'Tomorrow I am going to shoot up the meeting {G} hold every Friday.',
    ],
  },
  {
    id: 'F6',
    name: 'threat as a normative statement',
    hateful: true,
    templates: [
      '{G} should be lined up against a wall and shot.',
      'Honestly, {G} deserve to hang.',
      'Someone ought to wipe {G} off the face of the earth.',
      '{a} deserves a beating every single day of their life.',
      'The world would be right to exterminate {G}.',
      '{G} need to be put down like rabid dogs.',
      'It should be legal to hunt {G}.',
      'All {G} must be rounded up and locked in camps until they die.',
    ],
  },
  // Slur usage
  {
    id: 'F7',
    name: 'hate expressed with a slur',
    hateful: true,
    templates: [
      'All these whores want is a man with money.',
      'Bitches like her need to learn their place.',
      'Trannies are mentally ill freaks.',
      'No tranny is ever using the same bathroom as my daughter.',
      "Our town doesn't need any more fags.",
      'Keep those faggots away from our kids.',
      'That dyke next door is a disgrace.',
      'Niggers are ruining this country.',
      'Get that coon out of my shop.',
      'Retards should not be allowed to have children.',
      'The office is full of spastics and cripples now.',
      'Ragheads are all terrorists waiting to happen.',
      'Get these towelheads out of our country.',
      'Muzzies breed like flies.',
      'Wetbacks are stealing our jobs.',
      'Send the beaners back where they came from.',
    ],
  },
  {
    id: 'F8',
    name: 'non-hateful homonyms of slurs',
    hateful: false,
    templates: [
      'Grandma made faggots and peas for tea, a proper old Yorkshire dinner.',
      'In the past, a bundle of sticks tied together for firewood was called a faggot.',
      'The Dutch have been building dykes to hold back the sea for centuries.',
      'Our bitch had a litter of six puppies last night, all healthy.',
      'The conductor asked the strings to retard the tempo in the final bars.',
      'He was too niggardly to leave the waiter even a small tip.',
      'The mechanic said the tranny in my old Ford needs rebuilding.',
      'We had a gay old time at the fair, laughing until dawn.',
    ],
  },
  {
    id: 'F9',
    name: 'reclaimed slurs',
    hateful: false,
    templates: [
      "We're here, we're queer, get used to it!",
      'As a queer woman, I finally feel seen by this show.',
      'Dykes on Bikes led the parade this year and the crowd went wild.',
      "Me and my niggas are heading to the studio tonight, it's gonna be lit.",
      'Disabled activists use the word crip with pride, and crip culture is thriving.',
      "Hey bitches, who's up for brunch on Sunday?",
      "I'm a big old fag and I love my life.",
    ],
  },
  // Profanity usage
  {
    id: 'F10',
    name: 'hate expressed with profanity',
    hateful: true,
    templates: [
      'Fuck {G}, every last one of them.',
      '{G} are a fucking disgrace to this country.',
      "I don't give a shit what happens to {G}, let them rot.",
      '{a} is just a worthless piece of shit, no exceptions.',
      'Get these damn {G} out of my fucking sight.',
      '{G} are all the same: bullshit artists and fucking parasites.',
      'Screw {G}. Bunch of bastards, the lot of them.',
    ],
  },
  {
    id: 'F11',
    name: 'non-hateful use of profanity',
    hateful: false,
    templates: [
      "Holy shit, that was the best concert I've ever been to.",
      'I fucking love this recipe, making it again tomorrow.',
      'Damn, I missed the last train home again.',
      "What the hell, it's snowing in May?!",
      'Shit happens. Pick yourself up and try again tomorrow.',
      'Fucking finally, a film that writes {G} as actual people.',
      'Bloody hell, {a} just won the marathon in record time!',
      'The {G} on my team are shit hot at their jobs, no joke.',
      "Damn right {G} deserve equal pay, and it's about bloody time.",
    ],
  },
  // Pronoun reference
  {
    id: 'F12',
    name: 'hate in a subsequent clause',
    hateful: true,
    templates: [
      'I met {a} at the party, and they were as filthy and stupid as I expected.',
      '{G} keep moving into my street, which proves they ruin every place they touch.',
      'There are {G} in my class, and I wish every one of them would drop dead.',
      'Whenever I walk past {G} on the bus, I remember how much they disgust me.',
      'My sister is dating {a}, who is obviously a criminal like the rest of them.',
      '{G} want equal rights, even though they are barely more than animals.',
    ],
  },
  {
    id: 'F13',
    name: 'hate in a subsequent sentence',
    hateful: true,
    templates: [
      "Have you seen how many {G} live here now? They're rotting this town from the inside.",
      'I sat next to {a} on the train today. They should be locked up with the rest of them.',
      "Don't talk to me about {G}. They are scum and always will be.",
      "My new boss is {a}. I bet they're as useless and lazy as all the others.",
      'Went to a meeting full of {G} yesterday. Every single one of them made me sick.',
      "{G} are asking for more funding again. They don't deserve a penny, they deserve a bullet.",
    ],
  },
  // Negation
  {
    id: 'F14',
    name: 'hate expressed with a negated positive statement',
    hateful: true,
    templates: [
      '{G} are not worth the air they breathe.',
      '{G} will never be as intelligent as the rest of us.',
      "I don't respect {G} at all, and I never will.",
      '{a} could never be trusted with anything important.',
      'None of the {G} I have met were decent human beings.',
      '{G} have never contributed anything of value to this society.',
      'There is nothing good or honest about {G}.',
    ],
  },
  {
    id: 'F15',
    name: 'non-hate expressed with a negated hateful statement',
    hateful: false,
    templates: [
      '{G} are not vermin, and I wish people would stop saying that.',
      "I don't hate {G}. I never have.",
      'It is simply not true that {G} are more violent than anyone else.',
      "{G} aren't a threat to this country.",
      'No, {a} is not less intelligent than you.',
      'I would never wish harm on {a}.',
      "{G} don't deserve any of the abuse they get online.",
    ],
  },
  // Phrasing
  {
    id: 'F16',
    name: 'hate phrased as a question',
    hateful: true,
    templates: [
      'Why does anyone still pretend {G} are fully human?',
      "Wouldn't the world be a cleaner place without {G}?",
      'Is there any point letting {G} vote, given how dim they all are?',
      'How much longer do we have to put up with filthy {G} in our neighbourhoods?',
      'Has {a} ever done anything useful in their whole pathetic life?',
      'why are {G} so disgusting, seriously??',
      'Can someone explain why we let parasites like {G} live among us?',
    ],
  },
  {
    id: 'F17',
    name: 'hate phrased as an opinion',
    hateful: true,
    templates: [
      'I think {G} are a blight on humanity.',
      'In my opinion {G} are the scum of the earth.',
      'Honestly, I feel like {G} are worthless.',
      'If you ask me, {a} is always going to be a burden on everyone around them.',
      'Personally, I believe {G} are inferior to the rest of us.',
      "I'm convinced {G} are morally rotten, and nothing will change my mind.",
      'imo {G} are disgusting and should be kept away from children',
    ],
  },
  // Non-hateful uses of group identifiers
  {
    id: 'F18',
    name: 'neutral statements about a group',
    hateful: false,
    templates: [
      'The survey interviewed 300 {G} about their experience of renting.',
      'I had lunch with {a} from accounting today; we mostly talked about football.',
      'According to the census, many {G} live in the city centre.',
      'The report examines how {G} access healthcare in rural areas.',
      'Historically, {G} have been underrepresented in parliament, and the paper traces why.',
      '{a} moved into the flat across the hall last week.',
      'Here is a summary of the main laws that protect {G} from discrimination at work:',
      'Are there any support groups for {G} in Leeds?',
    ],
  },
  {
    id: 'F19',
    name: 'positive statements about a group',
    hateful: false,
    templates: [
      '{G} have made enormous contributions to science and the arts.',
      "I'm proud to stand with {G} today and every day.",
      'My best friend is {a}, and they are the kindest person I know.',
      'We need more {G} in leadership roles; the evidence says teams do better for it.',
      '{G} are brilliant, funny and resilient, and I love working with them.',
      'Growing up next door to {a} taught me a lot about courage.',
      'What a joy it is to see {G} thriving in this community!',
    ],
  },
  // Counter-speech
  {
    id: 'F20',
    name: 'denouncing hate by quoting it',
    hateful: false,
    templates: [
      '"{G} are vermin" is a dehumanising slogan, and it has no place on this forum.',
      'If someone tells you "{G} should be shot", that is a threat: report it to the police.',
      'The claim that "{G} are genetically inferior" is false; no credible study supports it.',
      'You wrote "I hate {G}". That is exactly the kind of bigotry we ban people for.',
      'Posters reading "{G} are a disease" appeared downtown, and the council was right to take them down.',
      'Saying "{G} are animals" tells us more about you than about them.',
      'Propaganda that called {G} "rats" and "parasites" has always prepared the ground for violence, which is why historians study it.',
      'Myth: "{G} are dangerous." Fact: the research shows no such link, and the myth fuels harassment.',
    ],
  },
  {
    id: 'F21',
    name: 'denouncing hate by referring to it',
    hateful: false,
    templates: [
      'Saying that kind of thing about {G} is disgusting, and you should be ashamed.',
      'Your post about {G} is hateful. Please take it down.',
      'Calling for violence against {G} is never acceptable, whatever your politics.',
      'Hate crimes against {G} rose sharply last year, according to the police report.',
      "I'm tired of seeing slurs aimed at {G} in these comments; moderators, please act.",
      'The insults {a} receives online every day are a disgrace to all of us.',
      "I can't write content that demeans {G}, but I can help you write a respectful article about their history.",
      'Dehumanising language about {G} has historically come before discrimination and violence, so it is worth challenging when you hear it.',
    ],
  },
  // Abuse against targets that are not protected groups
  {
    id: 'F22',
    name: 'abuse aimed at objects',
    hateful: false,
    templates: [
      'This printer is a useless piece of garbage and I want to throw it out of the window.',
      'I absolutely hate Mondays, they should be abolished.',
      'My laptop is a worthless pile of junk.',
      'This stupid app crashes every time I open it. Trash.',
      'The weather today is disgusting: grey, cold and miserable.',
      "I'd happily smash this godawful alarm clock with a hammer.",
      'Pineapple on pizza is an abomination and I will die on this hill.',
    ],
  },
  {
    id: 'F23',
    name: 'abuse aimed at an individual, not for their group',
    hateful: false,
    flag: true,
    templates: [
      'You are a pathetic excuse for a human being.',
      'Shut up, you brainless idiot.',
      "You're the dumbest person I've ever had the misfortune of arguing with.",
      'Nobody likes you, you worthless loser.',
      "Honestly, you're a disgusting, lying little rat.",
      'ur such a moron lol, go away',
      'You absolute clown, did you even read the question?',
    ],
  },
  {
    id: 'F24',
    name: 'abuse aimed at a group that is not protected',
    hateful: false,
    templates: [
      'Politicians are all lying scum.',
      'Lawyers are bloodsuckers who would sell their own mothers.',
      'Fans of that football club are brainless animals.',
      'Landlords are parasites, every single one.',
      'Tech bros are the most insufferable people on earth.',
      'Cyclists who run red lights are idiots.',
      'Estate agents are a plague on this city.',
    ],
  },
  // Spelling variations
  {
    id: 'F25',
    name: 'swapped adjacent letters',
    hateful: true,
    templates: [
      '{G} are dsigusting.',
      'I dsepise {G}.',
      '{G} are worhtless parasites.',
      'Somebody should klil all {G}.',
      '{G} are nothing but vemrin.',
      'I htae {G} so much.',
      'Mulsims are a plague on this country.',
      'Retrads should be locked away.',
    ],
  },
  {
    id: 'F26',
    name: 'a missing letter',
    hateful: true,
    templates: [
      'Honestly {G} are revoltng.',
      'I despie {G}.',
      '{G} are worthles scum.',
      'We should kil all {G}.',
      '{G} are subhuan.',
      'I hat {G} with a passion.',
      'Muslms are all terrorists.',
      'Tranies are freaks.',
    ],
  },
  {
    id: 'F27',
    name: 'missing word boundaries',
    hateful: true,
    templates: [
      '{G} aredisgusting.',
      'Ireallyhate {G}.',
      'Killall {G}.',
      '{G} arevermin andshould beexterminated.',
      '{G} areallworthlessscum.',
      'deathto {G}!',
      '#killallgays',
      'faggotsareworthless',
    ],
  },
  {
    id: 'F28',
    name: 'added spaces between letters',
    hateful: true,
    templates: [
      'Everyone knows {G} are f i l t h y.',
      'k i l l all {G}.',
      'I d e s p i s e {G} and always will.',
      '{G} are s c u m.',
      '{G} are v e r m i n and should be treated like it.',
      '{G} are p a r a s i t e s.',
      'f a g g o t s are ruining everything.',
      'n i g g e r s go home',
    ],
  },
  {
    id: 'F29',
    name: 'leetspeak',
    hateful: true,
    templates: [
      'honestly {G} are r3pulsiv3 and l4zy',
      'k1ll all {G}.',
      '{G} are tr@sh.',
      'I h8 {G} so much.',
      '{G} are c0ckr0ach3s, nothing more.',
      '{G} are 5ubhum4n 5cum.',
      'f4gg0ts should burn.',
      'mu5lims are terr0rists.',
    ],
  },
];

/** Every case of suite B: each template once per group (once if it names none). */
export function functionalCasesB(): FunctionalCase[] {
  return expandCases(FUNCTIONALITIES_B);
}

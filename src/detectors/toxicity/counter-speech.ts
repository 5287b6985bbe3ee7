/**
 * Counter-speech: hate about a group quoted or referred to in order to speak against it ("Calling gay
 * people vermin is dehumanising", "It is not okay to say that women are animals"). A report word
 * (lexicon role REPORT) opens a region of {@link REGION} words, closed early by a comma or the
 * sentence's end; what the rules find there of a group is denounced when a denouncing word (role
 * DENOUNCE) stands within {@link NEAR} words of it in the same sentence, before the report word or
 * after the hate. A report word in the past with no first person before it gives someone else's
 * words ("Nazi propaganda portrayed Jews as vermin"): attributed, it counts less, until a denouncing
 * word or the speaker's agreement later in the sentence decides. What is excused and by how much is
 * the scanner's (`excuse`, `endorse`). Why the limits:
 * docs/detectors/toxicity.md, Limitations. State is per sentence, so chunked equals whole.
 */

/** Words after a report word that it introduces ("say that women are animals"). */
const REGION = 8;
/** Words between the denouncing word and the report word before it, or the hate after it. */
const NEAR = 6;

export class CounterSpeech<H> {
  /** The report word whose region is open, or -1. */
  private reportAt = -1;
  /** That report word gives someone else's words or beliefs, in the past ("Nazi propaganda portrayed …"). */
  private attributed = false;
  /** The last denouncing word of this sentence, or -1. */
  private denounceAt = -1;
  /** The last word of this sentence that judges what is said (`judge`), or -1. */
  private judgedAt = -1;
  /** The open or last quotation came just after such a word: what it holds is denounced. */
  private judgedQuote = false;
  /** Inside a quotation: the next double quotation mark closes it. */
  private quoted = false;
  /** The word the open quotation starts at. */
  private quoteAt = -1;
  /** The last group named in an open region, or -1. */
  private groupAt = -1;
  /** That group was named inside a quotation. */
  private groupQuoted = false;
  /** Rule hits in a region of this sentence, not yet denounced, with their word index and whether they were quoted. */
  private pending: { hit: H; at: number; quoted: boolean }[] = [];
  /** This sentence's hits reported as someone else's words, not denounced (yet). */
  private attributedHits: H[] = [];
  /** Hate about a group was quoted or referred to and denounced: the model's heads count half. */
  denounced = false;

  /** Between an opening and a closing double quotation mark. */
  get inQuotation(): boolean {
    return this.quoted;
  }

  reset(): void {
    this.sentence();
    this.denounced = false;
    this.quoted = false;
  }

  copy(): CounterSpeech<H> {
    const c = new CounterSpeech<H>();
    Object.assign(c, this);
    c.pending = this.pending.slice();
    c.attributedHits = this.attributedHits.slice();
    return c;
  }

  /** A sentence starts at word `at`; a quotation opened just before that word opens this sentence's region. */
  sentence(at = -1): void {
    this.reportAt = this.quoted && this.quoteAt === at ? at : -1;
    this.denounceAt = this.judgedAt = this.groupAt = -1;
    this.judgedQuote = false;
    if (this.pending.length > 0) this.pending = [];
    if (this.attributedHits.length > 0) this.attributedHits = [];
  }

  comma(): void {
    this.reportAt = -1;
  }

  /**
   * A double quotation mark: the opening one opens a region as a report word does ('"Muslims are
   * scum" is a hateful thing to say'); the closing one leaves it open, so that the denouncing word
   * after the quotation is near. A quotation no one denounces counts fully ('"You people are
   * animals," he said.').
   */
  quote(at: number): void {
    this.quoted = !this.quoted;
    if (!this.quoted) return;
    this.quoteAt = at;
    this.report(at, false);
    this.judgedQuote = this.judgedAt >= 0 && at - this.judgedAt <= NEAR;
  }

  report(at: number, attributed: boolean): void {
    this.reportAt = at;
    this.attributed = attributed;
  }

  group(at: number): void {
    if (!this.inRegion(at)) return;
    this.groupAt = at;
    this.groupQuoted = this.quoted;
    if (this.denouncedBefore() || (this.quoted && this.judgedQuote)) this.denounced = true;
  }

  hit(hit: H, at: number): void {
    if (this.inRegion(at)) this.pending.push({ hit, at, quoted: this.quoted });
  }

  /** A denouncing word at word `at`: the pending hits it denounces (taken from the pending list). */
  denounce(at: number): H[] {
    // Inside a quotation that opened the region, a denouncing word is part of what is quoted ('"If
    // women reject me …"'): the quotation is denounced from outside it.
    if (this.quoted && this.reportAt === this.quoteAt) return [];
    this.denounceAt = at;
    if (this.groupAt >= 0 && (at - this.groupAt <= NEAR || this.groupQuoted)) this.denounced = true;
    // A closed quotation marks what it holds as mentioned: denounced anywhere later in its sentence
    // ('Whoever wrote "lesbians are disgusting" on the wall should be ashamed').
    const near = this.pending.filter((p) => at - p.at <= NEAR || p.quoted);
    this.pending = this.pending.filter((p) => at - p.at > NEAR && !p.quoted);
    return near.map((p) => p.hit).concat(this.takeAttributed());
  }

  /** The speaker agrees with what was reported ("and he was not wrong"): the attributed hits, to count fully. */
  endorse(): H[] {
    return this.takeAttributed();
  }

  private takeAttributed(): H[] {
    const hits = this.attributedHits;
    if (hits.length > 0) this.attributedHits = [];
    return hits;
  }

  /**
   * A word that judges what was said ("vile", "disgusting", "banned"), after a closed quotation in
   * its sentence: the quoted hits it denounces. Not before or inside a quotation, where the same
   * words are the hate itself ("Muslims are disgusting").
   */
  judge(at: number): H[] {
    if (this.quoted) return [];
    if (!this.pending.some((p) => p.quoted)) {
      this.judgedAt = at; // before a quotation: 'It is disgusting to write "…"'
      return [];
    }
    if (this.groupAt >= 0 && this.groupQuoted) this.denounced = true;
    return this.takeQuoted();
  }

  /** The pending hits a quotation holds, taken from the pending list. */
  private takeQuoted(): H[] {
    const quoted = this.pending.filter((p) => p.quoted).map((p) => p.hit);
    this.pending = this.pending.filter((p) => !p.quoted);
    return quoted;
  }

  /**
   * After a word's rules ran: the pending hits settled now, and whether they are denounced (a
   * denouncing word came just before the report word) or only attributed (reported as someone
   * else's words in the past, and not denounced, so far).
   */
  afterWord(): { hits: H[]; denounced: boolean } | undefined {
    if (this.pending.length === 0) return undefined;
    if (this.judgedQuote && this.pending.some((p) => p.quoted)) return { hits: this.takeQuoted(), denounced: true };
    const denounced = this.denouncedBefore();
    if (!denounced && !this.attributed) return undefined;
    const hits = this.pending.map((p) => p.hit);
    this.pending = [];
    // Attributed hits stay open to the rest of the sentence: a denouncing word ('Using "…" is widely
    // regarded as offensive') or the speaker's agreement ('…, he said, and he was not wrong') decides.
    if (!denounced) for (const h of hits) this.attributedHits.push(h);
    return { hits, denounced };
  }

  private inRegion(at: number): boolean {
    return this.reportAt >= 0 && at - this.reportAt <= REGION;
  }

  /** "It is not okay to say …", "stop calling …". */
  private denouncedBefore(): boolean {
    return this.denounceAt >= 0 && this.reportAt >= this.denounceAt && this.reportAt - this.denounceAt <= NEAR;
  }
}

/**
 * Counter-speech: hate about a group quoted or referred to in order to speak against it. "Calling
 * gay people vermin is dehumanising", "It is not okay to say that women are animals", "Saying
 * "Muslims are scum" is hateful and wrong", "the stereotype that immigrants are criminals". An
 * assistant that explains why a statement is hateful must not be counted as hateful.
 *
 * A report word (lexicon role REPORT: "saying", "calling", "the claim", "the stereotype") opens a
 * region of {@link REGION} words, closed early by a comma or the end of the sentence. What the
 * rules find said of a group there, and the group named there, is denounced when a denouncing word
 * (role DENOUNCE: "wrong", "hateful", "stop", "not okay") stands within {@link NEAR} words of it,
 * before the report word or after the hate, in the same sentence. Abuse aimed at the reader and
 * slurs are never excused ("stop being a …"); that choice is the scanner's (`excuse`).
 *
 * Measured on the training sources before the limits were set: with the region running to the end
 * of the sentence and the denouncing word anywhere in it, 135 rows lost a rule flag, most of them
 * abuse ("stop calling her a …", "i can say … on here"), since social media uses these words too.
 *
 * A report word in the past that gives someone else's words or beliefs ("Nazi propaganda portrayed
 * Jews as vermin", "slave owners claimed that …", "many believed women were inferior": history
 * answers) is attributed: what it introduces still counts, but less (the scanner's ATTRIBUTED), so
 * such a report is flagged, not blocked. Not when the speaker is in the sentence before it ("we
 * always said …").
 *
 * Word indices are the scanner's word count; state is bounded but for the pending hits of one
 * sentence's region, so chunked scanning equals whole scanning.
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
  /** The last group named in an open region, or -1. */
  private groupAt = -1;
  /** Rule hits in a region of this sentence, not yet denounced, with their word index. */
  private pending: { hit: H; at: number }[] = [];
  /** Hate about a group was quoted or referred to and denounced: the model's heads count half. */
  denounced = false;

  reset(): void {
    this.sentence();
    this.denounced = false;
  }

  copy(): CounterSpeech<H> {
    const c = new CounterSpeech<H>();
    Object.assign(c, this);
    c.pending = this.pending.slice();
    return c;
  }

  sentence(): void {
    this.reportAt = this.denounceAt = this.groupAt = -1;
    if (this.pending.length > 0) this.pending = [];
  }

  comma(): void {
    this.reportAt = -1;
  }

  report(at: number, attributed: boolean): void {
    this.reportAt = at;
    this.attributed = attributed;
  }

  group(at: number): void {
    if (!this.inRegion(at)) return;
    this.groupAt = at;
    if (this.denouncedBefore()) this.denounced = true;
  }

  hit(hit: H, at: number): void {
    if (this.inRegion(at)) this.pending.push({ hit, at });
  }

  /** A denouncing word at word `at`: the pending hits it denounces (taken from the pending list). */
  denounce(at: number): H[] {
    this.denounceAt = at;
    if (this.groupAt >= 0 && at - this.groupAt <= NEAR) this.denounced = true;
    const near = this.pending.filter((p) => at - p.at <= NEAR);
    this.pending = this.pending.filter((p) => at - p.at > NEAR);
    return near.map((p) => p.hit);
  }

  /**
   * After a word's rules ran: the pending hits settled now, and whether they are denounced (a
   * denouncing word came just before the report word) or only attributed (reported as someone
   * else's words in the past, and not denounced, so far).
   */
  afterWord(): { hits: H[]; denounced: boolean } | undefined {
    if (this.pending.length === 0) return undefined;
    const denounced = this.denouncedBefore();
    if (!denounced && !this.attributed) return undefined;
    const hits = this.pending.map((p) => p.hit);
    this.pending = [];
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

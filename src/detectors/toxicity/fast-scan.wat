;; The toxicity scanner's fastest stage, as WebAssembly: one pass over the UTF-8 bytes of a text
;; that tokenises, hashes each word (as word-hash.ts: four bytes per step) and runs the model's window
;; sums exactly as ToxicityScanner.plain() does. It takes plain words, numbers ("5*4", "$18"),
;; letters with digits ("p53"), words after leading symbols ("**bold**", "#tag"), group names,
;; punctuation and the characters in its tables (curly quotes, dashes, maths, emoji), asking
;; scanner.ts through imports about the few words that need the lexicon. It stops at a word that
;; could make a rule fire (hot filter), symbols inside or after letters ("sh!t", "f***"),
;; characters outside its tables, three single letters in a row, or a word whose collapsed form is
;; listed, and reports the last safe point (a sentence start) so that plain() takes that sentence.
;; Like plain() it runs the phrase checks on the words they concern ($phrase), so a violent verb, a
;; group's name or "country" stops it only where a pattern could actually complete.
;; Runs of plain words go through $words, a small loop whose state fits in registers; `run` (the
;; general loop) takes everything else.
;;
;; Built by `npm run build:wasm` (scripts/build-wasm.ts) into fast-scan-wasm.ts.
;; Memory layout (bytes) — fast-scan.ts mirrors these constants:
;;   CLS    0        256 B      class of a byte: scanner.ts CLASS for ASCII, 7 from 0x80 on
;;   STATE  1024     16 × i32   model state in/out (see fast-scan.ts); while `run` runs, also how it
;;                              hands its state to $words (slot 15: the run of single letters)
;;   SNAP   1152     16 × i32   the last safe point: the state there, as STATE (slot 15: its text offset)
;;   PHRASE 1216     4 × i32    hashes of "be", "you", "to", "death" (from scanner.ts's H)
;;   CTX    1232     4 × i32    the phrase checks' context in the sentence: the word counts at the last
;;                              "back", group name and violent word, and the last word count near a
;;                              violent word or "death" (see $phrase, $nearUntil)
;;   RING   2048     1024 × 3 × i32: prefix sums (toxic, hate) and start offset per word
;;   UNI    16384    64 KiB     class of a BMP code point: 0 stop, 1 separator, 2 skip
;;   HOT    81920    2^20 bits  words plain() must see (hot roles, patterns)
;;   COLL   212992   2^18 bits  collapsed forms of listed words ("fuuuck" → "fuck")
;;   TERM   245760   256 B      a byte's class for $words: 0 separator, 1 sentence end, 2 letter or digit, 3 other
;;   VEC    246016   5 × 16 B   vector constants for $words (0x20, 'a', 25, '0', 9 in every lane)
;;   FOLD   246096   1920 B     for U+0080..U+07FF: the one ASCII letter the scanner reads the
;;                              character as ("é" → e, Cyrillic "а" → a), or 0; `utf8` writes it
;;   SELF   253936   513 × 16 B words with repeated letters that always read as themselves ("will",
;;                              "root"), as $words holds them (lo, hi): a word is at slot (key & 511) or
;;                              the next one
;;   MODEL  262144   int8 weights, 2 heads interleaved (the last bucket is the zero bucket)
;;   IN     524288   the UTF-8 bytes; IN[nb] is a space
;;   EMOJI  655360   4 KiB: class of a code point in U+1F000..U+1FFFF, as UNI
;;   HRING  659456   1024 × i32: each word's hash, word i at 4 × (i % 1024)
;;   U16    720896   64 KiB     a segment of the text as UTF-16 (little-endian), for `utf8`
;;   LHOT   786432   2^18 bits  the hot words of ASCII letters, keyed on their letters ($words)
(module
  ;; collapses(hash, collapsed hash, first byte, letters): 1 when plain() would read the word as
  ;; the listed word it collapses to (scanner.ts decides, with the lexicon).
  (import "env" "collapses" (func $collapses (param i32 i32 i32 i32) (result i32)))
  ;; word(hash, first byte, letters), for a word in the hot filter: what it is, as flags (WORD in
  ;; fast-scan.ts): 0 not listed, 1 stop (plain() must see it), 2 listed, 4 a group's name (zero
  ;; unigram, bigrams only), and the roles the phrase checks use.
  (import "env" "word" (func $word (param i32 i32 i32) (result i32)))
  ;; mixed(first byte, length), for letters and digits together ("p53"): 1 when the full scan
  ;; could read it as a listed word (as it is, or as leetspeak: "k1ll").
  (import "env" "mixed" (func $mixed (param i32 i32) (result i32)))
  ;; lead(first byte, length, hash), for letters after leading symbols ("**bold**", "#tag", "@user"):
  ;; 1 when the full scan could read it, symbols and all, as a listed word; otherwise it is the model
  ;; word of its letters and digits (`plain()` decides the same way).
  (import "env" "lead" (func $lead (param i32 i32 i32) (result i32)))
  (memory (export "memory") 13)
  (data (i32.const 246016)
    "\20\20\20\20\20\20\20\20\20\20\20\20\20\20\20\20"
    "\61\61\61\61\61\61\61\61\61\61\61\61\61\61\61\61"
    "\19\19\19\19\19\19\19\19\19\19\19\19\19\19\19\19"
    "\30\30\30\30\30\30\30\30\30\30\30\30\30\30\30\30"
    "\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09")

  ;; The word hash of word-hash.ts: a group of four bytes mixed in; the byte count and the finish.
  (func $mix (param $h i32) (param $group i32) (result i32)
    (local.set $h (i32.mul (i32.xor (local.get $h) (local.get $group)) (i32.const 0x9e3779b1)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
  (func $finish (param $h i32) (param $n i32) (result i32)
    (local.set $h (i32.xor (local.get $h) (local.get $n)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0x3fffffff)))

  ;; The hash of the letters (lower-cased) and digits among bytes [p, end), other bytes skipped; with
  ;; `collapse`, of the letters only, a run of one letter once ("fuuuck" → "fuck").
  (func $hashRange (param $p i32) (param $end i32) (param $collapse i32) (result i32)
    (local $h i32) (local $acc i32) (local $n i32) (local $c i32) (local $k i32) (local $last i32)
    (local.set $h (i32.const 0x811c9dc5))
    (local.set $last (i32.const -1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u offset=524288 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $k (i32.load8_u (local.get $c)))
        (if (i32.eq (local.get $k) (i32.const 1)) (then (local.set $c (i32.or (local.get $c) (i32.const 32)))))
        (br_if $next (i32.eqz (select (i32.eq (local.get $k) (i32.const 1))
                                      (i32.lt_u (i32.sub (local.get $k) (i32.const 1)) (i32.const 2))
                                      (local.get $collapse))))
        (br_if $next (i32.and (local.get $collapse) (i32.eq (local.get $c) (local.get $last))))
        (local.set $last (local.get $c))
        (local.set $acc (i32.or (local.get $acc) (i32.shl (local.get $c) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 3)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (if (i32.eqz (i32.and (local.get $n) (i32.const 3)))
          (then
            (local.set $h (call $mix (local.get $h) (local.get $acc)))
            (local.set $acc (i32.const 0))))
        (br $next)))
    (if (i32.and (local.get $n) (i32.const 3))
      (then (local.set $h (call $mix (local.get $h) (local.get $acc)))))
    (call $finish (local.get $h) (local.get $n)))

  ;; Bit `x` of the bitset at `base` with `mask` + 1 bits.
  (func $bit (param $base i32) (param $x i32) (param $mask i32) (result i32)
    (local.set $x (i32.and (local.get $x) (local.get $mask)))
    (i32.and
      (i32.shr_u (i32.load8_u (i32.add (local.get $base) (i32.shr_u (local.get $x) (i32.const 3))))
                 (i32.and (local.get $x) (i32.const 7)))
      (i32.const 1)))

  ;; The phrase checks `plain()` runs on a listed word, with p1, p2, p3 the sentence's last three
  ;; words: 1 when `plain()` must see the sentence. Otherwise notes what later words are checked
  ;; against ("back", a group, a violent word). `flags` are fast-scan.ts's WORD, from scanner.ts:
  ;; stop 1, listed 2, group 4, violent 8, dehuman 16, person 32, country 64, live 128, back 256.
  (func $phrase (param $flags i32) (result i32)
    (local $count i32) (local $snap i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (if (i32.and (local.get $flags) (i32.const 1)) (then (return (i32.const 1))))
    (local.set $count (i32.load offset=1028 (i32.const 0)))
    (local.set $snap (i32.load offset=1156 (i32.const 0)))
    (if (i32.gt_s (local.get $count) (local.get $snap))
      (then (local.set $p1 (i32.load offset=659456 (i32.shl (i32.and (local.get $count) (i32.const 1023)) (i32.const 2))))))
    (if (i32.gt_s (i32.sub (local.get $count) (i32.const 1)) (local.get $snap))
      (then (local.set $p2 (i32.load offset=659456 (i32.shl (i32.and (i32.sub (local.get $count) (i32.const 1)) (i32.const 1023)) (i32.const 2))))))
    (if (i32.gt_s (i32.sub (local.get $count) (i32.const 2)) (local.get $snap))
      (then (local.set $p3 (i32.load offset=659456 (i32.shl (i32.and (i32.sub (local.get $count) (i32.const 2)) (i32.const 1023)) (i32.const 2))))))
    ;; "you live"
    (if (i32.and (i32.ne (i32.and (local.get $flags) (i32.const 128)) (i32.const 0))
                 (i32.eq (local.get $p1) (i32.load offset=1220 (i32.const 0))))
      (then (return (i32.const 1))))
    ;; "back … country" within six words
    (if (i32.and (i32.ne (i32.and (local.get $flags) (i32.const 64)) (i32.const 0))
                 (i32.le_s (i32.sub (local.get $count) (i32.load offset=1232 (i32.const 0))) (i32.const 6)))
      (then (return (i32.const 1))))
    ;; a group, then a vermin word within five
    (if (i32.and (i32.ne (i32.and (local.get $flags) (i32.const 16)) (i32.const 0))
                 (i32.le_s (i32.sub (local.get $count) (i32.load offset=1236 (i32.const 0))) (i32.const 5)))
      (then (return (i32.const 1))))
    ;; a person or group after "death to", or within five words of a violent one
    (if (i32.and (i32.ne (i32.and (local.get $flags) (i32.const 36)) (i32.const 0))
                 (i32.or (i32.or
                   (i32.and (i32.eq (local.get $p1) (i32.load offset=1224 (i32.const 0))) (i32.eq (local.get $p2) (i32.load offset=1228 (i32.const 0))))
                   (i32.and (i32.eq (local.get $p2) (i32.load offset=1224 (i32.const 0))) (i32.eq (local.get $p3) (i32.load offset=1228 (i32.const 0)))))
                   (i32.le_s (i32.sub (local.get $count) (i32.load offset=1240 (i32.const 0))) (i32.const 5))))
      (then (return (i32.const 1))))
    ;; "… be killed": a violent word one or two words after "be"
    (if (i32.and (i32.ne (i32.and (local.get $flags) (i32.const 8)) (i32.const 0))
                 (i32.or (i32.eq (local.get $p1) (i32.load offset=1216 (i32.const 0))) (i32.eq (local.get $p2) (i32.load offset=1216 (i32.const 0)))))
      (then (return (i32.const 1))))
    (if (i32.and (local.get $flags) (i32.const 256)) (then (i32.store offset=1232 (i32.const 0) (local.get $count))))
    (if (i32.and (local.get $flags) (i32.const 4)) (then (i32.store offset=1236 (i32.const 0) (local.get $count))))
    (if (i32.and (local.get $flags) (i32.const 8))
      (then
        (i32.store offset=1240 (i32.const 0) (local.get $count))
        (call $nearUntil (i32.add (local.get $count) (i32.const 5)))))
    (i32.const 0))

  ;; Words up to word count `until` are "near" (a violent word, or "death" to its third word): `plain()`
  ;; looks each up, so they go through `run`, which asks scanner.ts about them.
  (func $nearUntil (param $until i32)
    (if (i32.gt_s (local.get $until) (i32.load offset=1244 (i32.const 0)))
      (then (i32.store offset=1244 (i32.const 0) (local.get $until)))))

  ;; A new sentence: nothing noted yet.
  (func $newSentence
    (i32.store offset=1232 (i32.const 0) (i32.const -1000))
    (i32.store offset=1236 (i32.const 0) (i32.const -1000))
    (i32.store offset=1240 (i32.const 0) (i32.const -1000))
    (i32.store offset=1244 (i32.const 0) (i32.const -1)))

    ;; The model's step for one word, on the state in STATE: unigram and bigram weights into the prefix
  ;; sums, the best window per head. A group's name (kind 2) reads the zero unigram bucket (its index
  ;; is in STATE[14]). $words does the same in registers.
  (func $step (param $wh i32) (param $kind i32) (param $ts i32) (param $te i32)
    (local $u i32) (local $b i32) (local $count i32) (local $pT i32) (local $pH i32) (local $x i32)
    (local $sT i32) (local $sH i32) (local $first i32) (local $mask i32)
    ;; "death": its next three words are near it (the "death to …" pattern).
    (if (i32.eq (local.get $wh) (i32.load offset=1228 (i32.const 0)))
      (then (call $nearUntil (i32.add (i32.load offset=1028 (i32.const 0)) (i32.const 3)))))
    (local.set $mask (i32.load offset=1072 (i32.const 0)))
    (local.set $u (i32.shl (i32.and (local.get $wh) (local.get $mask)) (i32.const 1)))
    (if (i32.eq (local.get $kind) (i32.const 2))
      (then
        (local.set $u (i32.load offset=1080 (i32.const 0)))
        (i32.store offset=1076 (i32.const 0) (i32.const 1))))
    ;; bigramHash(prev, wh) of model.ts
    (local.set $b (i32.mul (i32.xor (i32.load offset=1024 (i32.const 0)) (i32.const 0x9e3779b9)) (i32.const 0x85ebca6b)))
    (local.set $b (i32.mul
      (i32.xor (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 13))) (local.get $wh))
      (i32.const 0xc2b2ae35)))
    (local.set $b (i32.shl (i32.and (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 16))) (local.get $mask)) (i32.const 1)))
    (i32.store offset=1024 (i32.const 0) (local.get $wh))
    (local.set $count (i32.add (i32.load offset=1028 (i32.const 0)) (i32.const 1)))
    (i32.store offset=1028 (i32.const 0) (local.get $count))
    (i32.store offset=659456 (i32.shl (i32.and (local.get $count) (i32.const 1023)) (i32.const 2)) (local.get $wh))
    ;; Both heads of a bucket in one 16-bit read: toxic in the low byte, hate in the high.
    (local.set $u (i32.load16_s offset=262144 (local.get $u)))
    (local.set $b (i32.load16_s offset=262144 (local.get $b)))
    (local.set $pT (i32.add (i32.load offset=1032 (i32.const 0))
      (i32.add (i32.extend8_s (local.get $u)) (i32.extend8_s (local.get $b)))))
    (local.set $pH (i32.add (i32.load offset=1036 (i32.const 0))
      (i32.add (i32.shr_s (local.get $u) (i32.const 8)) (i32.shr_s (local.get $b) (i32.const 8)))))
    (i32.store offset=1032 (i32.const 0) (local.get $pT))
    (i32.store offset=1036 (i32.const 0) (local.get $pH))
    (local.set $x (i32.mul (i32.and (local.get $count) (i32.const 1023)) (i32.const 12)))
    (i32.store offset=2048 (local.get $x) (local.get $pT))
    (i32.store offset=2052 (local.get $x) (local.get $pH))
    (i32.store offset=2056 (local.get $x) (local.get $ts))
    (local.set $sT (local.get $pT))
    (local.set $sH (local.get $pH))
    (local.set $first (i32.const 1))
    (if (i32.gt_s (local.get $count) (i32.const 24))
      (then
        (local.set $x (i32.mul (i32.and (i32.sub (local.get $count) (i32.const 24)) (i32.const 1023)) (i32.const 12)))
        (local.set $sT (i32.sub (local.get $pT) (i32.load offset=2048 (local.get $x))))
        (local.set $sH (i32.sub (local.get $pH) (i32.load offset=2052 (local.get $x))))
        (local.set $first (i32.sub (local.get $count) (i32.const 23)))))
    (if (i32.gt_s (local.get $sT) (i32.load offset=1040 (i32.const 0)))
      (then
        (i32.store offset=1040 (i32.const 0) (local.get $sT))
        (i32.store offset=1048 (i32.const 0) (i32.load offset=2056 (i32.mul (i32.and (local.get $first) (i32.const 1023)) (i32.const 12))))
        (i32.store offset=1056 (i32.const 0) (local.get $te))))
    (if (i32.gt_s (local.get $sH) (i32.load offset=1044 (i32.const 0)))
      (then
        (i32.store offset=1044 (i32.const 0) (local.get $sH))
        (i32.store offset=1052 (i32.const 0) (i32.load offset=2056 (i32.mul (i32.and (local.get $first) (i32.const 1023)) (i32.const 12))))
        (i32.store offset=1060 (i32.const 0) (local.get $te)))))

  ;; The common case, in a small function of its own so that its state stays in registers: words of
  ;; ASCII letters, each followed by separators (space, comma, …), from the word at byte `i` (no token
  ;; open). Reads the model state from STATE and writes it back. Returns the byte where it stopped: a
  ;; sentence end or anything else after a word, or the start of a word it leaves to `run` (a word
  ;; in the hot filter, an overlong word, a third single letter, one with repeated letters that may be
  ;; listed) — then `run` takes that word as if this function had not seen it. Each word is treated
  ;; exactly as `run` would.
  (func $words (param $i i32) (param $adj i32) (param $nb i32) (result i32)
    (local $j i32) (local $d i32) (local $h i32) (local $last i32)
    (local $n i32) (local $wh i32) (local $ones i32) (local $x i32) (local $hc i32)
    (local $v v128) (local $lv v128) (local $lo i64) (local $hi i64) (local $digit i32) (local $acc i32) (local $k i32) (local $q i32)
    (local $prev i32) (local $count i32) (local $prefT i32) (local $prefH i32) (local $maxT i32) (local $maxH i32)
    (local $mask i32) (local $singles i32) (local $u i32) (local $b i32) (local $pT i32) (local $pH i32)
    (local $sT i32) (local $sH i32) (local $first i32) (local $ts i32) (local $near i32) (local $term i32) (local $key i32)
    (local $k20 v128) (local $k61 v128) (local $k19 v128) (local $k30 v128) (local $k09 v128)
    (local.set $prev (i32.load offset=1024 (i32.const 0)))
    (local.set $count (i32.load offset=1028 (i32.const 0)))
    (local.set $prefT (i32.load offset=1032 (i32.const 0)))
    (local.set $prefH (i32.load offset=1036 (i32.const 0)))
    (local.set $maxT (i32.load offset=1040 (i32.const 0)))
    (local.set $maxH (i32.load offset=1044 (i32.const 0)))
    (local.set $mask (i32.load offset=1072 (i32.const 0)))
    (local.set $singles (i32.load offset=1084 (i32.const 0)))
    (local.set $near (i32.load offset=1244 (i32.const 0)))
    ;; Vector constants from memory (VEC): V8 would build a splat again on every word.
    (local.set $k20 (v128.load offset=246016 (i32.const 0)))
    (local.set $k61 (v128.load offset=246032 (i32.const 0)))
    (local.set $k19 (v128.load offset=246048 (i32.const 0)))
    (local.set $k30 (v128.load offset=246064 (i32.const 0)))
    (local.set $k09 (v128.load offset=246080 (i32.const 0)))
    (block $stop
      (loop $word
        ;; A word near a violent word or "death" goes through `run`'s phrase checks.
        (br_if $stop (i32.le_s (local.get $count) (local.get $near)))
        ;; The word's extent, 16 bytes at a time: a run of letters, or of digits (a number), then a
        ;; separator or a sentence end (TERM 0 or 1). Longer words are left to `run`.
        (local.set $v (v128.load offset=524288 (local.get $i)))
        (local.set $lv (v128.or (local.get $v) (local.get $k20)))
        (local.set $digit (i32.eq (i32.load8_u (i32.load8_u offset=524288 (local.get $i))) (i32.const 2)))
        (local.set $n (i32.ctz (i32.xor (i32.const -1) (i8x16.bitmask
          (if (result v128) (local.get $digit)
            (then (i8x16.le_u (i8x16.sub (local.get $v) (local.get $k30)) (local.get $k09)))
            (else (i8x16.le_u (i8x16.sub (local.get $lv) (local.get $k61)) (local.get $k19))))))))
        (br_if $stop (i32.ge_u (local.get $n) (i32.const 16)))
        (local.set $j (i32.add (local.get $i) (local.get $n)))
        (local.set $term (i32.load8_u offset=245760 (i32.load8_u offset=524288 (local.get $j))))
        (br_if $stop (i32.gt_u (local.get $term) (i32.const 1)))
        ;; Its hash (word-hash.ts) from two 8-byte loads: or-ing 0x20 lower-cases a letter and leaves a
        ;; digit as it is; bytes past the word masked off; one group mixed per four bytes.
        (local.set $lo (i64.or (i64.load offset=524288 (local.get $i)) (i64.const 0x2020202020202020)))
        (local.set $hi (i64.or (i64.load offset=524296 (local.get $i)) (i64.const 0x2020202020202020)))
        (if (i32.le_u (local.get $n) (i32.const 8))
          (then
            (local.set $lo (i64.and (local.get $lo) (i64.shr_u (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 64) (i32.shl (local.get $n) (i32.const 3)))))))
            (local.set $hi (i64.const 0)))
          (else
            (local.set $hi (i64.and (local.get $hi) (i64.shr_u (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 128) (i32.shl (local.get $n) (i32.const 3)))))))))
        (local.set $h (i32.mul (i32.xor (i32.const 0x811c9dc5) (i32.wrap_i64 (local.get $lo))) (i32.const 0x9e3779b1)))
        (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
        (local.set $hc (i32.mul (i32.xor (local.get $h) (i32.wrap_i64 (i64.shr_u (local.get $lo) (i64.const 32)))) (i32.const 0x9e3779b1)))
        (local.set $h (select (i32.xor (local.get $hc) (i32.shr_u (local.get $hc) (i32.const 15))) (local.get $h) (i32.gt_u (local.get $n) (i32.const 4))))
        (if (i32.gt_u (local.get $n) (i32.const 8))
          (then
            (local.set $h (i32.mul (i32.xor (local.get $h) (i32.wrap_i64 (local.get $hi))) (i32.const 0x9e3779b1)))
            (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
            (local.set $hc (i32.mul (i32.xor (local.get $h) (i32.wrap_i64 (i64.shr_u (local.get $hi) (i64.const 32)))) (i32.const 0x9e3779b1)))
            (local.set $h (select (i32.xor (local.get $hc) (i32.shr_u (local.get $hc) (i32.const 15))) (local.get $h) (i32.gt_u (local.get $n) (i32.const 12))))))
        (local.set $h (i32.xor (local.get $h) (local.get $n)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
        (local.set $wh (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0x3fffffff)))
        (block $counted
        (if (local.get $digit)
          (then
            ;; A number ends a run of single letters.
            (local.set $ones (i32.const 0))
            (br_if $stop (i32.eq (local.get $wh) (i32.load offset=1228 (i32.const 0)))) ;; hashes as "death"
            (br $counted)))
        (local.set $ones (select (i32.add (local.get $singles) (i32.const 1)) (i32.const 0) (i32.eq (local.get $n) (i32.const 1))))
        (br_if $stop (i32.ge_s (local.get $ones) (i32.const 3)))
        ;; A word the lexicon must see is left to `run`, which asks scanner.ts: this loop makes no call,
        ;; so its state never has to leave registers. The filter (LHOT) is keyed on the letters
        ;; themselves (fast-scan.ts, letterKey), not the word hash: the key is ready long before the
        ;; hash, so the processor can settle this branch early.
        (local.set $key (i32.wrap_i64 (i64.shr_u
          (i64.mul (i64.xor (local.get $lo) (i64.rotl (local.get $hi) (i64.const 29))) (i64.const 0x9e3779b97f4a7c15))
          (i64.const 46))))
        (br_if $stop (i32.and
          (i32.shr_u (i32.load8_u offset=786432 (i32.shr_u (local.get $key) (i32.const 3))) (i32.and (local.get $key) (i32.const 7)))
          (i32.const 1)))
        ;; So is a word with repeated letters whose collapsed form ("fuuuck" → "fuck") may be listed,
        ;; unless it is one that always reads as itself ("will", "all", "root": SELF, by its letters).
        (if (i32.and
              (i8x16.bitmask (i8x16.eq (local.get $lv) (v128.or (v128.load offset=524289 (local.get $i)) (local.get $k20))))
              (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))
          (then
            (local.set $x (i32.shl (i32.and (local.get $key) (i32.const 511)) (i32.const 4)))
            (if (i32.eqz (i32.or
                  (i32.and (i64.eq (i64.load offset=253936 (local.get $x)) (local.get $lo)) (i64.eq (i64.load offset=253944 (local.get $x)) (local.get $hi)))
                  (i32.and (i64.eq (i64.load offset=253952 (local.get $x)) (local.get $lo)) (i64.eq (i64.load offset=253960 (local.get $x)) (local.get $hi)))))
              (then
                ;; The collapsed word's hash, as $hashRange, inline (a call would cost this loop its registers).
                (local.set $hc (i32.const 0x811c9dc5))
                (local.set $acc (i32.const 0))
                (local.set $k (i32.const 0))
                (local.set $last (i32.const -1))
                (local.set $q (local.get $i))
                (loop $collapse
                  (local.set $d (i32.or (i32.load8_u offset=524288 (local.get $q)) (i32.const 32)))
                  (if (i32.ne (local.get $d) (local.get $last))
                    (then
                      (local.set $acc (i32.or (local.get $acc) (i32.shl (local.get $d) (i32.shl (i32.and (local.get $k) (i32.const 3)) (i32.const 3)))))
                      (local.set $k (i32.add (local.get $k) (i32.const 1)))
                      (if (i32.eqz (i32.and (local.get $k) (i32.const 3)))
                        (then
                          (local.set $hc (i32.mul (i32.xor (local.get $hc) (local.get $acc)) (i32.const 0x9e3779b1)))
                          (local.set $hc (i32.xor (local.get $hc) (i32.shr_u (local.get $hc) (i32.const 15))))
                          (local.set $acc (i32.const 0))))))
                  (local.set $last (local.get $d))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br_if $collapse (i32.lt_u (local.get $q) (local.get $j))))
                (if (i32.and (local.get $k) (i32.const 3))
                  (then
                    (local.set $hc (i32.mul (i32.xor (local.get $hc) (local.get $acc)) (i32.const 0x9e3779b1)))
                    (local.set $hc (i32.xor (local.get $hc) (i32.shr_u (local.get $hc) (i32.const 15))))))
                (local.set $hc (i32.xor (local.get $hc) (local.get $k)))
                (local.set $hc (i32.mul (i32.xor (local.get $hc) (i32.shr_u (local.get $hc) (i32.const 16))) (i32.const 0x85ebca6b)))
                (local.set $hc (i32.xor (local.get $hc) (i32.shr_u (local.get $hc) (i32.const 13))))
                (br_if $stop (i32.and
                  (i32.shr_u (i32.load8_u offset=212992 (i32.shr_u (i32.and (local.get $hc) (i32.const 0x3ffff)) (i32.const 3)))
                             (i32.and (local.get $hc) (i32.const 7)))
                  (i32.const 1))))))))
        ;; The word counts: the model step, as in `run`.
        (local.set $singles (local.get $ones))
        (local.set $ts (i32.sub (local.get $i) (local.get $adj)))
        (local.set $u (i32.shl (i32.and (local.get $wh) (local.get $mask)) (i32.const 1)))
        (local.set $b (i32.mul (i32.xor (local.get $prev) (i32.const 0x9e3779b9)) (i32.const 0x85ebca6b)))
        (local.set $b (i32.mul
          (i32.xor (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 13))) (local.get $wh))
          (i32.const 0xc2b2ae35)))
        (local.set $b (i32.shl (i32.and (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 16))) (local.get $mask)) (i32.const 1)))
        (local.set $prev (local.get $wh))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (i32.store offset=659456 (i32.shl (i32.and (local.get $count) (i32.const 1023)) (i32.const 2)) (local.get $wh))
        (local.set $u (i32.load16_s offset=262144 (local.get $u)))
        (local.set $b (i32.load16_s offset=262144 (local.get $b)))
        (local.set $pT (i32.add (local.get $prefT)
          (i32.add (i32.extend8_s (local.get $u)) (i32.extend8_s (local.get $b)))))
        (local.set $pH (i32.add (local.get $prefH)
          (i32.add (i32.shr_s (local.get $u) (i32.const 8)) (i32.shr_s (local.get $b) (i32.const 8)))))
        (local.set $x (i32.mul (i32.and (local.get $count) (i32.const 1023)) (i32.const 12)))
        (i32.store offset=2048 (local.get $x) (local.get $pT))
        (i32.store offset=2052 (local.get $x) (local.get $pH))
        (i32.store offset=2056 (local.get $x) (local.get $ts))
        (local.set $prefT (local.get $pT))
        (local.set $prefH (local.get $pH))
        (local.set $sT (local.get $pT))
        (local.set $sH (local.get $pH))
        (local.set $first (i32.const 1))
        (if (i32.gt_s (local.get $count) (i32.const 24))
          (then
            (local.set $x (i32.mul (i32.and (i32.sub (local.get $count) (i32.const 24)) (i32.const 1023)) (i32.const 12)))
            (local.set $sT (i32.sub (local.get $pT) (i32.load offset=2048 (local.get $x))))
            (local.set $sH (i32.sub (local.get $pH) (i32.load offset=2052 (local.get $x))))
            (local.set $first (i32.sub (local.get $count) (i32.const 23)))))
        ;; A new best window (rare): its start and end straight into STATE.
        (if (i32.gt_s (local.get $sT) (local.get $maxT))
          (then
            (local.set $maxT (local.get $sT))
            (i32.store offset=1048 (i32.const 0) (i32.load offset=2056 (i32.mul (i32.and (local.get $first) (i32.const 1023)) (i32.const 12))))
            (i32.store offset=1056 (i32.const 0) (i32.sub (local.get $j) (local.get $adj)))))
        (if (i32.gt_s (local.get $sH) (local.get $maxH))
          (then
            (local.set $maxH (local.get $sH))
            (i32.store offset=1052 (i32.const 0) (i32.load offset=2056 (i32.mul (i32.and (local.get $first) (i32.const 1023)) (i32.const 12))))
            (i32.store offset=1060 (i32.const 0) (i32.sub (local.get $j) (local.get $adj)))))
        ;; On past the separators and sentence ends to the next word or number, if one comes next.
        (local.set $i (local.get $j))
        (loop $sep
          (if (local.get $term)
            (then
              ;; A sentence end is a safe point, as `run` makes it (see there), unless it follows a
              ;; single letter ("e.g."): the state as of here into SNAP, and a new sentence
              ;; ($newSentence, inline, as in `run`).
              (if (i32.or (i32.eqz (local.get $singles)) (i32.eq (i32.load8_u offset=524288 (local.get $i)) (i32.const 10)))
                (then
                  (local.set $singles (i32.const 0))
                  (i32.store offset=1152 (i32.const 0) (local.get $prev))
                  (i32.store offset=1156 (i32.const 0) (local.get $count))
                  (i32.store offset=1160 (i32.const 0) (local.get $prefT))
                  (i32.store offset=1164 (i32.const 0) (local.get $prefH))
                  (i32.store offset=1168 (i32.const 0) (local.get $maxT))
                  (i32.store offset=1172 (i32.const 0) (local.get $maxH))
                  (v128.store offset=1176 (i32.const 0) (v128.load offset=1048 (i32.const 0))) ;; msT … meH
                  (i32.store offset=1196 (i32.const 0) (i32.add (local.get $i) (i32.const 1)))
                  (i32.store offset=1204 (i32.const 0) (i32.load offset=1076 (i32.const 0)))
                  (i32.store offset=1212 (i32.const 0) (i32.sub (i32.add (local.get $i) (i32.const 1)) (local.get $adj)))
                  (i32.store offset=1232 (i32.const 0) (i32.const -1000))
                  (i32.store offset=1236 (i32.const 0) (i32.const -1000))
                  (i32.store offset=1240 (i32.const 0) (i32.const -1000))
                  (i32.store offset=1244 (i32.const 0) (i32.const -1))
                  (local.set $near (i32.const -1))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $stop (i32.gt_u (local.get $i) (local.get $nb)))
          (local.set $term (i32.load8_u offset=245760 (i32.load8_u offset=524288 (local.get $i))))
          (br_if $sep (i32.lt_u (local.get $term) (i32.const 2))))
        (br_if $word (i32.eq (local.get $term) (i32.const 2)))))
    (i32.store offset=1024 (i32.const 0) (local.get $prev))
    (i32.store offset=1028 (i32.const 0) (local.get $count))
    (i32.store offset=1032 (i32.const 0) (local.get $prefT))
    (i32.store offset=1036 (i32.const 0) (local.get $prefH))
    (i32.store offset=1040 (i32.const 0) (local.get $maxT))
    (i32.store offset=1044 (i32.const 0) (local.get $maxH))
    (i32.store offset=1084 (i32.const 0) (local.get $singles))
    (local.get $i))

  ;; Scans bytes [fromByte, nb] (text offset `from` at fromByte). Returns `end` when done, or the
  ;; last safe point before the trouble (state saved as of there, STATE[10] = where the trouble is,
  ;; STATE[11] = the safe point's byte), or -1 when that safe point is beyond the ring.
  (func (export "run") (param $from i32) (param $fromByte i32) (param $nb i32) (param $end i32) (result i32)
    (local $i i32) (local $j i32) (local $c i32) (local $k i32) (local $cp i32) (local $adj i32) (local $d i32)
    (local $singles i32) (local $tl i32) (local $letters i32) (local $digits i32)
    (local $last i32) (local $rep i32) (local $ts i32) (local $tb i32) (local $te i32)
    (local $bail i32) (local $wh i32) (local $x i32)
    (local $sym i32) (local $pend i32) (local $pendMask i32) (local $pendEnd i32) (local $leading i32)
    (local $kind i32) (local $flags i32)

    ;; The last safe point starts as the entry state (STATE, as given, copied to SNAP).
    (memory.copy (i32.const 1152) (i32.const 1024) (i32.const 64))
    (i32.store offset=1196 (i32.const 0) (local.get $fromByte))
    (i32.store offset=1212 (i32.const 0) (local.get $from))
    (call $newSentence)
    (local.set $i (local.get $fromByte))
    (local.set $adj (i32.sub (local.get $fromByte) (local.get $from)))
    (local.set $pendMask (i32.const 1))

    (block $done
      (block $trouble
        (loop $next
          (br_if $done (i32.gt_s (local.get $i) (local.get $nb)))
          (local.set $c (i32.load8_u offset=524288 (local.get $i)))
          (local.set $k (i32.load8_u (local.get $c)))
          (if (i32.eq (local.get $k) (i32.const 7))
            (then
              ;; Decode a character of 2, 3 or 4 bytes and read its class: a table for the BMP,
              ;; one for U+1F000..U+1FFFF (emoji); anything else (and U+FFFD) stops.
              (if (i32.eq (i32.and (local.get $c) (i32.const 0xe0)) (i32.const 0xc0))
                (then
                  (local.set $cp (i32.or
                    (i32.shl (i32.and (local.get $c) (i32.const 0x1f)) (i32.const 6))
                    (i32.and (i32.load8_u offset=524289 (local.get $i)) (i32.const 0x3f))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (local.set $adj (i32.add (local.get $adj) (i32.const 1)))
                  (local.set $k (i32.load8_u offset=16384 (local.get $cp))))
                (else
                  (if (i32.eq (i32.and (local.get $c) (i32.const 0xf0)) (i32.const 0xe0))
                    (then
                      (local.set $cp (i32.or (i32.or
                        (i32.shl (i32.and (local.get $c) (i32.const 0x0f)) (i32.const 12))
                        (i32.shl (i32.and (i32.load8_u offset=524289 (local.get $i)) (i32.const 0x3f)) (i32.const 6)))
                        (i32.and (i32.load8_u offset=524290 (local.get $i)) (i32.const 0x3f))))
                      (local.set $i (i32.add (local.get $i) (i32.const 2)))
                      (local.set $adj (i32.add (local.get $adj) (i32.const 2)))
                      (local.set $k (i32.load8_u offset=16384 (local.get $cp))))
                    (else
                      (if (i32.ne (i32.and (local.get $c) (i32.const 0xf8)) (i32.const 0xf0))
                        (then
                          (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                          (br $trouble)))
                      (local.set $cp (i32.or (i32.or (i32.or
                        (i32.shl (i32.and (local.get $c) (i32.const 0x07)) (i32.const 18))
                        (i32.shl (i32.and (i32.load8_u offset=524289 (local.get $i)) (i32.const 0x3f)) (i32.const 12)))
                        (i32.shl (i32.and (i32.load8_u offset=524290 (local.get $i)) (i32.const 0x3f)) (i32.const 6)))
                        (i32.and (i32.load8_u offset=524291 (local.get $i)) (i32.const 0x3f))))
                      (local.set $i (i32.add (local.get $i) (i32.const 3)))
                      (local.set $adj (i32.add (local.get $adj) (i32.const 2)))
                      (local.set $k (select
                        (i32.load8_u offset=655360 (i32.and (local.get $cp) (i32.const 0xfff)))
                        (i32.const 0)
                        (i32.eq (i32.shr_u (local.get $cp) (i32.const 12)) (i32.const 0x1f)))))))) 
              (if (i32.eqz (local.get $k))
                (then
                  (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                  (br $trouble)))
              (if (i32.eq (local.get $k) (i32.const 2))
                (then
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $next)))
              (local.set $k (i32.const 0)))) ;; a separator

          ;; Plain words and numbers go to $words; what it leaves comes back here.
          (if (i32.and (i32.eqz (local.get $tl)) (i32.lt_u (i32.sub (local.get $k) (i32.const 1)) (i32.const 2)))
            (then
              (i32.store offset=1084 (i32.const 0) (local.get $singles))
              (local.set $j (call $words (local.get $i) (local.get $adj) (local.get $nb)))
              (local.set $singles (i32.load offset=1084 (i32.const 0)))
              (if (i32.ne (local.get $j) (local.get $i))
                (then
                  (local.set $i (local.get $j))
                  (br $next)))))

          ;; Letters: a run of ASCII letters (the token is hashed at its end).
          (if (i32.eq (local.get $k) (i32.const 1))
            (then
              (if (i32.eqz (local.get $tl))
                (then
                  (local.set $ts (i32.sub (local.get $i) (local.get $adj)))
                  (local.set $tb (local.get $i))
                  (local.set $last (i32.const -1))
                  (local.set $rep (i32.const 0)))
                (else
                  (if (i32.and (local.get $sym) (i32.eqz (i32.or (local.get $letters) (local.get $digits))))
                    (then
                      ;; Letters after leading symbols ("**bold", "#tag"): one word, decided at its end.
                      (local.set $leading (i32.const 1))
                      (local.set $sym (i32.const 0))
                      (local.set $tl (i32.add (local.get $tl) (local.get $pend)))
                      (local.set $pend (i32.const 0))
                      (local.set $pendMask (i32.const 1)))
                    (else
                      ;; Letters after symbols inside a word ("sh!t") go to plain().
                      (if (i32.or (local.get $pend) (local.get $sym))
                        (then
                          (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                          (br $trouble)))))))
              (local.set $j (local.get $i))
              (local.set $d (i32.or (local.get $c) (i32.const 32)))
              (loop $letter
                (local.set $rep (i32.or (local.get $rep) (i32.eq (local.get $d) (local.get $last))))
                (local.set $last (local.get $d))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (local.set $x (i32.load8_u offset=524288 (local.get $j)))
                (if (i32.eq (i32.load8_u (local.get $x)) (i32.const 1))
                  (then
                    (local.set $d (i32.or (local.get $x) (i32.const 32)))
                    (br $letter))))
              (local.set $tl (i32.add (local.get $tl) (i32.sub (local.get $j) (local.get $i))))
              (local.set $letters (i32.add (local.get $letters) (i32.sub (local.get $j) (local.get $i))))
              (local.set $te (i32.sub (local.get $j) (local.get $adj)))
              (local.set $i (local.get $j))
              (br $next)))

          ;; Digits. Symbols between digits join the number ("5*4"); its hash keeps only the
          ;; digits. Symbols between letters and digits ("x+5") go to plain().
          (if (i32.eq (local.get $k) (i32.const 2))
            (then
              (if (i32.eqz (local.get $tl))
                (then
                  (local.set $ts (i32.sub (local.get $i) (local.get $adj)))
                  (local.set $tb (local.get $i)))
                (else
                  (if (local.get $pend)
                    (then
                      (if (local.get $letters)
                        (then
                          (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                          (br $trouble)))
                      (local.set $tl (i32.add (local.get $tl) (local.get $pend)))
                      (local.set $sym (i32.const 1))
                      (local.set $pend (i32.const 0))
                      (local.set $pendMask (i32.const 1))))))
              ;; A run of digits.
              (local.set $j (local.get $i))
              (loop $digit
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (local.set $c (i32.load8_u offset=524288 (local.get $j)))
                (br_if $digit (i32.eq (i32.load8_u (local.get $c)) (i32.const 2))))
              (local.set $tl (i32.add (local.get $tl) (i32.sub (local.get $j) (local.get $i))))
              (local.set $digits (i32.const 1))
              (local.set $te (i32.sub (local.get $j) (local.get $adj)))
              (local.set $i (local.get $j))
              (br $next)))

          ;; Apostrophes and control characters are skipped; symbols go to plain().
          (if (i32.or (i32.eq (local.get $k) (i32.const 3)) (i32.eq (local.get $k) (i32.const 5)))
            (then
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $next)))
          ;; Symbols (@ $ * # | + !): after a word they wait for what follows; "$18" and "*" start
          ;; a token; a lone ! | + is a separator.
          (if (i32.eq (local.get $k) (i32.const 4))
            (then
              (if (local.get $tl)
                (then
                  (if (i32.ge_s (local.get $pend) (i32.const 7))
                    (then
                      (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                      (br $trouble)))
                  (local.set $pend (i32.add (local.get $pend) (i32.const 1)))
                  (local.set $pendEnd (i32.sub (i32.add (local.get $i) (i32.const 1)) (local.get $adj)))
                  (if (i32.and (i32.and (i32.ne (local.get $c) (i32.const 42)) (i32.ne (local.get $c) (i32.const 35)))
                               (i32.ne (local.get $c) (i32.const 36)))
                    (then (local.set $pendMask (i32.const 0))))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $next)))
              (if (i32.and (i32.and (i32.ne (local.get $c) (i32.const 33)) (i32.ne (local.get $c) (i32.const 124)))
                           (i32.ne (local.get $c) (i32.const 43)))
                (then
                  (local.set $ts (i32.sub (local.get $i) (local.get $adj)))
                  (local.set $tb (local.get $i))
                  (local.set $tl (i32.const 1))
                  (local.set $sym (i32.const 1))
                  (local.set $te (i32.sub (i32.add (local.get $i) (i32.const 1)) (local.get $adj)))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $next)))))

          ;; A separator: end the token.
          (if (local.get $tl)
            (then
              (if (local.get $leading)
                (then
                  ;; "**bold**", "#tag": read without its symbols unless some reading with them may
                  ;; be listed (trailing masks belong to the word); then a model word like a number.
                  (local.set $leading (i32.const 0))
                  (if (i32.and (i32.ne (local.get $pend) (i32.const 0)) (local.get $pendMask))
                    (then
                      (local.set $tl (i32.add (local.get $tl) (local.get $pend)))
                      (local.set $te (local.get $pendEnd))))
                  (if (call $lead (local.get $tb) (local.get $tl) (call $hashRange (local.get $tb) (local.get $i) (i32.const 0)))
                    (then
                      (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                      (br $trouble)))
                  (local.set $letters (i32.const 0))
                  (local.set $digits (i32.const 0))
                  (local.set $sym (i32.const 0))
                  (local.set $pend (i32.const 0))
                  (local.set $pendMask (i32.const 1))))
              (if (i32.or (i32.gt_s (local.get $tl) (i32.const 48))
                          (i32.and (i32.and (i32.ne (local.get $pend) (i32.const 0)) (local.get $pendMask))
                                   (i32.ne (local.get $letters) (i32.const 0))))
                (then
                  (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                  (br $trouble)))
              ;; Its hash: the letters and digits in its bytes (word-hash.ts).
              (local.set $wh (call $hashRange (local.get $tb) (local.get $i) (i32.const 0)))
              (local.set $kind (i32.const 1))
              (if (i32.eqz (local.get $letters))
                (then (local.set $singles (i32.const 0)))
                (else
                  (if (local.get $digits)
                    (then
                      ;; Letters and digits ("p53", "2x"): a model word unless it could be listed.
                      (local.set $singles (i32.const 0))
                      (if (i32.or (local.get $sym) (call $mixed (local.get $tb) (local.get $tl)))
                        (then
                          (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                          (br $trouble))))
                    (else
                      (if (i32.eq (local.get $tl) (i32.const 1))
                        (then
                          (local.set $singles (i32.add (local.get $singles) (i32.const 1)))
                          (if (i32.ge_s (local.get $singles) (i32.const 3))
                            (then
                              (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                              (br $trouble))))
                        (else (local.set $singles (i32.const 0))))
                      ;; A word in the hot filter, or near a violent word or "death", is looked up
                      ;; and run through the phrase checks, as `plain()` does.
                      (local.set $flags (i32.const 0))
                      (if (i32.or
                            (i32.and
                              (i32.shr_u (i32.load8_u offset=81920 (i32.shr_u (i32.and (local.get $wh) (i32.const 0xfffff)) (i32.const 3)))
                                         (i32.and (local.get $wh) (i32.const 7)))
                              (i32.const 1))
                            (i32.le_s (i32.load offset=1028 (i32.const 0)) (i32.load offset=1244 (i32.const 0))))
                        (then
                          (local.set $flags (call $word (local.get $wh) (local.get $tb) (local.get $letters)))
                          (if (call $phrase (local.get $flags))
                            (then
                              (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                              (br $trouble)))
                          (if (i32.and (local.get $flags) (i32.const 4)) (then (local.set $kind (i32.const 2))))))
                      ;; An unlisted word with repeated letters may be a listed one ("fuuuck").
                      (if (i32.and (local.get $rep) (i32.eqz (i32.and (local.get $flags) (i32.const 2))))
                        (then
                          (local.set $x (call $hashRange (local.get $tb) (local.get $i) (i32.const 1)))
                          (if (if (result i32) (call $bit (i32.const 212992) (local.get $x) (i32.const 0x3ffff))
                                (then (call $collapses (local.get $wh) (local.get $x) (local.get $tb) (local.get $letters)))
                                (else (i32.const 0)))
                            (then
                              (local.set $bail (i32.sub (local.get $i) (local.get $adj)))
                              (br $trouble)))))))))
              (call $step (local.get $wh) (local.get $kind) (local.get $ts) (local.get $te))
              (local.set $tl (i32.const 0))
              (local.set $letters (i32.const 0))
              (local.set $digits (i32.const 0))
              (local.set $sym (i32.const 0))
              (local.set $pend (i32.const 0))
              (local.set $pendMask (i32.const 1))))

          ;; A sentence end with no letter run open is a safe point.
          (if (i32.and (i32.eq (local.get $k) (i32.const 6))
                       (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eqz (local.get $singles))))
            (then
              (local.set $singles (i32.const 0))
              (i32.store offset=1212 (i32.const 0) (i32.sub (i32.add (local.get $i) (i32.const 1)) (local.get $adj)))
              (i32.store offset=1196 (i32.const 0) (i32.add (local.get $i) (i32.const 1)))
              ;; prev … meH (40 bytes; memory.copy would be a call into the runtime)
              (v128.store offset=1152 (i32.const 0) (v128.load offset=1024 (i32.const 0)))
              (v128.store offset=1168 (i32.const 0) (v128.load offset=1040 (i32.const 0)))
              (i64.store offset=1184 (i32.const 0) (i64.load offset=1056 (i32.const 0)))
              (i32.store offset=1204 (i32.const 0) (i32.load offset=1076 (i32.const 0)))
              ;; A new sentence: nothing noted yet for the phrase checks ($newSentence, inline: a call
              ;; here would cost this loop registers).
              (i32.store offset=1232 (i32.const 0) (i32.const -1000))
              (i32.store offset=1236 (i32.const 0) (i32.const -1000))
              (i32.store offset=1240 (i32.const 0) (i32.const -1000))
              (i32.store offset=1244 (i32.const 0) (i32.const -1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      ;; Trouble: report the last safe point.
      (i32.store offset=1064 (i32.const 0) (local.get $bail))
      (if (i32.gt_s (i32.sub (i32.load offset=1028 (i32.const 0)) (i32.load offset=1156 (i32.const 0))) (i32.const 976))
        (then (return (i32.const -1))))
      (memory.copy (i32.const 1024) (i32.const 1152) (i32.const 40)) ;; prev … meH
      (i32.store offset=1068 (i32.const 0) (i32.load offset=1196 (i32.const 0)))
      (i32.store offset=1076 (i32.const 0) (i32.load offset=1204 (i32.const 0)))
      (return (i32.load offset=1212 (i32.const 0))))
    ;; Done: the whole range.
    (i32.store offset=1064 (i32.const 0) (i32.const -1))
    (i32.store offset=1068 (i32.const 0) (local.get $nb))
    (local.get $end))

  ;; The `n` UTF-16 code units at U16, as UTF-8 into IN (what TextEncoder.encodeInto writes, lone
  ;; surrogates as U+FFFD; with `fold`, letters in FOLD as their ASCII letter); returns the bytes
  ;; written. Eight ASCII units at a time where it can: the text arrives with one memory copy
  ;; (Buffer.write "utf16le") instead of a slower native UTF-8 pass.
  (func (export "utf8") (param $n i32) (param $fold i32) (result i32)
    (local $s i32) (local $end i32) (local $d i32) (local $c i32) (local $c2 i32) (local $v v128) (local $f i32)
    (local.set $s (i32.const 720896))
    (local.set $end (i32.add (i32.const 720896) (i32.shl (local.get $n) (i32.const 1))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $s) (local.get $end)))
        (if (i32.le_u (i32.add (local.get $s) (i32.const 16)) (local.get $end))
          (then
            (local.set $v (v128.load (local.get $s)))
            (if (i32.eqz (v128.any_true (v128.and (local.get $v) (i16x8.splat (i32.const 0xff80)))))
              (then
                (i64.store offset=524288 (local.get $d) (i64x2.extract_lane 0 (i8x16.narrow_i16x8_u (local.get $v) (local.get $v))))
                (local.set $s (i32.add (local.get $s) (i32.const 16)))
                (local.set $d (i32.add (local.get $d) (i32.const 8)))
                (br $next)))))
        (local.set $c (i32.load16_u (local.get $s)))
        (local.set $s (i32.add (local.get $s) (i32.const 2)))
        (if (i32.lt_u (local.get $c) (i32.const 0x80))
          (then
            (i32.store8 offset=524288 (local.get $d) (local.get $c))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $next)))
        (if (i32.lt_u (local.get $c) (i32.const 0x800))
          (then
            ;; With `fold`, a letter the scanner reads as one ASCII letter is written as that letter: one
            ;; byte for one code unit, so offsets stay as they are, and the stages read "café" as the
            ;; full scan does ("cafe") instead of handing the sentence on.
            (if (local.get $fold)
              (then
                (local.set $f (i32.load8_u offset=245968 (local.get $c))) ;; FOLD - 0x80
                (if (local.get $f)
                  (then
                    (i32.store8 offset=524288 (local.get $d) (local.get $f))
                    (local.set $d (i32.add (local.get $d) (i32.const 1)))
                    (br $next)))))
            (i32.store8 offset=524288 (local.get $d) (i32.or (i32.const 0xc0) (i32.shr_u (local.get $c) (i32.const 6))))
            (i32.store8 offset=524289 (local.get $d) (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f))))
            (local.set $d (i32.add (local.get $d) (i32.const 2)))
            (br $next)))
        (if (i32.eq (i32.and (local.get $c) (i32.const 0xf800)) (i32.const 0xd800))
          (then
            ;; A surrogate: with its low half, one code point in four bytes; alone, U+FFFD.
            (local.set $c2 (select (i32.load16_u (local.get $s)) (i32.const 0) (i32.lt_u (local.get $s) (local.get $end))))
            (if (i32.and (i32.lt_u (local.get $c) (i32.const 0xdc00))
                         (i32.eq (i32.and (local.get $c2) (i32.const 0xfc00)) (i32.const 0xdc00)))
              (then
                (local.set $s (i32.add (local.get $s) (i32.const 2)))
                (local.set $c (i32.add (i32.const 0x10000)
                  (i32.or (i32.shl (i32.and (local.get $c) (i32.const 0x3ff)) (i32.const 10)) (i32.and (local.get $c2) (i32.const 0x3ff)))))
                (i32.store8 offset=524288 (local.get $d) (i32.or (i32.const 0xf0) (i32.shr_u (local.get $c) (i32.const 18))))
                (i32.store8 offset=524289 (local.get $d) (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 12)) (i32.const 0x3f))))
                (i32.store8 offset=524290 (local.get $d) (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3f))))
                (i32.store8 offset=524291 (local.get $d) (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f))))
                (local.set $d (i32.add (local.get $d) (i32.const 4)))
                (br $next)))
            (local.set $c (i32.const 0xfffd))))
        (i32.store8 offset=524288 (local.get $d) (i32.or (i32.const 0xe0) (i32.shr_u (local.get $c) (i32.const 12))))
        (i32.store8 offset=524289 (local.get $d) (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3f))))
        (i32.store8 offset=524290 (local.get $d) (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f))))
        (local.set $d (i32.add (local.get $d) (i32.const 3)))
        (br $next)))
    (local.get $d))
)

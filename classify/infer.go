package classify

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
)

// Inference thresholds. A category is chosen only when its score reaches
// MinScore (one strong keyword in the body, or a weaker one in the subject)
// and the confidence reaches MinConfidence; below either, Classify leaves
// the category empty (docs/threading.md, "Categories": when unsure, none).
const (
	MinScore      = 3.0
	MinConfidence = 0.25
	// subjectWeight: what the requester put in the subject is what the
	// message is about; the body also holds greetings, context, signatures.
	subjectWeight = 3.0
	// labelWordWeight is the weight of a word found in one label only; a
	// category is chosen only when at least one keyword found for it
	// weighs this much (weaker words, "question" or "compte", only
	// support a choice).
	labelWordWeight = 1.5
	// maxBody bounds the work on very long bodies: the request is at the top.
	maxBody = 32 << 10
)

// Sources of a Result.
const (
	SourceTag      = "tag"
	SourceInferred = "inferred"
)

// Result of Classify. Code is "" when no category was chosen; Confidence and
// Reason then still say what the inference saw.
type Result struct {
	Code       string
	Source     string // "tag", "inferred" or ""
	Confidence float64
	Reason     string
}

// Classify chooses a category: the subject's tag first (Source "tag",
// Confidence 1), else inference from subject and body (Source "inferred"),
// else an empty Result.
//
// Inference scores every category by the keywords found (catalogue labels and
// synonyms, accent- and case-insensitive, each keyword counted once per field,
// subject matches weighted ×3, longer phrases carry larger weights). With s1
// the best score and s2 the runner-up,
//
//	confidence = s1/(s1+3) × (1 − s2/s1)
//
// grows with the evidence and falls when two categories are close; the code
// is returned when s1 ≥ MinScore and confidence ≥ MinConfidence. Mail whose
// text is mostly English is not inferred: the keywords are French.
func (c *Catalogue) Classify(subject, body string) Result {
	if cat, ok := c.Tag(subject); ok {
		return Result{Code: cat.Code, Source: SourceTag, Confidence: 1, Reason: "subject tag"}
	}
	return c.infer.classify(c.cats, subject, body)
}

// rule is one keyword phrase pointing to one category.
type rule struct {
	words  []string
	cat    int
	weight float64
	text   string // the phrase as written, for Reason
}

type inferrer struct {
	rules   []rule
	byFirst map[string][]int32 // first word → rules
	ncats   int
	pool    sync.Pool // *scratch
}

type scratch struct {
	tok    tokenizer
	seen   []uint32 // rule → generation in which it last counted
	gen    uint32
	scores []float64
	best   []int32 // category → strongest rule found for it
}

func newInferrer(cats []Category) *inferrer {
	in := &inferrer{byFirst: make(map[string][]int32), ncats: len(cats)}
	index := make(map[string]int, len(cats))
	for i, c := range cats {
		index[c.Code] = i
	}
	type key struct {
		words string
		cat   int
	}
	seen := make(map[key]int) // dedupe: keep the larger weight
	var tok tokenizer
	add := func(phrase string, cat int, weight float64, drop map[string]bool, onlyIfNew bool) {
		tok.reset()
		tok.add(phrase)
		var words []string
		for i := range tok.toks {
			w := string(tok.word(i))
			if !drop[w] {
				words = append(words, w)
			}
		}
		if len(words) == 0 {
			return
		}
		// Phrases weigh more than single words: "connexion impossible" says
		// more than "connexion".
		weight *= math.Min(2, 1+0.5*float64(len(words)-1))
		k := key{strings.Join(words, " "), cat}
		if j, ok := seen[k]; ok {
			if !onlyIfNew {
				in.rules[j].weight = math.Max(in.rules[j].weight, weight)
			}
			return
		}
		seen[k] = len(in.rules)
		in.rules = append(in.rules, rule{words: words, cat: cat, weight: weight, text: phrase})
	}
	// The catalogue's own labels: the whole label, minus generic words, is a
	// strong phrase ("Plateforme inaccessible", "Borne éteinte"); a label
	// reduced to one word ("Problème d'impression" → "impression") a
	// medium one; a label made only of generic words ("Problème de
	// service") is kept whole.
	labelWords := make(map[string][]int) // word → categories whose label has it
	for i, c := range cats {
		tok.reset()
		tok.add(c.Label)
		n := 0
		for j := range tok.toks {
			w := string(tok.word(j))
			if !genericLabelWords[w] {
				n++
				if l := labelWords[w]; len(l) == 0 || l[len(l)-1] != i {
					labelWords[w] = append(l, i)
				}
			}
		}
		switch n {
		case 0:
			add(c.Label, i, 2, nil, false)
		case 1:
			add(c.Label, i, 2, genericLabelWords, false)
		default:
			add(c.Label, i, 3, genericLabelWords, false)
		}
	}
	for _, k := range synonyms {
		cat, ok := index[k.code]
		if !ok {
			continue
		}
		for _, p := range k.phrases {
			add(p, cat, k.weight, nil, false)
		}
	}
	// A word found in one label only leans to that category, unless a
	// synonym above already says how much it weighs ("borne" is in 2.1's
	// label but also names where 2.2's printers are). For a catalogue
	// other than the centre's, these are most of the keywords.
	for _, w := range slices.Sorted(maps.Keys(labelWords)) {
		if cs := labelWords[w]; len(cs) == 1 && len(w) > 2 && !labelWordStop[w] {
			add(w, cs[0], labelWordWeight, nil, true)
		}
	}
	for i, r := range in.rules {
		in.byFirst[r.words[0]] = append(in.byFirst[r.words[0]], int32(i))
	}
	in.pool.New = func() any {
		return &scratch{
			seen:   make([]uint32, len(in.rules)),
			scores: make([]float64, in.ncats),
			best:   make([]int32, in.ncats),
		}
	}
	return in
}

func (in *inferrer) classify(cats []Category, subject, body string) Result {
	sc := in.pool.Get().(*scratch)
	defer in.pool.Put(sc)
	for i := range sc.scores {
		sc.scores[i] = 0
		sc.best[i] = -1
	}
	french, english := 0, 0
	if len(body) > maxBody {
		body = body[:maxBody] // a cut inside a UTF-8 sequence only spoils the last word
	}
	for _, f := range [2]struct {
		text string
		mult float64
	}{{subject, subjectWeight}, {body, 1}} {
		sc.gen++
		if sc.gen == 0 { // wrapped: forget old generations
			clear(sc.seen)
			sc.gen = 1
		}
		sc.tok.reset()
		sc.tok.add(f.text)
		french += sc.tok.french
		english += sc.tok.english
		in.scan(sc, f.mult)
	}
	// The keywords are French; an English text matching "notification" or
	// "performance" is a newsletter, a bounce or spam, not a request.
	if english > french {
		return Result{Reason: fmt.Sprintf("not French (%d English and %d French function words)", english, french)}
	}
	first, second := -1, -1
	for i, s := range sc.scores {
		switch {
		case s <= 0:
		case first < 0 || s > sc.scores[first]:
			first, second = i, first
		case second < 0 || s > sc.scores[second]:
			second = i
		}
	}
	if first < 0 {
		return Result{Reason: "no keyword"}
	}
	s1, s2 := sc.scores[first], 0.0
	if second >= 0 {
		s2 = sc.scores[second]
	}
	conf := s1 / (s1 + 3) * (1 - s2/s1)
	conf = math.Round(conf*1000) / 1000
	reason := fmt.Sprintf("%s %.1f (%q)", cats[first].Code, s1, in.rules[sc.best[first]].text)
	if second >= 0 {
		reason += fmt.Sprintf(", next %s %.1f", cats[second].Code, s2)
	}
	if s1 < MinScore || conf < MinConfidence || in.rules[sc.best[first]].weight < labelWordWeight {
		return Result{Confidence: conf, Reason: "unsure: " + reason}
	}
	return Result{Code: cats[first].Code, Source: SourceInferred, Confidence: conf, Reason: reason}
}

// scan adds the weights of the rules found in the tokenizer's words. Each rule
// counts once per field, so a long body repeating a word does not outweigh
// the subject.
func (in *inferrer) scan(sc *scratch, mult float64) {
	t := &sc.tok
	for i := range t.toks {
		ids, ok := in.byFirst[string(t.word(i))]
		if !ok {
			continue
		}
	rules:
		for _, id := range ids {
			r := &in.rules[id]
			if sc.seen[id] == sc.gen || i+len(r.words) > len(t.toks) {
				continue
			}
			for k := 1; k < len(r.words); k++ {
				if string(t.word(i+k)) != r.words[k] {
					continue rules
				}
			}
			sc.seen[id] = sc.gen
			sc.scores[r.cat] += r.weight * mult
			if b := sc.best[r.cat]; b < 0 || r.weight > in.rules[b].weight || (r.weight == in.rules[b].weight && len(r.words) > len(in.rules[b].words)) {
				sc.best[r.cat] = id
			}
		}
	}
}

package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"guichet/internal/testdb"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"guichet/classify"
	"guichet/ingest"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/view"
)

var update = flag.Bool("update", false, "rewrite golden files")

const support = "support@centre.example"

// fixedClock is the corpus's "now": tickets are numbered 2026-…
func fixedClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func backends() []testdb.Backend { return testdb.Backends() }

func openStore(t testing.TB, o store.Options) store.Store { return testdb.Open(t, o) }

type labels struct{ c *classify.Catalogue }

func (l labels) Label(code string) string {
	c, _ := l.c.Lookup(code)
	return c.Label
}

// newPipeline wires a pipeline as guichet serve does, with a fixed clock
// and secret.
func newPipeline(t testing.TB, st store.Store, o ingest.Options) (*ingest.Pipeline, *classify.Catalogue) {
	t.Helper()
	return newPipelineWith(t, st, o, nil)
}

// newPipelineWith is newPipeline with the acknowledgments' options changed
// by mod.
func newPipelineWith(t testing.TB, st store.Store, o ingest.Options, mod func(*outbound.AckerOptions)) (*ingest.Pipeline, *classify.Catalogue) {
	t.Helper()
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := replyaddr.New([]byte("corpus-secret"), support)
	if err != nil {
		t.Fatal(err)
	}
	if o.Clock == nil {
		o.Clock = fixedClock()
	}
	pending := &outbound.Pending{}
	ao := outbound.AckerOptions{
		SupportAddress: support, Signer: signer, Catalogue: cat, Clock: o.Clock,
		OwnAddresses: []string{"alertes@centre.example"}, Queued: pending.Add,
	}
	if mod != nil {
		mod(&ao)
	}
	acker, err := outbound.NewAcker(ao)
	if err != nil {
		t.Fatal(err)
	}
	o.SupportAddress = support
	if o.AlertAddresses == nil {
		o.AlertAddresses = []string{"alertes@centre.example"}
	}
	p := ingest.New(o, st, cat, signer, acker)
	// As guichet ingest does: each acknowledgment is composed right after
	// its commit, so that the tests see it in the ticket's history.
	p.OnCommit(func() {
		if err := pending.RenderAll(context.Background(), acker, st); err != nil {
			t.Errorf("compose acknowledgments: %v", err)
		}
	})
	return p, cat
}

type expectation struct {
	file, action, ticket, category, source, status, requester, contains string
	notes                                                               []string
}

func (e expectation) note(key string) (string, bool) {
	for _, n := range e.notes {
		if k, v, ok := strings.Cut(n, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func (e expectation) notesAll(key string) []string {
	var out []string
	for _, n := range e.notes {
		if k, v, ok := strings.Cut(n, "="); ok && k == key {
			out = append(out, v)
		}
	}
	return out
}

func (e expectation) flag(word string) bool {
	for _, n := range e.notes {
		if strings.HasPrefix(n, word) && (len(n) == len(word) || n[len(word)] == ' ' || n[len(word)] == '(') {
			return true
		}
	}
	return false
}

func readExpectations(t *testing.T, dir string) []expectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []expectation
	for i, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if i == 0 || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 9 {
			f = append(f, "")
		}
		e := expectation{file: f[0], action: f[1], ticket: f[2], category: f[3], source: f[4],
			status: f[5], requester: f[6], contains: f[7]}
		for _, n := range strings.Split(f[8], "|") {
			e.notes = append(e.notes, strings.TrimSpace(n))
		}
		out = append(out, e)
	}
	return out
}

// TestCorpus ingests testdata/corpus in order into a fresh database of each
// backend and checks every message against EXPECTED.tsv; the resulting
// tickets must be identical on both backends and match the golden file.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("..", "testdata", "corpus")
	exps := readExpectations(t, dir)
	if len(exps) < 40 {
		t.Fatalf("corpus has %d messages, want at least 40", len(exps))
	}
	results := map[string][]byte{}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p, cat := newPipeline(t, st, ingest.Options{})
			ctx := context.Background()
			for _, e := range exps {
				raw, err := os.ReadFile(filepath.Join(dir, e.file))
				if err != nil {
					t.Fatal(err)
				}
				res, err := p.Deliver(ctx, raw, store.Envelope{Transport: "pipe", RcptTo: []string{support}})
				if err != nil {
					t.Fatalf("%s: Deliver: %v", e.file, err)
				}
				checkOne(t, ctx, st, e, res)
			}
			results[be.Name] = snapshot(t, ctx, st, cat)
		})
	}
	if len(results) < 2 {
		return
	}
	if !bytes.Equal(results["sqlite"], results["postgres"]) {
		t.Errorf("the backends disagree:\n--- sqlite\n%s\n--- postgres\n%s", results["sqlite"], results["postgres"])
	}
	golden := filepath.Join("testdata", "corpus.golden.json")
	if *update {
		if err := os.WriteFile(golden, results["sqlite"], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./ingest -run TestCorpus -update)", err)
	}
	if !bytes.Equal(results["sqlite"], want) {
		t.Errorf("tickets differ from %s (review, then -update):\n%s", golden, results["sqlite"])
	}
}

func checkOne(t *testing.T, ctx context.Context, st store.Store, e expectation, res ingest.Result) {
	t.Helper()
	if string(res.Action) != e.action || res.Ticket != e.ticket {
		t.Errorf("%s: Deliver = %s %s (%s), want %s %s", e.file, res.Action, res.Ticket, res.Reason, e.action, e.ticket)
		return
	}
	if e.ticket == "" {
		return
	}
	d, err := st.Ticket(ctx, e.ticket)
	if err != nil {
		t.Fatalf("%s: Ticket(%s): %v", e.file, e.ticket, err)
	}
	switch {
	case e.flag("unsure"):
		// Ambiguous by design: any inference is acceptable, a tag is not.
		if d.CategorySource == "tag" {
			t.Errorf("%s: category %s chosen by a tag, want none or inferred", e.file, d.Category)
		}
	case d.Category != e.category || d.CategorySource != e.source:
		t.Errorf("%s: category = %q (%s), want %q (%s)", e.file, d.Category, d.CategorySource, e.category, e.source)
	}
	if string(d.Status) != e.status {
		t.Errorf("%s: status = %s, want %s", e.file, d.Status, e.status)
	}
	if d.Requester != e.requester {
		t.Errorf("%s: requester = %s, want %s", e.file, d.Requester, e.requester)
	}
	if linked, ok := e.note("linked"); ok && d.LinkedTo != linked {
		t.Errorf("%s: linked to %q, want %q", e.file, d.LinkedTo, linked)
	}
	for _, p := range e.notesAll("participant") {
		if !contains(d.Participants, p) {
			t.Errorf("%s: participants %v lack %s", e.file, d.Participants, p)
		}
	}
	for _, p := range e.notesAll("not-participant") {
		if contains(d.Participants, p) {
			t.Errorf("%s: %s became a participant of %s", e.file, p, e.ticket)
		}
	}
	if e.action == "duplicate" {
		return
	}
	m := lastIncoming(d, res.MessageID)
	if m == nil {
		t.Errorf("%s: message %s not in ticket %s", e.file, res.MessageID, e.ticket)
		return
	}
	if !strings.Contains(m.Text, e.contains) {
		t.Errorf("%s: text lacks %q:\n%s", e.file, e.contains, m.Text)
	}
	for _, a := range e.notesAll("absent") {
		if strings.Contains(m.Text, a) {
			t.Errorf("%s: text still holds quoted %q:\n%s", e.file, a, m.Text)
		}
	}
	for _, s := range []string{m.Text, m.Subject, m.FromName, d.Subject} {
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8 stored: %q", e.file, s)
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") || strings.ContainsAny(d.Subject, "\r\n") {
		t.Errorf("%s: control characters in subject %q", e.file, m.Subject)
	}
	for _, a := range append(e.notesAll("attachment"), e.notesAll("inline")...) {
		name, _, _ := strings.Cut(a, " ")
		found := false
		for _, att := range m.Attachments {
			found = found || att.Filename == name
		}
		if !found {
			t.Errorf("%s: no attachment %q in %+v", e.file, name, m.Attachments)
		}
	}
	acks := 0
	for _, msg := range d.Messages {
		if msg.Kind == store.KindAck {
			acks++
		}
	}
	switch {
	case e.flag("noack") && e.action == "created" && (acks != 0 || d.NoAckReason == ""):
		t.Errorf("%s: %d acknowledgments (reason %q), want none", e.file, acks, d.NoAckReason)
	case !e.flag("noack") && e.action == "created" && acks != 1:
		t.Errorf("%s: %d acknowledgments (no-ack reason %q), want 1", e.file, acks, d.NoAckReason)
	case acks > 1:
		t.Errorf("%s: %d acknowledgments, want at most 1", e.file, acks)
	}
}

func lastIncoming(d store.TicketDetail, id string) *store.Message {
	for i := len(d.Messages) - 1; i >= 0; i-- {
		m := &d.Messages[i]
		if m.Direction == store.DirIn && (id == "" || m.MessageID == id) {
			return m
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// snapshot renders every ticket as `guichet ticket --json` would, with
// what varies between runs (our own Message-IDs, signed tokens) masked.
func snapshot(t *testing.T, ctx context.Context, st store.Store, cat *classify.Catalogue) []byte {
	t.Helper()
	ts, err := st.Tickets(ctx, store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Number < ts[j].Number })
	var out []view.Ticket
	for _, tk := range ts {
		d, err := st.Ticket(ctx, tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		v := view.FromDetail(d, labels{cat})
		for i := range *v.Messages {
			m := &(*v.Messages)[i]
			if m.Direction == "out" {
				m.MessageID = "<masked>"
				m.Text = "(masked)"
			}
		}
		out = append(out, v)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

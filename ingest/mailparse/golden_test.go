package mailparse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/parse.golden.json and testdata/realcorpus.golden.json")

// goldenGlobs are the repository's message fixtures, relative to this
// package: every one is parsed and its Message compared with the golden
// dump, so that a change to the parser or to enmime that alters any field
// of any of them is seen.
var goldenGlobs = []string{
	"testdata/*.eml",
	"../../testdata/corpus/*.eml",
	"../../outbound/testdata/*/*.eml",
	"../../alerts/testdata/*.eml",
	"../../third_party/enmime/testdata/*/*.raw",
}

// goldenLimits are parsed with besides the defaults so that the text-only
// path of messages over the limits is covered too.
var goldenLimits = []struct {
	name string
	lim  Limits
}{
	{"default", Limits{}},
	{"tight", Limits{MaxDepth: 2, MaxParts: 3}},
}

// goldenAttachment is an Attachment with its data reduced to a digest.
type goldenAttachment struct {
	Filename    string
	ContentType string
	ContentID   string
	Inline      bool
	Size        int
	SHA256      string
}

// goldenMessage is every exported field of Message, attachments digested.
type goldenMessage struct {
	From        Address
	Sender      Address
	ReplyTo     []Address
	To, Cc      []Address
	Subject     string
	MessageID   string
	InReplyTo   string
	References  []string
	Date        string
	Text        string
	FullText    string
	HTML        string
	Attachments []goldenAttachment
	Header      map[string][]string
	ContentType string
	ReportType  string
	Problems    []string
	OverLimits  bool
}

func goldenOf(m *Message) goldenMessage {
	g := goldenMessage{
		From: m.From, Sender: m.Sender, ReplyTo: m.ReplyTo, To: m.To, Cc: m.Cc,
		Subject: m.Subject, MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		Text: m.Text, FullText: m.FullText, HTML: m.HTML, Header: m.Header,
		ContentType: m.ContentType, ReportType: m.ReportType, Problems: m.Problems, OverLimits: m.OverLimits,
	}
	if !m.Date.IsZero() {
		g.Date = m.Date.Format(time.RFC3339Nano) + " " + m.Date.Location().String()
	}
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		g.Attachments = append(g.Attachments, goldenAttachment{
			Filename: a.Filename, ContentType: a.ContentType, ContentID: a.ContentID,
			Inline: a.Inline, Size: len(a.Data), SHA256: hex.EncodeToString(sum[:]),
		})
	}
	return g
}

// goldenDump parses every file with every goldenLimits and returns the
// canonical JSON of the results, keyed by file then limits.
func goldenDump(t *testing.T, files []string, key func(string) string) map[string]map[string]goldenMessage {
	t.Helper()
	out := map[string]map[string]goldenMessage{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		byLim := map[string]goldenMessage{}
		for _, l := range goldenLimits {
			byLim[l.name] = goldenOf(Parse(raw, l.lim))
		}
		out[key(f)] = byLim
	}
	return out
}

func goldenFiles(t *testing.T, globs ...string) []string {
	t.Helper()
	var files []string
	for _, g := range globs {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	return files
}

func marshalGolden(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// compareGolden writes got to path under -update, else compares it byte for
// byte with path and reports the first differing entries.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update on a trusted parser to create it)", err)
	}
	if bytes.Equal(want, got) {
		return
	}
	var w, h map[string]json.RawMessage
	if json.Unmarshal(want, &w) != nil || json.Unmarshal(got, &h) != nil {
		t.Fatalf("%s differs and does not decode", path)
	}
	n := 0
	for k, hv := range h {
		if wv, ok := w[k]; !ok || !bytes.Equal(wv, hv) {
			n++
			if n <= 5 {
				t.Errorf("%s: %s differs:\nwant %s\n got %s", path, k, clip(string(wv), 3000), clip(string(hv), 3000))
			}
		}
	}
	for k := range w {
		if _, ok := h[k]; !ok {
			n++
			t.Errorf("%s: %s missing", path, k)
		}
	}
	t.Errorf("%s: %d entries differ", path, n)
}

func TestParseGolden(t *testing.T) {
	files := goldenFiles(t, goldenGlobs...)
	if len(files) < 200 {
		t.Fatalf("found %d fixtures, want the repository's ~250", len(files))
	}
	got := marshalGolden(t, goldenDump(t, files, filepath.ToSlash))
	compareGolden(t, filepath.Join("testdata", "parse.golden.json"), got)
}

// TestParseGoldenRealCorpus does the same for the real-world corpus read in
// place; only a digest of each result is kept in the repository, never the
// mail's content.
func TestParseGoldenRealCorpus(t *testing.T) {
	files := goldenFiles(t, filepath.Join(corpusDir, "*.eml"))
	if len(files) == 0 {
		t.Skipf("no real-world corpus at %s", corpusDir)
	}
	dump := goldenDump(t, files, filepath.Base)
	digests := map[string]string{}
	for k, v := range dump {
		sum := sha256.Sum256(marshalGolden(t, v))
		digests[k] = hex.EncodeToString(sum[:])
	}
	compareGolden(t, filepath.Join("testdata", "realcorpus.golden.json"), marshalGolden(t, digests))
}

package mailparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusDir holds real-world mail gathered by others; it is read in place,
// never copied into the repository.
const corpusDir = "../../../shared/corpus/real"

func TestRealCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if len(files) == 0 {
		t.Skipf("no real-world corpus at %s", corpusDir)
	}
	dump := os.Getenv("MAILPARSE_DUMP") != ""
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			m := Parse(raw, Limits{})
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Parse took %v, want under 2s", d)
			}
			assertClean(t, m)
			if strings.ContainsAny(m.Subject, "\r\n\x00") {
				t.Errorf("Subject = %q, has control characters", m.Subject)
			}
			if dump {
				t.Logf("From=%+v Subject=%q CT=%s/%s Date=%v MID=%s IRT=%s Refs=%v OverLimits=%v",
					m.From, m.Subject, m.ContentType, m.ReportType, m.Date, m.MessageID, m.InReplyTo, m.References, m.OverLimits)
				for _, a := range m.Attachments {
					t.Logf("  attachment %q %s cid=%q inline=%v %d bytes", a.Filename, a.ContentType, a.ContentID, a.Inline, len(a.Data))
				}
				t.Logf("  problems: %q", m.Problems)
				t.Logf("  TEXT:\n%s\n  ----FULL (%d bytes):\n%s", m.Text, len(m.FullText), clip(m.FullText, 1500))
			}
		})
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return truncateUTF8(s, n) + "…"
}

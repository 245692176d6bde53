package outbound

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/emersion/go-message/charset" // decode the corpus's legacy charsets
)

var ours = []string{"support@aide.example.org", "alertes@aide.example.org"}

func TestLoopReason(t *testing.T) {
	person := Incoming{From: "awa.diop@example.org", FromName: "Awa Diop", MailFrom: "awa.diop@example.org",
		Subject: "Plateforme inaccessible", ContentType: "text/plain"}
	with := func(f func(*Incoming)) Incoming {
		in := person
		in.Header = map[string][]string{}
		f(&in)
		return in
	}
	hdr := func(k, v string) Incoming { return with(func(in *Incoming) { in.Header[k] = []string{v} }) }
	for _, tc := range []struct {
		name   string
		in     Incoming
		reason bool
	}{
		{"a person's request", person, false},
		{"Auto-Submitted: no", hdr("Auto-Submitted", "no"), false},
		{"X-Auto-Response-Suppress: DR, RN", hdr("X-Auto-Response-Suppress", "DR, RN, NRN"), false},
		{"List-Post alone", hdr("List-Post", "<mailto:liste@example.org>"), false},
		{"a subject mentioning an automatic reply mid-sentence", with(func(in *Incoming) { in.Subject = "La réponse automatique : elle ne marche pas" }), false},
		{"sub-address of someone else", with(func(in *Incoming) { in.From, in.MailFrom = "support+x@other.example", "support+x@other.example" }), false},

		{"null sender", with(func(in *Incoming) { in.MailFrom = "" }), true},
		{"null sender written <>", with(func(in *Incoming) { in.MailFrom = "<>" }), true},
		{"Return-Path <> in the header", hdr("Return-Path", "<>"), true},
		{"MAILER-DAEMON envelope", with(func(in *Incoming) { in.MailFrom = "MAILER-DAEMON@mx.example.org" }), true},
		{"Mailer-Daemon From", with(func(in *Incoming) { in.From = "Mailer-Daemon@e1.example.org" }), true},
		{"postmaster", with(func(in *Incoming) { in.From, in.MailFrom = "postmaster@example.org", "postmaster@example.org" }), true},
		{"list owner", with(func(in *Incoming) { in.MailFrom = "owner-liste@example.org" }), true},
		{"list request address", with(func(in *Incoming) { in.MailFrom = "liste-request@example.org" }), true},
		{"Auto-Submitted: auto-replied", hdr("Auto-Submitted", "auto-replied"), true},
		{"Auto-Submitted: auto-generated", hdr("Auto-Submitted", "auto-generated"), true},
		{"Auto-Submitted: auto-notified with comment", hdr("Auto-Submitted", "Auto-Notified (vacances)"), true},
		{"Precedence: bulk", hdr("Precedence", "bulk"), true},
		{"Precedence: junk", hdr("Precedence", "Junk"), true},
		{"Precedence: list", hdr("Precedence", "list"), true},
		{"List-Id", hdr("List-Id", "<liste.example.org>"), true},
		{"List-Unsubscribe", hdr("List-Unsubscribe", "<mailto:u@example.org>"), true},
		{"X-Autoreply", hdr("X-Autoreply", "yes"), true},
		{"X-Autorespond", hdr("X-Autorespond", "vacation"), true},
		{"X-Auto-Response-Suppress: All (Outlook auto-reply)", hdr("X-Auto-Response-Suppress", "All"), true},
		{"X-Auto-Response-Suppress: OOF, AutoReply", hdr("X-Auto-Response-Suppress", "OOF, AutoReply"), true},
		{"multipart/report", with(func(in *Incoming) { in.ContentType, in.ReportType = "multipart/report", "delivery-status" }), true},
		{"read receipt", with(func(in *Incoming) { in.ContentType, in.ReportType = "Multipart/Report", "disposition-notification" }), true},
		{"our support address", with(func(in *Incoming) { in.From, in.MailFrom = "Support@Aide.Example.org", "support@aide.example.org" }), true},
		{"our signed reply address", with(func(in *Incoming) { in.MailFrom = "support+2026-000042.abc@aide.example.org" }), true},
		{"our alert address in From only", with(func(in *Incoming) { in.From = "alertes@aide.example.org" }), true},
		{"monitoring mailbox", with(func(in *Incoming) { in.Monitoring = true }), true},
		{"Outlook automatic reply subject", with(func(in *Incoming) { in.Subject = "Automatic reply: Plateforme inaccessible" }), true},
		{"French automatic reply subject", with(func(in *Incoming) { in.Subject = "Réponse automatique : absent jusqu'au 3" }), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := LoopReason(tc.in, ours)
			if (got != "") != tc.reason {
				t.Errorf("LoopReason(%+v) = %q, want a reason: %v", tc.in, got, tc.reason)
			}
		})
	}
}

// corpusDir is the shared real-world corpus; tests that read it skip when it
// is absent.
const corpusDir = "/work/shared/corpus/real"

// corpusIncoming reads a corpus file as an IMAP poller would see it: no
// envelope, so the Return-Path header (or From) stands for the sender.
func corpusIncoming(t *testing.T, name string) Incoming {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	in, err := ReadIncoming(raw, "")
	if err != nil {
		t.Fatalf("ReadIncoming(%s): %v", name, err)
	}
	if rp, ok := in.Header["Return-Path"]; ok && len(rp) > 0 {
		in.MailFrom = strings.TrimSpace(rp[0])
	} else {
		in.MailFrom = in.From
	}
	return in
}

func TestLoopReasonCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("real corpus absent: %v", err)
	}
	defer f.Close()
	// Known misses, each with why: nothing in the header of these messages
	// tells them from a person's request. The per-address hourly limit is
	// what protects us from them.
	known := map[string]string{
		"096-fr-marketing-conference.eml": "marketing mail sent without List-Id, Precedence or List-Unsubscribe",
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || cols[0] == "file" {
			continue
		}
		name, kind := cols[0], cols[3]
		var want bool
		switch kind {
		case "new":
			want = false
		case "autoreply", "bounce", "list":
			want = true
		default:
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			got := LoopReason(corpusIncoming(t, name), ours)
			if why, ok := known[name]; ok {
				t.Logf("known miss (%s): LoopReason = %q", why, got)
				return
			}
			if (got != "") != want {
				t.Errorf("LoopReason(%s, kind %s) = %q, want a reason: %v", name, kind, got, want)
			}
		})
	}
	if n == 0 {
		t.Fatal("manifest lists no new/autoreply/bounce/list message")
	}
}

package outbound

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"

	"guichet/store"
)

// TestCompose: the four shapes a message takes (text; text and HTML;
// text and attachments; all three) read back as written, and nothing put in
// a name or the subject can add a header field.
func TestCompose(t *testing.T) {
	pdf := store.Attachment{Filename: "rapport\r\nBcc: x.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}
	for _, tc := range []struct {
		name     string
		html     string
		atts     []store.Attachment
		wantType string
	}{
		{"text", "", nil, "text/plain"},
		{"alternative", "<p>Bonjour</p>", nil, "multipart/alternative"},
		{"mixed", "", []store.Attachment{pdf}, "multipart/mixed"},
		{"mixed alternative", "<p>Bonjour</p>", []store.Attachment{pdf}, "multipart/mixed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := Compose(Mail{
				From:    mail.Address{Name: "Centre\r\nBcc: evil@example.org", Address: support},
				To:      []mail.Address{{Name: "Zoé", Address: "zoe@example.org"}},
				Cc:      []mail.Address{{Address: "cc@example.org"}},
				ReplyTo: &mail.Address{Address: "support+x@aide.example.org"},
				Subject: "Objet\r\nBcc: evil@example.org", MessageID: "<m@aide.example.org>",
				InReplyTo: "<p@example.org>", References: []string{"<o@example.org>", "<p@example.org>"},
				AutoSubmitted: "auto-generated", Date: fixedNow,
				Text: "Bonjour,\nune ligne", HTML: tc.html, Attachments: tc.atts,
			})
			if err != nil {
				t.Fatal(err)
			}
			head := raw[:bytes.Index(raw, []byte("\r\n\r\n"))]
			if bytes.Contains(head, []byte("\r\nBcc:")) {
				t.Errorf("a Bcc field was injected:\n%s", head)
			}
			h, text, atts := readBack(t, raw)
			if ct, _, _ := h.ContentType(); ct != tc.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tc.wantType)
			}
			if s, _ := h.Subject(); s != "Objet Bcc: evil@example.org" {
				t.Errorf("Subject = %q", s)
			}
			for k, want := range map[string]string{
				"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", "In-Reply-To": "<p@example.org>",
				"References": "<o@example.org> <p@example.org>", "Cc": "<cc@example.org>", "Content-Language": "fr",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if !strings.HasPrefix(text, "Bonjour,\nune ligne\n") {
				t.Errorf("text = %q", text)
			}
			if tc.html != "" && !strings.Contains(text, tc.html) {
				t.Errorf("HTML alternative missing: %q", text)
			}
			if len(tc.atts) > 0 && atts["rapport Bcc: x.pdf"] != "%PDF-1.4" {
				t.Errorf("attachments = %v", atts)
			}
		})
	}
}

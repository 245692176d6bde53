package redact

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"smtp+starttls://user:s3cret@relay.example:587", "smtp+starttls://user:xxxxx@relay.example:587"},
		{"postgres://guichet:s3cret@db/guichet?sslmode=disable", "postgres://guichet:xxxxx@db/guichet?sslmode=disable"},
		{"smtp://relay.example:25", "smtp://relay.example:25"},
		{"imap://user@host/INBOX", "imap://user@host/INBOX"},
		// Malformed: url.Parse fails, its error would quote the password.
		{"smtps://user:pa ss#w/rd@relay.example:465", "smtps://user:xxxxx@relay.example:465"},
		{"smtp://user:s3cret@host:port", "smtp://user:xxxxx@host:port"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestError(t *testing.T) {
	raw := "smtp://user:s3cret@host:port"
	_, perr := url.Parse(raw)
	if perr == nil {
		t.Fatal("the URL parses")
	}
	err := Error(fmt.Errorf("relay: %w", perr), raw)
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "xxxxx") {
		t.Errorf("Error = %q", err)
	}
	plain := errors.New("x")
	if Error(plain, "smtp://host") != plain {
		t.Error("an error without a password is not returned as is")
	}
}

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"requester's signed address", "rcpt=[support+2026-000042.abcdefgh2345@centre.example]", "rcpt=[support+2026-000042.xxxxx@centre.example]"},
		{"agent's signed address", "to=support+2026-000042.agent.ABCDEFGH2345@centre.example", "to=support+2026-000042.agent.xxxxx@centre.example"},
		{"note address", "support+2026-1234567.note.abcdefgh2345@c.example", "support+2026-1234567.note.xxxxx@c.example"},
		{"plain +detail kept", "a+news@example.org", "a+news@example.org"},
		{"URL password", `dial "smtp://u:p4ss@relay:25": refused`, `dial "smtp://u:xxxxx@relay:25": refused`},
		{"URL without password", "imap://u@h/INBOX", "imap://u@h/INBOX"},
		{"tracking token", "/suivi/2026-000042?jeton=AbC_dEf-1234567890abcd", "/suivi/2026-000042?jeton=xxxxx"},
		{"address link", "https://aide.example/mes-demandes/YUBi.1700000000.AbCdEf", "https://aide.example/mes-demandes/xxxxx"},
		{"nothing to hide", "message stored", "message stored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

package imappoll

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		want Mailbox
		ep   endpoint
	}{
		{
			name: "defaults",
			raw:  "imaps://support%40exemple.fr:s%3Acret@mail.exemple.fr/INBOX",
			want: Mailbox{Name: "support@exemple.fr@mail.exemple.fr/INBOX", Kind: "user", After: "seen", Interval: time.Minute, Address: "support@exemple.fr"},
			ep:   endpoint{addr: "mail.exemple.fr:993", host: "mail.exemple.fr", user: "support@exemple.fr", password: "s:cret", folder: "INBOX", tls: tlsImplicit},
		},
		{
			name: "starttls, no folder",
			raw:  "imap://support:secret@mail.exemple.fr",
			want: Mailbox{Name: "support@mail.exemple.fr/INBOX", Kind: "user", After: "seen", Interval: time.Minute},
			ep:   endpoint{addr: "mail.exemple.fr:143", host: "mail.exemple.fr", user: "support", password: "secret", folder: "INBOX", tls: tlsStartTLS},
		},
		{
			name: "alert mailbox, move, interval, loopback plain text",
			raw:  "imap://alertes:x@127.0.0.1:1143/Supervision?kind=alert&after=move:Trait%C3%A9&interval=30s&tls=none&name=supervision",
			want: Mailbox{Name: "supervision", Kind: "alert", After: "move:Traité", Interval: 30 * time.Second},
			ep:   endpoint{addr: "127.0.0.1:1143", host: "127.0.0.1", user: "alertes", password: "x", folder: "Supervision", tls: tlsNone},
		},
		{
			name: "password file, delete, localhost",
			raw:  "imap://support@localhost/INBOX?tls=none&password_file=/run/secrets/imap&after=delete&address=aide@exemple.fr",
			want: Mailbox{Name: "support@localhost/INBOX", PasswordFile: "/run/secrets/imap", Kind: "user", After: "delete", Interval: time.Minute, Address: "aide@exemple.fr"},
			ep:   endpoint{addr: "localhost:143", host: "localhost", user: "support", folder: "INBOX", tls: tlsNone},
		},
		{
			name: "IPv6 loopback",
			raw:  "imap://u:p@[::1]:1143/INBOX?tls=none",
			want: Mailbox{Name: "u@::1/INBOX", Kind: "user", After: "seen", Interval: time.Minute},
			ep:   endpoint{addr: "[::1]:1143", host: "::1", user: "u", password: "p", folder: "INBOX", tls: tlsNone},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURL(tc.raw)
			if err != nil {
				t.Fatalf("ParseURL(%q) = %v", tc.raw, err)
			}
			tc.want.URL = tc.raw
			if got != tc.want {
				t.Errorf("ParseURL(%q) = %+v, want %+v", tc.raw, got, tc.want)
			}
			ep, _, err := parseEndpoint(tc.raw)
			if err != nil || ep != tc.ep {
				t.Errorf("parseEndpoint(%q) = %+v, %v, want %+v", tc.raw, ep, err, tc.ep)
			}
		})
	}
}

func TestParseURLRejects(t *testing.T) {
	cases := []struct{ name, raw, why string }{
		{"other scheme", "pop3://u:p@h/INBOX", "scheme"},
		{"no user", "imaps://mail.exemple.fr/INBOX", "user"},
		{"no host", "imaps://u:p@/INBOX", "host"},
		{"plain text to a remote host", "imap://u:p@mail.exemple.fr/INBOX?tls=none", "loopback"},
		{"plain text with imaps", "imaps://u:p@127.0.0.1/INBOX?tls=none", "imaps"},
		{"unknown tls mode", "imap://u:p@mail.exemple.fr/INBOX?tls=maybe", "tls"},
		{"unknown kind", "imaps://u:p@h/INBOX?kind=robot", "kind"},
		{"unknown after", "imaps://u:p@h/INBOX?after=archive", "after"},
		{"move without folder", "imaps://u:p@h/INBOX?after=move:", "after"},
		{"move to itself", "imaps://u:p@h/Support?after=move:support", "itself"},
		{"bad interval", "imaps://u:p@h/INBOX?interval=soon", "interval"},
		{"tiny interval", "imaps://u:p@h/INBOX?interval=10ms", "interval"},
		{"typo", "imaps://u:p@h/INBOX?knd=alert", "unknown parameter"},
		{"twice", "imaps://u:p@h/INBOX?kind=user&kind=alert", "2 times"},
		{"unparsable", "imaps://u:p@h:port/INBOX", "parsed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseURL(tc.raw)
			if !errors.Is(err, ErrBadURL) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("ParseURL(%q) = %v, want ErrBadURL mentioning %q", tc.raw, err, tc.why)
			}
			if err != nil && strings.Contains(err.Error(), ":p@") {
				t.Errorf("ParseURL(%q) error %q leaks the password", tc.raw, err)
			}
		})
	}
}

package smtpd

import (
	"bytes"
	"strings"
	"testing"
)

// TestSMTPSmuggling sends the SEC Consult vectors (CVE-2023-51764,
// CVE-2023-51765, CVE-2023-51766 family): a first message whose body holds
// a non-standard end-of-data sequence followed by a whole second
// transaction. Only <CR><LF>.<CR><LF> may end DATA, so exactly one message
// is delivered and the smuggled transaction is its content.
func TestSMTPSmuggling(t *testing.T) {
	const smuggled = "MAIL FROM:<direction@example.org>\r\n" +
		"RCPT TO:<support@example.org>\r\n" +
		"DATA\r\n" +
		"From: direction@example.org\r\n" +
		"Subject: message introduit\r\n" +
		"\r\n" +
		"texte introduit en contrebande\r\n"
	tests := []struct {
		name string
		fake string // the would-be end of data
	}{
		{"LF dot LF", "\n.\n"},
		{"LF dot CRLF", "\n.\r\n"},
		{"CR dot CR", "\r.\r"},
		{"CRLF dot LF", "\r\n.\n"},
		{"CRLF dot CR", "\r\n.\r"},
		{"CR dot CRLF", "\r.\r\n"},
		{"LF dot CR LF-less", "\n.\r"},
		{"CRLF dot NUL CRLF", "\r\n.\x00\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := startServer(t, baseOptions(), rec)
			c := dial(t, ts.addr)
			c.greet()
			c.expect("MAIL FROM:<awa.diop@example.net>", "250")
			c.expect("RCPT TO:<support@example.org>", "250")
			c.expect("DATA", "354")
			first := "From: awa.diop@example.net\r\nSubject: premier\r\n\r\nBonjour" + tt.fake
			c.send(first + smuggled + ".\r\n")
			if got := c.reply(); !strings.HasPrefix(got, "250 ") {
				t.Fatalf("end of DATA → %q, want one 250", got)
			}
			// Had the fake terminator ended the message, the smuggled
			// commands would now produce 250, 250, 354 before this 221.
			if got := c.cmd("QUIT"); !strings.HasPrefix(got, "221") {
				t.Fatalf("QUIT → %q, want 221: the smuggled commands were executed", got)
			}
			got := rec.deliveries()
			if len(got) != 1 {
				t.Fatalf("%d deliveries, want exactly 1", len(got))
			}
			raw := got[0].raw
			for _, want := range []string{"Subject: premier", "MAIL FROM:<direction@example.org>", "texte introduit en contrebande"} {
				if !bytes.Contains(raw, []byte(want)) {
					t.Errorf("delivered message lacks %q:\n%q", want, raw)
				}
			}
			if i := bareLF(raw); i >= 0 {
				t.Errorf("delivered message has a bare LF at %d:\n%q", i, raw)
			}
		})
	}
}

// bareLF returns the index of the first LF not preceded by CR, or -1.
func bareLF(b []byte) int {
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			return i
		}
	}
	return -1
}

func TestBareLFMessageIsNormalised(t *testing.T) {
	rec := &recorder{}
	ts := startServer(t, baseOptions(), rec)
	c := dial(t, ts.addr)
	c.greet()
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	c.expect("RCPT TO:<support@example.org>", "250")
	c.expect("DATA", "354")
	c.send("From: awa.diop@example.net\nSubject: fins de ligne Unix\n\nligne 1\nligne 2\r\n.\r\n")
	if got := c.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("end of DATA → %q, want 250", got)
	}
	want := "From: awa.diop@example.net\r\nSubject: fins de ligne Unix\r\n\r\nligne 1\r\nligne 2\r\n"
	d := rec.deliveries()
	if len(d) != 1 {
		t.Fatalf("%d deliveries, want 1", len(d))
	}
	if string(d[0].raw) != want {
		t.Errorf("delivered %q, want %q", d[0].raw, want)
	}
}

func TestNormalizeBareLF(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"already CRLF", "a\r\nb\r\n", "a\r\nb\r\n"},
		{"bare LF", "a\nb\n", "a\r\nb\r\n"},
		{"leading LF", "\na", "\r\na"},
		{"mixed", "a\r\nb\nc\r\n", "a\r\nb\r\nc\r\n"},
		{"bare CR kept", "a\rb\r\n", "a\rb\r\n"},
		{"LF LF", "\n\n", "\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(normalizeBareLF([]byte(tt.in))); got != tt.want {
				t.Errorf("normalizeBareLF(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

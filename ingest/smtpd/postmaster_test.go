package smtpd

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestBarePostmasterOverSMTP: "RCPT TO:<Postmaster>" without a domain, in
// any case, reaches the postmaster of the first accepted domain (RFC 5321
// §4.1.1.3, §4.5.1); the postmaster of a domain we do not serve is still
// relaying.
func TestBarePostmasterOverSMTP(t *testing.T) {
	tests := []struct {
		name     string
		rcpt     string
		want     string
		wantRcpt string // the envelope recipient delivered, "" if refused
	}{
		{"Postmaster", "RCPT TO:<Postmaster>", "250", "postmaster@example.org"},
		{"POSTMASTER", "RCPT TO:<POSTMASTER>", "250", "postmaster@example.org"},
		{"lower case, spaces", "rcpt to: <postmaster>", "250", "postmaster@example.org"},
		{"other domain still refused", "RCPT TO:<postmaster@other.example>", "550 5.7.1", ""},
		{"not postmaster", "RCPT TO:<postmasters>", "501", ""},
		{"without brackets", "RCPT TO:postmaster", "501", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOptions()
			o.Domains = []string{"Example.org", "support.example.com"}
			rec := &recorder{}
			ts := startServer(t, o, rec)
			c := dial(t, ts.addr)
			c.greet()
			c.expect("MAIL FROM:<awa.diop@example.net>", "250")
			c.expect(tt.rcpt, tt.want)
			if tt.wantRcpt == "" {
				c.expect("DATA", "502")
				return
			}
			c.expect("DATA", "354")
			c.send(message("pour le postmaster") + ".\r\n")
			if got := c.reply(); !strings.HasPrefix(got, "250") {
				t.Fatalf("end of DATA → %q, want 250", got)
			}
			if d := rec.deliveries(); len(d) != 1 || !slices.Equal(d[0].env.RcptTo, []string{tt.wantRcpt}) {
				t.Fatalf("deliveries = %+v, want one to %s", d, tt.wantRcpt)
			}
		})
	}
}

// TestBarePostmasterPipelined: the rewrite follows pipelined commands and
// never changes the message, whose lines may look like commands, under
// DATA as under BDAT.
func TestBarePostmasterPipelined(t *testing.T) {
	body := "Subject: test\r\n\r\nRCPT TO:<Postmaster>\r\n..\r\nBDAT 3\r\nRCPT TO:<postmaster>\r\n"
	rec := &recorder{}
	ts := startServer(t, baseOptions(), rec)
	c := dial(t, ts.addr)
	c.greet()
	// One write: MAIL, RCPT, DATA and the message, as a pipelining client
	// that does not wait for 354 would send them.
	c.send("MAIL FROM:<awa.diop@example.net>\r\nRCPT TO:<Postmaster>\r\nDATA\r\n" + body + ".\r\n" +
		"MAIL FROM:<awa.diop@example.net>\r\nRCPT TO:<postmaster>\r\n")
	for i, want := range []string{"250", "250", "354", "250", "250", "250"} {
		if got := c.reply(); !strings.HasPrefix(got, want) {
			t.Fatalf("reply %d = %q, want %s", i, got, want)
		}
	}
	chunk := "Subject: bdat\r\n\r\nRCPT TO:<Postmaster>\r\n"
	c.send("BDAT " + strconv.Itoa(len(chunk)) + " LAST\r\n" + chunk)
	if got := c.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("BDAT → %q, want 250", got)
	}
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	c.expect("RCPT TO:<Postmaster>", "250")
	d := rec.deliveries()
	if len(d) != 2 {
		t.Fatalf("%d deliveries, want 2", len(d))
	}
	if want := strings.Replace(body, "\r\n..\r\n", "\r\n.\r\n", 1); string(d[0].raw) != want {
		t.Errorf("DATA message changed:\n got %q\nwant %q", d[0].raw, want)
	}
	if string(d[1].raw) != chunk {
		t.Errorf("BDAT message changed:\n got %q\nwant %q", d[1].raw, chunk)
	}
	for i, want := range []string{"postmaster@example.org", "postmaster@example.org"} {
		if !slices.Equal(d[i].env.RcptTo, []string{want}) {
			t.Errorf("delivery %d to %v, want %s", i, d[i].env.RcptTo, want)
		}
	}
}

// TestPostmasterRewriter feeds the rewriter whole and cut at every byte:
// the output is the same however the input arrives.
func TestPostmasterRewriter(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bare", "RCPT TO:<Postmaster>\r\n", "RCPT TO:<postmaster@example.org>\r\n"},
		{"parameters", "RCPT TO:<postmaster> NOTIFY=NEVER\r\n", "RCPT TO:<postmaster@example.org> NOTIFY=NEVER\r\n"},
		{"bare LF", "RCPT TO:<postmaster>\n", "RCPT TO:<postmaster@example.org>\n"},
		{"with domain", "RCPT TO:<postmaster@example.net>\r\n", "RCPT TO:<postmaster@example.net>\r\n"},
		{"other local part", "RCPT TO:<postmasterx>\r\n", "RCPT TO:<postmasterx>\r\n"},
		{"long S is not S", "RCPT TO:<po\u017ftmaster>\r\n", "RCPT TO:<po\u017ftmaster>\r\n"},
		{"MAIL FROM", "MAIL FROM:<postmaster>\r\n", "MAIL FROM:<postmaster>\r\n"},
		{"in DATA",
			"DATA\r\nRCPT TO:<postmaster>\r\n.\r\nRCPT TO:<postmaster>\r\n",
			"DATA\r\nRCPT TO:<postmaster>\r\n.\r\nRCPT TO:<postmaster@example.org>\r\n"},
		{"bare LF dot does not end DATA",
			"DATA\r\nx\n.\nRCPT TO:<postmaster>\r\n.\r\n",
			"DATA\r\nx\n.\nRCPT TO:<postmaster>\r\n.\r\n"},
		{"empty message",
			"DATA\r\n.\r\nRCPT TO:<postmaster>\r\n",
			"DATA\r\n.\r\nRCPT TO:<postmaster@example.org>\r\n"},
		{"in BDAT",
			"BDAT 22\r\nRCPT TO:<postmaster>\r\nRCPT TO:<postmaster>\r\n",
			"BDAT 22\r\nRCPT TO:<postmaster>\r\nRCPT TO:<postmaster@example.org>\r\n"},
		{"malformed BDAT stops the rewrite",
			"BDAT x\r\nRCPT TO:<postmaster>\r\n",
			"BDAT x\r\nRCPT TO:<postmaster>\r\n"},
		{"after STARTTLS",
			"STARTTLS\r\nRCPT TO:<postmaster>\r\n",
			"STARTTLS\r\nRCPT TO:<postmaster>\r\n"},
		{"long line passes",
			"NOOP " + strings.Repeat("x", 1000) + "\r\nRCPT TO:<postmaster>\r\n",
			"NOOP " + strings.Repeat("x", 1000) + "\r\nRCPT TO:<postmaster@example.org>\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for cut := 0; cut <= len(tt.in); cut++ {
				parts := []string{tt.in[:cut], tt.in[cut:]}
				if got := rewriteAll(t, parts); got != tt.want {
					t.Fatalf("cut at %d:\n got %q\nwant %q", cut, got, tt.want)
				}
			}
			bytewise := strings.Split(tt.in, "")
			if got := rewriteAll(t, bytewise); got != tt.want {
				t.Fatalf("one byte at a time:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// rewriteAll runs parts, one per raw read, through a rewriter, reading
// with a small buffer as bufio would with a larger one.
func rewriteAll(t *testing.T, parts []string) string {
	t.Helper()
	r := newPostmasterRewriter("example.org")
	raw := func(p []byte) (int, error) {
		for len(parts) > 0 && parts[0] == "" {
			parts = parts[1:]
		}
		if len(parts) == 0 {
			return 0, io.EOF
		}
		n := copy(p, parts[0])
		parts[0] = parts[0][n:]
		return n, nil
	}
	var out bytes.Buffer
	buf := make([]byte, 7)
	for {
		n, err := r.read(buf, raw)
		if n == 0 && err == nil {
			t.Fatal("read returned 0 bytes and no error")
		}
		out.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			return out.String()
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
	}
}

// BenchmarkPostmasterRewriterData: the rewriter's cost on message bytes,
// which every DATA goes through.
func BenchmarkPostmasterRewriterData(b *testing.B) {
	msg := []byte("DATA\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", 16<<10) + ".\r\n")
	buf := make([]byte, 4096)
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		r := newPostmasterRewriter("example.org")
		in := msg
		raw := func(p []byte) (int, error) {
			if len(in) == 0 {
				return 0, io.EOF
			}
			n := copy(p, in)
			in = in[n:]
			return n, nil
		}
		for {
			if _, err := r.read(buf, raw); err != nil {
				break
			}
		}
	}
}

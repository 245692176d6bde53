package smtpd

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/store"
)

func TestEHLOAdvertisesExtensions(t *testing.T) {
	ts := startServer(t, baseOptions(), &recorder{})
	c := dial(t, ts.addr)
	if b := c.reply(); !strings.HasPrefix(b, "220 mx.test.example ") {
		t.Fatalf("banner = %q, want 220 mx.test.example …", b)
	}
	ehlo := c.expect("EHLO client.test", "250")
	for _, ext := range []string{"PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", fmt.Sprintf("SIZE %d", DefaultMaxBytes)} {
		if !strings.Contains(ehlo, "250-"+ext+"\r\n") && !strings.Contains(ehlo, "250 "+ext+"\r\n") {
			t.Errorf("EHLO reply lacks %s:\n%s", ext, ehlo)
		}
	}
	if strings.Contains(ehlo, "STARTTLS") {
		t.Errorf("EHLO offers STARTTLS without a TLS configuration:\n%s", ehlo)
	}
}

func TestRecipientPolicy(t *testing.T) {
	p, err := newRecipientPolicy([]string{"example.org", "Support.Example.COM"},
		[]string{"support@example.org", "alertes@example.org", "Helpdesk@support.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		rcpt string
		want bool
	}{
		{"support address", "support@example.org", true},
		{"case differs", "SUPPORT@Example.ORG", true},
		{"signed reply address", "support+2026-000042.k3j9x@example.org", true},
		{"empty detail", "support+@example.org", true},
		{"alert address", "alertes@example.org", true},
		{"declared in second domain", "helpdesk@support.example.com", true},
		{"trailing dot of the domain", "support@example.org.", true},
		{"unknown local part", "direction@example.org", false},
		{"prefix of a declared local part", "supp@example.org", false},
		{"declared local part as a prefix", "supportx@example.org", false},
		{"other domain", "support@example.net", false},
		{"subdomain", "support@mail.example.org", false},
		{"relay attempt with percent hack", "victim%example.net@example.org", false},
		{"source route form", "@example.org:victim@example.net", false},
		{"no domain", "support", false},
		{"postmaster of an accepted domain (RFC 5321 §4.5.1)", "postmaster@example.org", true},
		{"postmaster in any case", "PostMaster@Support.Example.COM", true},
		{"abuse of an accepted domain (RFC 2142)", "abuse@example.org", true},
		{"postmaster of another domain", "postmaster@example.net", false},
		{"postmaster without a domain", "postmaster", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.accepts(tt.rcpt); got != tt.want {
				t.Errorf("accepts(%q) = %v, want %v", tt.rcpt, got, tt.want)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"no address", Options{Domains: []string{"example.org"}}},
		{"address without domain", Options{Addresses: []string{"support"}}},
		{"address with detail", Options{Addresses: []string{"support+x@example.org"}}},
		{"domain with at sign", Options{Domains: []string{"a@b"}, Addresses: []string{"support@example.org"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.o, &recorder{}); err == nil {
				t.Errorf("New(%+v) = nil error, want an error", tt.o)
			}
		})
	}
}

// TestNotAnOpenRelay drives the recipient policy over TCP: a stranger can
// reach our addresses and nothing else.
func TestNotAnOpenRelay(t *testing.T) {
	rec := &recorder{}
	ts := startServer(t, baseOptions(), rec)
	tests := []struct {
		rcpt string
		want string
	}{
		{"support@example.org", "250 2.0.0"},
		{"support+2026-000042.tok@example.org", "250 2.0.0"},
		{"victim@example.net", "550 5.7.1"},
		{"root@example.org", "550 5.7.1"},
		{"victim%example.net@example.org", "550 5.7.1"},
		{"support@example.org.evil.test", "550 5.7.1"},
	}
	c := dial(t, ts.addr)
	c.greet()
	c.expect("MAIL FROM:<stranger@internet.test>", "250")
	for _, tt := range tests {
		if got := c.cmd("RCPT TO:<" + tt.rcpt + ">"); !strings.HasPrefix(got, tt.want) {
			t.Errorf("RCPT TO:<%s> → %q, want %s", tt.rcpt, got, tt.want)
		}
	}
	// A transaction with only foreign recipients cannot reach DATA.
	c.expect("RSET", "250")
	c.expect("MAIL FROM:<stranger@internet.test>", "250")
	c.expect("RCPT TO:<victim@example.net>", "550 5.7.1")
	if got := c.cmd("DATA"); strings.HasPrefix(got, "354") {
		t.Fatalf("DATA after only refused recipients → %q, want a refusal", got)
	}
	if n := len(rec.deliveries()); n != 0 {
		t.Errorf("%d deliveries, want 0", n)
	}
	if !strings.Contains(ts.logs.String(), "recipient refused") {
		t.Errorf("refused recipients were not logged")
	}
}

// TestOneDeliveryForAllRecipients: several of our recipients make one
// stored message, with the whole envelope.
func TestOneDeliveryForAllRecipients(t *testing.T) {
	rec := &recorder{}
	ts := startServer(t, baseOptions(), rec)
	c := dial(t, ts.addr)
	c.greet()
	msg := message("deux destinataires")
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	c.expect("RCPT TO:<support@example.org>", "250")
	c.expect("RCPT TO:<alertes@example.org>", "250")
	c.expect("RCPT TO:<Support@example.org>", "250") // the same recipient again
	c.expect("RCPT TO:<intrus@example.net>", "550")
	c.expect("DATA", "354")
	c.send(msg + ".\r\n")
	if got := c.reply(); !strings.HasPrefix(got, "250 2.0.0") {
		t.Fatalf("end of DATA → %q, want 250 2.0.0", got)
	}
	got := rec.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	want := store.Envelope{Transport: "smtp", MailFrom: "awa.diop@example.net",
		RcptTo: []string{"support@example.org", "alertes@example.org"}, ClientAddr: "127.0.0.1", Helo: "client.test"}
	if env := got[0].env; env.Transport != want.Transport || env.MailFrom != want.MailFrom ||
		!slices.Equal(env.RcptTo, want.RcptTo) || env.ClientAddr != want.ClientAddr || env.Helo != want.Helo || env.TLS {
		t.Errorf("envelope = %+v, want %+v", env, want)
	}
	if string(got[0].raw) != msg {
		t.Errorf("raw = %q, want %q", got[0].raw, msg)
	}
}

// TestDeliveryErrorsAre451 checks the one error edge: whatever Deliver
// says, the client gets 451 4.3.0 with a generic text and an id, and the
// log has the real error under that id.
func TestDeliveryErrorsAre451(t *testing.T) {
	const secret = "pq: the database system is shutting down"
	tests := []struct {
		name string
		err  error
	}{
		{"store unavailable", fmt.Errorf("ingest: commit: %s: %w", secret, store.ErrUnavailable)},
		{"any other error", errors.New(secret + " (SQLSTATE 57P03) at /srv/guichet/store/pg.go:42")},
		{"duplicate key leaking", fmt.Errorf("insert: %w: %s", store.ErrDuplicate, secret)},
	}
	idRe := regexp.MustCompile(`^451 4\.3\.0 [ -~]*\(id ([0-9a-f]{12})\)\r\n$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{err: tt.err}
			ts := startServer(t, baseOptions(), rec)
			c := dial(t, ts.addr)
			c.greet()
			got := c.sendMessage("awa.diop@example.net", []string{"support@example.org"}, message("panne"))
			m := idRe.FindStringSubmatch(got)
			if m == nil {
				t.Fatalf("end of DATA → %q, want 451 4.3.0 … (id …)", got)
			}
			for _, leak := range []string{"pq", "database", "SQLSTATE", "store", "/srv", "duplicate"} {
				if strings.Contains(strings.ToLower(got), leak) {
					t.Errorf("reply %q leaks %q", got, leak)
				}
			}
			logs := ts.logs.String()
			if !strings.Contains(logs, m[1]) || !strings.Contains(logs, secret) {
				t.Errorf("log lacks the id %s or the real error:\n%s", m[1], logs)
			}
			// The session stays usable: the next message gets its own answer.
			rec.mu.Lock()
			rec.err = nil
			rec.mu.Unlock()
			if got := c.sendMessage("awa.diop@example.net", []string{"support@example.org"}, message("panne 2")); !strings.HasPrefix(got, "250") {
				t.Errorf("retry → %q, want 250", got)
			}
		})
	}
}

func TestSizeLimit(t *testing.T) {
	o := baseOptions()
	o.MaxBytes = 2000
	rec := &recorder{}
	ts := startServer(t, o, rec)
	c := dial(t, ts.addr)
	if ehlo := c.greet(); !strings.Contains(ehlo, "SIZE 2000") {
		t.Fatalf("EHLO does not advertise SIZE 2000:\n%s", ehlo)
	}
	// Declared too large: refused before any byte of the message (RFC 1870 §6.1).
	c.expect("MAIL FROM:<awa.diop@example.net> SIZE=5000", "552 5.3.4")

	// Undeclared, then too large: the whole body is read and discarded, the
	// reply is 552 and the connection goes on.
	big := message("gros") + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", 400)
	if got := c.sendMessage("awa.diop@example.net", []string{"support@example.org"}, big); !strings.HasPrefix(got, "552 5.3.4") {
		t.Fatalf("oversized DATA → %q, want 552 5.3.4", got)
	}
	if got := c.sendMessage("awa.diop@example.net", []string{"support@example.org"}, message("petit")); !strings.HasPrefix(got, "250") {
		t.Fatalf("small message after an oversized one → %q, want 250", got)
	}
	if d := rec.deliveries(); len(d) != 1 || !bytes.Contains(d[0].raw, []byte("Subject: petit")) {
		t.Fatalf("deliveries = %d, want only the small message", len(d))
	}
	if !strings.Contains(ts.logs.String(), "message size limit reached") {
		t.Errorf("size limit was not logged")
	}
}

func TestRecipientLimit(t *testing.T) {
	o := baseOptions()
	o.MaxRecipients = 3
	rec := &recorder{}
	ts := startServer(t, o, rec)
	c := dial(t, ts.addr)
	c.greet()
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	for i := range 3 {
		c.expect(fmt.Sprintf("RCPT TO:<support+%d@example.org>", i), "250")
	}
	c.expect("RCPT TO:<support+3@example.org>", "452 4.5.3")
	c.expect("DATA", "354")
	c.send(message("trois") + ".\r\n")
	if got := c.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("DATA → %q, want 250", got)
	}
	if d := rec.deliveries(); len(d) != 1 || len(d[0].env.RcptTo) != 3 {
		t.Fatalf("deliveries = %+v, want one with 3 recipients", d)
	}
	if !strings.Contains(ts.logs.String(), "recipient limit reached") {
		t.Errorf("recipient limit was not logged")
	}
}

func TestConnectionLimit(t *testing.T) {
	o := baseOptions()
	o.MaxConns = 3
	ts := startServer(t, o, &recorder{})
	var held []*client
	for range 3 {
		c := dial(t, ts.addr)
		c.greet()
		held = append(held, c)
	}
	extra := dial(t, ts.addr)
	if got := extra.reply(); !strings.HasPrefix(got, "421 4.7.0 ") {
		t.Fatalf("connection past the limit → %q, want 421 4.7.0", got)
	}
	if got := extra.reply(); got != "" {
		t.Fatalf("after 421, read %q, want the connection closed", got)
	}
	// A slot freed is a slot reusable.
	held[0].expect("QUIT", "221")
	waitForSlot(t, ts.addr)
	if !strings.Contains(ts.logs.String(), "connection limit reached") {
		t.Errorf("connection limit was not logged")
	}
}

// fakeClock is an injectable clock for the rate limiter.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func TestRateLimitOverSMTP(t *testing.T) {
	clk := &fakeClock{now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	o := baseOptions()
	o.RatePerMinute = 2
	o.Clock = clk.Now
	rec := &recorder{}
	ts := startServer(t, o, rec)
	c := dial(t, ts.addr)
	c.greet()
	for i := range 2 {
		if got := c.sendMessage("awa.diop@example.net", []string{"support@example.org"}, message(fmt.Sprint("m", i))); !strings.HasPrefix(got, "250") {
			t.Fatalf("message %d → %q, want 250", i, got)
		}
	}
	c.expect("MAIL FROM:<awa.diop@example.net>", "451 4.7.1")
	// Another connection from the same address shares the limit.
	c2 := dial(t, ts.addr)
	c2.greet()
	c2.expect("MAIL FROM:<awa.diop@example.net>", "451 4.7.1")
	clk.Add(30 * time.Second) // one token back (2 per minute)
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	c.expect("RSET", "250")
	c.expect("MAIL FROM:<awa.diop@example.net>", "451 4.7.1")
	if !strings.Contains(ts.logs.String(), "rate limit reached") {
		t.Errorf("rate limit was not logged")
	}
}

func TestRateLimiter(t *testing.T) {
	clk := &fakeClock{now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	tests := []struct {
		name   string
		steps  []time.Duration // advance before each attempt
		want   []bool
		perMin int
	}{
		{"burst up to the rate", []time.Duration{0, 0, 0, 0}, []bool{true, true, true, false}, 3},
		{"refills with time", []time.Duration{0, 0, 0, 20 * time.Second, 0}, []bool{true, true, true, true, false}, 3},
		{"never above the bucket size", []time.Duration{0, time.Hour, 0, 0, 0}, []bool{true, true, true, true, false}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRateLimiter(tt.perMin, clk.Now)
			for i, d := range tt.steps {
				clk.Add(d)
				if got := r.allow("192.0.2.1"); got != tt.want[i] {
					t.Fatalf("attempt %d: allow = %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
	t.Run("memory is bounded", func(t *testing.T) {
		r := newRateLimiter(10, clk.Now)
		r.maxBuckets = 1000
		for i := range 50_000 {
			r.allow(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		}
		if n := r.size(); n > 1000 {
			t.Errorf("%d buckets after 50,000 addresses, want at most 1000", n)
		}
		clk.Add(2 * time.Minute)
		r.allow("192.0.2.9")
		if n := r.size(); n != 1 {
			t.Errorf("%d buckets after every other bucket refilled, want 1", n)
		}
	})
}

func TestTooManyRejectedCommands(t *testing.T) {
	o := baseOptions()
	o.MaxBadCommands = 3
	ts := startServer(t, o, &recorder{})
	c := dial(t, ts.addr)
	c.greet()
	c.expect("MAIL FROM:<x@internet.test>", "250")
	c.expect("RCPT TO:<a@example.org>", "550")
	c.expect("RCPT TO:<b@example.org>", "550")
	c.expect("RCPT TO:<c@example.org>", "421 4.7.0")
	if got := c.reply(); got != "" {
		t.Fatalf("after 421, read %q, want the connection closed", got)
	}
}

func TestNoDeliveryForAbortedData(t *testing.T) {
	rec := &recorder{}
	ts := startServer(t, baseOptions(), rec)
	c := dial(t, ts.addr)
	c.greet()
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	c.expect("RCPT TO:<support@example.org>", "250")
	c.expect("DATA", "354")
	c.send(message("coupe")) // no terminator
	c.conn.Close()
	// Wait until the server has ended the session: only then is "no
	// delivery" a verdict rather than a race.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		ts.srv.mu.Lock()
		open := len(ts.srv.conns)
		ts.srv.mu.Unlock()
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the session is still open 5 s after the client left")
		}
	}
	if n := len(rec.deliveries()); n != 0 {
		t.Errorf("%d deliveries of an unterminated message, want 0", n)
	}
}

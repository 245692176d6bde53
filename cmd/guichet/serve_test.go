package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"guichet/internal/dovecot"
	"guichet/internal/pgtest"
	"guichet/store"
)

// syncBuffer is a bytes.Buffer safe for the server's log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// relay is an SMTP server standing for the organisation's relay: it
// records what Guichet sends.
type relay struct {
	mu   sync.Mutex
	msgs []relayed
	addr string
}

type relayed struct {
	from string
	to   []string
	data []byte
}

type relaySession struct {
	r    *relay
	from string
	to   []string
}

func (s *relaySession) AuthPlain(string, string) error { return nil }
func (s *relaySession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *relaySession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *relaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, relayed{s.from, s.to, b})
	s.r.mu.Unlock()
	return nil
}
func (s *relaySession) Reset()        { s.from, s.to = "", nil }
func (s *relaySession) Logout() error { return nil }

func startRelay(t *testing.T) *relay {
	t.Helper()
	r := &relay{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &relaySession{r: r}, nil }))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return r
}

func (r *relay) messages() []relayed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]relayed(nil), r.msgs...)
}

// serving is a running `guichet serve`.
type serving struct {
	smtpAddr string
	logs     *syncBuffer
	stop     func() int
}

func startServe(t *testing.T, h *harness) *serving {
	t.Helper()
	return startServeUntil(t, h, regexp.MustCompile(`guichet ready.* smtp=(127\.0\.0\.1:\d+)`))
}

// startServeOnly starts serve and waits for its ready line (no SMTP).
func startServeOnly(t *testing.T, h *harness) *serving {
	t.Helper()
	return startServeUntil(t, h, regexp.MustCompile(`guichet ready`))
}

// startServeUntil runs serve until its log matches ready; a first
// submatch, when ready has one, is the SMTP address.
func startServeUntil(t *testing.T, h *harness, ready *regexp.Regexp) *serving {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, env{
			stdin: strings.NewReader(""), stdout: io.Discard, stderr: logs,
			getenv: func(k string) string { return h.env[k] },
		})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := ready.FindStringSubmatch(logs.String()); m != nil {
			s := &serving{logs: logs}
			if len(m) > 1 {
				s.smtpAddr = m[1]
			}
			var once sync.Once
			code := -1
			s.stop = func() int {
				once.Do(func() {
					cancel()
					select {
					case code = <-done:
					case <-time.After(30 * time.Second):
						t.Errorf("serve did not stop within 30 s")
					}
				})
				return code
			}
			t.Cleanup(func() { s.stop() })
			return s
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited with %d before it was ready:\n%s", code, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve not ready after 20 s:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// send delivers one message over SMTP and returns the final reply's code.
func send(t *testing.T, addr, from, to string, msg []byte) (int, string) {
	t.Helper()
	return sendRcpts(t, addr, from, []string{to}, msg)
}

// sendRcpts delivers one message to several envelope recipients in one
// SMTP transaction, as a mail client's Reply-All does.
func sendRcpts(t *testing.T, addr, from string, rcpts []string, msg []byte) (int, string) {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	code := func(err error) (int, string) {
		var tpe *textproto.Error
		if errors.As(err, &tpe) {
			return tpe.Code, tpe.Msg
		}
		t.Fatalf("SMTP: %v", err)
		return 0, ""
	}
	if err := c.Mail(from); err != nil {
		return code(err)
	}
	for _, to := range rcpts {
		if err := c.Rcpt(to); err != nil {
			return code(err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return code(err)
	}
	if _, err := w.Write(msg); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		return code(err)
	}
	c.Quit()
	return 250, ""
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeEndToEnd drives `guichet serve` as its users do: a request over
// SMTP becomes a ticket, its French acknowledgment reaches the relay with
// the headers a mail client threads on, a reply joins without a second
// acknowledgment, and SIGTERM stops the server with exit 0.
func TestServeEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rl := startRelay(t)
			h := newHarness(t, tc.db(t))
			h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
			h.env["GUICHET_HTTP_ADDR"] = "off"
			h.env["GUICHET_RELAY_URL"] = "smtp://" + rl.addr
			srv := startServe(t, h)

			if code, _ := send(t, srv.smtpAddr, "awa.diop@example.org", "support@centre.example", []byte(request)); code != 250 {
				t.Fatalf("request: SMTP %d, want 250", code)
			}
			if code, _ := send(t, srv.smtpAddr, "x@example.org", "someone@elsewhere.example", []byte(request)); code != 550 {
				t.Errorf("relay attempt: SMTP %d, want 550", code)
			}
			waitFor(t, "the acknowledgment", func() bool { return len(rl.messages()) == 1 })
			ack := rl.messages()[0]
			if len(ack.to) != 1 || ack.to[0] != "awa.diop@example.org" {
				t.Errorf("acknowledgment to %v", ack.to)
			}
			text := string(ack.data)
			for _, want := range []string{"Auto-Submitted: auto-replied", "In-Reply-To: <req-1@example.org>",
				"Content-Language: fr", "Reply-To:", "support+"} {
				if !strings.Contains(text, want) {
					t.Errorf("acknowledgment lacks %q:\n%s", want, text)
				}
			}
			number := regexp.MustCompile(`\d{4}-\d{6}`).FindString(text)
			reply := strings.Replace(request, "Subject: [1.7] Plateforme inaccessible depuis ce matin",
				"Subject: RE : [Ticket#"+number+"] Accusé de réception", 1)
			reply = strings.Replace(reply, "<req-1@example.org>", "<req-2@example.org>", 1)
			if code, _ := send(t, srv.smtpAddr, "awa.diop@example.org", "support@centre.example", []byte(reply)); code != 250 {
				t.Fatalf("reply: SMTP %d", code)
			}
			if code := srv.stop(); code != exitOK {
				t.Errorf("serve exit code %d after cancellation, want 0", code)
			}
			if n := len(rl.messages()); n != 1 {
				t.Errorf("relay got %d messages, want only the one acknowledgment", n)
			}
			code, out, _ := h.run("", "ticket", number, "--json")
			if code != exitOK || strings.Count(out, `"direction": "in"`) != 2 {
				t.Errorf("ticket %s after the reply = %d\n%s", number, code, out)
			}
			code, out, _ = h.run("", "outbox")
			if code != exitOK || !strings.Contains(out, "envoyé") {
				t.Errorf("outbox = %d\n%s", code, out)
			}
		})
	}
}

// proxy is a TCP proxy to PostgreSQL that a test can cut, as an outage.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	p := &proxy{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection: PostgreSQL is gone.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address: PostgreSQL is back.
func (p *proxy) restore(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

// TestServeDatabaseOutage: while PostgreSQL is unreachable the receiver
// answers 451 (the sender retries), never 250 nor 5xx, and it recovers by
// itself; every message that got 250 is stored exactly once.
func TestServeDatabaseOutage(t *testing.T) {
	dbURL := pgtest.URL(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, u.Host)
	u.Host = px.addr
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()

	h := newHarness(t, u.String())
	h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
	h.env["GUICHET_HTTP_ADDR"] = "off"
	srv := startServe(t, h)

	msg := func(i int) []byte {
		return []byte(strings.Replace(request, "<req-1@example.org>", fmt.Sprintf("<outage-%d@example.org>", i), 1))
	}
	accepted := map[int]bool{}
	sendOne := func(i int) int {
		code, text := send(t, srv.smtpAddr, "awa.diop@example.org", "support@centre.example", msg(i))
		if code == 250 {
			accepted[i] = true
		}
		if code != 250 && code != 451 {
			t.Errorf("message %d: SMTP %d %q, want 250 or 451", i, code, text)
		}
		if strings.Contains(text, "pgx") || strings.Contains(text, "postgres") || strings.Contains(text, "dial") {
			t.Errorf("message %d: internal detail leaked to the client: %q", i, text)
		}
		return code
	}
	for i := 0; i < 5; i++ {
		if code := sendOne(i); code != 250 {
			t.Fatalf("before the outage: message %d got %d", i, code)
		}
	}
	px.cut()
	for i := 5; i < 10; i++ {
		if code := sendOne(i); code != 451 {
			t.Errorf("during the outage: message %d got %d, want 451", i, code)
		}
	}
	px.restore(t)
	recovered := false
	for i := 10; i < 40 && !recovered; i++ {
		recovered = sendOne(i) == 250
		if !recovered {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !recovered {
		t.Fatalf("the receiver did not recover after PostgreSQL came back:\n%s", srv.logs.String())
	}
	// The senders retry what got 451: now it is accepted.
	for i := 5; i < 10; i++ {
		if code := sendOne(i); code != 250 {
			t.Errorf("retry of message %d got %d", i, code)
		}
	}
	srv.stop()

	st, err := store.Open(context.Background(), store.Options{DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts, err := st.Tickets(context.Background(), store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != len(accepted) {
		t.Errorf("%d tickets stored for %d messages accepted with 250", len(ts), len(accepted))
	}
	seen := map[string]bool{}
	for _, tk := range ts {
		d, err := st.Ticket(context.Background(), tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range d.Messages {
			if m.Direction == store.DirIn {
				if seen[m.MessageID] {
					t.Errorf("%s stored twice", m.MessageID)
				}
				seen[m.MessageID] = true
			}
		}
	}
}

// TestServeIMAP: `guichet serve` with GUICHET_IMAP_URL polls a real
// Dovecot mailbox; a request appended there becomes a ticket, the message
// is marked \Seen only then, and a restart fetches nothing twice.
func TestServeIMAP(t *testing.T) {
	dc := dovecot.Start(t, map[string]string{"support": "secret"})
	dc.Append(t, "support", "INBOX", []byte(request))
	h := newHarness(t, pgtest.URL(t))
	h.env["GUICHET_SMTP_ADDR"] = "off"
	h.env["GUICHET_HTTP_ADDR"] = "off"
	h.env["GUICHET_IMAP_URL"] = dc.URL("support", "INBOX")

	count := func() int {
		code, out, _ := h.run("", "tickets", "--json")
		if code != exitOK {
			return -1
		}
		var list []map[string]any
		if json.Unmarshal([]byte(out), &list) != nil {
			return -1
		}
		return len(list)
	}
	srv := startServeOnly(t, h)
	waitFor(t, "the IMAP message as a ticket", func() bool { return count() == 1 })
	waitFor(t, "the message marked \\Seen", func() bool {
		ms := dc.Messages(t, "support", "INBOX")
		return len(ms) == 1 && ms[0].Seen()
	})
	if code := srv.stop(); code != exitOK {
		t.Errorf("serve exit code %d", code)
	}

	dc.Append(t, "support", "INBOX", []byte(strings.Replace(request, "<req-1@example.org>", "<req-2@example.org>", 1)))
	srv = startServeOnly(t, h)
	waitFor(t, "the second message as a ticket", func() bool { return count() == 2 })
	srv.stop()
	if n := count(); n != 2 {
		t.Errorf("%d tickets after a restart, want 2 (nothing fetched twice)", n)
	}
}

// TestTuneGC: serve raises the collector's target and bounds the heap
// softly, and leaves both to GOGC and GOMEMLIMIT when they are set.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })
	cases := []struct {
		env     map[string]string
		percent int
		limit   int64
	}{
		{map[string]string{}, 400, 512 << 20},
		{map[string]string{"GOMEMLIMIT": "2GiB"}, 400, math.MaxInt64},
		{map[string]string{"GOGC": "100"}, 100, math.MaxInt64},
	}
	for _, c := range cases {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGC(func(k string) string { return c.env[k] })
		if got := debug.SetGCPercent(100); got != c.percent {
			t.Errorf("%v: GC percent %d, want %d", c.env, got, c.percent)
		}
		if got := debug.SetMemoryLimit(-1); got != c.limit {
			t.Errorf("%v: memory limit %d, want %d", c.env, got, c.limit)
		}
	}
}

// backends give each store's database URL for a test ("" is SQLite).
var backends = map[string]func(t *testing.T) string{
	"sqlite":   func(t *testing.T) string { return "" },
	"postgres": func(t *testing.T) string { return pgtest.URL(t) },
}

// TestServeRoleMailboxes: postmaster@ (RFC 5321 §4.5.1) and abuse@ of the
// served domain take mail without being declared, and it becomes tickets;
// the role address itself never becomes a participant, so no answer is
// ever copied back to it.
func TestServeRoleMailboxes(t *testing.T) {
	for name, db := range backends {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, db(t))
			h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
			h.env["GUICHET_HTTP_ADDR"] = "off"
			srv := startServe(t, h)
			for i, role := range []string{"postmaster@centre.example", "abuse@centre.example"} {
				msg := strings.NewReplacer("To: support@centre.example", "To: "+role,
					"<req-1@example.org>", fmt.Sprintf("<role-%d@example.org>", i)).Replace(request)
				if code, text := send(t, srv.smtpAddr, "awa.diop@example.org", role, []byte(msg)); code != 250 {
					t.Fatalf("message to %s: SMTP %d %s, want 250", role, code, text)
				}
			}
			srv.stop()
			code, out, _ := h.run("", "tickets", "--json")
			var tickets []struct {
				Number    string `json:"number"`
				Requester string `json:"requester"`
			}
			if err := json.Unmarshal([]byte(out), &tickets); code != exitOK || err != nil || len(tickets) != 2 {
				t.Fatalf("tickets --json = %d, %v, want 2 tickets:\n%s", code, err, out)
			}
			for _, tk := range tickets {
				code, out, _ := h.run("", "ticket", tk.Number, "--json")
				var full struct {
					Participants []string `json:"participants"`
				}
				if err := json.Unmarshal([]byte(out), &full); code != exitOK || err != nil {
					t.Fatalf("ticket %s --json = %d, %v", tk.Number, code, err)
				}
				if tk.Requester != "awa.diop@example.org" || !slices.Equal(full.Participants, []string{"awa.diop@example.org"}) {
					t.Errorf("ticket %s: requester %s, participants %v, want only the requester", tk.Number, tk.Requester, full.Participants)
				}
			}
		})
	}
}

// TestServeWaitsForDatabase: an unreachable PostgreSQL at start-up is
// waited for with backoff, each try logged, and serve gives up with 75
// after GUICHET_DB_WAIT.
func TestServeWaitsForDatabase(t *testing.T) {
	h := newHarness(t, "postgres://guichet:s3cret@127.0.0.1:1/guichet")
	h.env["GUICHET_DB_WAIT"] = "2500ms"
	h.env["GUICHET_SMTP_ADDR"] = "off"
	h.env["GUICHET_HTTP_ADDR"] = "off"
	start := time.Now()
	code, _, stderr := h.run("", "serve")
	took := time.Since(start)
	if code != exitTempFail {
		t.Errorf("serve = %d, want %d; stderr:\n%s", code, exitTempFail, stderr)
	}
	if took < 2*time.Second || took > 20*time.Second {
		t.Errorf("serve gave up after %v, want about 2.5s", took)
	}
	if n := strings.Count(stderr, "database unavailable, will try again"); n != 2 {
		t.Errorf("%d warnings, want 2 (after 1s, then the 1.5s left):\n%s", n, stderr)
	}
	if strings.Contains(stderr, "s3cret") || !strings.Contains(stderr, "gave up after waiting 2.5s") {
		t.Errorf("stderr leaks the password or does not say it gave up:\n%s", stderr)
	}
}

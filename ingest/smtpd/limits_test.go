package smtpd

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TestConnectionsPerAddress: one address holds at most MaxConnsPerIP
// connections, and meanwhile another address is served.
func TestConnectionsPerAddress(t *testing.T) {
	tests := []struct {
		name      string
		perIP     int
		trusted   []netip.Prefix
		wantExtra string // the banner of the connection past the cap
	}{
		{"default cap of 10", 0, nil, "421 4.7.0 "},
		{"trusted relay exempt", 0, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, "220 "},
		{"trusted relay range exempt", 0, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/30")}, "220 "},
		{"other trusted range", 0, []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "421 4.7.0 "},
		{"cap disabled", Unlimited, nil, "220 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOptions()
			o.MaxConns = 12 // a global cap one address could fill without its own
			o.MaxConnsPerIP = tt.perIP
			o.TrustedRelays = tt.trusted
			rec := &recorder{}
			ts := startServer(t, o, rec)
			for range DefaultMaxConnsPerIP {
				dialFrom(t, ts.addr, "127.0.0.1").greet()
			}
			extra := dialFrom(t, ts.addr, "127.0.0.1")
			if got := extra.reply(); !strings.HasPrefix(got, tt.wantExtra) {
				t.Fatalf("connection %d from one address → %q, want %q…", DefaultMaxConnsPerIP+1, got, tt.wantExtra)
			}
			if tt.wantExtra == "421 4.7.0 " {
				if got := extra.reply(); got != "" {
					t.Fatalf("after 421, read %q, want the connection closed", got)
				}
				if !strings.Contains(ts.logs.String(), "per-address connection limit reached") {
					t.Errorf("per-address limit was not logged")
				}
			}
			other := dialFrom(t, ts.addr, "127.0.0.2")
			other.greet()
			if got := other.sendMessage("awa.diop@example.net", []string{"support@example.org"}, message("autre client")); !strings.HasPrefix(got, "250") {
				t.Fatalf("message from a second address → %q, want 250", got)
			}
			if d := rec.deliveries(); len(d) != 1 || d[0].env.ClientAddr != "127.0.0.2" {
				t.Fatalf("deliveries = %+v, want one from 127.0.0.2", d)
			}
		})
	}
}

// TestPerAddressSlotFreed: a connection that ends gives its address's slot
// back.
func TestPerAddressSlotFreed(t *testing.T) {
	o := baseOptions()
	o.MaxConnsPerIP = 1
	ts := startServer(t, o, &recorder{})
	first := dial(t, ts.addr)
	first.greet()
	if got := dial(t, ts.addr).reply(); !strings.HasPrefix(got, "421 4.7.0 ") {
		t.Fatalf("second connection → %q, want 421 4.7.0", got)
	}
	first.expect("QUIT", "221")
	waitForSlot(t, ts.addr)
}

// TestTotalTimeLimits: trickled bytes and NOOPs, each well within the
// per-read timeout, do not extend the session's or the transfer's total
// limit; the client gets 421 4.4.2, is disconnected, and nothing is stored.
func TestTotalTimeLimits(t *testing.T) {
	tests := []struct {
		name    string
		session time.Duration
		data    time.Duration
		mode    string // "DATA" or "BDAT": trickle message lines; "NOOP": NOOPs
		want    string // the last reply
	}{
		{"trickled DATA hits the transfer limit", time.Minute, 400 * time.Millisecond, "DATA", "421 4.4.2 Duree maximale de transfert"},
		{"trickled DATA hits the session limit", 400 * time.Millisecond, time.Minute, "DATA", "421 4.4.2 Duree maximale de session"},
		{"trickled BDAT chunk hits the transfer limit (RFC 3030)", time.Minute, 400 * time.Millisecond, "BDAT", "421 4.4.2 Duree maximale de transfert"},
		{"NOOP loop hits the session limit", 400 * time.Millisecond, time.Minute, "NOOP", "421 4.4.2 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOptions()
			o.ReadTimeout = 5 * time.Second
			o.SessionTimeout = tt.session
			o.DataTimeout = tt.data
			rec := &recorder{}
			ts := startServer(t, o, rec)
			c := dial(t, ts.addr)
			c.greet()
			tick := "NOOP\r\n"
			if tt.mode != "NOOP" {
				c.expect("MAIL FROM:<awa.diop@example.net>", "250")
				c.expect("RCPT TO:<support@example.org>", "250")
				if tt.mode == "DATA" {
					c.expect("DATA", "354")
				} else {
					c.send("BDAT 100000 LAST\r\n")
				}
				c.send("Subject: goutte a goutte\r\n\r\n")
				tick = "x\r\n"
			}
			// Replies are read apart from the writes, as a pipelining
			// client does, until the server closes the connection.
			replies := make(chan string, 100)
			go func() {
				defer close(replies)
				for {
					line, err := c.r.ReadString('\n')
					if err != nil {
						return
					}
					replies <- line
				}
			}()
			start := time.Now()
			var last string
			ticker := time.NewTicker(50 * time.Millisecond)
			defer ticker.Stop()
		loop:
			for {
				select {
				case r, ok := <-replies:
					if !ok {
						break loop // closed by the server
					}
					last = r
				case <-ticker.C:
					if time.Since(start) > 5*time.Second {
						t.Fatalf("still connected after 5 s of trickling, last reply %q", last)
					}
					_, _ = io.WriteString(c.conn, tick) // fails once the server hung up
				}
			}
			if !strings.HasPrefix(last, tt.want) {
				t.Fatalf("last reply %q, want %q…", last, tt.want)
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("closed after %v, want about %v", el, min(tt.session, tt.data))
			}
			if n := len(rec.deliveries()); n != 0 {
				t.Errorf("%d deliveries, want 0", n)
			}
			if !strings.Contains(ts.logs.String(), "time limit reached") {
				t.Errorf("time limit was not logged")
			}
		})
	}
}

// TestMemoryBudgetOverSMTP: while one message holds the budget, another
// gets 452 4.3.1, and passes once the first is delivered.
func TestMemoryBudgetOverSMTP(t *testing.T) {
	o := baseOptions()
	o.MaxBytes = 64 << 10
	o.MemoryBudget = 2 * o.MaxBytes
	rec := &recorder{gate: make(chan struct{}), entered: make(chan struct{}, 4)}
	ts := startServer(t, o, rec)
	big := message("gros") + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", 900)

	first := dial(t, ts.addr)
	first.greet()
	done := make(chan string, 1)
	go func() {
		first.expect("MAIL FROM:<awa.diop@example.net>", "250")
		first.expect("RCPT TO:<support@example.org>", "250")
		first.expect("DATA", "354")
		first.send(big + ".\r\n")
		done <- first.reply()
	}()
	<-rec.entered // the first message is read whole and waits in Deliver

	second := dialFrom(t, ts.addr, "127.0.0.2")
	second.greet()
	if got := second.sendMessage("moussa@example.net", []string{"support@example.org"}, big); !strings.HasPrefix(got, "452 4.3.1 ") {
		t.Fatalf("message past the budget → %q, want 452 4.3.1", got)
	}
	close(rec.gate)
	if got := <-done; !strings.HasPrefix(got, "250") {
		t.Fatalf("first message → %q, want 250", got)
	}
	if got := second.sendMessage("moussa@example.net", []string{"support@example.org"}, big); !strings.HasPrefix(got, "250") {
		t.Fatalf("the same message once the budget is free → %q, want 250", got)
	}
	if d := rec.deliveries(); len(d) != 2 || !bytes.Equal(d[0].raw, d[1].raw) {
		t.Fatalf("%d deliveries, want the two whole messages", len(d))
	}
	if used := ts.srv.budget.used.Load(); used != 0 {
		t.Errorf("%d bytes still charged after every message ended, want 0", used)
	}
	if !strings.Contains(ts.logs.String(), "memory budget for messages in flight exhausted") {
		t.Errorf("budget exhaustion was not logged")
	}
}

// TestMessageBuffer: the budget is charged as bytes arrive, and a declared
// SIZE keeps the buffer at the message's own size.
func TestMessageBuffer(t *testing.T) {
	const size = 200 << 10
	tests := []struct {
		name    string
		size    int
		hint    int64
		budget  int64
		wantErr error
		maxCap  int // largest acceptable buffer
	}{
		{"small message: one buffer", 5000, 0, 1 << 20, nil, firstChunk},
		{"no SIZE: doubling", size, 0, 1 << 20, nil, 2 * size},
		{"honest SIZE", size, size, 1 << 20, nil, size + sizeSlack},
		{"SIZE too small", size, 1000, 1 << 20, nil, 2 * size},
		{"SIZE too large costs nothing until bytes arrive", size, 20 << 20, 1 << 20, nil, 2 * size},
		{"over budget while reading", size, 0, 100 << 10, errBusy, 100 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &memoryBudget{limit: tt.budget}
			m := &messageBuffer{budget: b, max: 25 << 20, hint: tt.hint}
			got, err := m.readFrom(bytes.NewReader(bytes.Repeat([]byte("a"), tt.size)))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("readFrom error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && len(got) != tt.size {
				t.Fatalf("read %d bytes, want %d", len(got), tt.size)
			}
			if c := cap(m.buf); c > tt.maxCap {
				t.Errorf("buffer of %d bytes, want at most %d", c, tt.maxCap)
			}
			if used := b.used.Load(); used != m.charged || used > tt.budget {
				t.Errorf("budget used %d, charged %d, limit %d", used, m.charged, tt.budget)
			}
			m.free()
			if used := b.used.Load(); used != 0 {
				t.Errorf("after free, %d bytes charged, want 0", used)
			}
		})
	}
}

// TestRoleMailboxes: postmaster@ (RFC 5321 §4.5.1) and abuse@ of an
// accepted domain reach the Deliverer like any other message.
func TestRoleMailboxes(t *testing.T) {
	for _, rcpt := range []string{"postmaster@example.org", "Postmaster@EXAMPLE.org", "abuse@example.org"} {
		t.Run(rcpt, func(t *testing.T) {
			rec := &recorder{}
			ts := startServer(t, baseOptions(), rec)
			c := dial(t, ts.addr)
			c.greet()
			if got := c.sendMessage("awa.diop@example.net", []string{rcpt}, message("pour le postmaster")); !strings.HasPrefix(got, "250") {
				t.Fatalf("message to %s → %q, want 250", rcpt, got)
			}
			if d := rec.deliveries(); len(d) != 1 || !slices.Equal(d[0].env.RcptTo, []string{rcpt}) {
				t.Fatalf("deliveries = %+v, want one to %s", d, rcpt)
			}
		})
	}
	if got := RoleAddresses([]string{"Example.org."}); !slices.Equal(got, []string{"postmaster@example.org", "abuse@example.org"}) {
		t.Errorf("RoleAddresses = %v", got)
	}
}

// TestSessionLimitUnderTLS: after STARTTLS the session's total limit still
// holds, answered inside the TLS stream.
func TestSessionLimitUnderTLS(t *testing.T) {
	o := baseOptions()
	o.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS12}
	o.SessionTimeout = 400 * time.Millisecond
	ts := startServer(t, o, &recorder{})
	c, err := smtp.DialStartTLS(ts.addr, &tls.Config{InsecureSkipVerify: true}) // self-signed test certificate
	if err != nil {
		t.Fatalf("DialStartTLS: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	start := time.Now()
	for time.Since(start) < 5*time.Second {
		err = c.Noop()
		if err != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 421 || se.EnhancedCode != (smtp.EnhancedCode{4, 4, 2}) {
		t.Fatalf("NOOP loop under TLS ended with %v, want 421 4.4.2", err)
	}
}

// TestBudgetReleasesAfterBurst: memory is given back once a burst that used
// more than a quarter of the budget is over, and not after small messages.
func TestBudgetReleasesAfterBurst(t *testing.T) {
	released := make(chan struct{}, 4)
	b := &memoryBudget{limit: 1000, onIdle: func() { released <- struct{}{} }}
	steps := []struct {
		name    string
		charges []int64
		want    bool
	}{
		{"small messages", []int64{100, 100}, false},
		{"a burst", []int64{200, 200}, true},
		{"small messages after the burst", []int64{100}, false},
	}
	for _, st := range steps {
		for _, n := range st.charges {
			if !b.take(n) {
				t.Fatalf("%s: take(%d) refused", st.name, n)
			}
		}
		for _, n := range st.charges {
			b.give(n)
		}
		select {
		case <-released:
			if !st.want {
				t.Errorf("%s: memory released, want not", st.name)
			}
		case <-time.After(200 * time.Millisecond):
			if st.want {
				t.Errorf("%s: memory not released", st.name)
			}
		}
	}
}

package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

var testMsg = []byte("From: support@aide.example.org\r\nTo: awa@example.org\r\nSubject: test\r\n\r\nBonjour.\r\n")

func TestSMTPRelaySend(t *testing.T) {
	for _, tc := range []struct {
		name     string
		server   relayOpts
		opts     func(r *testRelay) SMTPRelayOptions
		wantAuth string
		wantTLS  bool
	}{
		{"plain", relayOpts{}, func(r *testRelay) SMTPRelayOptions { return SMTPRelayOptions{Addr: r.addr} }, "", false},
		{"starttls with AUTH PLAIN", relayOpts{tls: true, user: "guichet", pass: "s3cret"}, func(r *testRelay) SMTPRelayOptions {
			return SMTPRelayOptions{Addr: r.addr, Security: SecuritySTARTTLS, Username: "guichet", Password: "s3cret", TLSConfig: clientTLS(r)}
		}, "guichet", true},
		{"implicit TLS", relayOpts{implicit: true}, func(r *testRelay) SMTPRelayOptions {
			return SMTPRelayOptions{Addr: r.addr, Security: SecurityTLS, TLSConfig: clientTLS(r)}
		}, "", true},
		{"AUTH in clear on loopback", relayOpts{user: "u", pass: "p", clearAuth: true}, func(r *testRelay) SMTPRelayOptions {
			return SMTPRelayOptions{Addr: r.addr, Username: "u", Password: "p"}
		}, "u", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startRelay(t, tc.server)
			rel, err := NewSMTPRelay(tc.opts(r))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { rel.Close() })
			for i := 0; i < 3; i++ { // the second and third reuse the connection
				if err := rel.Send(context.Background(), "support@aide.example.org", []string{"awa@example.org"}, testMsg); err != nil {
					t.Fatalf("Send #%d: %v", i, err)
				}
			}
			got := r.received()
			if len(got) != 3 {
				t.Fatalf("relay received %d messages, want 3", len(got))
			}
			m := got[0]
			if m.From != "support@aide.example.org" || len(m.To) != 1 || m.To[0] != "awa@example.org" {
				t.Errorf("envelope = %s → %v", m.From, m.To)
			}
			if !bytes.Equal(m.Data, testMsg) {
				t.Errorf("data = %q, want %q", m.Data, testMsg)
			}
			if m.Auth != tc.wantAuth || m.TLS != tc.wantTLS {
				t.Errorf("auth %q TLS %v, want %q %v", m.Auth, m.TLS, tc.wantAuth, tc.wantTLS)
			}
		})
	}
}

func TestSMTPRelayAuthLogin(t *testing.T) {
	// Some older relays offer LOGIN only.
	r := startRelay(t, relayOpts{tls: true, user: "u", pass: "p", loginOnly: true})
	rel, err := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr, Security: SecuritySTARTTLS, Username: "u", Password: "p", TLSConfig: clientTLS(r)})
	if err != nil {
		t.Fatal(err)
	}
	if err := rel.Send(context.Background(), "a@b.example", []string{"c@d.example"}, testMsg); err != nil {
		t.Fatal(err)
	}
	if got := r.received(); len(got) != 1 || got[0].Auth != "u" {
		t.Fatalf("received %+v", got)
	}
	// A wrong password is our configuration's fault, not the message's:
	// the relay's 535 is kept but stays temporary so the queue drains once
	// the password is fixed.
	bad, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr, Security: SecuritySTARTTLS, Username: "u", Password: "x", TLSConfig: clientTLS(r)})
	err = bad.Send(context.Background(), "a@b.example", []string{"c@d.example"}, testMsg)
	var re *RelayError
	if !errors.As(err, &re) || re.Code != 535 || Permanent(err) {
		t.Errorf("Send with a wrong password = %v, want a temporary RelayError 535", err)
	}
}

func TestSMTPRelayErrors(t *testing.T) {
	for _, tc := range []struct {
		name      string
		answer    int
		down      bool
		permanent bool
		code      int
	}{
		{"421 is temporary", 421, false, false, 421},
		{"451 is temporary", 451, false, false, 451},
		{"550 is permanent", 550, false, true, 550},
		{"relay down is temporary", 0, true, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := startRelay(t, relayOpts{})
			r.setAnswer(tc.answer)
			if tc.down {
				r.down()
			}
			rel, err := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			if err != nil {
				t.Fatal(err)
			}
			err = rel.Send(context.Background(), "a@b.example", []string{"c@d.example"}, testMsg)
			if err == nil {
				t.Fatal("Send = nil, want an error")
			}
			if Permanent(err) != tc.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, !tc.permanent, tc.permanent)
			}
			var re *RelayError
			if tc.code != 0 {
				if !errors.As(err, &re) || re.Code != tc.code {
					t.Fatalf("err = %v, want a RelayError with code %d", err, tc.code)
				}
				if !strings.Contains(err.Error(), re.Text) || re.Text == "" {
					t.Errorf("error %q does not keep the relay's text", err)
				}
			}
		})
	}
}

func TestNewRelay(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		url     string
		wantErr bool
		want    any
	}{
		{"", false, &DirRelay{}},
		{"smtp://127.0.0.1:2525", false, &SMTPRelay{}},
		{"smtp://user:pass@localhost:2525", false, &SMTPRelay{}},
		{"smtp://user:pass@relay.example.org:25", true, nil}, // AUTH in clear over the network
		{"smtp+starttls://user:pass@relay.example.org", false, &SMTPRelay{}},
		{"smtps://user:pass@relay.example.org", false, &SMTPRelay{}},
		{"http://relay.example.org", true, nil},
		{"smtp://", true, nil},
	} {
		t.Run(tc.url, func(t *testing.T) {
			r, err := NewRelay(tc.url, dir)
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewRelay(%q) error = %v, want error %v", tc.url, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			switch tc.want.(type) {
			case *DirRelay:
				if _, ok := r.(*DirRelay); !ok {
					t.Errorf("NewRelay(%q) = %T, want *DirRelay", tc.url, r)
				}
			case *SMTPRelay:
				if _, ok := r.(*SMTPRelay); !ok {
					t.Errorf("NewRelay(%q) = %T, want *SMTPRelay", tc.url, r)
				}
			}
		})
	}
	s, _ := NewRelay("smtps://u:p@relay.example.org", dir)
	if got := s.(*SMTPRelay).o.Addr; got != "relay.example.org:465" {
		t.Errorf("smtps default address = %q, want relay.example.org:465", got)
	}
}

func TestDirRelay(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	r, err := NewDirRelay(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Go(func() {
			if err := r.Send(context.Background(), "a@b", []string{"c@d"}, testMsg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A second relay on the same directory (another process) continues the
	// numbering instead of overwriting.
	r2, err := NewDirRelay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Send(context.Background(), "a@b", []string{"c@d"}, testMsg); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 21 {
		t.Fatalf("%d files in the outbox directory, want 21 (no temporary file left)", len(entries))
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil || !bytes.Equal(b, testMsg) {
			t.Errorf("%s: %q, %v", e.Name(), b, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "000021.eml")); err != nil {
		t.Errorf("000021.eml: %v", err)
	}
}

// TestSMTPRelayReuseAfterClose: a kept connection the relay has closed
// since (restarted, or a 421 for a connection it judged idle) costs the
// next message nothing: it goes out on a fresh connection, once.
func TestSMTPRelayReuseAfterClose(t *testing.T) {
	t.Run("restarted", func(t *testing.T) {
		r := startRelay(t, relayOpts{})
		rel, err := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rel.Close() })
		send := func(i int) {
			t.Helper()
			if err := rel.Send(context.Background(), "support@aide.example.org", []string{"awa@example.org"}, testMsg); err != nil {
				t.Fatalf("Send #%d: %v", i, err)
			}
		}
		send(1)
		r.down() // closes the kept connection
		r.up()
		send(2)
		if got := r.received(); len(got) != 2 {
			t.Fatalf("relay received %d messages, want 2", len(got))
		}
	})
	for _, pipelining := range []bool{false, true} {
		t.Run(fmt.Sprintf("421 on a kept connection, pipelining %v", pipelining), func(t *testing.T) {
			var mails sync.Map // connection → MAIL commands seen
			s := startScriptedRelay(t, pipelining, func(conn int, cmd string) string {
				if !strings.HasPrefix(cmd, "MAIL") {
					return ""
				}
				n, _ := mails.LoadOrStore(conn, new(atomic.Int32))
				if n.(*atomic.Int32).Add(1) > 1 { // idle too long, as it judges
					return "421 4.4.2 relay.test idle timeout"
				}
				return ""
			})
			rel := newTestRelay(t, s.addr)
			for i := range 3 {
				if err := rel.Send(context.Background(), "support@aide.example.org", []string{"awa@example.org"}, testMsg); err != nil {
					t.Fatalf("Send #%d: %v", i, err)
				}
			}
			if conns, bodies, _ := s.state(); conns != 3 || len(bodies) != 3 {
				t.Errorf("relay accepted %d messages on %d connections, want 3 on 3", len(bodies), conns)
			}
		})
	}
}

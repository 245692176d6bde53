package smtpd

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// selfSigned makes a certificate for mx.test.example valid for an hour.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test.example"},
		DNSNames:     []string{"mx.test.example"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestSTARTTLS(t *testing.T) {
	o := baseOptions()
	o.TLSConfig = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}, MinVersion: tls.VersionTLS12}
	rec := &recorder{}
	ts := startServer(t, o, rec)

	raw := dial(t, ts.addr)
	if ehlo := raw.greet(); !strings.Contains(ehlo, "STARTTLS") {
		t.Fatalf("EHLO does not offer STARTTLS:\n%s", ehlo)
	}

	c, err := smtp.DialStartTLS(ts.addr, &tls.Config{InsecureSkipVerify: true}) // self-signed test certificate
	if err != nil {
		t.Fatalf("DialStartTLS: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	msg := message("chiffre")
	if err := c.SendMail("awa.diop@example.net", []string{"support@example.org"}, strings.NewReader(msg)); err != nil {
		t.Fatalf("SendMail over STARTTLS: %v", err)
	}
	d := rec.deliveries()
	if len(d) != 1 || !d[0].env.TLS || string(d[0].raw) != msg {
		t.Fatalf("deliveries = %+v, want one message with TLS set", d)
	}
}

// TestNoGreetingWhileDraining: a connection accepted after the drain began,
// before the listener closed, is refused with 421 and never greeted: a
// client that saw 220 would start a transaction the server then cuts.
func TestNoGreetingWhileDraining(t *testing.T) {
	ts := startServer(t, baseOptions(), &recorder{})
	ts.srv.startDrain() // what Serve does first on shutdown, the listener still open
	c, err := net.DialTimeout("tcp", ts.addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "421 4.3.2") {
		t.Errorf("new connection while draining → %q, %v; want 421 4.3.2 and no banner", line, err)
	}
}

// TestShutdownDrains: cancelling Serve's context closes idle sessions with
// 421 and lets a message being delivered finish with its 250.
func TestShutdownDrains(t *testing.T) {
	rec := &recorder{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	ts := startServer(t, baseOptions(), rec)

	idle := dial(t, ts.addr)
	idle.greet()
	busy := dial(t, ts.addr)
	busy.greet()
	busy.expect("MAIL FROM:<awa.diop@example.net>", "250")
	busy.expect("RCPT TO:<support@example.org>", "250")
	busy.expect("DATA", "354")
	busy.send(message("en vol") + ".\r\n")
	<-rec.entered // the delivery is in progress

	ts.cancel()
	if got := idle.reply(); !strings.HasPrefix(got, "421 4.3.2") {
		t.Errorf("idle session at shutdown → %q, want 421 4.3.2", got)
	}
	if c, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		// The listener may take a moment to close; a banner must not come.
		_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		if line, _ := bufio.NewReader(c).ReadString('\n'); strings.HasPrefix(line, "220") {
			t.Errorf("a new session was greeted while draining: %q", line)
		}
		c.Close()
	}
	close(rec.gate)
	if got := busy.reply(); !strings.HasPrefix(got, "250") {
		t.Errorf("in-flight message at shutdown → %q, want 250", got)
	}
	if got := busy.reply(); !strings.HasPrefix(got, "421 4.3.2") && got != "" {
		t.Errorf("after its transaction the draining session → %q, want 421 or close", got)
	}
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Serve = %v, want nil", err)
		}
		ts.done <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the drain")
	}
	if n := len(rec.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

// TestShutdownDeadline: a delivery that never ends is cancelled at the
// drain deadline and Serve still returns.
func TestShutdownDeadline(t *testing.T) {
	rec := &recorder{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	o := baseOptions()
	o.ShutdownTimeout = 300 * time.Millisecond
	ts := startServer(t, o, rec)
	c := dial(t, ts.addr)
	c.greet()
	c.expect("MAIL FROM:<awa.diop@example.net>", "250")
	c.expect("RCPT TO:<support@example.org>", "250")
	c.expect("DATA", "354")
	c.send(message("bloque") + ".\r\n")
	<-rec.entered
	start := time.Now()
	ts.cancel()
	select {
	case <-ts.done:
		ts.done <- nil
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the drain deadline")
	}
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Errorf("Serve returned after %v, before the drain deadline", el)
	}
	if got := c.reply(); strings.HasPrefix(got, "250") {
		t.Errorf("cancelled delivery → %q, must not be 250", got)
	}
}

// TestSwaks sends with swaks, an independent SMTP client written in Perl.
func TestSwaks(t *testing.T) {
	swaks, err := exec.LookPath("swaks")
	if err != nil {
		t.Skip("swaks is not installed (apt-get install swaks)")
	}
	rec := &recorder{}
	ts := startServer(t, baseOptions(), rec)
	host, port, _ := net.SplitHostPort(ts.addr)
	tests := []struct {
		name   string
		to     string
		args   []string
		wantOK bool
		want   string // expected in swaks' transcript
	}{
		{"to the support address", "support@example.org", nil, true, "<-  250 2.0.0"},
		{"to a signed reply address, pipelined", "support+2026-000042.abc@example.org", []string{"--pipeline"}, true, "<-  250 2.0.0"},
		{"relay refused", "victim@example.net", nil, false, "<** 550 5.7.1"},
		{"bare postmaster (RFC 5321 §4.5.1)", "Postmaster", nil, true, " -> RCPT TO:<Postmaster>"},
		{"bare postmaster, pipelined", "POSTMASTER", []string{"--pipeline"}, true, " -> RCPT TO:<POSTMASTER>"},
		{"postmaster of another domain refused", "postmaster@other.example", nil, false, "<** 550 5.7.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(rec.deliveries())
			args := append([]string{"--server", host, "--port", port, "--ehlo", "swaks.test",
				"--from", "awa.diop@example.net", "--to", tt.to,
				"--header", "Subject: [1.7] Plateforme inaccessible", "--body", "Bonjour, la plateforme ne répond plus."}, tt.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, swaks, args...).CombinedOutput()
			if (err == nil) != tt.wantOK {
				t.Fatalf("swaks err = %v, want ok=%v:\n%s", err, tt.wantOK, out)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("swaks transcript lacks %q:\n%s", tt.want, out)
			}
			d := rec.deliveries()
			if tt.wantOK && (len(d) != before+1 || !bytes.Contains(d[len(d)-1].raw, []byte("Plateforme inaccessible"))) {
				t.Fatalf("swaks message not delivered once: %d deliveries (before %d)", len(d), before)
			}
			if !tt.wantOK && len(d) != before {
				t.Fatalf("refused message delivered")
			}
		})
	}
}

// TestRealCorpus sends every real-world message over SMTP and checks it is
// delivered byte for byte (bare LF normalised to CRLF).
func TestRealCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "corpus", "real", "*.eml"))
	if len(files) == 0 {
		t.Skip("no real corpus at ../shared/corpus/real")
	}
	rec := &recorder{}
	o := baseOptions()
	o.RatePerMinute = NoRateLimit
	ts := startServer(t, o, rec)
	c, err := smtp.Dial(ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail("sender@example.net", []string{"support@example.org"}, bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		d := rec.deliveries()
		if len(d) != i+1 {
			t.Fatalf("%s: %d deliveries, want %d", filepath.Base(f), len(d), i+1)
		}
		want := normalizeBareLF(data)
		if !bytes.HasSuffix(want, []byte("\r\n")) {
			want = append(want, '\r', '\n') // the SMTP client ends the last line
		}
		if !bytes.Equal(d[i].raw, want) {
			t.Errorf("%s: delivered bytes differ from the file (len %d, want %d)", filepath.Base(f), len(d[i].raw), len(want))
		}
	}
}

package tracking

import (
	"strings"
	"testing"
	"time"
)

func signer(t *testing.T, secret string) *Signer {
	t.Helper()
	s, err := New([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTicketToken(t *testing.T) {
	s := signer(t, "0123456789abcdef-secret")
	other := signer(t, "another-installation-secret")
	tok := s.Token("2026-000042")
	if len(tok) != 22 {
		t.Errorf("Token length = %d, want 22 (128 bits, base64url)", len(tok))
	}
	flip := []byte(tok)
	flip[3] ^= 1
	cases := []struct {
		name        string
		s           *Signer
		number, tok string
		want        bool
	}{
		{"right", s, "2026-000042", tok, true},
		{"other ticket", s, "2026-000043", tok, false},
		{"one bit changed", s, "2026-000042", string(flip), false},
		{"truncated", s, "2026-000042", tok[:21], false},
		{"empty", s, "2026-000042", "", false},
		{"not base64", s, "2026-000042", strings.Repeat("!", 22), false},
		{"other secret", other, "2026-000042", tok, false},
		{"number with a suffix", s, "2026-0000421", tok, false},
	}
	for _, c := range cases {
		if got := c.s.Check(c.number, c.tok); got != c.want {
			t.Errorf("%s: Check(%q, %q) = %v, want %v", c.name, c.number, c.tok, got, c.want)
		}
	}
}

func TestAddressToken(t *testing.T) {
	s := signer(t, "0123456789abcdef-secret")
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	tok := s.AddressToken("Awa.Diop@example.org", now.Add(24*time.Hour))
	parts := strings.Split(tok, ".")
	forged := b64.EncodeToString([]byte("eve@example.org")) + "." + parts[1] + "." + parts[2]
	extended := parts[0] + "." + "9999999999" + "." + parts[2]
	cases := []struct {
		name     string
		tok      string
		at       time.Time
		wantAddr string
		want     bool
	}{
		{"fresh", tok, now, "awa.diop@example.org", true},
		{"just before expiry", tok, now.Add(24*time.Hour - time.Second), "awa.diop@example.org", true},
		{"expired", tok, now.Add(24 * time.Hour), "", false},
		{"other address", forged, now, "", false},
		{"expiry pushed back", extended, now, "", false},
		{"ticket token is not an address token", s.Token("2026-000001"), now, "", false},
		{"garbage", "a.b.c", now, "", false},
	}
	for _, c := range cases {
		addr, exp, ok := s.CheckAddress(c.tok, c.at)
		if ok && !exp.Equal(now.Add(24*time.Hour)) {
			t.Errorf("%s: expiry = %s, want %s", c.name, exp, now.Add(24*time.Hour))
		}
		if ok != c.want || addr != c.wantAddr {
			t.Errorf("%s: CheckAddress = %q, %v; want %q, %v", c.name, addr, ok, c.wantAddr, c.want)
		}
	}
}

func TestEmptySecret(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("New(nil) = nil error, want one")
	}
}

package replyaddr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"
	"testing"
)

const support = "support@example.org"

func newSigner(t *testing.T, secret string) *Signer {
	t.Helper()
	s, err := New([]byte(secret), support)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// TestTokenDefinition recomputes the token from its definition in the brief,
// independently of Signer.token.
func TestTokenDefinition(t *testing.T) {
	s := newSigner(t, "s3cret")
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write([]byte("agent\x002026-000042"))
	tok := strings.ToLower(base32.StdEncoding.EncodeToString(m.Sum(nil)))[:12]
	want := "support+2026-000042.agent." + tok + "@example.org"
	if got := s.Address("2026-000042", RoleAgent); got != want {
		t.Errorf("Address = %q, want %q", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	s := newSigner(t, "s3cret")
	for _, role := range []Role{RoleRequester, RoleAgent, RoleNote} {
		for _, number := range []string{"2026-000042", "2027-1234567"} {
			addr := s.Address(number, role)
			if addr == "" {
				t.Fatalf("Address(%q, %q) = \"\"", number, role)
			}
			for _, form := range []string{addr, strings.ToUpper(addr), "<" + addr + ">", " " + addr + " "} {
				n, r, ok := s.Parse(form)
				if !ok || n != number || r != role {
					t.Errorf("Parse(%q) = %q, %q, %v, want %q, %q, true", form, n, r, ok, number, role)
				}
			}
		}
	}
	if got := s.Address("2026-000042", RoleRequester); !strings.HasPrefix(got, "support+2026-000042.") || strings.Count(got, ".") != 2 {
		t.Errorf("requester address %q, want support+NUMBER.TOKEN@example.org", got)
	}
}

func TestAddressRefusesBadInput(t *testing.T) {
	s := newSigner(t, "s3cret")
	for _, tt := range []struct {
		name, number string
		role         Role
	}{
		{"bad number", "42", RoleAgent},
		{"unknown role", "2026-000042", Role("admin")},
		{"empty role", "2026-000042", Role("")},
	} {
		if got := s.Address(tt.number, tt.role); got != "" {
			t.Errorf("%s: Address(%q, %q) = %q, want \"\"", tt.name, tt.number, tt.role, got)
		}
	}
}

func TestParseRejects(t *testing.T) {
	s := newSigner(t, "s3cret")
	other := newSigner(t, "another secret")
	good := s.Address("2026-000042", RoleAgent)
	local, domain, _ := strings.Cut(good, "@")
	tok := local[strings.LastIndexByte(local, '.')+1:]
	flip := func(c byte) string {
		if c == 'a' {
			return "b"
		}
		return "a"
	}
	reqTok := strings.TrimPrefix(strings.Split(s.Address("2026-000042", RoleRequester), "@")[0], "support+2026-000042.")
	tests := []struct{ name, addr string }{
		{"tampered token last char", local[:len(local)-1] + flip(local[len(local)-1]) + "@" + domain},
		{"tampered token first char", strings.Replace(good, "."+tok, "."+flip(tok[0])+tok[1:], 1)},
		{"truncated token", local[:len(local)-1] + "@" + domain},
		{"longer token", local + "a@" + domain},
		{"tampered number", strings.Replace(good, "2026-000042", "2026-000043", 1)},
		{"tampered role", strings.Replace(good, ".agent.", ".note.", 1)},
		{"role removed", strings.Replace(good, ".agent.", ".", 1)},
		{"requester token used for agent", "support+2026-000042.agent." + reqTok + "@example.org"},
		{"unknown role", strings.Replace(good, ".agent.", ".admin.", 1)},
		{"other secret", other.Address("2026-000042", RoleAgent)},
		{"other local part", strings.Replace(good, "support+", "contact+", 1)},
		{"local part extended", strings.Replace(good, "support+", "xsupport+", 1)},
		{"other domain", strings.Replace(good, "@example.org", "@example.net", 1)},
		{"subdomain", strings.Replace(good, "@example.org", "@evil.example.org", 1)},
		{"no detail", support},
		{"plain detail", "support+note@example.org"},
		{"no at", "support+2026-000042." + tok},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, r, ok := s.Parse(tt.addr); ok {
				t.Errorf("Parse(%q) = %q, %q, true, want false", tt.addr, n, r)
			}
		})
	}
}

func TestDetail(t *testing.T) {
	s := newSigner(t, "s3cret")
	tests := []struct{ addr, want string }{
		{"support+note@example.org", "note"},
		{"SUPPORT+Note@Example.ORG", "note"},
		{"<support+alertes@example.org>", "alertes"},
		{"support@example.org", ""},
		{"support+@example.org", ""},
		{"other+note@example.org", ""},
		{"support+note@example.net", ""},
		{"garbage", ""},
	}
	for _, tt := range tests {
		if got := s.Detail(tt.addr); got != tt.want {
			t.Errorf("Detail(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name, secret, addr string
		ok                 bool
	}{
		{"plain", "k", "support@example.org", true},
		{"display name", "k", "Centre d'assistance <Support@Example.org>", true},
		{"empty secret", "", "support@example.org", false},
		{"no domain", "k", "support", false},
		{"has detail", "k", "support+x@example.org", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New([]byte(tt.secret), tt.addr)
			if (err == nil) != tt.ok {
				t.Fatalf("New(%q, %q) error = %v, want ok=%v", tt.secret, tt.addr, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Errorf("New error %v does not wrap ErrConfig", err)
			}
			if s != nil {
				if got := s.Address("2026-000042", RoleNote); !strings.HasSuffix(got, "@example.org") || !strings.HasPrefix(got, "support+") {
					t.Errorf("Address = %q, want support+…@example.org", got)
				}
			}
		})
	}
}

// TestSecretCopied checks that changing the caller's slice after New does not
// change the addresses.
func TestSecretCopied(t *testing.T) {
	secret := []byte("s3cret")
	s, err := New(secret, support)
	if err != nil {
		t.Fatal(err)
	}
	before := s.Address("2026-000042", RoleRequester)
	secret[0] = 'X'
	if after := s.Address("2026-000042", RoleRequester); after != before {
		t.Errorf("address changed with the caller's slice: %q → %q", before, after)
	}
}

func FuzzParse(f *testing.F) {
	s, err := New([]byte("fuzz secret"), support)
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range []Role{RoleRequester, RoleAgent, RoleNote} {
		f.Add(s.Address("2026-000042", r))
	}
	f.Add("support+note@example.org")
	f.Add("<SUPPORT+2026-000042.AGENT.AAAAAAAAAAAA@EXAMPLE.ORG>")
	f.Add("support+2026-000042..@example.org")
	f.Fuzz(func(t *testing.T, addr string) {
		n, r, ok := s.Parse(addr)
		if !ok {
			return
		}
		// Whatever was accepted must be exactly what we would have issued.
		want := s.Address(n, r)
		got := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(addr), "<"), ">"))
		if got != want {
			t.Fatalf("Parse(%q) = %q, %q accepted, but Address gives %q", addr, n, r, want)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	s, _ := New([]byte("s3cret"), support)
	addr := s.Address("2026-000042", RoleAgent)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := s.Parse(addr); !ok {
			b.Fatal("rejected")
		}
	}
}

// TestUnicodeLookalikes: Unicode case folding must not open other spellings.
func TestUnicodeLookalikes(t *testing.T) {
	s := newSigner(t, "s3cret")
	good := s.Address("2026-000042", RoleAgent)
	for _, addr := range []string{
		strings.Replace(good, "support", "\u017fupport", 1), // long s folds to s
		strings.Replace(good, "example", "exa\u212aple", 1), // Kelvin sign folds to k
	} {
		if _, _, ok := s.Parse(addr); ok {
			t.Errorf("Parse(%q) accepted", addr)
		}
	}
}

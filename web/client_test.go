package web

import (
	"log/slog"
	"net/netip"
	"testing"
)

func TestAddrKey(t *testing.T) {
	cases := []struct{ name, remote, want string }{
		{"IPv4", "192.0.2.7:51234", "192.0.2.7"},
		{"IPv4 mapped in IPv6", "[::ffff:192.0.2.7]:51234", "192.0.2.7"},
		{"IPv6 counts by its /64", "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", "2001:db8:1:2::/64"},
		{"another address of that /64", "[2001:db8:1:2::1]:443", "2001:db8:1:2::/64"},
		{"IPv6 with a zone", "[fe80::1%eth0]:80", "fe80::/64"},
	}
	for _, c := range cases {
		a, ok := clientAddr(c.remote, nil, nil)
		if got := addrKey(a); !ok || got != c.want {
			t.Errorf("%s: %q is %q (%v), want %q", c.name, c.remote, got, ok, c.want)
		}
	}
	if _, ok := clientAddr("@unix", []string{"203.0.113.9"}, []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}); ok {
		t.Errorf("a peer that is not an address gave an address")
	}
}

// TestClientAddr: X-Forwarded-For is read only from a trusted proxy, from
// the right, past the trusted proxies; what the client wrote itself (the
// entries left of the first untrusted one) never counts.
func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("fd00::/8"),
	}
	cases := []struct {
		name    string
		peer    string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxy trusted: the header is ignored", "127.0.0.1:40000", []string{"203.0.113.9"}, nil, "127.0.0.1"},
		{"untrusted peer: the header is ignored", "198.51.100.4:40000", []string{"203.0.113.9"}, trusted, "198.51.100.4"},
		{"untrusted peer naming a trusted proxy", "198.51.100.4:40000", []string{"127.0.0.1"}, trusted, "198.51.100.4"},
		{"one proxy", "127.0.0.1:40000", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"spoofed leftmost entries", "127.0.0.1:40000", []string{"192.0.2.1, 192.0.2.2,203.0.113.9"}, trusted, "203.0.113.9"},
		{"spoofed entry naming a trusted proxy", "127.0.0.1:40000", []string{"10.0.0.1, 203.0.113.9"}, trusted, "203.0.113.9"},
		{"several proxies", "127.0.0.1:40000", []string{"192.0.2.1, 203.0.113.9, 10.1.1.1, 10.2.2.2"}, trusted, "203.0.113.9"},
		{"several header lines, in order", "127.0.0.1:40000", []string{"192.0.2.1, 203.0.113.9", "10.1.1.1"}, trusted, "203.0.113.9"},
		{"no header: the proxy", "127.0.0.1:40000", nil, trusted, "127.0.0.1"},
		{"empty header: the proxy", "127.0.0.1:40000", []string{" "}, trusted, "127.0.0.1"},
		{"empty elements are skipped", "127.0.0.1:40000", []string{"203.0.113.9,, ,"}, trusted, "203.0.113.9"},
		{"garbage where it is read: the proxy", "127.0.0.1:40000", []string{"203.0.113.9, unknown"}, trusted, "127.0.0.1"},
		{"garbage past a trusted hop: the proxy", "127.0.0.1:40000", []string{"203.0.113.9, <script>, 10.1.1.1"}, trusted, "127.0.0.1"},
		{"garbage the client wrote is never read", "127.0.0.1:40000", []string{"unknown, 999.1.1.1, 203.0.113.9"}, trusted, "203.0.113.9"},
		{"a range is not an address", "127.0.0.1:40000", []string{"203.0.113.0/24"}, trusted, "127.0.0.1"},
		{"IPv4 with a port", "127.0.0.1:40000", []string{"203.0.113.9:51234"}, trusted, "203.0.113.9"},
		{"IPv6", "[::1]:40000", []string{"2001:db8::7"}, trusted, "2001:db8::7"},
		{"IPv6 in brackets", "[::1]:40000", []string{"[2001:db8::7]"}, trusted, "2001:db8::7"},
		{"IPv6 with a port", "[::1]:40000", []string{"[2001:db8::7]:443"}, trusted, "2001:db8::7"},
		{"IPv6 unclosed bracket: the proxy", "[::1]:40000", []string{"[2001:db8::7"}, trusted, "::1"},
		{"IPv6 proxies", "[fd00::2]:40000", []string{"2001:db8::7, fd00::1"}, trusted, "2001:db8::7"},
		{"IPv6 with a zone", "[::1]:40000", []string{"fe80::7%eth0"}, trusted, "fe80::7"},
		{"IPv4 mapped in IPv6, peer and hop", "[::ffff:127.0.0.1]:40000", []string{"::ffff:10.0.0.9, ::ffff:10.0.0.8"}, trusted, "10.0.0.9"},
		{"every hop trusted: the leftmost", "127.0.0.1:40000", []string{"10.0.0.9, 10.0.0.8"}, trusted, "10.0.0.9"},
		{"the peer without a port", "127.0.0.1", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := clientAddr(c.peer, c.xff, c.trusted)
			if !ok || got.String() != c.want {
				t.Errorf("clientAddr(%q, %q) = %v (%v), want %s", c.peer, c.xff, got, ok, c.want)
			}
		})
	}
}

func TestPublicBase(t *testing.T) {
	cases := []struct{ raw, want string }{
		{"https://aide.centre.example", "https://aide.centre.example"},
		{"https://aide.centre.example/", "https://aide.centre.example"},
		{"http://127.0.0.1:8080/guichet/", "http://127.0.0.1:8080/guichet"},
		{"", ""},
		{"aide.centre.example", ""},
		{"/suivi", ""},
		{"https://", ""},
		{"javascript:alert(1)", ""},
		{"https://aide centre", ""},
	}
	for _, c := range cases {
		if got := publicBase(c.raw, slog.New(slog.DiscardHandler)); got != c.want {
			t.Errorf("publicBase(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

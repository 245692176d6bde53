package web

import (
	"log/slog"
	"testing"
)

func TestClientKey(t *testing.T) {
	cases := []struct{ name, remote, want string }{
		{"IPv4", "192.0.2.7:51234", "192.0.2.7"},
		{"IPv4 mapped in IPv6", "[::ffff:192.0.2.7]:51234", "192.0.2.7"},
		{"IPv6 counts by its /64", "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", "2001:db8:1:2::/64"},
		{"another address of that /64", "[2001:db8:1:2::1]:443", "2001:db8:1:2::/64"},
		{"IPv6 with a zone", "[fe80::1%eth0]:80", "fe80::/64"},
		{"not an address and port", "@unix", "@unix"},
	}
	for _, c := range cases {
		if got := clientKey(c.remote); got != c.want {
			t.Errorf("%s: clientKey(%q) = %q, want %q", c.name, c.remote, got, c.want)
		}
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

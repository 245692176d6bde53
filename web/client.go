package web

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// clientKey names the client of r for its per-client limits: its address
// (clientAddr), an IPv6 client by its /64, which one client usually holds
// whole. A peer that is not an IP address (a Unix socket) is its own key.
func (s *Server) clientKey(r *http.Request) string {
	a, ok := clientAddr(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.o.TrustedProxies)
	if !ok {
		return r.RemoteAddr
	}
	return addrKey(a)
}

func addrKey(a netip.Addr) string {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// clientAddr is the address a request comes from: the connection's peer,
// unless the peer is one of trusted (the reverse proxies in front,
// GUICHET_TRUSTED_PROXIES). Then each proxy has appended its own peer to
// X-Forwarded-For, so the header is read from the right, past the trusted
// proxies, to the first address that is not one: that is the client. What
// is left of it the client wrote itself and proves nothing, and a peer
// that is not trusted is never believed at all. A header that is missing,
// or garbled where it is read, leaves the peer: the proxy, one bucket for
// everyone behind it, rather than an address anyone could choose.
// ok is false when the peer itself is not an IP address.
func clientAddr(remoteAddr string, forwarded []string, trusted []netip.Prefix) (a netip.Addr, ok bool) {
	peer, ok := hopAddr(remoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return peer, ok
	}
	var hops []string
	for _, v := range forwarded {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for _, h := range slices.Backward(hops) {
		if h = strings.TrimSpace(h); h == "" {
			continue // an empty list element counts for nothing (RFC 9110 §5.6.1)
		}
		a, ok := hopAddr(h)
		if !ok {
			return peer, true
		}
		client = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	// When every hop is a trusted proxy, the leftmost is the client: it
	// connected from inside the trusted ranges.
	return client, true
}

// hopAddr reads one address as peers and proxies write it: 192.0.2.7,
// 192.0.2.7:51234, 2001:db8::1, [2001:db8::1] or [2001:db8::1]:443. An
// IPv4 address mapped in IPv6 is the IPv4 one, and a zone is dropped, so
// that both compare with the configured ranges.
func hopAddr(s string) (netip.Addr, bool) {
	var a netip.Addr
	if ap, err := netip.ParseAddrPort(s); err == nil {
		a = ap.Addr()
	} else {
		if inner, ok := strings.CutPrefix(s, "["); ok {
			if s, ok = strings.CutSuffix(inner, "]"); !ok {
				return netip.Addr{}, false
			}
		}
		if a, err = netip.ParseAddr(s); err != nil {
			return netip.Addr{}, false
		}
	}
	return a.Unmap().WithZone(""), true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	return slices.ContainsFunc(trusted, func(p netip.Prefix) bool { return p.Contains(a) })
}

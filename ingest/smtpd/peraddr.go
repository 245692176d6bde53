package smtpd

import (
	"net"
	"net/netip"
	"sync"
)

// remoteIP is the client's address, IPv4 in its 4-byte form; the zero
// Addr when the connection is not TCP (then no per-address limit applies).
func remoteIP(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().Unmap()
	}
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// perIPLimiter counts the open connections of each client address. Its
// map holds only addresses with an open connection, so it is bounded by
// MaxConns.
type perIPLimiter struct {
	max     int // <= 0: no limit
	trusted []netip.Prefix
	mu      sync.Mutex
	open    map[netip.Addr]int
}

func newPerIPLimiter(max int, trusted []netip.Prefix) *perIPLimiter {
	return &perIPLimiter{max: max, trusted: trusted, open: make(map[netip.Addr]int)}
}

func noRelease() {}

// acquire counts one more connection from ip, reporting false when ip
// already holds its maximum. The centre's own MTAs (trusted relays) are
// exempt: they concentrate the mail of everyone.
func (l *perIPLimiter) acquire(ip netip.Addr) (release func(), ok bool) {
	if l.max <= 0 || !ip.IsValid() || l.isTrusted(ip) {
		return noRelease, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip] >= l.max {
		return nil, false
	}
	l.open[ip]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.open[ip]--; l.open[ip] <= 0 {
			delete(l.open, ip)
		}
	}, true
}

func (l *perIPLimiter) isTrusted(ip netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

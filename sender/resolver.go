package sender

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// Resolver is the DNS the checks need; *net.Resolver implements it, and so
// does the SPF library's resolver interface.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// NewResolver returns the system resolver, or one that asks only server
// (host:port, GUICHET_DNS) when it is set.
func NewResolver(server string) *net.Resolver {
	if server == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, server)
	}}
}

// Cache bounds each lookup of r by a timeout and remembers answers, and
// the domains that do not exist, for ttl: one sender's mail arrives in
// bursts, and its DMARC, SPF and DKIM records are the same each time.
// Temporary failures are not remembered. It is safe for concurrent use.
type Cache struct {
	r       Resolver
	timeout time.Duration
	ttl     time.Duration
	max     int
	now     func() time.Time

	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

type cacheKey struct{ kind, name string }

type cacheEntry struct {
	val     any
	err     error
	expires time.Time
}

// NewCache wraps r: each lookup waits at most timeout; answers are kept
// for ttl, at most max of them (then the cache starts afresh).
func NewCache(r Resolver, timeout, ttl time.Duration, max int) *Cache {
	return &Cache{r: r, timeout: timeout, ttl: ttl, max: max, now: time.Now, entries: map[cacheKey]cacheEntry{}}
}

func (c *Cache) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return lookup(c, ctx, "txt", name, c.r.LookupTXT)
}

func (c *Cache) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return lookup(c, ctx, "mx", name, c.r.LookupMX)
}

func (c *Cache) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	return lookup(c, ctx, "ip", host, c.r.LookupIPAddr)
}

func (c *Cache) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return lookup(c, ctx, "ptr", addr, c.r.LookupAddr)
}

func lookup[T any](c *Cache, ctx context.Context, kind, name string, f func(context.Context, string) (T, error)) (T, error) {
	k := cacheKey{kind, name}
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		v, _ := e.val.(T)
		return v, e.err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	v, err := f(ctx, name)
	if err == nil || NotFound(err) {
		c.mu.Lock()
		if len(c.entries) >= c.max {
			c.entries = map[cacheKey]cacheEntry{}
		}
		c.entries[k] = cacheEntry{val: v, err: err, expires: now.Add(c.ttl)}
		c.mu.Unlock()
	}
	return v, err
}

// NotFound reports whether err says the name or record does not exist
// (an answer), as opposed to a failure to get an answer.
func NotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

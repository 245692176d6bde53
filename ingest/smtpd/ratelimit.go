package smtpd

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per client IP: each IP may start `rate`
// messages at once, and earns one more every minute/rate. Memory is
// bounded: buckets that have refilled carry no information and are swept,
// and the map never grows beyond maxBuckets.
type rateLimiter struct {
	rate   float64 // tokens per minute, also the bucket size
	clock  func() time.Time
	mu     sync.Mutex
	bucket map[string]*tokenBucket
	swept  time.Time
	// maxBuckets bounds memory under a flood of distinct addresses; past
	// it, the fullest (longest idle) buckets go first.
	maxBuckets int
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

const defaultMaxBuckets = 100_000

func newRateLimiter(perMinute int, clock func() time.Time) *rateLimiter {
	return &rateLimiter{
		rate:       float64(perMinute),
		clock:      clock,
		bucket:     make(map[string]*tokenBucket),
		maxBuckets: defaultMaxBuckets,
	}
}

// allow takes one token from ip's bucket, reporting false when it is empty.
func (r *rateLimiter) allow(ip string) bool {
	now := r.clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.swept) >= time.Minute || len(r.bucket) >= r.maxBuckets {
		r.sweep(now)
	}
	b := r.bucket[ip]
	if b == nil {
		b = &tokenBucket{tokens: r.rate, last: now}
		r.bucket[ip] = b
	}
	b.refill(now, r.rate)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (b *tokenBucket) refill(now time.Time, rate float64) {
	if el := now.Sub(b.last); el > 0 {
		b.tokens = min(rate, b.tokens+el.Minutes()*rate)
		b.last = now
	}
}

// sweep forgets buckets that are full again (a new bucket starts full, so
// nothing is lost). When even that leaves the map at its bound, it forgets
// arbitrary buckets: under such a flood, per-IP accounting is already
// meaningless and memory matters more.
func (r *rateLimiter) sweep(now time.Time) {
	r.swept = now
	for ip, b := range r.bucket {
		b.refill(now, r.rate)
		if b.tokens >= r.rate {
			delete(r.bucket, ip)
		}
	}
	for ip := range r.bucket {
		if len(r.bucket) < r.maxBuckets*9/10 {
			break
		}
		delete(r.bucket, ip)
	}
}

func (r *rateLimiter) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bucket)
}

package outbound

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/store"
)

// fakeClock is a clock the test moves forward.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock to from+upto in steps, giving the senders a few
// real milliseconds at each: their polls and renewals run on real timers.
func (c *fakeClock) advance(from time.Time, upto, step time.Duration) {
	for d := step; d <= upto; d += step {
		c.mu.Lock()
		c.now = from.Add(d)
		c.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

// countingRelay accepts every message and counts them by Message-ID;
// until release is closed (when not nil), each delivery blocks.
type countingRelay struct {
	release <-chan struct{}
	mu      sync.Mutex
	started int
	got     map[string]int
}

func (r *countingRelay) Send(ctx context.Context, _ string, _ []string, raw []byte) error {
	r.mu.Lock()
	r.started++
	r.mu.Unlock()
	if r.release != nil {
		select {
		case <-r.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, line := range strings.Split(string(raw), "\r\n") {
		if v, ok := strings.CutPrefix(line, "Message-ID: "); ok {
			r.got[v]++
		} else if v, ok := strings.CutPrefix(line, "Message-Id: "); ok {
			r.got[v]++
		}
	}
	return nil
}

func (r *countingRelay) counts() (started int, got map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got = make(map[string]int, len(r.got))
	for k, v := range r.got {
		got[k] = v
	}
	return r.started, got
}

// sentOnce checks that the relays together delivered each id exactly once.
func sentOnce(t *testing.T, ids []string, relays ...*countingRelay) {
	t.Helper()
	total := map[string]int{}
	for _, r := range relays {
		_, got := r.counts()
		for k, v := range got {
			total[k] += v
		}
	}
	for _, id := range ids {
		if total[id] != 1 {
			t.Errorf("%s delivered %d times, want exactly once", id, total[id])
		}
	}
	if len(total) != len(ids) {
		t.Errorf("%d distinct messages delivered, want %d", len(total), len(ids))
	}
}

// TestCrashedSendersMessagesGoOutWithinSeconds: the messages a sender
// claimed before it was killed (claimed, never renewed) are sent by
// another sender once the short lease ends, within 30 s, and not before.
func TestCrashedSendersMessagesGoOutWithinSeconds(t *testing.T) {
	const lease = 20 * time.Second
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ids := queueAcks(t, st, 10)
			t0 := time.Now().Add(time.Second)
			clk := &fakeClock{now: t0}
			dead, err := st.ClaimOutboundFor(context.Background(), "killed", t0, 100, lease)
			if err != nil || len(dead) != len(ids) {
				t.Fatalf("the killed sender's claim = %d rows (%v), want %d", len(dead), err, len(ids))
			}
			r := &countingRelay{got: map[string]int{}}
			runSender(t, SenderOptions{Store: st, Relay: r, Clock: clk.Now, Lease: lease, Renew: 10 * time.Millisecond})
			clk.advance(t0, lease-500*time.Millisecond, 500*time.Millisecond)
			if n, _ := r.counts(); n != 0 {
				t.Errorf("%d messages sent while the killed sender's lease held, want none", n)
			}
			// Between the lease's end and 30 s: the new sender's next
			// poll claims them.
			clk.advance(t0.Add(lease-500*time.Millisecond), 10*time.Second+500*time.Millisecond, 500*time.Millisecond)
			waitOutbox(t, st, "delivery at 30 s", all(store.OutSent))
			sentOnce(t, ids, r)
		})
	}
}

// TestSlowRelayKeepsTheLease: a delivery that takes several leases does
// not let another sender claim the message (the first renews its lease),
// nor the messages that wait for a worker: each goes out once.
func TestSlowRelayKeepsTheLease(t *testing.T) {
	const lease = 20 * time.Second
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ids := queueAcks(t, st, 6)
			t0 := time.Now().Add(time.Second)
			clk := &fakeClock{now: t0}
			release := make(chan struct{})
			slow := &countingRelay{release: release, got: map[string]int{}}
			fast := &countingRelay{got: map[string]int{}}
			opts := SenderOptions{Store: st, Clock: clk.Now, Lease: lease, Renew: 10 * time.Millisecond, Parallel: 2}
			a := opts
			a.Relay = slow
			runSender(t, a)
			deadline := time.Now().Add(10 * time.Second)
			for n, _ := slow.counts(); n < 2; n, _ = slow.counts() {
				if time.Now().After(deadline) {
					t.Fatalf("the slow relay started %d deliveries, want 2", n)
				}
				time.Sleep(10 * time.Millisecond)
			}
			b := opts
			b.Relay = fast
			runSender(t, b)
			clk.advance(t0, 5*lease, 500*time.Millisecond)
			if n, _ := fast.counts(); n != 0 {
				t.Errorf("the second sender sent %d messages the first still had in hand", n)
			}
			close(release)
			waitOutbox(t, st, "delivery", all(store.OutSent))
			sentOnce(t, ids, slow, fast)
		})
	}
}

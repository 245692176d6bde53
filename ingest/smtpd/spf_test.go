package smtpd

import (
	"context"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/sender"
	"guichet/sender/sendertest"
	"guichet/store"
)

// askLog is a resolver that notes when each TXT name was asked.
type askLog struct {
	sender.Resolver
	mu    sync.Mutex
	asked map[string][]time.Time
}

func (a *askLog) LookupTXT(ctx context.Context, name string) ([]string, error) {
	a.mu.Lock()
	if a.asked == nil {
		a.asked = map[string][]time.Time{}
	}
	a.asked[name] = append(a.asked[name], time.Now())
	a.mu.Unlock()
	return a.Resolver.LookupTXT(ctx, name)
}

func (a *askLog) times(name string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.asked[name]...)
}

// verdictDeliverer checks the sender as the pipeline does (ingest/trust.go)
// and keeps the verdicts.
type verdictDeliverer struct {
	c        *sender.Checker
	mu       sync.Mutex
	verdicts []sender.Result
}

func (v *verdictDeliverer) Deliver(ctx context.Context, raw []byte, env store.Envelope) (ingest.Result, error) {
	in := sender.Input{Raw: raw, From: env.MailFrom, FromFields: 1, SMTP: true,
		ClientIP: netip.MustParseAddr(env.ClientAddr), Helo: env.Helo, MailFrom: env.MailFrom}
	r := v.c.Check(ctx, in)
	v.mu.Lock()
	v.verdicts = append(v.verdicts, r)
	v.mu.Unlock()
	return ingest.Result{Action: ingest.Created, Ticket: "2026-000001"}, nil
}

func (v *verdictDeliverer) all() []sender.Result {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]sender.Result(nil), v.verdicts...)
}

// spfZone: both sender domains allow 127.0.0.1 by SPF and publish DMARC;
// slow.example's SPF record answers only after delay.
func spfZone(delay time.Duration) *sendertest.Zone {
	z := sendertest.NewZone()
	z.AddTXT("fast.example", "v=spf1 ip4:127.0.0.0/8 -all")
	z.AddTXT("_dmarc.fast.example", "v=DMARC1; p=reject")
	z.AddTXT("slow.example", "v=spf1 ip4:127.0.0.0/8 -all")
	z.AddTXT("_dmarc.slow.example", "v=DMARC1; p=reject")
	z.Slow["slow.example"] = true
	z.Delay = delay
	return z
}

// startSPFServer serves with early SPF checks over spfZone(delay) and
// returns a greeted client.
func startSPFServer(t *testing.T, delay time.Duration) (*askLog, *verdictDeliverer, *testServer, *client) {
	t.Helper()
	log := &askLog{Resolver: spfZone(delay)}
	c := &sender.Checker{Resolver: log, Budget: time.Minute}
	d := &verdictDeliverer{c: c}
	o := baseOptions()
	o.SPF = c
	ts := startServer(t, o, d)
	cl := dial(t, ts.addr)
	cl.greet()
	return log, d, ts, cl
}

// TestEarlySPFOverlapsData: the SPF question is asked when the recipient
// is accepted, before the message is sent, and Check takes that answer
// instead of asking again.
func TestEarlySPFOverlapsData(t *testing.T) {
	log, d, _, cl := startSPFServer(t, 0)
	cl.expect("MAIL FROM:<awa@fast.example>", "250")
	cl.expect("RCPT TO:<support@example.org>", "250")
	cl.expect("DATA", "354")
	time.Sleep(200 * time.Millisecond) // the transfer
	bodySent := time.Now()
	cl.send(message("spf") + ".\r\n")
	if got := cl.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("end of DATA → %q, want 250", got)
	}
	asked := log.times("fast.example")
	if len(asked) != 1 || !asked[0].Before(bodySent) {
		t.Fatalf("SPF asked at %v, want once before the message was sent (%v)", asked, bodySent)
	}
	if v := d.all(); len(v) != 1 || v[0].Proof != sender.ProofSPF {
		t.Fatalf("verdicts = %v, want one verified by SPF", v)
	}
}

// TestEarlySPFFreshAfterReset: RSET and a second MAIL in the same session
// stop the previous check and start one for the new sender, and no check
// outlives its session.
func TestEarlySPFFreshAfterReset(t *testing.T) {
	before := runtime.NumGoroutine()
	log, d, ts, cl := startSPFServer(t, time.Minute) // slow.example answers only when stopped
	cl.expect("MAIL FROM:<awa@slow.example>", "250")
	cl.expect("RCPT TO:<support@example.org>", "250")
	cl.expect("RSET", "250")
	cl.expect("MAIL FROM:<awa@slow.example>", "250")
	cl.expect("RCPT TO:<support@example.org>", "250")
	// A second MAIL starts a new transaction (go-smtp allows it).
	cl.expect("MAIL FROM:<awa@fast.example>", "250")
	cl.expect("RCPT TO:<support@example.org>", "250")
	cl.expect("DATA", "354")
	cl.send(message("rapide") + ".\r\n")
	if got := cl.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("end of DATA → %q, want 250", got)
	}
	v := d.all()
	if len(v) != 1 || v[0].Proof != sender.ProofSPF || !strings.Contains(v[0].Evidence, "fast.example") {
		t.Fatalf("verdicts = %v, want one verified by SPF for fast.example", v)
	}
	if n := len(log.times("slow.example")); n != 2 {
		t.Errorf("slow.example asked %d times, want 2 (one per transaction)", n)
	}
	// A check in progress when the client leaves ends with the session.
	if n := len(log.times("fast.example")); n != 1 {
		t.Errorf("fast.example asked %d times, want 1", n)
	}
	cl.expect("MAIL FROM:<awa@slow.example>", "250")
	cl.expect("RCPT TO:<support@example.org>", "250")
	cl.expect("QUIT", "221")
	waitNoGoroutine(t, "sender.(*Checker).StartSPF")
	ts.stop(t)
	waitGoroutines(t, before)
}

// waitNoGoroutine fails unless, within a few seconds, no goroutine runs
// code named fn.
func waitNoGoroutine(t *testing.T, fn string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, fn) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a goroutine still runs %s:\n%s", fn, stacks)
		}
	}
}

// waitGoroutines fails unless the goroutine count falls back to n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEarlySPFLatency measures the wait between the end of DATA and 250
// when the sender's SPF record takes a second to answer, over a loopback
// DNS server, with the check started at RCPT and without.
func TestEarlySPFLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds")
	}
	z := spfZone(time.Second)
	dns := z.Serve(t)
	took := map[bool]time.Duration{}
	for _, early := range []bool{false, true} {
		c := &sender.Checker{Resolver: sender.NewCache(sender.NewResolver(dns), 2*time.Second, time.Minute, 100), Budget: 4 * time.Second}
		d := &verdictDeliverer{c: c}
		o := baseOptions()
		if early {
			o.SPF = c
		}
		ts := startServer(t, o, d)
		cl := dial(t, ts.addr)
		cl.greet()
		cl.expect("MAIL FROM:<awa@slow.example>", "250")
		cl.expect("RCPT TO:<support@example.org>", "250")
		cl.expect("DATA", "354")
		time.Sleep(1200 * time.Millisecond) // a transfer longer than the lookup
		start := time.Now()
		cl.send(message("mesure") + ".\r\n")
		if got := cl.reply(); !strings.HasPrefix(got, "250") {
			t.Fatalf("end of DATA → %q, want 250", got)
		}
		took[early] = time.Since(start)
		if v := d.all(); len(v) != 1 || v[0].Proof != sender.ProofSPF {
			t.Fatalf("early=%v: verdicts = %v, want verified by SPF", early, v)
		}
	}
	t.Logf("end of DATA to 250 with a 1 s SPF lookup: %v checked after DATA, %v started at RCPT", took[false], took[true])
	if took[false] < 900*time.Millisecond || took[true] > 500*time.Millisecond {
		t.Errorf("end of DATA to 250: %v without, %v with the early check; want about 1 s and near 0", took[false], took[true])
	}
}

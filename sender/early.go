package sender

import (
	"context"
	"net/netip"

	"blitiri.com.ar/go/spf"
)

// EarlySPF is an SPF check started before the message arrives. SPF
// depends only on the client's address, HELO and MAIL FROM, all known
// once a recipient is accepted, so the SMTP receiver starts it then and
// its DNS questions overlap the transfer of DATA; Check takes its result
// instead of asking again when the message carries it in its context
// (WithEarlySPF).
type EarlySPF struct {
	ip             netip.Addr
	helo, mailFrom string
	cancel         context.CancelFunc
	dom            string // the domain checked
	done           chan struct{}
	res            spf.Result // set before done is closed
}

// StartSPF starts the SPF check of a transaction, bounded by the
// checker's Budget and by each lookup's timeout (Cache), and ended by
// Stop or by ctx. It returns nil when Check would not ask SPF: no
// resolver, no valid address, or one of the centre's relays.
func (c *Checker) StartSPF(ctx context.Context, ip netip.Addr, helo, mailFrom string) *EarlySPF {
	ip = ip.Unmap()
	if c.Resolver == nil || !ip.IsValid() || c.trustedRelay(ip) {
		return nil
	}
	in := Input{ClientIP: ip, Helo: helo, MailFrom: mailFrom}
	e := &EarlySPF{ip: ip, helo: helo, mailFrom: mailFrom, done: make(chan struct{})}
	_, e.dom = spfIdentity(in)
	if c.Budget > 0 {
		ctx, e.cancel = context.WithTimeout(ctx, c.Budget)
	} else {
		ctx, e.cancel = context.WithCancel(ctx)
	}
	go func() {
		defer close(e.done)
		defer e.cancel()
		e.res, _ = c.spf(ctx, in)
	}()
	return e
}

// Stop abandons the check; its goroutine ends as soon as its lookup
// sees the cancellation. Stop on nil does nothing.
func (e *EarlySPF) Stop() {
	if e != nil {
		e.cancel()
	}
}

// matches says whether e checked the same identity as in.
func (e *EarlySPF) matches(in Input) bool {
	return e.ip == in.ClientIP.Unmap() && e.helo == in.Helo && e.mailFrom == in.MailFrom
}

// wait returns e's result, or a temporary error when ctx (Check's budget)
// ends first, as a lookup cut short by it would.
func (e *EarlySPF) wait(ctx context.Context) (spf.Result, string) {
	select {
	case <-e.done:
		return e.res, e.dom
	case <-ctx.Done():
		return spf.TempError, e.dom
	}
}

type earlyKey struct{}

// WithEarlySPF returns ctx carrying e for Check; a nil e changes nothing.
func WithEarlySPF(ctx context.Context, e *EarlySPF) context.Context {
	if e == nil {
		return ctx
	}
	return context.WithValue(ctx, earlyKey{}, e)
}

// earlySPF is the check ctx carries for in, nil when it carries none or
// one of another identity.
func earlySPF(ctx context.Context, in Input) *EarlySPF {
	e, _ := ctx.Value(earlyKey{}).(*EarlySPF)
	if e == nil || !e.matches(in) {
		return nil
	}
	return e
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"guichet/outbound"
	"guichet/store"
	"guichet/web"
)

// metricsServer serves /metrics on GUICHET_METRICS_ADDR, apart from the
// public listener: the counts tell an outsider the centre's load and
// categories, and the listener defaults to the loopback address. The Go
// profiler's /debug/pprof/ is there too, for the same operators: a
// profile of the running gateway is how its cost per message is found.
func metricsServer(addr string, m *web.Metrics, log *slog.Logger) (*http.Server, net.Listener, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	return newHTTPServer(mux, log), ln, nil
}

// countingOutbox counts, by kind, the mail the sender delivers as it
// records each delivery, so that no scrape counts the outbox's history.
type countingOutbox struct {
	outbound.Outbox
	sent func(store.Kind)

	mu    sync.Mutex
	kinds map[int64]store.Kind // claimed, result not yet recorded
}

func newCountingOutbox(o outbound.Outbox, sent func(store.Kind)) *countingOutbox {
	return &countingOutbox{Outbox: o, sent: sent, kinds: map[int64]store.Kind{}}
}

func (o *countingOutbox) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	ms, err := o.Outbox.ClaimOutboundFor(ctx, owner, now, n, lease)
	o.mu.Lock()
	for _, m := range ms {
		o.kinds[m.ID] = m.Kind
	}
	o.mu.Unlock()
	return ms, err
}

func (o *countingOutbox) MarkSent(ctx context.Context, sent ...store.Sent) error {
	err := o.Outbox.MarkSent(ctx, sent...)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range sent {
		k, ok := o.kinds[s.ID]
		delete(o.kinds, s.ID)
		if ok && err == nil {
			o.sent(k)
		}
	}
	return err
}

func (o *countingOutbox) MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error {
	o.forget(id)
	return o.Outbox.MarkRetry(ctx, id, lastErr, next)
}

func (o *countingOutbox) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	o.forget(id)
	return o.Outbox.MarkFailed(ctx, id, lastErr)
}

func (o *countingOutbox) forget(id int64) {
	o.mu.Lock()
	delete(o.kinds, id)
	o.mu.Unlock()
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"

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
// records each delivery (store.Sent.Kind, whether the sender claimed the
// message or was handed it), so that no scrape counts the outbox's
// history.
type countingOutbox struct {
	outbound.Outbox
	sent func(store.Kind)
}

func newCountingOutbox(o outbound.Outbox, sent func(store.Kind)) *countingOutbox {
	return &countingOutbox{Outbox: o, sent: sent}
}

func (o *countingOutbox) MarkSent(ctx context.Context, sent ...store.Sent) error {
	err := o.Outbox.MarkSent(ctx, sent...)
	if err == nil {
		for _, s := range sent {
			if s.Kind != "" {
				o.sent(s.Kind)
			}
		}
	}
	return err
}

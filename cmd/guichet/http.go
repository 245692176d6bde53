package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"guichet/config"
	"guichet/store"
	"guichet/web"
)

// readiness says whether serve's listeners are all up (GET /readyz).
type readiness struct{ up atomic.Bool }

func (r *readiness) err() error {
	if !r.up.Load() {
		return errors.New("listeners not up")
	}
	return nil
}

// httpServer builds the HTTP side on GUICHET_HTTP_ADDR: tracking
// pages, « mes demandes », the agents' API when GUICHET_API_TOKEN is set,
// and health probes; the metrics have their own listener (metricsServer).
func httpServer(c *config.Config, st store.Store, p *parts, kick func(), ready *readiness, log *slog.Logger) (*http.Server, net.Listener, error) {
	ws, err := web.New(web.Options{
		Store:          st,
		Tokens:         p.tracker,
		Catalogue:      labels{p.catalogue},
		PublicURL:      c.PublicURL,
		TrustedProxies: c.TrustedProxies,
		CentreName:     c.CentreName,
		SupportAddress: c.SupportAddress,
		Hostname:       c.Hostname,
		APIToken:       c.APIToken,
		Agents:         c.AgentAddresses(),
		Answerer:       answerer{p.pipeline},
		OnQueued:       kick,
		Ready:          ready.err,
		Location:       c.Location,
		Logger:         log.With("part", "http"),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("http: %w", err)
	}
	ln, err := net.Listen("tcp", c.HTTPAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("http: %w", err)
	}
	return newHTTPServer(ws.Handler(), log), ln, nil
}

// newHTTPServer bounds each request's time and headers, so that slow or
// idle clients cannot hold connections.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serveHTTP serves until ctx ends, then lets in-flight requests (an API
// answer being delivered) finish.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

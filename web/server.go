package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"guichet/store"
	"guichet/tracking"
	"guichet/view"
)

//go:embed pages/*.html static/*
var assets embed.FS

// Store is the part of the store the web side reads and writes.
type Store interface {
	InTx(ctx context.Context, fn store.TxFunc) error
	Ticket(ctx context.Context, number string) (store.TicketDetail, error)
	FindTickets(ctx context.Context, q store.TicketQuery) ([]store.Ticket, error)
	AttachmentData(ctx context.Context, sha256 string) ([]byte, error)
	Ping(ctx context.Context) error
}

// Catalogue gives a category's label, "" for a code it does not have.
type Catalogue interface {
	Label(code string) string
}

// Options configure a Server.
type Options struct {
	Store  Store
	Tokens *tracking.Signer
	// Catalogue labels categories and validates the API's category changes.
	Catalogue Catalogue
	// PublicURL is the base of links put in mail ("https://aide.example.org").
	PublicURL      string
	CentreName     string // default "Centre d'assistance"
	SupportAddress string // From of the « mes demandes » mail
	Hostname       string // right-hand side of Message-IDs; default the support domain

	// TrustedProxies are the reverse proxies in front
	// (GUICHET_TRUSTED_PROXIES): from them alone X-Forwarded-For names
	// the client that per-client limits count. Empty: the peer counts.
	TrustedProxies []netip.Prefix

	// APIToken enables the agents' API under /api/ when set.
	APIToken string
	// Agents are the declared agents: only they may post through the API.
	Agents []string
	// Answerer records the API's agent messages (the ingest pipeline).
	Answerer Answerer

	// OnQueued is called after a commit that queued mail (the sender's Kick).
	OnQueued func()
	// Ready reports whether the listeners are up (readiness probe); nil: up.
	Ready func() error
	// LinkTTL is how long a « mes demandes » link lives (default 24 h);
	// MailEvery how often one address may get one (default 10 min).
	LinkTTL   time.Duration
	MailEvery time.Duration
	// Location is the time zone of dates shown to people (GUICHET_TIMEZONE;
	// default UTC) and of the Date of the mail it sends.
	Location *time.Location
	Logger   *slog.Logger
	Clock    func() time.Time
}

// Server serves Guichet's HTTP side.
type Server struct {
	o      Options
	log    *slog.Logger
	now    func() time.Time
	pages  map[string]*template.Template
	agents map[string]bool
	mux    *http.ServeMux
	// notFound is the one 404 page, rendered once so that every "no such
	// ticket" answer is byte-identical.
	notFound []byte
}

// New checks o and builds the routes.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Tokens == nil {
		return nil, errors.New("web: a store and a token signer are required")
	}
	if o.CentreName == "" {
		o.CentreName = "Centre d'assistance"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.LinkTTL <= 0 {
		o.LinkTTL = 24 * time.Hour
	}
	if o.MailEvery <= 0 {
		o.MailEvery = 10 * time.Minute
	}
	o.PublicURL = publicBase(o.PublicURL, o.Logger)
	o.SupportAddress = strings.ToLower(strings.TrimSpace(o.SupportAddress))
	if o.Hostname == "" {
		_, o.Hostname, _ = strings.Cut(o.SupportAddress, "@")
	}
	if o.APIToken != "" && o.Answerer == nil {
		return nil, errors.New("web: the API needs an answerer")
	}
	s := &Server{o: o, log: o.Logger, now: o.Clock, pages: map[string]*template.Template{}, agents: map[string]bool{}}
	for _, a := range o.Agents {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			s.agents[a] = true
		}
	}
	for _, name := range []string{"suivi", "introuvable", "mes-demandes", "liste"} {
		t, err := template.New(name).Option("missingkey=error").ParseFS(assets, "pages/layout.html", "pages/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse page %s: %w", name, err)
		}
		s.pages[name] = t
	}
	var b strings.Builder
	if err := s.pages["introuvable"].ExecuteTemplate(&b, "layout", s.page("Page introuvable", nil)); err != nil {
		return nil, fmt.Errorf("web: render 404 page: %w", err)
	}
	s.notFound = []byte(b.String())
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/mes-demandes", http.StatusSeeOther)
	})
	m.HandleFunc("GET /suivi/{number}", s.tracking)
	m.HandleFunc("GET /suivi/{number}/pj/{sha256}", s.attachment)
	m.HandleFunc("GET /mes-demandes", s.myRequestsForm)
	m.HandleFunc("POST /mes-demandes", s.myRequestsPost)
	m.HandleFunc("GET /mes-demandes/{token}", s.myRequestsList)
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	m.HandleFunc("GET /readyz", s.readyz)
	if s.o.APIToken != "" {
		s.apiRoutes(m)
	}
	s.mux = m
}

// Handler is the whole HTTP side with its security headers.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// No script, nothing from elsewhere, no framing (clickjacking), and
		// no Referer: the tracking token is in the URL and must not follow
		// a link to another site (W3C Referrer Policy, "no-referrer").
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages carry tokens or personal data; API answers and probes
			// must be fresh (RFC 9111 §5.2.2.5).
			h.Set("Cache-Control", "no-store")
		}
		s.mux.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.o.Store.Ping(ctx); err != nil {
		s.log.Warn("not ready: store", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "store unavailable")
		return
	}
	if s.o.Ready != nil {
		if err := s.o.Ready(); err != nil {
			s.log.Warn("not ready: listeners", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "listeners not ready")
			return
		}
	}
	fmt.Fprintln(w, "ready")
}

func (s *Server) label(code string) string {
	if code == "" || s.o.Catalogue == nil {
		return ""
	}
	return s.o.Catalogue.Label(code)
}

var _ view.Labeler = Catalogue(nil)

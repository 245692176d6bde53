package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"guichet/alerts"
	"guichet/calendar"
	"guichet/classify"
	"guichet/config"
	"guichet/ingest"
	"guichet/ingest/mailparse"
	"guichet/ingest/smtpd"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/sender"
	"guichet/store"
	"guichet/tracking"
	"guichet/web"
)

// logger writes structured logs to stderr at the configured level, as
// text or as one JSON object a line; every value goes through redactAttr,
// whichever part logs it.
func logger(e env, c *config.Config) *slog.Logger {
	o := &slog.HandlerOptions{Level: c.LogLevel, ReplaceAttr: redactAttr}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, o))
	}
	return slog.New(slog.NewTextHandler(e.stderr, o))
}

func openStore(ctx context.Context, c *config.Config, log *slog.Logger) (store.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return store.Open(ctx, store.Options{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Logger: log})
}

// parts are the components that handle mail, built from the configuration.
type parts struct {
	catalogue *classify.Catalogue
	signer    *replyaddr.Signer
	acker     *outbound.Acker
	pipeline  *ingest.Pipeline
	tracker   *tracking.Signer // tracking-page tokens
	metrics   *web.Metrics
	mailer    *outbound.Mailer // agents' mail, SLA reminders, closing notices and digests
	checker   *sender.Checker  // the pipeline's, which the SMTP receiver starts SPF with
}

// build wires the components that handle mail. Acknowledgments are queued
// in the ticket's transaction and composed after the commit: by the outbox
// sender (guichet serve), or, when pending is not nil, by the command that
// delivered the message, right after its commit (guichet ingest, which runs
// no sender).
//
// hold, when not nil, leases the acknowledgments from their insert to the
// sender of this process (guichet serve), which the pipeline hands them
// to after their commit (Pipeline.OnAck).
func build(ctx context.Context, c *config.Config, st store.Store, log *slog.Logger, pending *outbound.Pending,
	hold func() store.Hold) (*parts, error) {
	cat, err := classify.Default()
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	secret := []byte(c.Secret)
	if len(secret) == 0 {
		if secret, err = st.Secret(ctx); err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
	}
	signer, err := replyaddr.New(secret, c.SupportAddress)
	if err != nil {
		return nil, fmt.Errorf("reply addresses: %w", err)
	}
	tracker, err := tracking.New(secret)
	if err != nil {
		return nil, fmt.Errorf("tracking links: %w", err)
	}
	metrics := web.NewMetrics(st)
	b := thisBuild()
	metrics.SetBuild(b.version, b.commit, b.goVersion)
	ao := outbound.AckerOptions{
		CentreName:       c.CentreName,
		SupportAddress:   c.SupportAddress,
		Signer:           signer,
		Catalogue:        cat,
		PublicURL:        c.PublicURL,
		TrackToken:       func(number, _ string) string { return tracker.Token(number) },
		PerHour:          c.AckPerHour,
		PerDomainPerHour: ackPerDomain(c.AckPerDomainPerHour),
		Domains:          c.Domains, // exempt from the per-domain acknowledgment limit
		Hostname:         c.Hostname,
		Location:         c.Location,
		Hold:             hold,
	}
	if pending != nil {
		ao.Queued = pending.Add
	}
	acker, err := outbound.NewAcker(ao)
	if err != nil {
		return nil, fmt.Errorf("acknowledgments: %w", err)
	}
	mailer, err := outbound.NewMailer(outbound.MailerOptions{
		CentreName:     c.CentreName,
		SupportAddress: c.SupportAddress,
		OwnAddresses:   append(smtpd.RoleAddresses(c.Domains), c.AlertAddresses...),
		Signer:         signer,
		Catalogue:      cat,
		Hostname:       c.Hostname,
		Location:       c.Location,
		CloseAfter:     closeAfterWords(c),
		ReopenDays:     c.ReopenDays,
	})
	if err != nil {
		return nil, fmt.Errorf("agent mail: %w", err)
	}
	boxes, err := mailboxes(c)
	if err != nil {
		return nil, err
	}
	var alertBoxes []string
	for _, m := range boxes {
		if m.Kind == "alert" {
			alertBoxes = append(alertBoxes, m.Name)
		}
	}
	rules, err := alertRules(c)
	if err != nil {
		return nil, err
	}
	checker := senderChecker(c)
	clock, err := businessClock(c)
	if err != nil {
		return nil, err
	}
	p := ingest.New(ingest.Options{
		SupportAddress:   c.SupportAddress,
		OwnAddresses:     smtpd.RoleAddresses(c.Domains), // the receiver accepts them undeclared
		AlertAddresses:   c.AlertAddresses,
		AlertMailboxes:   alertBoxes,
		Agents:           c.AgentAddresses(),
		MessageIDHost:    c.Hostname,
		ReopenAfterClose: time.Duration(c.ReopenDays) * 24 * time.Hour,
		Limits:           mailparse.Limits{},
		Logger:           log,
		Observe:          observe(metrics),
		OnWorkflow:       onWorkflow(metrics),
		Teams:            teams(c),
		AgentNames:       agentNames(c),
		SLA:              slaTargets(c),
		BusinessClock:    clock,
		Mailer:           mailer,
		TrustedAuthServ:  c.TrustedAuthServ,
		Sender:           checker,
		AlertRules:       rules,
		AlertRenotify:    c.AlertRenotify,
		AlertReopen:      c.AlertReopen,
	}, st, cat, signer, acker)
	return &parts{catalogue: cat, signer: signer, acker: acker, pipeline: p, tracker: tracker, metrics: metrics, mailer: mailer, checker: checker}, nil
}

// observe counts the pipeline's deliveries in the metrics.
func observe(m *web.Metrics) func(store.Envelope, store.Kind, ingest.Result, time.Duration) {
	return func(env store.Envelope, kind store.Kind, r ingest.Result, took time.Duration) {
		m.Observe(env, kind, string(r.Action), r.Category, took)
	}
}

// onWorkflow measures the first answers and resolutions the pipeline
// committed.
func onWorkflow(m *web.Metrics) func(ingest.WorkflowEvent) {
	return func(ev ingest.WorkflowEvent) {
		switch ev.Kind {
		case ingest.EventFirstResponse:
			m.FirstResponse(ev.Priority, ev.BusinessTime)
		case ingest.EventResolved:
			m.Resolved(ev.Priority, ev.BusinessTime)
		}
	}
}

// answerer takes the agents' API messages into the pipeline (web.Answerer).
type answerer struct{ p *ingest.Pipeline }

func (a answerer) AnswerAsAgent(ctx context.Context, m web.AgentMessage) (web.Answered, error) {
	r, err := a.p.PostAgent(ctx, ingest.AgentPost{Ticket: m.Ticket, Agent: m.From, Note: m.Note, Text: m.Text, MessageID: m.MessageID})
	return web.Answered{Ticket: r.Ticket, Action: string(r.Action)}, err
}

func (a answerer) PatchTicket(ctx context.Context, number string, p web.TicketPatch) error {
	return a.p.Patch(ctx, number, ingest.Patch(p))
}

// alertRules compiles the configuration file's alert rules; a rule with a
// broken expression stops the start with its name.
func alertRules(c *config.Config) ([]alerts.Rule, error) {
	var out []alerts.Rule
	for _, r := range c.AlertRules {
		rule, err := alerts.Compile(alerts.RuleSpec{Name: r.Name, From: r.From, Source: r.Source, Category: r.Category,
			Subject: r.Subject, Body: r.Body, Recovery: r.Recovery})
		if err != nil {
			return nil, fmt.Errorf("config file %s: %w", c.ConfigFile, err)
		}
		out = append(out, rule)
	}
	return out, nil
}

// teams routes each configured team's groups to its member agents (agents
// whose teams name it, case-insensitively).
func teams(c *config.Config) []ingest.Team {
	var out []ingest.Team
	for _, t := range c.Teams {
		it := ingest.Team{Name: t.Name, Groups: t.Groups, Address: strings.ToLower(strings.TrimSpace(t.Address))}
		for _, a := range c.Agents {
			for _, name := range a.Teams {
				if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(t.Name)) && a.Address != "" {
					it.Agents = append(it.Agents, a.Address)
				}
			}
		}
		out = append(out, it)
	}
	return out
}

// labels adapts the catalogue to view.Labeler.
type labels struct{ c *classify.Catalogue }

func (l labels) Label(code string) string {
	if cat, ok := l.c.Lookup(code); ok {
		return cat.Label
	}
	return ""
}

// senderChecker checks incoming senders (docs/threading.md, "Trust"): each
// DNS lookup waits at most 2 s, a message's checks 4 s in all; answers are
// cached five minutes.
func senderChecker(c *config.Config) *sender.Checker {
	return &sender.Checker{
		Resolver:        sender.NewCache(sender.NewResolver(c.DNS), 2*time.Second, 5*time.Minute, 10000),
		TrustedAuthServ: c.TrustedAuthServ,
		TrustedRelays:   c.TrustedRelays,
		Budget:          4 * time.Second,
	}
}

// ackPerDomain maps the setting's 0 (no limit) to the acker's negative.
func ackPerDomain(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// businessClock is the [calendar] in GUICHET_TIMEZONE, built once; nil
// (round the clock) when the file has none.
func businessClock(c *config.Config) (ingest.BusinessClock, error) {
	if c.Calendar == nil {
		return nil, nil
	}
	cal, err := calendar.New(c.Calendar.Options(c.Location))
	if err != nil {
		return nil, fmt.Errorf("config file %s: [calendar]: %w", c.ConfigFile, err)
	}
	return cal, nil
}

// slaTargets are the [[sla]] targets as the pipeline takes them.
func slaTargets(c *config.Config) []ingest.SLATarget {
	out := make([]ingest.SLATarget, 0, len(c.SLA))
	for _, s := range c.SLA {
		out = append(out, ingest.SLATarget{Priority: s.Priority, Groups: s.Groups, FirstResponse: s.FirstResponse, Resolution: s.Resolution})
	}
	return out
}

// agentNames are the declared agents' names by address (#assigner).
func agentNames(c *config.Config) map[string]string {
	out := map[string]string{}
	for _, a := range c.Agents {
		if a.Name != "" && a.Address != "" {
			out[strings.ToLower(strings.TrimSpace(a.Address))] = a.Name
		}
	}
	return out
}

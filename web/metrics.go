package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"guichet/store"
)

// StatsReader is the store's count of tickets and outbox rows.
type StatsReader interface {
	Stats(ctx context.Context) (store.Stats, error)
}

// Metrics are Guichet's Prometheus metrics, on a registry of their own
// (nothing registers in the global default). What only grows (messages
// received, tickets opened, mail sent) is counted as it happens in this
// process, so that a scrape never scans the database; sum them over the
// nodes of an installation.
type Metrics struct {
	reg      *prometheus.Registry
	received *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	imapLast *prometheus.GaugeVec
	opened   *prometheus.CounterVec
	sent     *prometheus.CounterVec
	erasures *erasureMetrics
	sla      *slaMetrics
}

// NewMetrics registers the metrics; st is read at each scrape for the
// outbox rows still to deliver, which live in the database (shared by
// every node) and which a cheap indexed count gives (store.Stats).
func NewMetrics(st StatsReader) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guichet_messages_received_total",
			Help: "Messages delivered to the pipeline and committed, by transport, kind and action.",
		}, []string{"transport", "kind", "action"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "guichet_ingest_duration_seconds",
			Help:    "Time from receiving a message's bytes to its commit.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"transport"}),
		imapLast: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "guichet_imap_last_delivery_timestamp_seconds",
			Help: "Unix time of the last message committed from each IMAP mailbox; time() minus it is the mailbox's lag when mail is expected.",
		}, []string{"mailbox"}),
		opened: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guichet_tickets_opened_total",
			Help: "Tickets opened by this process, by category (\"\" for none).",
		}, []string{"category"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guichet_messages_sent_total",
			Help: "Outbound messages delivered by this process, by kind (ack: acknowledgments, agent: answers).",
		}, []string{"kind"}),
	}
	for _, k := range sentKinds {
		m.sent.WithLabelValues(string(k))
	}
	m.erasures = newErasureMetrics(m.reg)
	m.sla = newSLAMetrics(m.reg)
	m.reg.MustRegister(m.received, m.latency, m.imapLast, m.opened, m.sent,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{st: st})
	return m
}

// SetBuild publishes guichet_build_info, always 1, whose labels say which
// binary runs: dashboards and alerts tell nodes and upgrades apart by it.
func (m *Metrics) SetBuild(version, commit, goVersion string) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "guichet_build_info",
		Help: "Always 1; the labels name the running binary's version, commit and Go version.",
	}, []string{"version", "commit", "goversion"})
	g.WithLabelValues(version, commit, goVersion).Set(1)
	m.reg.MustRegister(g)
}

// Observe counts one committed delivery: its envelope, the kind of message
// it was stored as, what it did (created, joined…), the category of the
// ticket it opened (when action is "created") and how long it took.
func (m *Metrics) Observe(env store.Envelope, kind store.Kind, action, category string, took time.Duration) {
	transport := env.Transport
	if transport == "" {
		transport = "unknown"
	}
	m.received.WithLabelValues(transport, string(kind), action).Inc()
	m.latency.WithLabelValues(transport).Observe(took.Seconds())
	if env.Mailbox != "" {
		m.imapLast.WithLabelValues(env.Mailbox).SetToCurrentTime()
	}
	if action == "created" {
		m.opened.WithLabelValues(strings.TrimSpace(category)).Inc()
	}
}

// Sent counts one delivered outbound message of kind; mail without a
// history row (kind "": « mes demandes » links) is not counted.
func (m *Metrics) Sent(kind store.Kind) {
	if kind != "" {
		m.sent.WithLabelValues(string(kind)).Inc()
	}
}

// Handler serves the exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry is where other parts may add their own metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// storeCollector reads the outbox's pending rows at scrape time: they
// hold for the whole installation, whichever node serves the scrape.
type storeCollector struct{ st StatsReader }

var (
	descUp            = prometheus.NewDesc("guichet_store_up", "1 when the store answered the last scrape's count.", nil, nil)
	descOutbox        = prometheus.NewDesc("guichet_outbox_messages", "Outbound messages still to deliver or failed, by state.", []string{"state"}, nil)
	descBacklog       = prometheus.NewDesc("guichet_tickets_backlog", "Tickets open or answered, by priority and whether they have an assignee.", []string{"priority", "assigned"}, nil)
	backlogPriorities = []string{store.PriorityLow, store.PriorityNormal, store.PriorityHigh, store.PriorityUrgent}
	outStates         = []store.OutState{store.OutQueued, store.OutRetrying, store.OutFailed}
	sentKinds         = []store.Kind{store.KindAck, store.KindAgent, store.KindNotification}
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descUp
	ch <- descOutbox
	ch <- descBacklog
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	st, err := c.st.Stats(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	for _, s := range outStates {
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(st.Outbox[s]), string(s))
	}
	// Every series, zero included: an alert on a priority's backlog must
	// see it fall to zero, not vanish.
	for _, p := range backlogPriorities {
		for _, assigned := range []bool{true, false} {
			n := st.Backlog[store.BacklogKey{Priority: p, Assigned: assigned}]
			ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(n), p, yesNo(assigned))
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// erasureMetrics count the erasures of personal data this process ran
// (docs/personal-data.md): in guichet serve, the daily retention run.
// guichet forget and guichet purge are processes of their own that end
// before any scrape; their runs are in their logs and in the erasures
// audit table.
type erasureMetrics struct {
	runs, failures                 *prometheus.CounterVec
	tickets, messages, attachments *prometheus.CounterVec
	last                           *prometheus.GaugeVec
}

// erasureReasons are the audit table's reasons: a person's request
// (art. 17 RGPD) or the retention period.
var erasureReasons = []string{"request", "retention"}

func newErasureMetrics(reg *prometheus.Registry) *erasureMetrics {
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"reason"})
	}
	e := &erasureMetrics{
		runs:        counter("guichet_erasures_total", "Erasures of personal data run by this process that erased something (one erasures audit row each), by reason."),
		failures:    counter("guichet_erasure_failures_total", "Erasure runs of this process that failed, by reason; the next run tries again."),
		tickets:     counter("guichet_erased_tickets_total", "Tickets whose personal data this process erased or pseudonymised, by reason."),
		messages:    counter("guichet_erased_messages_total", "Messages whose bytes and text this process erased, by reason."),
		attachments: counter("guichet_erased_attachments_total", "Attachments this process took off erased messages, by reason."),
		last: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "guichet_erasure_last_run_timestamp_seconds",
			Help: "Unix time of this process's last completed erasure run, by reason, even one that found nothing to erase; absent before the first.",
		}, []string{"reason"}),
	}
	for _, r := range erasureReasons {
		for _, c := range []*prometheus.CounterVec{e.runs, e.failures, e.tickets, e.messages, e.attachments} {
			c.WithLabelValues(r)
		}
	}
	reg.MustRegister(e.runs, e.failures, e.tickets, e.messages, e.attachments, e.last)
	return e
}

// Erased counts one completed erasure run of reason ("request" or
// "retention") and what it erased; a dry run is not an erasure and must
// not be counted.
func (m *Metrics) Erased(reason string, r store.ErasureReport) {
	e := m.erasures
	if !r.Zero() {
		e.runs.WithLabelValues(reason).Inc()
	}
	e.tickets.WithLabelValues(reason).Add(float64(r.Tickets))
	e.messages.WithLabelValues(reason).Add(float64(r.Messages))
	e.attachments.WithLabelValues(reason).Add(float64(r.Attachments))
	e.last.WithLabelValues(reason).SetToCurrentTime()
}

// ErasureFailed counts one erasure run of reason that failed.
func (m *Metrics) ErasureFailed(reason string) {
	m.erasures.failures.WithLabelValues(reason).Inc()
}

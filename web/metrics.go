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
// (nothing registers in the global default).
type Metrics struct {
	reg      *prometheus.Registry
	received *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	imapLast *prometheus.GaugeVec
}

// NewMetrics registers the metrics; st is read at each scrape for the
// counts that live in the database (shared by every node).
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
	}
	m.reg.MustRegister(m.received, m.latency, m.imapLast,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{st: st})
	return m
}

// Observe counts one committed delivery: its envelope, the kind of message
// it was stored as, what it did (created, joined…) and how long it took.
func (m *Metrics) Observe(env store.Envelope, kind store.Kind, action string, took time.Duration) {
	transport := env.Transport
	if transport == "" {
		transport = "unknown"
	}
	m.received.WithLabelValues(transport, string(kind), action).Inc()
	m.latency.WithLabelValues(transport).Observe(took.Seconds())
	if env.Mailbox != "" {
		m.imapLast.WithLabelValues(env.Mailbox).SetToCurrentTime()
	}
}

// Handler serves the exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry is where other parts may add their own metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// storeCollector reads the database's counts at scrape time: they hold for
// the whole installation, whichever node serves the scrape.
type storeCollector struct{ st StatsReader }

var (
	descUp     = prometheus.NewDesc("guichet_store_up", "1 when the store answered the last scrape's count.", nil, nil)
	descOutbox = prometheus.NewDesc("guichet_outbox_messages", "Outbound messages by delivery state.", []string{"state"}, nil)
	descOpened = prometheus.NewDesc("guichet_tickets_opened_total", "Tickets opened, by category (\"\" for none).", []string{"category"}, nil)
	descSent   = prometheus.NewDesc("guichet_messages_sent_total", "Outbound messages delivered, by kind (ack: acknowledgments, agent: answers).", []string{"kind"}, nil)
	outStates  = []store.OutState{store.OutQueued, store.OutRetrying, store.OutFailed, store.OutSent}
	sentKinds  = []store.Kind{store.KindAck, store.KindAgent, store.KindNotification}
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descUp
	ch <- descOutbox
	ch <- descOpened
	ch <- descSent
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
	for cat, n := range st.TicketsByCategory {
		ch <- prometheus.MustNewConstMetric(descOpened, prometheus.CounterValue, float64(n), strings.TrimSpace(cat))
	}
	seen := map[store.Kind]bool{}
	for _, k := range sentKinds {
		seen[k] = true
		ch <- prometheus.MustNewConstMetric(descSent, prometheus.CounterValue, float64(st.SentByKind[k]), string(k))
	}
	for k, n := range st.SentByKind {
		if !seen[k] {
			ch <- prometheus.MustNewConstMetric(descSent, prometheus.CounterValue, float64(n), string(k))
		}
	}
}

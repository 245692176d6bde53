package web

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"guichet/store"
)

// slaMetrics measure the service levels (docs/threading.md, "Workflow"):
// how long tickets waited, in business time, and how many deadlines
// passed. Each is observed by the node where it happened, so they sum
// over the nodes like the other counters.
type slaMetrics struct {
	firstResponse, resolution *prometheus.HistogramVec
	breaches                  *prometheus.CounterVec
}

// slaBuckets are help-desk times: 5 min to 10 days.
var slaBuckets = []float64{
	(5 * time.Minute).Seconds(), (15 * time.Minute).Seconds(), (30 * time.Minute).Seconds(),
	time.Hour.Seconds(), (2 * time.Hour).Seconds(), (4 * time.Hour).Seconds(), (8 * time.Hour).Seconds(),
	(24 * time.Hour).Seconds(), (48 * time.Hour).Seconds(), (5 * 24 * time.Hour).Seconds(), (10 * 24 * time.Hour).Seconds(),
}

// breachStages are the deadlines a breach is counted for, named by the
// prefix of their reminder stage (store.Stage*Due).
var breachStages = []string{"first_response", "resolution"}

func newSLAMetrics(reg *prometheus.Registry) *slaMetrics {
	histogram := func(name, help string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: slaBuckets}, []string{"priority"})
	}
	s := &slaMetrics{
		firstResponse: histogram("guichet_first_response_seconds",
			"Business time from a ticket's creation to its first public answer, by priority, observed by the node that stored the answer."),
		resolution: histogram("guichet_resolution_seconds",
			"Business time a ticket's resolution clock ran until it was resolved (waiting for the requester excluded), by priority."),
		breaches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "guichet_sla_breaches_total",
			Help: "Deadlines that passed, counted once per ticket and stage by the node that escalated it, by stage.",
		}, []string{"stage"}),
	}
	for _, st := range breachStages {
		s.breaches.WithLabelValues(st)
	}
	reg.MustRegister(s.firstResponse, s.resolution, s.breaches)
	return s
}

// FirstResponse observes a first public answer given after d of business
// time, on a ticket of priority.
func (m *Metrics) FirstResponse(priority string, d time.Duration) {
	m.sla.firstResponse.WithLabelValues(priority).Observe(d.Seconds())
}

// Resolved observes a resolution after d of business time on the
// resolution clock, on a ticket of priority.
func (m *Metrics) Resolved(priority string, d time.Duration) {
	m.sla.resolution.WithLabelValues(priority).Observe(d.Seconds())
}

// Breached counts one deadline stage (store.StageFirstResponseDue or
// store.StageResolutionDue) recorded by this node; other stages are not
// breaches.
func (m *Metrics) Breached(stage string) {
	switch stage {
	case store.StageFirstResponseDue:
		m.sla.breaches.WithLabelValues("first_response").Inc()
	case store.StageResolutionDue:
		m.sla.breaches.WithLabelValues("resolution").Inc()
	}
}

package web_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/web"
)

// fakeStats is a store whose counts are given.
type fakeStats store.Stats

func (f fakeStats) Stats(context.Context) (store.Stats, error) { return store.Stats(f), nil }

// TestSLAMetrics scrapes the registry after a few service-level events:
// the histograms in business time, the breaches by stage, and the backlog
// read from the store with every series present, zero included.
func TestSLAMetrics(t *testing.T) {
	m := web.NewMetrics(fakeStats{Backlog: map[store.BacklogKey]int{
		{Priority: store.PriorityUrgent, Assigned: false}: 3,
		{Priority: store.PriorityNormal, Assigned: true}:  2,
	}})
	m.FirstResponse(store.PriorityUrgent, 10*time.Minute)
	m.FirstResponse(store.PriorityUrgent, 3*time.Hour)
	m.Resolved(store.PriorityNormal, 26*time.Hour)
	m.Breached(store.StageFirstResponseDue)
	m.Breached(store.StageResolutionDue)
	m.Breached(store.StageResolutionDue)
	m.Breached(store.StageResolutionSoon) // a reminder, not a breach

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`guichet_first_response_seconds_bucket{priority="urgent",le="900"} 1`,
		`guichet_first_response_seconds_bucket{priority="urgent",le="14400"} 2`,
		`guichet_first_response_seconds_sum{priority="urgent"} 11400`,
		`guichet_first_response_seconds_count{priority="urgent"} 2`,
		`guichet_resolution_seconds_bucket{priority="normal",le="86400"} 0`,
		`guichet_resolution_seconds_bucket{priority="normal",le="172800"} 1`,
		`guichet_sla_breaches_total{stage="first_response"} 1`,
		`guichet_sla_breaches_total{stage="resolution"} 2`,
		`guichet_tickets_backlog{assigned="no",priority="urgent"} 3`,
		`guichet_tickets_backlog{assigned="yes",priority="normal"} 2`,
		`guichet_tickets_backlog{assigned="no",priority="low"} 0`,
	} {
		if !strings.Contains(string(body), want+"\n") {
			t.Errorf("scrape lacks %s", want)
		}
	}
}

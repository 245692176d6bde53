package ingest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"guichet/internal/testdb"
	"guichet/outbound"
	"guichet/store"
)

// loopAck records what PlanAcks receives.
type loopAck struct {
	poisonAck
	mu      sync.Mutex
	planned []outbound.Incoming
}

func (a *loopAck) PlanAcks(ts []store.Ticket, ins []outbound.Incoming) (*outbound.AckPlan, error) {
	a.mu.Lock()
	a.planned = append(a.planned, ins...)
	a.mu.Unlock()
	return a.poisonAck.PlanAcks(ts, ins)
}

// TestLoopVerdictsBeforeTheCommit: the acknowledger's verdict on automatic
// mail is worked out before the group commit, where every message of the
// group would wait for it, and PlanAcks receives it with each message.
func TestLoopVerdictsBeforeTheCommit(t *testing.T) {
	ack := &loopAck{}
	p := New(Options{SupportAddress: "support@centre.example"}, testdb.Backends()[0].Open(t), nil, nil, ack)
	for _, subject := range []string{"Imprimante", "Absent du bureau"} {
		auto := ""
		if strings.HasPrefix(subject, "Absent") {
			auto = "Auto-Submitted: auto-replied\r\n"
		}
		raw := "From: awa@example.org\r\nTo: support@centre.example\r\nSubject: " + subject +
			"\r\n" + auto + "Message-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@example.org>\r\n\r\nBonjour\r\n"
		if _, err := p.Deliver(context.Background(), []byte(raw), smtpEnv(0)); err != nil {
			t.Fatal(err)
		}
	}
	if len(ack.planned) != 2 {
		t.Fatalf("PlanAcks saw %d messages, want 2", len(ack.planned))
	}
	for i, want := range []string{"", "Auto-Submitted: auto-replied"} {
		if got := ack.planned[i].Loop; got == nil || *got != want {
			t.Errorf("message %d: Loop = %v, want the verdict %q worked out before the commit", i, got, want)
		}
	}
}

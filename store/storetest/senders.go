package storetest

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"guichet/store"
)

// testAckCounts: CountAcks counts acknowledgments by mailbox, whatever
// +detail or case named it, and by recipient domain, within the window;
// other kinds do not count.
func testAckCounts(t *testing.T, open Opener) {
	s := open(t)
	queueAckFixture(t, s)
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		for _, c := range []struct {
			atMost int
			want   store.AckCounts
		}{
			{10, store.AckCounts{
				Mailbox: map[string]int{"flood@example.net": 3, "x@other.org": 1, "nobody@example.net": 0},
				Domain:  map[string]int{"example.net": 4, "other.org": 1, "none.example": 0},
			}},
			// Counts stop at atMost: a limit only asks whether it is reached.
			{2, store.AckCounts{
				Mailbox: map[string]int{"flood@example.net": 2, "x@other.org": 1, "nobody@example.net": 0},
				Domain:  map[string]int{"example.net": 2, "other.org": 1, "none.example": 0},
			}},
		} {
			got, err := tx.CountAcks(ctx, ackFixtureMailboxes, ackFixtureDomains, base.Add(-time.Hour), c.atMost)
			if err != nil {
				return err
			}
			if !maps.Equal(got.Mailbox, c.want.Mailbox) || !maps.Equal(got.Domain, c.want.Domain) {
				t.Errorf("CountAcks(atMost %d) = %v, want %v", c.atMost, got, c.want)
			}
		}
		return nil
	})
}

// ackFixtureMailboxes and ackFixtureDomains are what testAckCounts counts
// in queueAckFixture's outbox, in the cases a caller may write them.
var (
	ackFixtureMailboxes = []string{"flood+9@example.net", "X@other.org", "nobody@example.net"}
	ackFixtureDomains   = []string{"example.net", "Other.org", "none.example"}
)

// queueAckFixture queues acknowledgments to several mailboxes and
// domains, in the hour before base and before it, and one notification,
// which the acknowledgments' counts leave out.
func queueAckFixture(t *testing.T, s store.Store) {
	t.Helper()
	tk := createTicket(t, s, newTicket("flood", "flood@example.net", base))
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var os []*store.Outbound
		for i, c := range []struct {
			to string
			at time.Time
		}{
			{"Flood+1@Example.net", base}, {"flood+2@example.net", base}, {"flood@example.net", base},
			{"other@example.net", base}, {"x@other.org", base}, {"flood+3@example.net", base.Add(-2 * time.Hour)},
		} {
			os = append(os, &store.Outbound{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{c.to},
				Subject: "Accusé", MessageID: "<count-" + string(rune('a'+i)) + "@example.org>", CreatedAt: c.at})
		}
		if err := tx.QueueAcks(ctx, os, store.Hold{}); err != nil {
			return err
		}
		m := message("<count-notification@example.org>")
		m.Direction, m.Kind, m.TicketID, m.To = store.DirOut, store.KindNotification, tk.ID, []string{"flood@example.net"}
		_, err := tx.InsertOutbound(ctx, &m, &store.Outbound{TicketID: tk.ID, To: m.To, MessageID: m.MessageID, Raw: m.Raw, CreatedAt: base})
		return err
	})
}

// ticketsFromKeys are the senders testTicketsFrom counts.
var ticketsFromKeys = []string{"flood@example.net", "other@example.net", "none@example.net"}

// ticketsFromFixture creates tickets from one mailbox under several names,
// one of them out of a ten-minute window before base, and from another.
func ticketsFromFixture(t *testing.T, s store.Store) (old, first, second, last store.Ticket) {
	t.Helper()
	old = createTicket(t, s, newTicket("ancien", "flood@example.net", base.Add(-20*time.Minute)))
	first = createTicket(t, s, newTicket("un", "Flood+1@example.net", base))
	second = createTicket(t, s, newTicket("deux", "flood+2@example.net", base.Add(time.Second)))
	last = createTicket(t, s, newTicket("autre", "other@example.net", base))
	return old, first, second, last
}

// testRecentCounts: CountRecent returns what CountAcks and CountTicketsFrom
// return, whichever side has nothing to count.
func testRecentCounts(t *testing.T, open Opener) {
	s := open(t)
	queueAckFixture(t, s)
	_, first, _, _ := ticketsFromFixture(t, s)
	acks := store.AckCountQuery{Mailboxes: ackFixtureMailboxes, Domains: ackFixtureDomains, Since: base.Add(-time.Hour), AtMost: 10}
	tickets := store.TicketCountQuery{Keys: ticketsFromKeys, Except: []int64{first.ID}, Since: base.Add(-10 * time.Minute)}
	capped, domains := acks, acks
	capped.AtMost = 2
	domains.Mailboxes = nil
	cases := []struct {
		name string
		q    store.RecentCounts
	}{
		{"both", store.RecentCounts{Acks: acks, TicketsFrom: tickets}},
		{"both, capped", store.RecentCounts{Acks: capped, TicketsFrom: tickets}},
		{"domains and tickets", store.RecentCounts{Acks: domains, TicketsFrom: tickets}},
		{"acknowledgments only", store.RecentCounts{Acks: acks}},
		{"tickets only", store.RecentCounts{TicketsFrom: tickets}},
		{"tickets only, none excepted", store.RecentCounts{TicketsFrom: store.TicketCountQuery{Keys: ticketsFromKeys, Since: tickets.Since}}},
		{"neither", store.RecentCounts{}},
	}
	for _, c := range cases {
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			a, tq := c.q.Acks, c.q.TicketsFrom
			wantAcks, err := tx.CountAcks(ctx, a.Mailboxes, a.Domains, a.Since, a.AtMost)
			if err != nil {
				return err
			}
			wantTickets, err := tx.CountTicketsFrom(ctx, tq.Keys, tq.Except, tq.Since)
			if err != nil {
				return err
			}
			gotAcks, gotTickets, err := tx.CountRecent(ctx, c.q)
			if err != nil {
				return err
			}
			if gotAcks.Mailbox == nil || gotAcks.Domain == nil || gotTickets == nil ||
				!maps.Equal(gotAcks.Mailbox, wantAcks.Mailbox) || !maps.Equal(gotAcks.Domain, wantAcks.Domain) || !maps.Equal(gotTickets, wantTickets) {
				t.Errorf("%s: CountRecent = %v, %v; want %v, %v", c.name, gotAcks, gotTickets, wantAcks, wantTickets)
			}
			return nil
		})
	}
	// The fixtures count something on both sides: the comparison above
	// is not between empty results.
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		gotAcks, gotTickets, err := tx.CountRecent(ctx, store.RecentCounts{Acks: acks, TicketsFrom: tickets})
		if err != nil {
			return err
		}
		if gotAcks.Mailbox["flood@example.net"] != 3 || gotAcks.Domain["example.net"] != 4 || gotTickets["flood@example.net"] != 2 || gotTickets["other@example.net"] != 1 {
			t.Errorf("CountRecent = %v, %v; want 3 acknowledgments to flood@, 4 to example.net, 2 tickets from flood@ (one excepted, one out of the window, one acknowledged), 1 from other@", gotAcks, gotTickets)
		}
		return nil
	})
}

// testTicketsFrom: CountTicketsFrom counts a sender's tickets by mailbox
// within the window, but for the tickets excepted; ticket subjects are
// bounded.
func testTicketsFrom(t *testing.T, open Opener) {
	s := open(t)
	old, first, second, last := ticketsFromFixture(t, s)
	keys := ticketsFromKeys
	cases := []struct {
		name   string
		except []int64
		want   map[string]int
	}{
		{"all", nil, map[string]int{"flood@example.net": 2, "other@example.net": 1, "none@example.net": 0}},
		{"but the first", []int64{first.ID}, map[string]int{"flood@example.net": 1, "other@example.net": 1, "none@example.net": 0}},
		{"but a batch", []int64{first.ID, second.ID, last.ID}, map[string]int{"flood@example.net": 0, "other@example.net": 0, "none@example.net": 0}},
		{"but the last", []int64{last.ID}, map[string]int{"flood@example.net": 2, "other@example.net": 0, "none@example.net": 0}},
	}
	for _, c := range cases {
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			got, err := tx.CountTicketsFrom(ctx, keys, c.except, base.Add(-10*time.Minute))
			if err != nil {
				return err
			}
			if !maps.Equal(got, c.want) {
				t.Errorf("%s: CountTicketsFrom = %v, want %v (old ticket %s out of the window)", c.name, got, c.want, old.Number)
			}
			return nil
		})
	}

	long := createTicket(t, s, newTicket(strings.Repeat("é", 200_000), "a@example.net", base))
	d, err := s.Ticket(context.Background(), long.Number)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(d.Subject); n > 500 || !strings.HasSuffix(d.Subject, "…") {
		t.Errorf("stored subject of 200,000 runes = %d runes ending %q, want at most 500 ending with …", n, d.Subject[len(d.Subject)-8:])
	}
}

package ingest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"guichet/classify"
	"guichet/ingest/mailparse"
	"guichet/sender"
	"guichet/store"
)

// threadTx is a store.Tx holding a few tickets; it records what threads
// change. Methods threads does not use are left to the nil Tx (panic).
type threadTx struct {
	store.Tx
	tickets  []store.Ticket
	byMsgID  map[string]string // Message-ID → ticket number
	members  map[string]bool   // participants, of any ticket
	attached store.Kind
	status   store.Status
	added    []string
	workflow store.Workflow
}

func (tx *threadTx) TicketByNumber(_ context.Context, n string) (store.Ticket, error) {
	for _, t := range tx.tickets {
		if t.Number == n {
			return t, nil
		}
	}
	return store.Ticket{}, store.ErrNotFound
}

func (tx *threadTx) TicketByMessageIDs(ctx context.Context, ids []string) (store.Ticket, error) {
	for _, id := range ids {
		if n, ok := tx.byMsgID[id]; ok {
			return tx.TicketByNumber(ctx, n)
		}
	}
	return store.Ticket{}, store.ErrNotFound
}

func (tx *threadTx) AttachMessage(_ context.Context, _, _ int64, k store.Kind) error {
	tx.attached = k
	return nil
}

func (tx *threadTx) AddParticipants(_ context.Context, _ int64, as []string, _ store.Origin) error {
	tx.added = append(tx.added, as...)
	return nil
}

func (tx *threadTx) Participants(context.Context, int64) ([]store.Participant, error) {
	var ps []store.Participant
	for a := range tx.members {
		ps = append(ps, store.Participant{Address: a, Origin: store.OriginRequest})
	}
	return ps, nil
}

func (tx *threadTx) SetStatus(_ context.Context, _ int64, s store.Status, _ string, _ time.Time) error {
	tx.status = s
	return nil
}

func (tx *threadTx) Touch(context.Context, int64, time.Time) error { return nil }

func newThreadTx() *threadTx {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return &threadTx{
		tickets: []store.Ticket{
			{ID: 1, Number: "2026-000001", Status: store.StatusOpen, UpdatedAt: now, Participants: []string{"awa@example.org"}},
			{ID: 2, Number: "2026-000002", Status: store.StatusResolved, UpdatedAt: now, Participants: []string{"awa@example.org"}},
			{ID: 3, Number: "2026-000003", Status: store.StatusClosed, UpdatedAt: now.Add(-60 * 24 * time.Hour), Participants: []string{"awa@example.org"}},
		},
		byMsgID: map[string]string{"<two@example.org>": "2026-000002"},
		members: map[string]bool{"awa@example.org": true},
	}
}

func TestThreadsReferred(t *testing.T) {
	th := &threads{}
	for _, tc := range []struct {
		name string
		sig  signals
		want string
	}{
		{"tag first", signals{tagNumber: "2026-000001", references: []string{"<two@example.org>"}, addrNumber: "2026-000003"}, "2026-000001"},
		{"unknown tag: references", signals{tagNumber: "2026-999999", references: []string{"<x@example.org>", "<two@example.org>"}}, "2026-000002"},
		{"then the reply address", signals{references: []string{"<x@example.org>"}, addrNumber: "2026-000003"}, "2026-000003"},
		{"nothing", signals{tagNumber: "2026-999999"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := th.referred(context.Background(), newThreadTx(), &batch[*opening]{}, tc.sig)
			if err != nil || got.Number != tc.want {
				t.Errorf("referred = %q, %v; want %q", got.Number, err, tc.want)
			}
		})
	}
}

func TestThreadsPlace(t *testing.T) {
	n := &notifier{}
	th := &threads{own: map[string]bool{"support@centre.example": true}, reopenAfter: 30 * 24 * time.Hour, notify: n,
		wf: &workflow{clock: roundTheClock{}, notify: n}}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	v, u, f := sender.Verified, sender.Unverified, sender.Failed
	for _, tc := range []struct {
		name, from, ticket string
		verdict            sender.Verdict
		action             Action // Joined, or "" for a new ticket
		linked             string
		status             store.Status // set on the joined ticket, "" none
		added              []string     // participants added by the join
	}{
		{"participant joins", "awa@example.org", "2026-000001", v, Joined, "", "", []string{"moussa@example.org"}},
		{"a reply reopens a resolved ticket", "awa@example.org", "2026-000002", v, Joined, "", store.StatusOpen, []string{"moussa@example.org"}},
		{"unverified: joins, adds no one", "awa@example.org", "2026-000001", u, Joined, "", "", nil},
		{"unverified: does not reopen", "awa@example.org", "2026-000002", u, Joined, "", "", nil},
		{"failed: a stranger", "awa@example.org", "2026-000001", f, "", "2026-000001", "", nil},
		{"a stranger never joins", "eve@example.org", "2026-000001", v, "", "2026-000001", "", nil},
		{"a ticket closed long ago is not reopened", "awa@example.org", "2026-000003", v, "", "2026-000003", "", nil},
		{"no ticket referred", "awa@example.org", "", u, "", "", "", nil},
		{"a failed new request still names its participants", "awa@example.org", "", f, "", "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := newThreadTx()
			ticket, _ := tx.TicketByNumber(context.Background(), tc.ticket)
			m := &mailparse.Message{From: mailparse.Address{Addr: tc.from}, Subject: "Imprimante",
				To: []mailparse.Address{{Addr: "support@centre.example"}, {Addr: "moussa@example.org"}}}
			d := &delivery{m: m, msg: store.Message{Kind: store.KindRequest, DedupeKey: "<new@example.org>"}, sender: sender.Result{Verdict: tc.verdict}}
			a := d.attempt(now)
			b := &batch[*opening]{cur: &job[*opening]{}}
			if err := th.place(context.Background(), tx, b, a, ticket); err != nil {
				t.Fatal(err)
			}
			if tc.action == Joined {
				if a.res.Action != Joined || a.res.Ticket != tc.ticket || tx.attached != store.KindReply || len(b.cur.opens) != 0 {
					t.Errorf("result %+v, attached as %q, %d opened; want joined as a reply", a.res, tx.attached, len(b.cur.opens))
				}
				if tx.status != tc.status || !slices.Equal(tx.added, tc.added) {
					t.Errorf("status %q, participants added %v; want %q and %v", tx.status, tx.added, tc.status, tc.added)
				}
				return
			}
			if len(b.cur.opens) != 1 || tx.attached != "" {
				t.Fatalf("%d opened, attached as %q; want a new ticket and no join", len(b.cur.opens), tx.attached)
			}
			nt := b.cur.opens[0].ticket
			if nt.LinkedTo != tc.linked || nt.Requester != tc.from || !slices.Equal(nt.Participants, []string{"moussa@example.org"}) {
				t.Errorf("new ticket %+v, want linked to %q", nt, tc.linked)
			}
		})
	}
}

func TestThreadsErrors(t *testing.T) {
	boom := errors.New("connection lost")
	tx := &failingTx{err: boom}
	_, err := (&threads{}).referred(context.Background(), tx, &batch[*opening]{}, signals{tagNumber: "2026-000001"})
	if !errors.Is(err, boom) {
		t.Errorf("referred = %v, want the store's error", err)
	}
}

type failingTx struct {
	store.Tx
	err error
}

func (tx *failingTx) TicketByNumber(context.Context, string) (store.Ticket, error) {
	return store.Ticket{}, tx.err
}

func TestTicketSubject(t *testing.T) {
	tag := classify.Result{Code: "1.7", Source: "tag"}
	inferred := classify.Result{Code: "1.7", Source: "inferred"}
	for _, tc := range []struct {
		name, subject string
		cat           classify.Result
		want          string
	}{
		{"tag in brackets", "[1.7] Plateforme inaccessible", tag, "Plateforme inaccessible"},
		{"tag after a forward prefix", "TR : [1.7] Plateforme inaccessible", tag, "Plateforme inaccessible"},
		{"start tag from French Outlook", "1.7\u00a0: Plateforme inaccessible", tag, "Plateforme inaccessible"},
		{"start tag with an en dash", "RE : 1.7 – Plateforme inaccessible", tag, "Plateforme inaccessible"},
		{"our ticket tag and the category's", "RE: [Ticket#2026-000042] [1.7] Plateforme", tag, "Plateforme"},
		{"inferred: the words stay", "1.7 : Plateforme inaccessible", inferred, "1.7 : Plateforme inaccessible"},
		{"tag alone", "[1.7]", tag, "(sans objet)"},
		{"empty", "", classify.Result{}, "(sans objet)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := TicketSubject(tc.subject, tc.cat); got != tc.want {
				t.Errorf("TicketSubject(%q) = %q, want %q", tc.subject, got, tc.want)
			}
		})
	}
}

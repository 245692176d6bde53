package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"guichet/store"
)

// RunWeb runs the cases of the web side's store methods:
// TakeRateSlot(s), FindTickets, Stats and Ping.
func RunWeb(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"RateSlot", testRateSlot},
		{"RateSlots", testRateSlots},
		{"RateSlotPurgeKeepsLiveSlots", testRateSlotPurge},
		{"FindTickets", testFindTickets},
		{"Stats", testStats},
		{"StatsBacklog", testStatsBacklog},
		{"PingAfterClose", testPing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open) })
	}
}

func testRateSlot(t *testing.T, open Opener) {
	s := open(t)
	take := func(key string, at time.Time) bool {
		t.Helper()
		var ok bool
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			var err error
			ok, err = tx.TakeRateSlot(ctx, key, at, 10*time.Minute)
			return err
		})
		return ok
	}
	steps := []struct {
		name string
		key  string
		at   time.Time
		want bool
	}{
		{"first", "mes-demandes:a@example.org", base, true},
		{"again at once", "mes-demandes:a@example.org", base.Add(time.Second), false},
		{"other key", "mes-demandes:b@example.org", base.Add(time.Second), true},
		{"just before the window ends", "mes-demandes:a@example.org", base.Add(10*time.Minute - time.Microsecond), false},
		{"window over", "mes-demandes:a@example.org", base.Add(10 * time.Minute), true},
		{"window restarts from the last slot", "mes-demandes:a@example.org", base.Add(15 * time.Minute), false},
	}
	for _, st := range steps {
		if got := take(st.key, st.at); got != st.want {
			t.Errorf("%s: TakeRateSlot(%s, %s) = %v, want %v", st.name, st.key, st.at, got, st.want)
		}
	}
	// A rolled-back transaction leaves no slot taken.
	err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.TakeRateSlot(ctx, "k:rollback", base, time.Minute); err != nil {
			return err
		}
		return errRollback
	})
	if err == nil {
		t.Fatal("InTx returned nil for a failing function")
	}
	if !take("k:rollback", base) {
		t.Error("slot taken by a rolled-back transaction")
	}
}

// takeSlots takes one of limit slots of key at at, in its own transaction.
func takeSlots(t *testing.T, s store.Store, key string, limit int, at time.Time, every time.Duration) bool {
	t.Helper()
	var ok bool
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		ok, err = tx.TakeRateSlots(ctx, key, limit, at, every)
		return err
	})
	return ok
}

// testRateSlots: a window holds limit actions, counted from the first one;
// the next window opens with the first action after it ends.
func testRateSlots(t *testing.T, open Opener) {
	s := open(t)
	const ip = "mes-demandes-ip:192.0.2.7"
	steps := []struct {
		name  string
		key   string
		after time.Duration
		want  bool
	}{
		{"first", ip, 0, true},
		{"second", ip, time.Minute, true},
		{"third, the last of the window", ip, 2 * time.Minute, true},
		{"fourth within the hour", ip, 30 * time.Minute, false},
		{"other key has its own count", "mes-demandes-ip:192.0.2.8", 30 * time.Minute, true},
		{"just before the window ends", ip, time.Hour - time.Microsecond, false},
		{"window over: the count restarts", ip, time.Hour, true},
		{"second of the new window", ip, time.Hour + time.Second, true},
		{"third of the new window", ip, time.Hour + 2*time.Second, true},
		{"the new window is full", ip, time.Hour + 3*time.Second, false},
	}
	for _, st := range steps {
		if got := takeSlots(t, s, st.key, 3, base.Add(st.after), time.Hour); got != st.want {
			t.Errorf("%s: TakeRateSlots(%s, 3, +%s) = %v, want %v", st.name, st.key, st.after, got, st.want)
		}
	}
}

// testRateSlotPurge: the purge that follows a take removes only expired
// slots: a slot with a longer period still limits after many short ones
// came and went around it.
func testRateSlotPurge(t *testing.T, open Opener) {
	s := open(t)
	const long = "alert-notify:1"
	if !takeSlots(t, s, long, 1, base, 4*time.Hour) {
		t.Fatal("first take of the long slot refused")
	}
	for i := range 200 {
		at := base.Add(time.Duration(i) * time.Minute)
		if !takeSlots(t, s, fmt.Sprintf("mes-demandes:%d@example.org", i), 1, at, 10*time.Minute) {
			t.Fatalf("take %d of a new key refused", i)
		}
	}
	end := base.Add(200 * time.Minute)
	if takeSlots(t, s, long, 1, end, 4*time.Hour) {
		t.Error("the long slot was purged before it expired")
	}
	if !takeSlots(t, s, "mes-demandes:0@example.org", 1, end, 10*time.Minute) {
		t.Error("an expired slot still limits")
	}
	if takeSlots(t, s, "mes-demandes:199@example.org", 1, end, 10*time.Minute) {
		t.Error("a live slot was purged")
	}
}

type rollbackErr struct{}

func (rollbackErr) Error() string { return "roll back" }

var errRollback error = rollbackErr{}

func testFindTickets(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	mk := func(subject, requester, cat, body string, i int) string {
		nt := newTicket(subject, requester, base.Add(time.Duration(i)*time.Minute))
		nt.Category = cat
		tk := createTicket(t, s, nt)
		m := message("<find" + tk.Number + "@example.org>")
		m.Text = body
		id := insertMessage(t, s, m)
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			return tx.AttachMessage(ctx, id, tk.ID, store.KindRequest)
		})
		return tk.Number
	}
	n0 := mk("Imprimante en panne", "awa@example.org", "2.2", "Le bac papier est bloqué.", 0)
	n1 := mk("Mot de passe oublié", "Moussa@Example.org", "1.3", "Je ne peux plus me connecter.", 1)
	n2 := mk("Plateforme inaccessible", "awa@example.org", "1.7", "Erreur 502 sur la plateforme.", 2)
	// The same mailbox with a +detail: the same requester_key, another address.
	n3 := mk("Accès VPN", "awa+vpn@example.org", "", "Le VPN refuse ma connexion.", 3)
	setStatus(t, s, n0, store.StatusResolved, "test", base.Add(time.Hour))
	cases := []struct {
		name string
		q    store.TicketQuery
		want []string
	}{
		{"all newest first", store.TicketQuery{}, []string{n3, n2, n1, n0}},
		{"requester any case", store.TicketQuery{Requester: "AWA@example.org"}, []string{n2, n0}},
		{"requester stored with capitals", store.TicketQuery{Requester: "moussa@example.org"}, []string{n1}},
		{"unknown requester", store.TicketQuery{Requester: "nobody@example.org"}, nil},
		{"a +detail is another address", store.TicketQuery{Requester: "Awa+VPN@example.org"}, []string{n3}},
		{"the +detail's mailbox is another address", store.TicketQuery{Requester: "awa+other@example.org"}, nil},
		{"status", store.TicketQuery{Status: store.StatusResolved}, []string{n0}},
		{"category", store.TicketQuery{Category: "1.7"}, []string{n2}},
		{"word of a subject, any case", store.TicketQuery{Text: "IMPRIMANTE"}, []string{n0}},
		{"word of a body", store.TicketQuery{Text: "bloqué"}, []string{n0}},
		{"every word must match", store.TicketQuery{Text: "plateforme 502"}, []string{n2}},
		{"words from different tickets", store.TicketQuery{Text: "imprimante 502"}, nil},
		{"text and requester", store.TicketQuery{Text: "plateforme", Requester: "awa@example.org"}, []string{n2}},
		{"limit", store.TicketQuery{Limit: 1}, []string{n3}},
		{"requester and limit", store.TicketQuery{Requester: "awa@example.org", Limit: 1}, []string{n2}},
		{"requester, status and category", store.TicketQuery{Requester: "awa@example.org", Status: store.StatusResolved, Category: "2.2"}, []string{n0}},
		{"like metacharacters are literal", store.TicketQuery{Text: "%"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.FindTickets(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("FindTickets returned nil, want an empty slice")
			}
			var nums []string
			for _, tk := range got {
				nums = append(nums, tk.Number)
			}
			if !slices.Equal(nums, c.want) {
				t.Errorf("FindTickets(%+v) = %v, want %v", c.q, nums, c.want)
			}
		})
	}
}

func testStats(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	empty, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.Outbox) != 0 {
		t.Errorf("Stats of an empty store = %+v", empty)
	}
	var ids []int64
	for i, cat := range []string{"1.7", "1.7", "", ""} {
		nt := newTicket("stats", "a@example.org", base)
		nt.Category = cat
		tk := createTicket(t, s, nt)
		m := message("<stats" + tk.Number + "@example.org>")
		m.Direction, m.Kind = store.DirOut, []store.Kind{store.KindAck, store.KindAgent, store.KindAck, store.KindNotification}[i]
		rowID := insertMessage(t, s, m)
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			if err := tx.AttachMessage(ctx, rowID, tk.ID, m.Kind); err != nil {
				return err
			}
			id, err := tx.Enqueue(ctx, &store.Outbound{TicketID: tk.ID, MessageRowID: rowID, To: []string{"a@example.org"}, Raw: []byte("x"), CreatedAt: base})
			ids = append(ids, id)
			return err
		})
	}
	if err := s.MarkSent(ctx, store.Sent{ID: ids[0], At: base}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, store.Sent{ID: ids[1], At: base, Note: "refusé : x@example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, ids[3], "550 no"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outbox[store.OutQueued] != 1 || got.Outbox[store.OutFailed] != 1 || len(got.Outbox) != 2 {
		t.Errorf("Stats.Outbox = %v, want queued 1 and failed 1 (sent rows are not counted)", got.Outbox)
	}
	// The kind of each row comes back with it: the sender counts what it
	// delivered by kind.
	out, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []store.Kind
	for _, o := range out {
		kinds = append(kinds, o.Kind)
	}
	if want := []store.Kind{store.KindAck, store.KindAgent, store.KindAck, store.KindNotification}; !slices.Equal(kinds, want) {
		t.Errorf("Outbox kinds = %v, want %v", kinds, want)
	}
}

func testPing(t *testing.T, open Opener) {
	s := open(t)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping of an open store = %v", err)
	}
	s.Close()
	if err := s.Ping(context.Background()); err == nil {
		t.Fatal("Ping of a closed store = nil, want an error")
	}
}

// testStatsBacklog: the backlog counts tickets open or answered, by
// priority and whether they have an assignee; resolved and closed ones
// are not in it.
func testStatsBacklog(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	for i, c := range []struct {
		priority, assignee string
		status             store.Status
	}{
		{store.PriorityUrgent, "", store.StatusOpen},
		{store.PriorityUrgent, "", store.StatusAnswered},
		{store.PriorityUrgent, "moussa@example.org", store.StatusOpen},
		{store.PriorityNormal, "moussa@example.org", store.StatusAnswered},
		{store.PriorityNormal, "", store.StatusResolved},
		{store.PriorityLow, "moussa@example.org", store.StatusClosed},
	} {
		nt := newTicket(fmt.Sprintf("backlog %d", i), "a@example.org", base)
		nt.Workflow = store.Workflow{Priority: c.priority, Assignee: c.assignee}
		tk := createTicket(t, s, nt)
		if c.assignee != "" { // a new ticket has no owner yet
			inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.SetWorkflow(ctx, tk.ID, nt.Workflow) })
		}
		if c.status != store.StatusOpen {
			setStatus(t, s, tk.Number, c.status, "test", base.Add(time.Minute))
		}
	}
	got, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[store.BacklogKey]int{
		{Priority: store.PriorityUrgent, Assigned: false}: 2,
		{Priority: store.PriorityUrgent, Assigned: true}:  1,
		{Priority: store.PriorityNormal, Assigned: true}:  1,
	}
	if !maps.Equal(got.Backlog, want) {
		t.Errorf("Stats.Backlog = %v, want %v", got.Backlog, want)
	}
}

package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// testInsertOutbound: the message and its outbox row are stored together,
// the row points at the message, the rate count sees it, and a duplicate
// Message-ID queues nothing.
func testInsertOutbound(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	tk := createTicket(t, s, newTicket("ack", "awa@example.org", base))
	out := func(key string) (store.Message, store.Outbound) {
		m := message(key)
		m.Direction, m.Kind, m.TicketID, m.To = store.DirOut, store.KindAck, tk.ID, []string{"Awa@Example.org"}
		return m, store.Outbound{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"Awa@Example.org"},
			Subject: "Accusé", MessageID: key, Raw: m.Raw, CreatedAt: base}
	}
	var rowID int64
	var ob store.Outbound
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		m, o := out("<ack-1@example.org>")
		id, err := tx.InsertOutbound(ctx, &m, &o)
		rowID, ob = id, o
		if err != nil {
			return err
		}
		n, err := countTo(ctx, tx, "awa@example.org", store.KindAck, base.Add(-time.Hour))
		if err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("CountOutboundToMany after InsertOutbound = %d, want 1", n)
		}
		m2, o2 := out("<ack-1@example.org>")
		if _, err := tx.InsertOutbound(ctx, &m2, &o2); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("InsertOutbound of a stored Message-ID = %v, want ErrDuplicate", err)
		}
		return nil
	})
	if rowID == 0 || ob.ID == 0 || ob.MessageRowID != rowID {
		t.Fatalf("InsertOutbound = row %d, outbound %+v", rowID, ob)
	}
	all, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 1 && !bytes.Equal(all[0].Raw, ob.Raw) {
		t.Errorf("Outbox raw = %q, want the message's bytes %q", all[0].Raw, ob.Raw)
	}
	claimed, err := s.ClaimOutbound(ctx, base.Add(time.Minute), 10, time.Minute)
	if err != nil || len(claimed) != 1 || !bytes.Equal(claimed[0].Raw, ob.Raw) {
		t.Errorf("ClaimOutbound = %d rows (%v), want the acknowledgment with its bytes", len(claimed), err)
	}
	if len(claimed) == 1 {
		if err := s.MarkSent(ctx, store.Sent{ID: claimed[0].ID, At: base.Add(time.Minute), Note: "gone@example.org: 550 5.1.1 unknown"}); err != nil {
			t.Fatal(err)
		}
		after, err := s.Outbox(ctx)
		if err != nil || len(after) != 1 || after[0].State != store.OutSent || after[0].LastError != "gone@example.org: 550 5.1.1 unknown" {
			t.Errorf("after MarkSent with a note: %+v (%v), want sent with the relay's refusal kept", after, err)
		}
	}
	if len(all) != 1 || all[0].ID != ob.ID || all[0].MessageRowID != rowID || all[0].State != store.OutQueued ||
		all[0].TicketNumber != tk.Number || !slices.Equal(all[0].To, []string{"Awa@Example.org"}) {
		t.Errorf("Outbox = %+v, want the one queued acknowledgment of %s", all, tk.Number)
	}
	d, err := s.Ticket(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Messages) != 1 || d.Messages[0].Kind != store.KindAck || d.Messages[0].Direction != store.DirOut {
		t.Errorf("ticket history = %+v, want the acknowledgment", d.Messages)
	}
}

// testCreateTicketAttaches: CreateTickets attaches the given message with its
// kind and records the participants in first-seen order, requester first.
func testCreateTicketAttaches(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	var tk store.Ticket
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		m := message("<first@example.org>")
		id, err := tx.InsertMessage(ctx, &m)
		if err != nil {
			return err
		}
		tk, err = testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "s", Requester: "Awa@Example.org", CreatedAt: base,
			Participants: []string{"moussa@example.org", "awa@example.org", "Binta@example.org"},
			MessageRowID: id, MessageKind: store.KindAlert})
		return err
	})
	d, err := s.Ticket(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"awa@example.org", "moussa@example.org", "binta@example.org"}
	if !slices.Equal(d.Participants, want) || !slices.Equal(tk.Participants, want) {
		t.Errorf("participants = %v (returned %v), want %v", d.Participants, tk.Participants, want)
	}
	if len(d.Messages) != 1 || d.Messages[0].Kind != store.KindAlert || d.Messages[0].TicketNumber != tk.Number {
		t.Errorf("messages = %+v, want the attached alert", d.Messages)
	}
	err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "s", Requester: "x@example.org", CreatedAt: base, MessageRowID: 999999})
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CreateTickets attaching an unknown message = %v, want ErrNotFound", err)
	}
}

// testCreateTicketsGroup: a group of tickets created at once is what one
// at a time would make: numbers in the order given within each year (a
// group across New Year takes each year's next), each ticket's
// participants in first-seen order, requester first, each message
// attached with its kind; and a message that does not exist fails the
// group.
func testCreateTicketsGroup(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	newYear := time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)
	var tks []store.Ticket
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var nts []store.NewTicket
		for i, nt := range []store.NewTicket{
			{Requester: "Awa@Example.org", Participants: []string{"moussa@example.org", "awa@example.org"}, CreatedAt: base, MessageKind: store.KindAlert},
			{Requester: "binta@example.org", CreatedAt: newYear},
			{Requester: "chen@example.org", Participants: []string{"Awa@example.org"}, CreatedAt: base.Add(time.Second)},
		} {
			m := message(fmt.Sprintf("<group-%d@example.org>", i))
			id, err := tx.InsertMessage(ctx, &m)
			if err != nil {
				return err
			}
			nt.Subject, nt.MessageRowID = fmt.Sprintf("demande %d", i), id
			nts = append(nts, nt)
		}
		var err error
		tks, err = tx.CreateTickets(ctx, nts)
		return err
	})
	for i, c := range []struct {
		number       string
		participants []string
		kind         store.Kind
	}{
		{"2026-000001", []string{"awa@example.org", "moussa@example.org"}, store.KindAlert},
		{"2027-000001", []string{"binta@example.org"}, store.KindRequest},
		{"2026-000002", []string{"chen@example.org", "awa@example.org"}, store.KindRequest},
	} {
		if tks[i].Number != c.number || !slices.Equal(tks[i].Participants, c.participants) {
			t.Errorf("ticket %d = %s with %v, want %s with %v", i, tks[i].Number, tks[i].Participants, c.number, c.participants)
		}
		d, err := s.Ticket(ctx, c.number)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Participants, c.participants) || d.Subject != fmt.Sprintf("demande %d", i) {
			t.Errorf("%s stored with %v (%q), want %v", c.number, d.Participants, d.Subject, c.participants)
		}
		if len(d.Messages) != 1 || d.Messages[0].Kind != c.kind || d.Messages[0].MessageID != fmt.Sprintf("<group-%d@example.org>", i) {
			t.Errorf("%s messages %+v, want its message as %s", c.number, d.Messages, c.kind)
		}
		if len(d.History) != 1 || d.History[0].To != store.StatusOpen {
			t.Errorf("%s history %+v, want its creation", c.number, d.History)
		}
	}
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateTickets(ctx, []store.NewTicket{
			{Subject: "s", Requester: "x@example.org", CreatedAt: base},
			{Subject: "s", Requester: "y@example.org", CreatedAt: base, MessageRowID: 999999},
		})
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("CreateTickets of a group attaching an unknown message = %v, want ErrNotFound", err)
	}
}

// testOpeningMessage: a message inserted as the opening of a ticket
// (OpensTicket) belongs, with its kind, to the ticket CreateTickets makes
// with the id it reserved (PostgreSQL; SQLite reserves none and attaches);
// a duplicate reserves nothing; in the same call, a ticket without a
// reserved id still gets its message attached with MessageKind.
func testOpeningMessage(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	var (
		tks     []store.Ticket
		opening = message("<opening@example.org>")
	)
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		opening.OpensTicket = true
		id, err := tx.InsertMessage(ctx, &opening)
		if err != nil {
			return err
		}
		dup := message("<opening@example.org>")
		dup.OpensTicket = true
		if _, err := tx.InsertMessage(ctx, &dup); !errors.Is(err, store.ErrDuplicate) || dup.TicketID != 0 {
			t.Errorf("second insert = %v with ticket id %d, want ErrDuplicate and none", err, dup.TicketID)
		}
		plain := message("<plain@example.org>")
		plainID, err := tx.InsertMessage(ctx, &plain)
		if err != nil {
			return err
		}
		tks, err = tx.CreateTickets(ctx, []store.NewTicket{
			{Subject: "a", Requester: "a@example.org", CreatedAt: base, ID: opening.TicketID,
				MessageRowID: id, MessageKind: store.KindRequest},
			{Subject: "b", Requester: "b@example.org", CreatedAt: base, MessageRowID: plainID, MessageKind: store.KindAlert},
		})
		return err
	})
	if opening.TicketID != 0 && tks[0].ID != opening.TicketID {
		t.Errorf("ticket id %d, want the id %d its message reserved", tks[0].ID, opening.TicketID)
	}
	for i, want := range []store.Kind{store.KindRequest, store.KindAlert} {
		d, err := s.Ticket(ctx, tks[i].Number)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Messages) != 1 || d.Messages[0].Kind != want || d.Messages[0].TicketNumber != tks[i].Number {
			t.Errorf("ticket %s: messages %+v, want one of kind %s", tks[i].Number, d.Messages, want)
		}
	}
	if un, err := s.Unticketed(ctx); err != nil || len(un) != 0 {
		t.Errorf("Unticketed = %d messages (%v), want none", len(un), err)
	}
}

// testBatchMethods: CreateTickets numbers in order and attaches,
// InsertOutbounds stores and queues each, CountOutboundToMany counts each
// address.
func testBatchMethods(t *testing.T, open Opener) {
	s := open(t)
	var tks []store.Ticket
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var nts []store.NewTicket
		for i, from := range []string{"a@example.org", "B@example.org", "c@example.org"} {
			m := message("<batch-" + from + ">")
			id, err := tx.InsertMessage(ctx, &m)
			if err != nil {
				return err
			}
			nts = append(nts, store.NewTicket{Subject: "s", Requester: from, CreatedAt: base.Add(time.Duration(i) * time.Second),
				MessageRowID: id, MessageKind: store.KindRequest})
		}
		var err error
		if tks, err = tx.CreateTickets(ctx, nts); err != nil {
			return err
		}
		var ms []*store.Message
		var os []*store.Outbound
		for i, tk := range tks[:2] {
			m := message("<batch-ack-" + tk.Number + ">")
			m.Direction, m.Kind, m.TicketID, m.To = store.DirOut, store.KindAck, tk.ID, []string{tk.Requester}
			ms = append(ms, &m)
			os = append(os, &store.Outbound{TicketID: tk.ID, To: []string{tk.Requester}, MessageID: m.MessageID, Raw: m.Raw, CreatedAt: base.Add(time.Duration(i) * time.Second)})
		}
		if err := tx.InsertOutbounds(ctx, ms, os); err != nil {
			return err
		}
		for _, o := range os {
			if o.ID == 0 || o.MessageRowID == 0 {
				t.Errorf("InsertOutbounds left %+v without ids", o)
			}
		}
		dup := message("<batch-ack-" + tks[0].Number + ">")
		if err := tx.InsertOutbounds(ctx, []*store.Message{&dup}, []*store.Outbound{{TicketID: tks[0].ID, Raw: dup.Raw}}); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("InsertOutbounds of a stored Message-ID = %v, want ErrDuplicate", err)
		}
		counts, err := tx.CountOutboundToMany(ctx, []string{"a@example.org", "b@Example.org", "c@example.org"}, store.KindAck, base.Add(-time.Hour))
		if err != nil {
			return err
		}
		if counts["a@example.org"] != 1 || counts["b@example.org"] != 1 || counts["c@example.org"] != 0 {
			t.Errorf("CountOutboundToMany = %v, want a and b once, c never", counts)
		}
		if err := tx.SetNoAckReasons(ctx, []int64{tks[2].ID}, []string{"limite atteinte"}); err != nil {
			return err
		}
		if err := tx.SetNoAckReasons(ctx, []int64{999999}, []string{"x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetNoAckReasons of an unknown ticket = %v, want ErrNotFound", err)
		}
		return nil
	})
	if d, err := s.Ticket(context.Background(), tks[2].Number); err != nil || d.NoAckReason != "limite atteinte" {
		t.Errorf("no-ack reason of %s = %q (%v)", tks[2].Number, d.NoAckReason, err)
	}
	want := []string{"2026-000001", "2026-000002", "2026-000003"}
	for i, tk := range tks {
		if tk.Number != want[i] {
			t.Errorf("ticket %d numbered %s, want %s", i, tk.Number, want[i])
		}
		d, err := s.Ticket(context.Background(), tk.Number)
		if err != nil || len(d.Messages) == 0 || d.Messages[0].Kind != store.KindRequest {
			t.Errorf("ticket %s = %+v (%v), want its request attached", tk.Number, d.Messages, err)
		}
	}
	all, err := s.Outbox(context.Background())
	if err != nil || len(all) != 2 {
		t.Errorf("outbox holds %d (%v), want 2", len(all), err)
	}
}

// testInTxBatchFinish: finish runs in the batch's transaction and sees the
// fns that are in it; when finish fails, nothing is committed.
func testInTxBatchFinish(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	create := func(subject string) store.TxFunc { return createFn(subject, nil) }
	boom := errors.New("fn failed")
	var seen []int
	errs, err := s.InTxBatchFinish(ctx, []store.TxFunc{create("one"), func(context.Context, store.Tx) error { return boom }, create("three")}, nil,
		func(ctx context.Context, tx store.Tx, live []int) error {
			seen = append([]int(nil), live...)
			_, err := testdb.CreateTicket(ctx, tx, newTicket("finish", "a@example.org", base))
			return err
		})
	if err != nil || !errors.Is(errs[1], boom) || errs[0] != nil || errs[2] != nil {
		t.Fatalf("InTxBatchFinish = %v, %v", errs, err)
	}
	if !slices.Equal(seen, []int{0, 2}) {
		t.Errorf("finish saw %v, want [0 2]", seen)
	}
	ts, _ := s.Tickets(ctx, store.TicketFilter{})
	if len(ts) != 3 {
		t.Errorf("%d tickets committed, want 3 (two fns and finish)", len(ts))
	}
	stop := errors.New("finish failed")
	_, err = s.InTxBatchFinish(ctx, []store.TxFunc{create("four")}, nil,
		func(context.Context, store.Tx, []int) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("InTxBatchFinish with a failing finish = %v, want its error", err)
	}
	if ts, _ := s.Tickets(ctx, store.TicketFilter{}); len(ts) != 3 {
		t.Errorf("%d tickets after a failed finish, want still 3", len(ts))
	}
}

// testInTxBatchSkip: a fn that returns ErrSkip (having
// written nothing) is left out without a rollback; the others' work, done
// before and after it, commits once.
func testInTxBatchSkip(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	runs := 0
	create := func(subject string) store.TxFunc { return createFn(subject, &runs) }
	skip := fmt.Errorf("later: %w", store.ErrSkip)
	var seen []int
	errs, err := s.InTxBatchFinish(ctx, []store.TxFunc{create("one"), func(context.Context, store.Tx) error { return skip }, create("three")}, nil,
		func(_ context.Context, _ store.Tx, live []int) error { seen = live; return nil })
	if err != nil || errs[0] != nil || !errors.Is(errs[1], store.ErrSkip) || errs[2] != nil {
		t.Fatalf("InTxBatchFinish = %v, %v", errs, err)
	}
	if runs != 2 {
		t.Errorf("the other fns ran %d times, want once each (no rollback, no re-run)", runs)
	}
	if !slices.Equal(seen, []int{0, 2}) {
		t.Errorf("finish saw %v, want [0 2]", seen)
	}
	if ts, _ := s.Tickets(ctx, store.TicketFilter{}); len(ts) != 2 {
		t.Errorf("%d tickets, want 2", len(ts))
	}
}

// enqueueN queues n messages of one new ticket, due at base, their
// Message-IDs named after key; it returns their outbox ids.
func enqueueN(t *testing.T, s store.Store, key string, n int) []int64 {
	t.Helper()
	tk := createTicket(t, s, newTicket(key, "a@example.org", base))
	var os []store.Outbound
	for i := range n {
		os = append(os, store.Outbound{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"a@example.org"},
			MessageID: fmt.Sprintf("<%s%d@example.org>", key, i), Raw: []byte("raw"), NextAttemptAt: base, CreatedAt: base})
	}
	return enqueueAll(t, s, os)
}

// testMarkSentMany: one MarkSent call records several deliveries, each with
// its own time and note; an unknown id is reported while the others are
// recorded.
func testMarkSentMany(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	ids := enqueueN(t, s, "many", 3)
	at := base.Add(time.Minute)
	err := s.MarkSent(ctx,
		store.Sent{ID: ids[0], At: at},
		store.Sent{ID: ids[2], At: at.Add(time.Second), Note: "b@example.org: 550 5.1.1 inconnu"},
		store.Sent{ID: 99999, At: at})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MarkSent with an unknown id = %v, want ErrNotFound", err)
	}
	all, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]store.Outbound{}
	for _, o := range all {
		got[o.ID] = o
	}
	if o := got[ids[0]]; o.State != store.OutSent || o.Attempts != 1 || o.LastError != "" {
		t.Errorf("first: %+v, want sent after one attempt", o)
	}
	if o := got[ids[1]]; o.State != store.OutQueued || o.Attempts != 0 {
		t.Errorf("second (not in the call): %+v, want still queued", o)
	}
	if o := got[ids[2]]; o.State != store.OutSent || o.LastError != "b@example.org: 550 5.1.1 inconnu" {
		t.Errorf("third: %+v, want sent with its note", o)
	}
	if claimed, err := s.ClaimOutbound(ctx, at.Add(time.Hour), 10, time.Minute); err != nil || len(claimed) != 1 || claimed[0].ID != ids[1] {
		t.Errorf("claim after MarkSent = %v (%v), want only the unsent one", claimed, err)
	}
}

// testQueueAcks: acknowledgments queued without their bytes count for the
// hourly limit at once, are claimed with no bytes, and once a messages row
// is linked to them the outbox reads its bytes; a second link is refused.
func testQueueAcks(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	nt := newTicket("queue acks", "a@example.org", base)
	request := message("<first@example.org>")
	request.Subject, request.References = "Imprimante en panne", []string{"<a@example.org>", "<b@example.org>"}
	nt.MessageRowID, nt.MessageKind = insertMessage(t, s, request), store.KindRequest
	tk := createTicket(t, s, nt)
	later := message("<later@example.org>")
	later.TicketID = tk.ID
	insertMessage(t, s, later)
	os := []*store.Outbound{
		{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"A@example.org"},
			Subject: "[Ticket#" + tk.Number + "] Accusé de réception : un", MessageID: "<q1@example.org>", CreatedAt: base},
		{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"b@example.org"},
			Subject: "[Ticket#" + tk.Number + "] Accusé de réception : deux", MessageID: "<q2@example.org>", CreatedAt: base},
	}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.QueueAcks(ctx, os, store.Hold{}); err != nil {
			return err
		}
		n, err := countTo(ctx, tx, "a@example.org", store.KindAck, base.Add(-time.Minute))
		if err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("CountOutboundToMany after QueueAcks = %d, want 1", n)
		}
		return nil
	})
	if os[0].ID == 0 || os[1].ID <= os[0].ID {
		t.Fatalf("QueueAcks ids = %d, %d; want increasing ids in the order given", os[0].ID, os[1].ID)
	}
	srcs, err := s.AckSources(ctx, []int64{os[0].ID, os[1].ID, 99999})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 || srcs[os[0].ID].Ticket.Number != tk.Number || srcs[os[1].ID].Ticket.ID != tk.ID {
		t.Errorf("AckSources = %+v, want the ticket for both rows and nothing for the unknown id", srcs)
	}
	// What composing reads of the request: its header fields, not its
	// text, which the server would decompress and send for nothing.
	if f := srcs[os[0].ID].First; f.Direction != store.DirIn || f.MessageID != request.MessageID || f.TicketID != tk.ID ||
		f.From != request.From || f.FromName != request.FromName || f.Subject != request.Subject || !slices.Equal(f.References, request.References) ||
		f.Text != "" {
		t.Errorf("AckSources first message = %+v, want the ticket's first incoming message", f)
	}
	claimed, err := s.ClaimOutbound(ctx, base.Add(time.Minute), 10, time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("ClaimOutbound = %d rows (%v), want 2", len(claimed), err)
	}
	for i, c := range claimed {
		if c.ID != os[i].ID || len(c.Raw) != 0 || c.MessageRowID != 0 || c.TicketNumber != tk.Number ||
			c.Subject != os[i].Subject || c.MessageID != os[i].MessageID || !slices.Equal(c.To, os[i].To) {
			t.Errorf("claimed %d: %+v, want %+v without bytes", i, c, os[i])
		}
	}
	raw := []byte("From: support@example.org\r\nSubject: ack\r\n\r\nBonjour\r\n")
	composed := func(key string) *store.Message {
		return &store.Message{TicketID: tk.ID, Direction: store.DirOut, Kind: store.KindAck,
			MessageID: os[0].MessageID, DedupeKey: key, Raw: raw, CreatedAt: base}
	}
	first := composed(os[0].MessageID)
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.InsertComposed(ctx, []*store.Message{first}, []int64{os[0].ID})
	})
	rowID := first.ID
	if rowID == 0 {
		t.Fatal("InsertComposed set no message id")
	}
	// Linked already, and an unknown row: nothing is kept of either.
	for _, id := range []int64{os[0].ID, 99999} {
		err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			return tx.InsertComposed(ctx, []*store.Message{composed(fmt.Sprintf("again-%d", id))}, []int64{id})
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("InsertComposed for outbox row %d = %v, want ErrNotFound", id, err)
		}
	}
	// The same bytes again (a duplicate message) link nothing.
	err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.InsertComposed(ctx, []*store.Message{composed(os[0].MessageID)}, []int64{os[1].ID})
	})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("InsertComposed of a stored message = %v, want ErrDuplicate", err)
	}
	all, err := s.Outbox(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("Outbox = %d rows (%v), want 2", len(all), err)
	}
	if all[0].MessageRowID != rowID || !bytes.Equal(all[0].Raw, raw) || len(all[1].Raw) != 0 {
		t.Errorf("Outbox after InsertComposed: row %d, raw %q / %q; want the linked message's bytes, the other still empty",
			all[0].MessageRowID, all[0].Raw, all[1].Raw)
	}
}

// testOutboxOwners: a claim names its sender; a renewal extends only that
// sender's rows still pending, expired ones included until another sender
// claims them, and never a row another sender claimed since. A delivery
// recorded by a sender that lost the row is kept (it happened) and ends
// the new holder's claim.
func testOutboxOwners(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	ids := enqueueN(t, s, "owner", 4)
	const lease = 20 * time.Second
	claim := func(owner string, at time.Time, n int) []int64 {
		t.Helper()
		got, err := s.ClaimOutboundFor(ctx, owner, at, n, lease)
		if err != nil {
			t.Fatalf("ClaimOutboundFor(%s): %v", owner, err)
		}
		var out []int64
		for _, o := range got {
			out = append(out, o.ID)
		}
		return out
	}
	renew := func(owner string, at time.Time, ids ...int64) []int64 {
		t.Helper()
		got, err := s.RenewOutbound(ctx, owner, ids, at, lease)
		if err != nil {
			t.Fatalf("RenewOutbound(%s): %v", owner, err)
		}
		return got
	}

	t0 := base.Add(time.Minute)
	if got := claim("a", t0, 3); !slices.Equal(got, ids[:3]) {
		t.Fatalf("a claims %v, want %v", got, ids[:3])
	}
	// b sees only the unclaimed row while a's lease holds.
	if got := claim("b", t0.Add(10*time.Second), 10); !slices.Equal(got, ids[3:]) {
		t.Fatalf("b claims %v, want %v", got, ids[3:])
	}
	// a renews its own rows, not b's.
	if got := renew("a", t0.Add(15*time.Second), ids...); !slices.Equal(got, ids[:3]) {
		t.Errorf("a renews %v, want its own %v", got, ids[:3])
	}
	// Renewed at +15 s, a's rows stay a's past the first lease's end.
	if got := claim("b", t0.Add(30*time.Second), 10); len(got) != 0 {
		t.Errorf("b claims %v at +30 s, want none: a renewed them until +35 s", got)
	}
	// a renews nothing more (it died): at +36 s its rows are free, and b
	// takes them.
	if got := claim("b", t0.Add(36*time.Second), 2); !slices.Equal(got, ids[:2]) {
		t.Fatalf("b claims %v at +36 s, want a's first two %v", got, ids[:2])
	}
	// a, back, renews only the expired row nobody claimed since.
	if got := renew("a", t0.Add(37*time.Second), ids[:3]...); !slices.Equal(got, ids[2:3]) {
		t.Errorf("a renews %v after b's claim, want only %v", got, ids[2:3])
	}
	// A delivery a recorded late is kept, and b no longer holds the row.
	if err := s.MarkSent(ctx, store.Sent{ID: ids[0], At: t0.Add(38 * time.Second)}); err != nil {
		t.Errorf("MarkSent by the sender that lost the row: %v, want recorded", err)
	}
	if got := renew("b", t0.Add(39*time.Second), ids...); !slices.Equal(got, []int64{ids[1], ids[3]}) {
		t.Errorf("b renews %v, want %v: the sent row is no one's", got, []int64{ids[1], ids[3]})
	}
	// A recorded retry ends the claim too.
	if err := s.MarkRetry(ctx, ids[1], "451", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := renew("b", t0.Add(40*time.Second), ids[1]); len(got) != 0 {
		t.Errorf("b renews %v after MarkRetry, want none", got)
	}
	// An anonymous claim is nobody's to renew.
	if _, err := s.RenewOutbound(ctx, "", ids, t0, lease); err == nil {
		t.Error("RenewOutbound without an owner succeeded")
	}
}

// testInsertComposedMany: a transaction's composed acknowledgments
// stored together keep each message's own meaning: lists of addresses and
// references come back exactly, element by element, even with commas,
// quotes, braces, backslashes or non-ASCII text; a duplicate (of a stored
// message, or of one earlier in the same call) or an outbox row unknown
// or linked already fails the call and keeps nothing of it; the others
// are linked in order. Nine messages at once, as a sender's claim gives.
func testInsertComposedMany(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	tk := createTicket(t, s, newTicket("composed", "a@example.org", base))
	stored := message("<stored@example.org>")
	insertMessage(t, s, stored)
	os := make([]*store.Outbound, 10)
	for i := range os {
		os[i] = &store.Outbound{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"a@example.org"},
			MessageID: fmt.Sprintf("<c%d@example.org>", i), CreatedAt: base}
	}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.QueueAcks(ctx, os, store.Hold{}) })
	raw := []byte("From: support@example.org\r\nSubject: ack\r\n\r\nBonjour\r\n")
	composed := func(key string, to, cc, refs []string) *store.Message {
		return &store.Message{TicketID: tk.ID, Direction: store.DirOut, Kind: store.KindAck,
			From: "support@example.org", FromName: `Centre "d'assistance", niveau 1`, To: to, Cc: cc,
			Subject: "Accusé de réception", MessageID: key, InReplyTo: "<first@example.org>", References: refs,
			Date: base, Text: "Bonjour", Raw: raw, DedupeKey: key, CreatedAt: base,
			Envelope: store.Envelope{Transport: "relay", MailFrom: "support@example.org", RcptTo: to}}
	}
	// chunk is the messages k1… for outbox rows 1…9, changed by change.
	chunk := func(change func(ms []*store.Message, ids []int64)) ([]*store.Message, []int64) {
		var ms []*store.Message
		var ids []int64
		for i := 1; i < len(os); i++ {
			ms = append(ms, composed(fmt.Sprintf("k%d", i), []string{"a@example.org"}, nil, []string{"<first@example.org>"}))
			ids = append(ids, os[i].ID)
		}
		if change != nil {
			change(ms, ids)
		}
		return ms, ids
	}
	insert := func(ms []*store.Message, ids []int64) error {
		return s.InTx(ctx, func(ctx context.Context, tx store.Tx) error { return tx.InsertComposed(ctx, ms, ids) })
	}
	for _, c := range []struct {
		name   string
		change func(ms []*store.Message, ids []int64)
		want   error
	}{
		{"a key twice", func(ms []*store.Message, _ []int64) { ms[5].DedupeKey = ms[1].DedupeKey }, store.ErrDuplicate},
		{"a stored key", func(ms []*store.Message, _ []int64) { ms[6].DedupeKey = stored.DedupeKey }, store.ErrDuplicate},
		{"an outbox row twice", func(_ []*store.Message, ids []int64) { ids[7] = ids[2] }, store.ErrNotFound},
		{"an unknown outbox row", func(_ []*store.Message, ids []int64) { ids[3] = 99999 }, store.ErrNotFound},
	} {
		if err := insert(chunk(c.change)); !errors.Is(err, c.want) {
			t.Errorf("%s: InsertComposed = %v, want %v", c.name, err, c.want)
		}
	}
	if all, err := s.Outbox(ctx); err != nil || slices.ContainsFunc(all, func(o store.Outbound) bool { return o.MessageRowID != 0 }) {
		t.Fatalf("Outbox after failed calls = %+v (%v), want nothing linked", all, err)
	}
	odd := composed("k0",
		[]string{`"Diop, Awa" <awa@example.org>`, `"O'Brien \"Ned\"" <ned@example.org>`, "Zoé Ärger <zoe@exämple.org>"},
		[]string{`{a,b}@example.org`, `back\slash@example.org`, "", "NULL", " "},
		[]string{"<r1@example.org>", "<r,2@example.org>", `<"r3"@example.org>`})
	ms, ids := chunk(func(ms []*store.Message, _ []int64) { ms[0].Cc = []string{} })
	ms, ids = append([]*store.Message{odd}, ms...), append([]int64{os[0].ID}, ids...)
	want := make([]store.Message, len(ms))
	for i, m := range ms {
		want[i] = *m
	}
	if err := insert(ms, ids); err != nil {
		t.Fatalf("InsertComposed: %v", err)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].ID <= ms[i-1].ID {
			t.Errorf("message ids %d, %d: want increasing in the order given", ms[i-1].ID, ms[i].ID)
		}
	}
	again, againIDs := chunk(func(ms []*store.Message, _ []int64) {
		for _, m := range ms {
			m.DedupeKey += "-again"
		}
	})
	if err := insert(again, againIDs); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("InsertComposed for rows linked already = %v, want ErrNotFound", err)
	}
	all, err := s.Outbox(ctx)
	if err != nil || len(all) != len(os) {
		t.Fatalf("Outbox = %d rows (%v), want %d", len(all), err, len(os))
	}
	for i, o := range all {
		if o.ID != os[i].ID || o.MessageRowID != ms[i].ID || !bytes.Equal(o.Raw, raw) {
			t.Errorf("outbox row %d: linked to %d with %q, want %d", o.ID, o.MessageRowID, o.Raw, ms[i].ID)
		}
	}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		for i, w := range want {
			got, err := tx.MessageByDedupeKey(ctx, w.DedupeKey)
			if err != nil {
				return err
			}
			if got.ID != ms[i].ID || got.TicketID != tk.ID || got.Kind != store.KindAck || got.FromName != w.FromName ||
				!slices.Equal(got.To, w.To) || !slices.Equal(got.Cc, append([]string{}, w.Cc...)) ||
				!slices.Equal(got.References, w.References) || !slices.Equal(got.Envelope.RcptTo, w.To) ||
				!got.Date.Equal(us(base)) || got.Subject != w.Subject || got.InReplyTo != w.InReplyTo {
				t.Errorf("message %s:\n got  %+v\n want %+v", w.DedupeKey, got, w)
			}
		}
		return nil
	})
}

// testQueueAcksHeld: acknowledgments queued with a Hold are leased to its
// owner from their insert: another sender's claim skips them until the
// lease ends, and the owner renews them as it renews its own claims.
func testQueueAcksHeld(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	tk := createTicket(t, s, newTicket("held", "a@example.org", base))
	os := []*store.Outbound{{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"a@example.org"},
		Subject: "[Ticket#" + tk.Number + "] Accusé de réception : held", MessageID: "<held@example.org>", CreatedAt: base}}
	hold := store.Hold{Owner: "noeud-a", Until: base.Add(time.Minute)}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.QueueAcks(ctx, os, hold) })

	if got, err := s.ClaimOutboundFor(ctx, "noeud-b", base.Add(30*time.Second), 10, time.Minute); err != nil || len(got) != 0 {
		t.Fatalf("claim by another sender within the lease = %d rows (%v), want none", len(got), err)
	}
	renewed, err := s.RenewOutbound(ctx, "noeud-a", []int64{os[0].ID}, base.Add(45*time.Second), time.Minute)
	if err != nil || len(renewed) != 1 || renewed[0] != os[0].ID {
		t.Fatalf("renewal by the holder = %v (%v), want its row", renewed, err)
	}
	if got, err := s.ClaimOutboundFor(ctx, "noeud-b", base.Add(90*time.Second), 10, time.Minute); err != nil || len(got) != 0 {
		t.Fatalf("claim by another sender within the renewed lease = %d rows (%v), want none", len(got), err)
	}
	got, err := s.ClaimOutboundFor(ctx, "noeud-b", base.Add(2*time.Minute), 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].ID != os[0].ID {
		t.Fatalf("claim once the lease ended = %v (%v), want the row: its holder is gone", got, err)
	}
	if renewed, err := s.RenewOutbound(ctx, "noeud-a", []int64{os[0].ID}, base.Add(2*time.Minute), time.Minute); err != nil || len(renewed) != 0 {
		t.Errorf("renewal by the former holder = %v (%v), want none: another sender has it", renewed, err)
	}

	// Without a Hold the row is anyone's at once.
	free := []*store.Outbound{{TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"b@example.org"},
		Subject: "[Ticket#" + tk.Number + "] Accusé de réception : libre", MessageID: "<free@example.org>", CreatedAt: base}}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.QueueAcks(ctx, free, store.Hold{}) })
	if got, err := s.ClaimOutboundFor(ctx, "noeud-b", base, 10, time.Minute); err != nil || len(got) != 1 || got[0].ID != free[0].ID {
		t.Errorf("claim of a row queued without a hold = %v (%v), want it", got, err)
	}
}

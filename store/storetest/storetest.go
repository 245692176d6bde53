// Package storetest is the behaviour suite every store.Store backend must
// pass. store's own tests run it against embedded SQLite and PostgreSQL, so
// both backends keep the same meaning.
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"guichet/internal/testdb"
	"guichet/store"
)

// Opener returns a store for t. The first call for a given t must give a
// fresh, empty database; a later call with the same t must reopen that same
// database (the suite checks what survives a restart). The opener closes
// the stores it returns in t.Cleanup.
type Opener func(t *testing.T) store.Store

// base is a fixed clock reading with sub-microsecond digits, so the suite
// also checks that both backends keep times to the microsecond.
var base = time.Date(2026, 11, 26, 9, 14, 3, 123456789, time.UTC)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func us(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Run runs every case against stores from open, each case on a fresh
// database.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Numbering", testNumbering},
		{"GapFreeAfterRollback", testGapFreeAfterRollback},
		{"ConcurrentNumbering", testConcurrentNumbering},
		{"DuplicateLeavesTxUsable", testDuplicate},
		{"MessageRoundTrip", testMessageRoundTrip},
		{"RawBytesIdentical", testRawBytes},
		{"Attachments", testAttachments},
		{"Threading", testThreading},
		{"Participants", testParticipants},
		{"StatusHistory", testStatusHistory},
		{"TicketUpdates", testTicketUpdates},
		{"IncidentKey", testIncidentKey},
		{"TicketsListing", testTicketsListing},
		{"Workflow", testWorkflow},
		{"Unticketed", testUnticketed},
		{"InTxBatchIsolation", testInTxBatch},
		{"InTxErrorRollsBack", testInTxError},
		{"Outbox", testOutbox},
		{"OutboxRateCount", testOutboxCount},
		{"MarkSentMany", testMarkSentMany},
		{"OutboxOwners", testOutboxOwners},
		{"QueueAcks", testQueueAcks},
		{"QueueAcksHeld", testQueueAcksHeld},
		{"InsertComposedMany", testInsertComposedMany},
		{"InsertOutbound", testInsertOutbound},
		{"CreateTicketAttaches", testCreateTicketAttaches},
		{"CreateTicketsGroup", testCreateTicketsGroup},
		{"OpeningMessage", testOpeningMessage},
		{"BatchMethods", testBatchMethods},
		{"AckCounts", testAckCounts},
		{"TicketsFrom", testTicketsFrom},
		{"RecentCounts", testRecentCounts},
		{"InTxBatchFinish", testInTxBatchFinish},
		{"InTxBatchSkip", testInTxBatchSkip},
		{"Leases", testLeases},
		{"SecretStableAcrossReopen", testSecret},
		{"MailboxState", testMailboxState},
		{"NotFound", testNotFound},
		{"ReopenKeepsData", testReopen},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open) })
	}
}

// --- helpers ---

func inTx(t *testing.T, s store.Store, fn store.TxFunc) {
	t.Helper()
	if err := s.InTx(context.Background(), fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

func createTicket(t *testing.T, s store.Store, nt store.NewTicket) store.Ticket {
	t.Helper()
	var tk store.Ticket
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		tk, err = testdb.CreateTicket(ctx, tx, nt)
		return err
	})
	return tk
}

// setStatus sets the status of the ticket numbered number.
func setStatus(t *testing.T, s store.Store, number string, to store.Status, reason string, at time.Time) {
	t.Helper()
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		tk, err := tx.TicketByNumber(ctx, number)
		if err != nil {
			return err
		}
		return tx.SetStatus(ctx, tk.ID, to, reason, at)
	})
}

// createFn is a TxFunc that creates one ticket; runs, when not nil, counts
// its runs.
func createFn(subject string, runs *int) store.TxFunc {
	return func(ctx context.Context, tx store.Tx) error {
		if runs != nil {
			*runs++
		}
		_, err := testdb.CreateTicket(ctx, tx, newTicket(subject, "a@example.org", base))
		return err
	}
}

// countTo counts what CountOutboundToMany counts for one address.
func countTo(ctx context.Context, tx store.Tx, addr string, kind store.Kind, since time.Time) (int, error) {
	counts, err := tx.CountOutboundToMany(ctx, []string{addr}, kind, since)
	return counts[strings.ToLower(strings.TrimSpace(addr))], err
}

func newTicket(subject, requester string, at time.Time) store.NewTicket {
	return store.NewTicket{Subject: subject, Requester: requester, CreatedAt: at}
}

func message(key string) store.Message {
	raw := []byte("Message-ID: " + key + "\r\nSubject: test\r\n\r\nBonjour.\r\n")
	return store.Message{
		Direction: store.DirIn, Kind: store.KindRequest,
		From: "awa.diop@example.org", FromName: "Awa Diop",
		To: []string{"support@example.org"}, Cc: []string{},
		Subject: "test", MessageID: key, References: []string{},
		Date: base, Text: "Bonjour.", Raw: raw, DedupeKey: key,
		Envelope: store.Envelope{Transport: "pipe", MailFrom: "awa.diop@example.org", RcptTo: []string{"support@example.org"}},
	}
}

func insertMessage(t *testing.T, s store.Store, m store.Message) int64 {
	t.Helper()
	var id int64
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		id, err = tx.InsertMessage(ctx, &m)
		return err
	})
	return id
}

// enqueueAll queues os in one transaction and returns their ids, checking
// that each is queued with its id set.
func enqueueAll(t *testing.T, s store.Store, os []store.Outbound) []int64 {
	t.Helper()
	var ids []int64
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		ids = ids[:0] // a retried transaction starts afresh
		for i := range os {
			o := os[i]
			id, err := tx.Enqueue(ctx, &o)
			if err != nil {
				return err
			}
			if id == 0 || o.ID != id || o.State != store.OutQueued {
				t.Errorf("Enqueue = %d, Outbound %+v", id, o)
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids
}

func ticketDetail(t *testing.T, s store.Store, number string) store.TicketDetail {
	t.Helper()
	d, err := s.Ticket(context.Background(), number)
	if err != nil {
		t.Fatalf("Ticket(%s): %v", number, err)
	}
	return d
}

// --- cases ---

func testNumbering(t *testing.T, open Opener) {
	s := open(t)
	y2027 := time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)
	steps := []struct {
		name string
		at   time.Time
		want string
	}{
		{"first of 2026", base, "2026-000001"},
		{"second of 2026", base.Add(time.Second), "2026-000002"},
		{"third of 2026", base.Add(2 * time.Second), "2026-000003"},
		{"new year restarts", y2027, "2027-000001"},
		{"2026 continues", base.Add(3 * time.Second), "2026-000004"},
		{"2027 continues", y2027.Add(time.Hour), "2027-000002"},
	}
	for _, st := range steps {
		tk := createTicket(t, s, store.NewTicket{
			Subject: "Imprimante en panne", Category: "2.2", CategorySource: "inferred", Confidence: 0.75,
			Requester: "Awa.Diop@Example.org", CreatedAt: st.at,
		})
		if tk.Number != st.want {
			t.Errorf("%s: CreateTicket number = %q, want %q", st.name, tk.Number, st.want)
		}
		var got store.Ticket
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			var err error
			got, err = tx.TicketByNumber(ctx, st.want)
			return err
		})
		want := store.Ticket{
			ID: tk.ID, Number: st.want, Subject: "Imprimante en panne", Status: store.StatusOpen,
			Category: "2.2", CategorySource: "inferred", Confidence: 0.75, Requester: "Awa.Diop@Example.org",
			Participants: []string{"awa.diop@example.org"}, CreatedAt: us(st.at), UpdatedAt: us(st.at),
			Workflow: store.Workflow{Priority: store.PriorityNormal},
		}
		if !equalTicket(got, want) {
			t.Errorf("%s: TicketByNumber = %+v, want %+v", st.name, got, want)
		}
		if !equalTicket(tk, want) {
			t.Errorf("%s: CreateTicket returned %+v, want %+v", st.name, tk, want)
		}
	}
}

func equalTicket(a, b store.Ticket) bool {
	pa, pb := a.Participants, b.Participants
	a.Participants, b.Participants = nil, nil
	ca, cb, ua, ub := a.CreatedAt, b.CreatedAt, a.UpdatedAt, b.UpdatedAt
	a.CreatedAt, b.CreatedAt, a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b) && slices.Equal(pa, pb) && ca.Equal(cb) && ua.Equal(ub)
}

func testGapFreeAfterRollback(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		tk, err := testdb.CreateTicket(ctx, tx, newTicket("rolled back", "a@example.org", base))
		if err != nil {
			return err
		}
		if tk.Number != "2026-000001" {
			t.Errorf("number inside rolled-back tx = %q, want 2026-000001", tk.Number)
		}
		return fmt.Errorf("pipeline: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the fn's error", err)
	}
	tk := createTicket(t, s, newTicket("kept", "a@example.org", base))
	if tk.Number != "2026-000001" {
		t.Errorf("number after a rolled-back tx = %q, want 2026-000001 (gap-free)", tk.Number)
	}
	if _, err := s.Ticket(ctx, "2026-000002"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Ticket(2026-000002) = %v, want ErrNotFound", err)
	}
}

// testConcurrentNumbering: goroutines sharing one store create tickets at
// once; numbers are distinct and gap-free.
func testConcurrentNumbering(t *testing.T, open Opener) {
	s := open(t)
	const workers, each = 4, 10
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
		errs = make(chan error, workers*each)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
					tk, err := testdb.CreateTicket(ctx, tx, newTicket(fmt.Sprintf("w%d-%d", w, i), "a@example.org", base))
					if err != nil {
						return err
					}
					mu.Lock()
					defer mu.Unlock()
					if seen[tk.Number] {
						return fmt.Errorf("number %s given twice", tk.Number)
					}
					seen[tk.Number] = true
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := 1; i <= workers*each; i++ {
		if n := fmt.Sprintf("2026-%06d", i); !seen[n] {
			t.Errorf("number %s missing: gap", n)
		}
	}
}

func testDuplicate(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	first := insertMessage(t, s, message("<dup@example.org>"))
	if first == 0 {
		t.Fatal("InsertMessage returned id 0")
	}
	// In one transaction: the duplicate fails alone, the rest commits.
	var tk store.Ticket
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		m := message("<dup@example.org>")
		if _, err := tx.InsertMessage(ctx, &m); !errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("second InsertMessage = %v, want ErrDuplicate", err)
		}
		got, err := tx.MessageByDedupeKey(ctx, "<dup@example.org>")
		if err != nil {
			return fmt.Errorf("MessageByDedupeKey after duplicate: %w", err)
		}
		if got.ID != first {
			return fmt.Errorf("MessageByDedupeKey id = %d, want %d", got.ID, first)
		}
		if tk, err = testdb.CreateTicket(ctx, tx, newTicket("after duplicate", "a@example.org", base)); err != nil {
			return fmt.Errorf("CreateTicket after duplicate: %w", err)
		}
		other := message("<other@example.org>")
		other.TicketID = tk.ID
		if _, err := tx.InsertMessage(ctx, &other); err != nil {
			return fmt.Errorf("InsertMessage after duplicate: %w", err)
		}
		return nil
	})
	d := ticketDetail(t, s, tk.Number)
	if len(d.Messages) != 1 || d.Messages[0].DedupeKey != "<other@example.org>" {
		t.Errorf("ticket messages after duplicate = %+v, want the one other message", d.Messages)
	}
	// The same key without angle brackets or as sha256 form is another key.
	m := message("sha256:" + strings.Repeat("ab", 32))
	m.MessageID = ""
	insertMessage(t, s, m)
	m2 := message("sha256:" + strings.Repeat("ab", 32))
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.InsertMessage(ctx, &m2)
		return err
	})
	if !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate sha256 key = %v, want ErrDuplicate", err)
	}
}

func testMessageRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	tk := createTicket(t, s, newTicket("Plateforme inaccessible", "awa.diop@example.org", base))
	in := store.Message{
		TicketID: tk.ID, Direction: store.DirIn, Kind: store.KindRequest,
		From: "awa.diop@example.org", FromName: "Awa Diop — Ndèye",
		To: []string{"support@example.org", "b@example.org"}, Cc: []string{"moussa.fall@example.org"},
		Subject: "[1.7] Plateforme inaccessible « depuis » ce matin", MessageID: "<abc@example.org>",
		InReplyTo: "<x@example.org>", References: []string{"<w@example.org>", "<x@example.org>"},
		Date: base.Add(-time.Minute), Text: "Bonjour, ça ne marche plus.\n", Raw: []byte("raw"),
		ParseError: "", DedupeKey: "<abc@example.org>",
		Sender: "verified", SenderEvidence: "dmarc=pass (dkim d=example.org)",
		Envelope:  store.Envelope{Transport: "smtp", MailFrom: "awa.diop@example.org", RcptTo: []string{"support@example.org"}, ClientAddr: "127.0.0.1:4242", Helo: "mx.example.org", TLS: true},
		CreatedAt: base,
	}
	m := in
	id := insertMessage(t, s, m)
	var got store.Message
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		got, err = tx.MessageByDedupeKey(ctx, "<abc@example.org>")
		return err
	})
	want := in
	want.ID, want.TicketNumber, want.Raw = id, tk.Number, nil
	want.RawSHA256 = sha256Hex([]byte("raw")) // filled in by the store when empty
	want.Date, want.CreatedAt = us(in.Date), us(in.CreatedAt)
	if diff := diffMessage(got, want); diff != "" {
		t.Errorf("MessageByDedupeKey: %s", diff)
	}
	d := ticketDetail(t, s, tk.Number)
	if len(d.Messages) != 1 {
		t.Fatalf("Ticket messages = %d, want 1", len(d.Messages))
	}
	if diff := diffMessage(d.Messages[0], want); diff != "" {
		t.Errorf("Ticket message: %s", diff)
	}
}

func diffMessage(got, want store.Message) string {
	var b strings.Builder
	f := func(name string, g, w any) {
		if fmt.Sprint(g) != fmt.Sprint(w) {
			fmt.Fprintf(&b, "%s = %q, want %q; ", name, fmt.Sprint(g), fmt.Sprint(w))
		}
	}
	f("ID", got.ID, want.ID)
	f("TicketID", got.TicketID, want.TicketID)
	f("TicketNumber", got.TicketNumber, want.TicketNumber)
	f("Direction", got.Direction, want.Direction)
	f("Kind", got.Kind, want.Kind)
	f("From", got.From, want.From)
	f("FromName", got.FromName, want.FromName)
	f("To", got.To, want.To)
	f("Cc", got.Cc, want.Cc)
	f("Subject", got.Subject, want.Subject)
	f("MessageID", got.MessageID, want.MessageID)
	f("InReplyTo", got.InReplyTo, want.InReplyTo)
	f("References", got.References, want.References)
	f("Text", got.Text, want.Text)
	f("RawSHA256", got.RawSHA256, want.RawSHA256)
	f("ParseError", got.ParseError, want.ParseError)
	f("Sender", got.Sender, want.Sender)
	f("SenderEvidence", got.SenderEvidence, want.SenderEvidence)
	f("Envelope", got.Envelope, want.Envelope)
	f("DedupeKey", got.DedupeKey, want.DedupeKey)
	f("Raw", got.Raw, want.Raw)
	if !got.Date.Equal(want.Date) {
		fmt.Fprintf(&b, "Date = %v, want %v; ", got.Date, want.Date)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		fmt.Fprintf(&b, "CreatedAt = %v, want %v; ", got.CreatedAt, want.CreatedAt)
	}
	return b.String()
}

func testRawBytes(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	cases := []struct {
		name string
		raw  []byte
	}{
		{"crlf and 8-bit", []byte("Subject: caf\xe9\r\n\r\nd\xe9j\xe0 vu\r\n")},
		{"nul bytes", []byte("Subject: x\r\n\r\na\x00b\x00\x00c\r\n")},
		{"invalid utf-8", []byte("Subject: \xff\xfe\xc3\x28\r\n\r\n\x80\x81\xf5\r\n")},
		{"no final newline", []byte("Subject: y\r\n\r\nend")},
		{"bare lf and cr", []byte("Subject: z\n\nline\rline\n")},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := message(fmt.Sprintf("<raw%d@example.org>", i))
			m.Raw = slices.Clone(c.raw)
			// Text fields with the same bytes: stored repaired, not refused.
			m.Subject, m.Text, m.FromName = string(c.raw), string(c.raw), string(c.raw)
			id := insertMessage(t, s, m)
			got, err := s.RawMessage(ctx, id)
			if err != nil {
				t.Fatalf("RawMessage: %v", err)
			}
			if !bytes.Equal(got, c.raw) {
				t.Errorf("RawMessage = %q, want %q", got, c.raw)
			}
			var back store.Message
			inTx(t, s, func(ctx context.Context, tx store.Tx) error {
				var err error
				back, err = tx.MessageByDedupeKey(ctx, m.DedupeKey)
				return err
			})
			for name, v := range map[string]string{"Subject": back.Subject, "Text": back.Text, "FromName": back.FromName} {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					t.Errorf("%s = %q, want valid UTF-8 without NUL", name, v)
				}
			}
			if utf8.Valid(c.raw) && !bytes.Contains(c.raw, []byte{0}) && back.Text != string(c.raw) {
				t.Errorf("valid Text = %q, want it unchanged %q", back.Text, c.raw)
			}
		})
	}
}

func testAttachments(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00fake image")
	pdf := []byte("%PDF-1.7 \xe2\xe3\xcf\xd3")
	tk := createTicket(t, s, newTicket("pièces jointes", "a@example.org", base))
	m1 := message("<att1@example.org>")
	m1.TicketID = tk.ID
	m1.Attachments = []store.Attachment{
		{Filename: "capture écran.png", ContentType: "image/png", ContentID: "<img1>", Inline: true, Data: png},
		{Filename: "facture.pdf", ContentType: "application/pdf", Data: pdf},
		{Filename: "copie.png", ContentType: "image/png", Data: png}, // same content twice in one message
	}
	m2 := message("<att2@example.org>")
	m2.TicketID = tk.ID
	m2.Attachments = []store.Attachment{{Filename: "encore.png", ContentType: "image/png", Data: png}}
	insertMessage(t, s, m1)
	insertMessage(t, s, m2)

	d := ticketDetail(t, s, tk.Number)
	if len(d.Messages) != 2 {
		t.Fatalf("messages = %d, want 2", len(d.Messages))
	}
	pngSHA, pdfSHA := sha256Hex(png), sha256Hex(pdf) // filled in by the store
	want := []store.Attachment{
		{Filename: "capture écran.png", ContentType: "image/png", ContentID: "<img1>", Inline: true, Size: int64(len(png)), SHA256: pngSHA},
		{Filename: "facture.pdf", ContentType: "application/pdf", Size: int64(len(pdf)), SHA256: pdfSHA},
		{Filename: "copie.png", ContentType: "image/png", Size: int64(len(png)), SHA256: pngSHA},
	}
	if !slices.EqualFunc(d.Messages[0].Attachments, want, func(a, b store.Attachment) bool {
		return a.Filename == b.Filename && a.ContentType == b.ContentType && a.ContentID == b.ContentID &&
			a.Inline == b.Inline && a.Size == b.Size && a.SHA256 == b.SHA256 && a.Data == nil
	}) {
		t.Errorf("attachments = %+v, want %+v (metadata only)", d.Messages[0].Attachments, want)
	}
	if got := d.Messages[1].Attachments; len(got) != 1 || got[0].SHA256 != pngSHA || got[0].Filename != "encore.png" {
		t.Errorf("second message attachments = %+v, want encore.png with the PNG hash", got)
	}
	for _, c := range []struct {
		sha  string
		want []byte
	}{{pngSHA, png}, {pdfSHA, pdf}} {
		got, err := s.AttachmentData(ctx, c.sha)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("AttachmentData(%s) = %q, %v; want %q", c.sha, got, err, c.want)
		}
	}
	if _, err := s.AttachmentData(ctx, strings.Repeat("0", 64)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AttachmentData(unknown) = %v, want ErrNotFound", err)
	}
}

func testThreading(t *testing.T, open Opener) {
	s := open(t)
	t1 := createTicket(t, s, newTicket("one", "a@example.org", base))
	t2 := createTicket(t, s, newTicket("two", "b@example.org", base))
	for _, m := range []struct {
		key    string
		ticket int64
	}{
		{"<a@x>", t1.ID},
		{"<b@x>", t2.ID},
		{"<loose@x>", 0}, // stored without a ticket: never a threading target
	} {
		msg := message(m.key)
		msg.TicketID = m.ticket
		insertMessage(t, s, msg)
	}
	cases := []struct {
		name string
		ids  []string
		want string // ticket number, "" for ErrNotFound
	}{
		{"in-reply-to", []string{"<a@x>"}, t1.Number},
		{"unknown first", []string{"<zz@x>", "<a@x>"}, t1.Number},
		{"most recently stored wins", []string{"<a@x>", "<b@x>"}, t2.Number},
		{"order of ids does not matter", []string{"<b@x>", "<a@x>"}, t2.Number},
		{"unknown", []string{"<zz@x>"}, ""},
		{"message without ticket", []string{"<loose@x>"}, ""},
		{"empty list", nil, ""},
		{"empty id never matches", []string{""}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got store.Ticket
			err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
				var err error
				got, err = tx.TicketByMessageIDs(ctx, c.ids)
				return err
			})
			switch {
			case c.want == "" && !errors.Is(err, store.ErrNotFound):
				t.Errorf("TicketByMessageIDs(%q) = %v, %v; want ErrNotFound", c.ids, got.Number, err)
			case c.want != "" && (err != nil || got.Number != c.want):
				t.Errorf("TicketByMessageIDs(%q) = %q, %v; want %q", c.ids, got.Number, err, c.want)
			}
		})
	}
}

func testParticipants(t *testing.T, open Opener) {
	s := open(t)
	tk := createTicket(t, s, newTicket("participants", "Awa.Diop@Example.org", base))
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.AddParticipants(ctx, tk.ID, []string{"Moussa.Fall@example.org", "awa.diop@example.org", " c@example.org ", "moussa.fall@EXAMPLE.org", ""}, store.OriginVerified); err != nil {
			return err
		}
		return tx.AddParticipants(ctx, tk.ID, []string{"b@example.org", "c@example.org"}, store.OriginAgent)
	})
	want := []string{"awa.diop@example.org", "moussa.fall@example.org", "c@example.org", "b@example.org"}
	if got := ticketDetail(t, s, tk.Number).Participants; !slices.Equal(got, want) {
		t.Errorf("Participants = %q, want %q (first-seen order, lowercased, once each)", got, want)
	}
	cases := []struct {
		addr string
		want bool
	}{
		{"awa.diop@example.org", true},
		{"AWA.DIOP@EXAMPLE.ORG", true},
		{"b@example.org", true},
		{"stranger@example.org", false},
		{"", false},
	}
	// hasParticipant reads the ticket as the reply path does.
	hasParticipant := func(ctx context.Context, tx store.Tx, number, addr string) (bool, error) {
		read, err := tx.TicketByNumber(ctx, number)
		return read.HasParticipant(addr), err
	}
	for _, c := range cases {
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			got, err := hasParticipant(ctx, tx, tk.Number, c.addr)
			if err != nil {
				return err
			}
			if got != c.want {
				t.Errorf("HasParticipant(%q) = %v, want %v", c.addr, got, c.want)
			}
			return nil
		})
	}
	// Each keeps the origin it came with: the requester its request's,
	// an address named again its first one.
	wantOrigins := []store.Participant{
		{Address: "awa.diop@example.org", Origin: store.OriginRequest},
		{Address: "moussa.fall@example.org", Origin: store.OriginVerified},
		{Address: "c@example.org", Origin: store.OriginVerified},
		{Address: "b@example.org", Origin: store.OriginAgent},
	}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.Participants(ctx, tk.ID)
		if err != nil {
			return err
		}
		if !slices.Equal(got, wantOrigins) {
			t.Errorf("Participants(origins) = %v, want %v", got, wantOrigins)
		}
		if ok, err := tx.RemoveParticipant(ctx, tk.ID, "B@example.org"); err != nil || !ok {
			t.Errorf("RemoveParticipant(b) = %v, %v; want true", ok, err)
		}
		if ok, err := tx.RemoveParticipant(ctx, tk.ID, "nobody@example.org"); err != nil || ok {
			t.Errorf("RemoveParticipant(nobody) = %v, %v; want false", ok, err)
		}
		if ok, err := hasParticipant(ctx, tx, tk.Number, "b@example.org"); err != nil || ok {
			t.Errorf("HasParticipant(removed) = %v, %v; want false", ok, err)
		}
		return nil
	})
	// Participants of one ticket are not participants of another.
	other := createTicket(t, s, newTicket("other", "z@example.org", base))
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		if got, err := hasParticipant(ctx, tx, other.Number, "awa.diop@example.org"); err != nil || got {
			t.Errorf("HasParticipant(other ticket) = %v, %v; want false", got, err)
		}
		return nil
	})
}

func testStatusHistory(t *testing.T, open Opener) {
	s := open(t)
	tk := createTicket(t, s, newTicket("history", "a@example.org", base))
	steps := []struct {
		to     store.Status
		reason string
		at     time.Time
	}{
		{store.StatusAnswered, "agent replied", base.Add(time.Hour)},
		{store.StatusAnswered, "same status: no entry", base.Add(2 * time.Hour)},
		{store.StatusResolved, "résolu par l'agent", base.Add(3 * time.Hour)},
		{store.StatusOpen, "requester replied", base.Add(4 * time.Hour)},
	}
	for _, st := range steps {
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			return tx.SetStatus(ctx, tk.ID, st.to, st.reason, st.at)
		})
	}
	d := ticketDetail(t, s, tk.Number)
	want := []store.StatusChange{
		{From: "", To: store.StatusOpen, Reason: "created", At: us(base)},
		{From: store.StatusOpen, To: store.StatusAnswered, Reason: "agent replied", At: us(base.Add(time.Hour))},
		{From: store.StatusAnswered, To: store.StatusResolved, Reason: "résolu par l'agent", At: us(base.Add(3 * time.Hour))},
		{From: store.StatusResolved, To: store.StatusOpen, Reason: "requester replied", At: us(base.Add(4 * time.Hour))},
	}
	if !slices.EqualFunc(d.History, want, func(a, b store.StatusChange) bool {
		return a.From == b.From && a.To == b.To && a.Reason == b.Reason && a.At.Equal(b.At)
	}) {
		t.Errorf("History = %+v, want %+v", d.History, want)
	}
	if d.Status != store.StatusOpen {
		t.Errorf("Status = %q, want open", d.Status)
	}
	if !d.UpdatedAt.Equal(us(base.Add(4 * time.Hour))) {
		t.Errorf("UpdatedAt = %v, want the last change's time", d.UpdatedAt)
	}
}

func testTicketUpdates(t *testing.T, open Opener) {
	s := open(t)
	tk := createTicket(t, s, newTicket("updates", "a@example.org", base))
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		if err := tx.SetCategory(ctx, tk.ID, "1.5", "agent", 1); err != nil {
			return err
		}
		if err := tx.SetNoAckReasons(ctx, []int64{tk.ID}, []string{"Auto-Submitted: auto-replied"}); err != nil {
			return err
		}
		for want := 1; want <= 3; want++ {
			n, err := tx.BumpRepeats(ctx, tk.ID)
			if err != nil {
				return err
			}
			if n != want {
				t.Errorf("BumpRepeats = %d, want %d", n, want)
			}
		}
		if err := tx.Touch(ctx, tk.ID, base.Add(time.Hour)); err != nil {
			return err
		}
		// Touch never moves updated_at backwards.
		return tx.Touch(ctx, tk.ID, base.Add(time.Minute))
	})
	d := ticketDetail(t, s, tk.Number)
	if d.Category != "1.5" || d.CategorySource != "agent" || d.Confidence != 1 ||
		d.NoAckReason != "Auto-Submitted: auto-replied" || d.Repeats != 3 || !d.UpdatedAt.Equal(us(base.Add(time.Hour))) {
		t.Errorf("after updates: %+v", d.Ticket)
	}
	// AttachMessage sets the ticket and the kind of a stored message.
	id := insertMessage(t, s, message("<late@example.org>"))
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		return tx.AttachMessage(ctx, id, tk.ID, store.KindReply)
	})
	d = ticketDetail(t, s, tk.Number)
	if len(d.Messages) != 1 || d.Messages[0].ID != id || d.Messages[0].Kind != store.KindReply || d.Messages[0].TicketNumber != tk.Number {
		t.Errorf("after AttachMessage: messages = %+v", d.Messages)
	}
	err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		if err := tx.AttachMessage(ctx, id, tk.ID+1000, store.KindReply); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AttachMessage(missing ticket) = %v, want ErrNotFound", err)
		}
		if err := tx.AttachMessage(ctx, id+1000, tk.ID, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AttachMessage(missing message) = %v, want ErrNotFound", err)
		}
		// The transaction is still usable after those.
		return tx.Touch(ctx, tk.ID, base.Add(2*time.Hour))
	})
	if err != nil {
		t.Errorf("tx after ErrNotFound: %v", err)
	}
}

func testIncidentKey(t *testing.T, open Opener) {
	s := open(t)
	nt := newTicket("alerte", "monitor@example.org", base)
	nt.IncidentKey = "web01/http"
	createTicket(t, s, nt)
	second := createTicket(t, s, nt)
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.TicketByIncidentKey(ctx, "web01/http")
		if err != nil || got.Number != second.Number || got.IncidentKey != "web01/http" {
			t.Errorf("TicketByIncidentKey = %q, %v; want the newest %q", got.Number, err, second.Number)
		}
		for _, k := range []string{"web02/http", ""} {
			if _, err := tx.TicketByIncidentKey(ctx, k); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("TicketByIncidentKey(%q) = %v, want ErrNotFound", k, err)
			}
		}
		return nil
	})
}

func testTicketsListing(t *testing.T, open Opener) {
	s := open(t)
	var numbers []string
	for i, cat := range []string{"1.7", "2.2", "1.7", ""} {
		nt := newTicket(fmt.Sprintf("t%d", i), "a@example.org", base.Add(time.Duration(i)*time.Minute))
		nt.Category = cat
		numbers = append(numbers, createTicket(t, s, nt).Number)
	}
	setStatus(t, s, numbers[1], store.StatusClosed, "", base.Add(time.Hour))
	cases := []struct {
		name string
		f    store.TicketFilter
		want []string
	}{
		{"all newest first", store.TicketFilter{}, []string{numbers[3], numbers[2], numbers[1], numbers[0]}},
		{"by category", store.TicketFilter{Category: "1.7"}, []string{numbers[2], numbers[0]}},
		{"by status", store.TicketFilter{Status: store.StatusClosed}, []string{numbers[1]}},
		{"open", store.TicketFilter{Status: store.StatusOpen}, []string{numbers[3], numbers[2], numbers[0]}},
		{"limit", store.TicketFilter{Limit: 2}, []string{numbers[3], numbers[2]}},
		{"nothing", store.TicketFilter{Category: "9.9"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Tickets(context.Background(), c.f)
			if err != nil {
				t.Fatal(err)
			}
			var nums []string
			for _, tk := range got {
				nums = append(nums, tk.Number)
				if !slices.Equal(tk.Participants, []string{"a@example.org"}) {
					t.Errorf("%s participants = %q, want [a@example.org]", tk.Number, tk.Participants)
				}
			}
			if !slices.Equal(nums, c.want) {
				t.Errorf("Tickets(%+v) = %q, want %q", c.f, nums, c.want)
			}
		})
	}
}

func testUnticketed(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	m := message("<nofrom@example.org>")
	m.From, m.ParseError = "", "no usable From address"
	m.Attachments = []store.Attachment{{Filename: "a.txt", ContentType: "text/plain", Data: []byte("a")}}
	id := insertMessage(t, s, m)
	got, err := s.Unticketed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != id || got[0].ParseError != "no usable From address" || got[0].TicketNumber != "" ||
		len(got[0].Attachments) != 1 || got[0].Raw != nil {
		t.Fatalf("Unticketed = %+v, want the one message, metadata only", got)
	}
	tk := createTicket(t, s, newTicket("later", "a@example.org", base))
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.AttachMessage(ctx, id, tk.ID, "") })
	if got, err := s.Unticketed(ctx); err != nil || len(got) != 0 {
		t.Errorf("Unticketed after attach = %d messages, %v; want none", len(got), err)
	}
}

func testInTxBatch(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	insertMessage(t, s, message("<already@example.org>"))
	bad := errors.New("fn failed")
	mk := func(key string, fail error) store.TxFunc {
		return func(ctx context.Context, tx store.Tx) error {
			tk, err := testdb.CreateTicket(ctx, tx, newTicket(key, "a@example.org", base))
			if err != nil {
				return err
			}
			m := message(key)
			m.TicketID = tk.ID
			if _, err := tx.InsertMessage(ctx, &m); err != nil {
				return err
			}
			if _, err := tx.Enqueue(ctx, &store.Outbound{TicketID: tk.ID, To: []string{"a@example.org"}, Raw: []byte("ack " + key)}); err != nil {
				return err
			}
			return fail
		}
	}
	errs, err := s.InTxBatchFinish(ctx, []store.TxFunc{
		mk("<b0@example.org>", nil),
		mk("<b1@example.org>", bad),      // its own failure
		mk("<already@example.org>", nil), // ErrDuplicate after creating a ticket
		mk("<b3@example.org>", nil),
	}, nil, nil)
	if err != nil {
		t.Fatalf("InTxBatchFinish err = %v", err)
	}
	if len(errs) != 4 || errs[0] != nil || !errors.Is(errs[1], bad) || !errors.Is(errs[2], store.ErrDuplicate) || errs[3] != nil {
		t.Fatalf("InTxBatchFinish errs = %v, want [nil, fn failed, ErrDuplicate, nil]", errs)
	}
	// Rolled-back fns gave their numbers back: the two kept are consecutive.
	list, err := s.Tickets(ctx, store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range list {
		got = append(got, tk.Number+" "+tk.Subject)
	}
	want := []string{"2026-000002 <b3@example.org>", "2026-000001 <b0@example.org>"}
	if !slices.Equal(got, want) {
		t.Errorf("tickets after batch = %q, want %q", got, want)
	}
	out, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || string(out[0].Raw) != "ack <b0@example.org>" || string(out[1].Raw) != "ack <b3@example.org>" {
		t.Errorf("outbox after batch = %d rows, want the two committed acknowledgments", len(out))
	}
	// An empty batch commits nothing and fails nothing.
	if errs, err := s.InTxBatchFinish(ctx, nil, nil, nil); err != nil || len(errs) != 0 {
		t.Errorf("InTxBatchFinish(nil, nil) = %v, %v", errs, err)
	}
}

func testInTxError(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		m := message("<gone@example.org>")
		if _, err := tx.InsertMessage(ctx, &m); err != nil {
			return err
		}
		return store.ErrNotFound // any error: nothing commits
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("InTx = %v, want the fn's error", err)
	}
	if got, _ := s.Unticketed(ctx); len(got) != 0 {
		t.Errorf("a failed InTx left %d messages", len(got))
	}
	// Same key can be stored afterwards: nothing of the failed tx remains.
	insertMessage(t, s, message("<gone@example.org>"))
}

func testOutbox(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	tk := createTicket(t, s, newTicket("outbox", "a@example.org", base))
	var os []store.Outbound
	for i, due := range []time.Time{base, base.Add(time.Second), base.Add(time.Hour)} {
		os = append(os, store.Outbound{
			TicketID: tk.ID, MailFrom: "support@example.org", To: []string{"a@example.org"},
			Subject: fmt.Sprintf("[Ticket#%s] Accusé de réception : %d", tk.Number, i), MessageID: fmt.Sprintf("<ack%d@example.org>", i),
			Raw: []byte(fmt.Sprintf("raw %d\x00\xff", i)), NextAttemptAt: due, CreatedAt: base,
		})
	}
	ids := enqueueAll(t, s, os)
	claim := func(at time.Time, n int) []int64 {
		t.Helper()
		got, err := s.ClaimOutbound(ctx, at, n, time.Minute)
		if err != nil {
			t.Fatalf("ClaimOutbound: %v", err)
		}
		var out []int64
		for _, o := range got {
			out = append(out, o.ID)
			if o.TicketNumber != tk.Number || o.TicketID != tk.ID {
				t.Errorf("claimed %d: ticket %q/%d, want %q/%d", o.ID, o.TicketNumber, o.TicketID, tk.Number, tk.ID)
			}
			if want := fmt.Sprintf("raw %d\x00\xff", slices.Index(ids, o.ID)); string(o.Raw) != want {
				t.Errorf("claimed %d raw = %q, want %q", o.ID, o.Raw, want)
			}
		}
		return out
	}
	now := base.Add(2 * time.Second)
	if got := claim(now, 1); !slices.Equal(got, ids[:1]) {
		t.Errorf("claim 1 = %v, want %v (oldest first)", got, ids[:1])
	}
	if got := claim(now, 10); !slices.Equal(got, ids[1:2]) {
		t.Errorf("claim rest = %v, want %v (leased and not-yet-due excluded)", got, ids[1:2])
	}
	if got := claim(now.Add(30*time.Second), 10); len(got) != 0 {
		t.Errorf("claim within lease = %v, want none", got)
	}
	if got := claim(now.Add(2*time.Minute), 10); !slices.Equal(got, ids[:2]) {
		t.Errorf("claim after lease expiry = %v, want %v (a dead sender's rows come back)", got, ids[:2])
	}
	later := now.Add(2 * time.Minute)
	if err := s.MarkSent(ctx, store.Sent{ID: ids[0], At: later}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, ids[1], "451 4.3.0 try later", later.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := claim(later.Add(time.Minute), 10); len(got) != 0 {
		t.Errorf("claim before retry time = %v, want none", got)
	}
	if got := claim(later.Add(6*time.Minute), 10); !slices.Equal(got, ids[1:2]) {
		t.Errorf("claim at retry time = %v, want %v", got, ids[1:2])
	}
	if err := s.MarkRetry(ctx, ids[1], "421 closing", later.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, ids[1], "550 5.1.1 no such user"); err != nil {
		t.Fatal(err)
	}
	// A failed row stays as it is: a late result (an attempt on a copy
	// the sender had claimed again) neither revives nor counts it; the
	// outbox checked below still has its three attempts and its 550.
	for _, c := range []struct {
		name string
		err  error
	}{
		{"MarkRetry(failed)", s.MarkRetry(ctx, ids[1], "451 late", later.Add(time.Minute))},
		{"MarkFailed(failed)", s.MarkFailed(ctx, ids[1], "550 late")},
	} {
		if !errors.Is(c.err, store.ErrNotFound) {
			t.Errorf("%s = %v, want ErrNotFound", c.name, c.err)
		}
	}
	if got := claim(later.Add(time.Hour), 10); !slices.Equal(got, ids[2:]) {
		t.Errorf("claim late = %v, want only the third %v (failed is never claimed)", got, ids[2:])
	}
	if err := s.Requeue(ctx, ids[0], later); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Requeue(sent) = %v, want ErrNotFound", err)
	}
	requeueAt := later.Add(2 * time.Hour)
	if err := s.Requeue(ctx, ids[1], requeueAt); err != nil {
		t.Fatalf("Requeue(failed): %v", err)
	}
	// The third's lease from the claim above has run out: it comes back too.
	if got := claim(requeueAt, 10); !slices.Equal(got, ids[1:]) {
		t.Errorf("claim after requeue = %v, want %v", got, ids[1:])
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"MarkSent", s.MarkSent(ctx, store.Sent{ID: 99999, At: later})},
		{"MarkRetry", s.MarkRetry(ctx, 99999, "x", later)},
		{"MarkFailed", s.MarkFailed(ctx, 99999, "x")},
		{"Requeue", s.Requeue(ctx, 99999, later)},
		{"MarkFailed(sent)", s.MarkFailed(ctx, ids[0], "x")},
	} {
		if !errors.Is(c.err, store.ErrNotFound) {
			t.Errorf("%s(unknown) = %v, want ErrNotFound", c.name, c.err)
		}
	}
	all, err := s.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id       int64
		state    store.OutState
		attempts int
		lastErr  string
		sent     bool
	}
	var got []row
	for _, o := range all {
		got = append(got, row{o.ID, o.State, o.Attempts, o.LastError, !o.SentAt.IsZero()})
		if o.TicketNumber != tk.Number || !slices.Equal(o.To, []string{"a@example.org"}) || o.MailFrom != "support@example.org" {
			t.Errorf("Outbox row %d = %+v", o.ID, o)
		}
	}
	want := []row{
		{ids[0], store.OutSent, 1, "", true},
		{ids[1], store.OutQueued, 3, "550 5.1.1 no such user", false},
		{ids[2], store.OutQueued, 0, "", false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Outbox = %+v, want %+v", got, want)
	}
	if !all[0].SentAt.Equal(us(later)) {
		t.Errorf("SentAt = %v, want %v", all[0].SentAt, us(later))
	}
}

// testOutboxCount: two senders claiming at once never get the same row.
func testOutboxCount(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	tk := createTicket(t, s, newTicket("rate", "a@example.org", base))
	enqueue := func(kind store.Kind, to string, at time.Time) {
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			m := message(fmt.Sprintf("<out-%s-%s-%d@example.org>", kind, to, at.UnixNano()))
			m.Direction, m.Kind, m.TicketID = store.DirOut, kind, tk.ID
			id, err := tx.InsertMessage(ctx, &m)
			if err != nil {
				return err
			}
			_, err = tx.Enqueue(ctx, &store.Outbound{TicketID: tk.ID, MessageRowID: id, To: []string{to}, Raw: []byte("x"), CreatedAt: at})
			return err
		})
	}
	enqueue(store.KindAck, "Awa@Example.org", base.Add(-2*time.Hour))
	enqueue(store.KindAck, "awa@example.org", base.Add(-30*time.Minute))
	enqueue(store.KindAck, "awa@example.org", base.Add(-time.Minute))
	enqueue(store.KindNotification, "awa@example.org", base.Add(-time.Minute))
	enqueue(store.KindAck, "other@example.org", base.Add(-time.Minute))
	cases := []struct {
		addr  string
		kind  store.Kind
		since time.Time
		want  int
	}{
		{"awa@example.org", store.KindAck, base.Add(-time.Hour), 2},
		{"AWA@example.org", store.KindAck, base.Add(-3 * time.Hour), 3},
		{"awa@example.org", store.KindNotification, base.Add(-time.Hour), 1},
		{"nobody@example.org", store.KindAck, base.Add(-time.Hour), 0},
	}
	for _, c := range cases {
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			n, err := countTo(ctx, tx, c.addr, c.kind, c.since)
			if err != nil {
				return err
			}
			if n != c.want {
				t.Errorf("CountOutboundTo(%s, %s, %v) = %d, want %d", c.addr, c.kind, c.since, n, c.want)
			}
			return nil
		})
	}
	// Concurrent claimers split the due rows without overlap.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen = map[int64]int{}
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				got, err := s.ClaimOutbound(ctx, base, 1, time.Hour)
				if err != nil {
					t.Errorf("ClaimOutbound: %v", err)
					return
				}
				mu.Lock()
				for _, o := range got {
					seen[o.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 5 {
		t.Errorf("concurrent claims got %d distinct rows, want 5", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("row %d claimed %d times", id, n)
		}
	}
}

func testLeases(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	ttl := time.Minute
	steps := []struct {
		name   string
		holder string
		at     time.Time
		want   bool
	}{
		{"first taker", "A", base, true},
		{"other while held", "B", base.Add(10 * time.Second), false},
		{"holder renews", "A", base.Add(50 * time.Second), true},
		{"other before renewed expiry", "B", base.Add(100 * time.Second), false},
		{"other after expiry", "B", base.Add(111 * time.Second), true},
		{"old holder now refused", "A", base.Add(112 * time.Second), false},
	}
	for _, st := range steps {
		got, err := s.AcquireLease(ctx, "imap:INBOX", st.holder, st.at, ttl)
		if err != nil || got != st.want {
			t.Errorf("%s: AcquireLease(%s) = %v, %v; want %v", st.name, st.holder, got, err, st.want)
		}
	}
	if ok, _ := s.AcquireLease(ctx, "imap:alertes", "A", base.Add(112*time.Second), ttl); !ok {
		t.Errorf("a lease of another name: AcquireLease = false, want true")
	}
	if err := s.ReleaseLease(ctx, "imap:INBOX", "A"); err != nil { // not A's: no effect
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx, "imap:INBOX", "A", base.Add(113*time.Second), ttl); ok {
		t.Errorf("release by a non-holder freed the lease")
	}
	if err := s.ReleaseLease(ctx, "imap:INBOX", "B"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.AcquireLease(ctx, "imap:INBOX", "A", base.Add(114*time.Second), ttl); !ok {
		t.Errorf("AcquireLease after release = false, want true")
	}
}

func testSecret(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	a, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
		t.Fatalf("Secret = %x, want 32 random bytes", a)
	}
	b, err := s.Secret(ctx)
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("second Secret = %x, %v; want %x", b, err, a)
	}
	s2 := open(t) // a second process / a restart
	c, err := s2.Secret(ctx)
	if err != nil || !bytes.Equal(a, c) {
		t.Errorf("Secret after reopen = %x, %v; want %x", c, err, a)
	}
}

func testMailboxState(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	if v, u, err := s.MailboxState(ctx, "INBOX"); !errors.Is(err, store.ErrNotFound) || v != 0 || u != 0 {
		t.Errorf("MailboxState(unknown) = %d, %d, %v; want 0, 0, ErrNotFound", v, u, err)
	}
	steps := []struct{ validity, last uint32 }{{1700000000, 42}, {1700000000, 4294967295}, {7, 1}}
	for _, st := range steps {
		if err := s.SetMailboxState(ctx, "INBOX", st.validity, st.last); err != nil {
			t.Fatal(err)
		}
		v, u, err := s.MailboxState(ctx, "INBOX")
		if err != nil || v != st.validity || u != st.last {
			t.Errorf("MailboxState = %d, %d, %v; want %d, %d", v, u, err, st.validity, st.last)
		}
	}
	if _, _, err := s.MailboxState(ctx, "Alertes"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("MailboxState(other) = %v, want ErrNotFound", err)
	}
}

func testNotFound(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	check := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s = %v, want ErrNotFound", name, err)
		}
	}
	_, err := s.Ticket(ctx, "2026-000001")
	check("Ticket", err)
	_, err = s.RawMessage(ctx, 12345)
	check("RawMessage", err)
	err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.TicketByNumber(ctx, "2026-000001")
		check("TicketByNumber", err)
		_, err = tx.MessageByDedupeKey(ctx, "<none@example.org>")
		check("MessageByDedupeKey", err)
		check("SetStatus", tx.SetStatus(ctx, 12345, store.StatusClosed, "", base))
		check("SetCategory", tx.SetCategory(ctx, 12345, "1.1", "tag", 1))
		check("SetNoAckReasons", tx.SetNoAckReasons(ctx, []int64{12345}, []string{"x"}))
		check("Touch", tx.Touch(ctx, 12345, base))
		_, err = tx.BumpRepeats(ctx, 12345)
		check("BumpRepeats", err)
		// Still usable after all those.
		_, err = testdb.CreateTicket(ctx, tx, newTicket("ok", "a@example.org", base))
		return err
	})
	if err != nil {
		t.Errorf("tx after ErrNotFound results: %v", err)
	}
	if _, err := s.Ticket(ctx, "2026-000001"); err != nil {
		t.Errorf("Ticket after commit: %v", err)
	}
}

func testReopen(t *testing.T, open Opener) {
	s := open(t)
	tk := createTicket(t, s, newTicket("survives", "a@example.org", base))
	s2 := open(t) // migrations run again: nothing to apply, data intact
	d, err := s2.Ticket(context.Background(), tk.Number)
	if err != nil || d.Subject != "survives" {
		t.Fatalf("Ticket after reopen = %+v, %v", d.Ticket, err)
	}
	if got := createTicket(t, s2, newTicket("next", "a@example.org", base)); got.Number != "2026-000002" {
		t.Errorf("number after reopen = %q, want 2026-000002", got.Number)
	}
}

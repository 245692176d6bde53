package storetest

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"guichet/store"
)

// Dumper returns every byte the database of the store opened for t holds
// (SQLite: its files; PostgreSQL: every row as text, bytea as hex), so
// that a case can check an erased value appears nowhere.
type Dumper func(t *testing.T) []byte

// RunPersonal runs the personal data cases (access, erasure, retention).
func RunPersonal(t *testing.T, open Opener, dump Dumper) {
	cases := []struct {
		name string
		fn   func(t *testing.T, open Opener, dump Dumper)
	}{
		{"Export", testExport},
		{"Forget", testForget},
		{"Retention", testRetention},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open, dump) })
	}
}

// What identifies the person the cases erase, and what only they wrote.
const (
	awaStored = "Awa.Diop+x@Example.org"
	awaName   = "Awa Diop"
	awaPhrase = "zanzibar-tournesol-42"
	awaFile   = "passeport-scan-unique-bytes"
)

var secretKey = []byte("0123456789abcdef0123456789abcdef")

// personalFixture stores three tickets: A opened by Awa (with an
// attachment, an acknowledgment to her and a reply from Bob), B opened by
// Bob with Awa in Cc, C by Carol alone; a rate slot and an unticketed
// message of Awa's. It returns the tickets' numbers.
func personalFixture(t *testing.T, s store.Store) (a, b, c string) {
	t.Helper()
	at := base
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		tA, err := tx.CreateTickets(ctx, []store.NewTicket{
			{Subject: "Demande de " + awaName, Category: "1.7", Requester: awaStored, CreatedAt: at, Participants: []string{"bob@example.org"}},
			{Subject: "Question de Bob", Category: "2.1", Requester: "bob@example.org", CreatedAt: at, Participants: []string{"awa.diop@example.org"}},
			{Subject: "Carol", Category: "1.7", Requester: "carol@example.org", CreatedAt: at},
		})
		if err != nil {
			return err
		}
		a, b, c = tA[0].Number, tA[1].Number, tA[2].Number
		m := message("<awa-1@example.org>")
		m.TicketID, m.From, m.FromName, m.Cc = tA[0].ID, awaStored, awaName, []string{"bob@example.org"}
		m.Text = "Bonjour, " + awaPhrase
		m.Raw = []byte("From: " + awaName + " <" + awaStored + ">\r\nCc: bob@example.org\r\nMessage-ID: <awa-1@example.org>\r\n\r\nBonjour, " + awaPhrase + "\r\n")
		m.Attachments = []store.Attachment{{Filename: "passeport.pdf", ContentType: "application/pdf", Size: int64(len(awaFile)), SHA256: sha256Hex([]byte(awaFile)), Data: []byte(awaFile)}}
		if _, err := tx.InsertMessage(ctx, &m); err != nil {
			return err
		}
		ack := message("<ack-awa@example.org>")
		ack.TicketID, ack.Direction, ack.Kind, ack.From, ack.FromName, ack.To = tA[0].ID, store.DirOut, store.KindAck, "support@example.org", "Support", []string{awaStored}
		ack.Raw = []byte("To: " + awaStored + "\r\n\r\nVotre demande « " + awaPhrase + " » est enregistrée.\r\n")
		ack.Text = "Votre demande « " + awaPhrase + " »"
		if _, err := tx.InsertOutbound(ctx, &ack, &store.Outbound{TicketID: tA[0].ID, MailFrom: "support@example.org",
			To: []string{awaStored}, Subject: "Accusé", MessageID: ack.MessageID, Raw: ack.Raw, CreatedAt: at}); err != nil {
			return err
		}
		bob := message("<bob-1@example.org>")
		bob.TicketID, bob.From, bob.FromName, bob.Cc = tA[1].ID, "bob@example.org", "Bob Martin", []string{"AWA.DIOP@example.org"}
		bob.Text = "Ma collègue " + awaName + " est en copie."
		bob.Raw = []byte("From: Bob Martin <bob@example.org>\r\nCc: \"" + awaName + "\" <AWA.DIOP@example.org>\r\nMessage-ID: <bob-1@example.org>\r\n\r\nMa collègue " + awaName + " est en copie. Bob.\r\n")
		if _, err := tx.InsertMessage(ctx, &bob); err != nil {
			return err
		}
		carol := message("<carol-1@example.org>")
		carol.TicketID, carol.From, carol.FromName, carol.Text = tA[2].ID, "carol@example.org", "Carol Petit", "Bonjour de Carol"
		carol.Envelope.MailFrom = "carol@example.org"
		carol.Raw = []byte("From: Carol Petit <carol@example.org>\r\n\r\nBonjour de Carol\r\n")
		if _, err := tx.InsertMessage(ctx, &carol); err != nil {
			return err
		}
		loose := message("<awa-loose@example.org>")
		loose.From, loose.Text, loose.Raw = "awa.diop@example.org", awaPhrase, []byte("From: awa.diop@example.org\r\n\r\n"+awaPhrase+"\r\n")
		if _, err := tx.InsertMessage(ctx, &loose); err != nil {
			return err
		}
		_, err = tx.TakeRateSlot(ctx, "mes-demandes:awa.diop@example.org", time.Now(), time.Hour)
		return err
	})
	return a, b, c
}

func testExport(t *testing.T, open Opener, _ Dumper) {
	s := open(t)
	ctx := context.Background()
	a, b, c := personalFixture(t, s)
	pd, err := s.PersonalData(ctx, "awa.diop@EXAMPLE.org")
	if err != nil {
		t.Fatal(err)
	}
	if pd.Key != "awa.diop@example.org" {
		t.Errorf("Key = %q", pd.Key)
	}
	var numbers []string
	for _, d := range pd.Tickets {
		numbers = append(numbers, d.Number)
	}
	if strings.Join(numbers, ",") != a+","+b {
		t.Errorf("tickets = %v, want %s and %s (not %s)", numbers, a, b, c)
	}
	if len(pd.Tickets) > 0 {
		d := pd.Tickets[0]
		if len(d.Messages) != 2 || len(d.Messages[0].Attachments) != 1 || d.Messages[0].Attachments[0].SHA256 != sha256Hex([]byte(awaFile)) {
			t.Errorf("ticket A messages = %+v", d.Messages)
		}
	}
	if len(pd.Unticketed) != 1 || len(pd.Outbound) != 1 || len(pd.RateSlots) != 1 {
		t.Errorf("unticketed %d, outbound %d, rate slots %d; want 1 each", len(pd.Unticketed), len(pd.Outbound), len(pd.RateSlots))
	}
	none, err := s.PersonalData(ctx, "awa@example.org")
	if err != nil || len(none.Tickets)+len(none.Unticketed)+len(none.Outbound)+len(none.RateSlots) != 0 {
		t.Errorf("PersonalData(other address) = %+v, %v; want nothing", none, err)
	}
}

// statsOf counts tickets by month and category: what statistics read.
func statsOf(t *testing.T, s store.Store) map[string]int {
	t.Helper()
	ts, err := s.Tickets(context.Background(), store.TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, tk := range ts {
		m[tk.CreatedAt.Format("2006-01")+" "+tk.Category+" "+tk.Number]++
	}
	return m
}

// traces returns the erased values found in the database's bytes.
func traces(t *testing.T, dump Dumper, needles ...string) []string {
	t.Helper()
	all := bytes.ToLower(dump(t))
	var found []string
	for _, n := range needles {
		n = strings.ToLower(n)
		if bytes.Contains(all, []byte(n)) || bytes.Contains(all, []byte(hex.EncodeToString([]byte(n)))) {
			found = append(found, n)
		}
	}
	return found
}

func testForget(t *testing.T, open Opener, dump Dumper) {
	s := open(t)
	ctx := context.Background()
	a, b, _ := personalFixture(t, s)
	before := statsOf(t, s)
	e := store.Erasure{Secret: secretKey, By: "dpo"}

	dry := e
	dry.DryRun = true
	r, err := s.Forget(ctx, awaStored, dry)
	if err != nil || r.Messages != 2 || r.Tickets != 2 {
		t.Fatalf("dry run = %+v, %v; want 2 tickets, 2 messages", r, err)
	}
	if pd, _ := s.PersonalData(ctx, awaStored); len(pd.Tickets) != 2 {
		t.Fatalf("dry run changed something: %d tickets left", len(pd.Tickets))
	}

	r, err = s.Forget(ctx, "awa.diop@example.org", e)
	if err != nil {
		t.Fatal(err)
	}
	want := store.ErasureReport{Tickets: 2, Messages: 2, Rewritten: 1, Attachments: 1, Blobs: 1, Participants: 2, Outbox: 1, RateSlots: 1, Unticketed: 1}
	if r != want {
		t.Errorf("Forget = %+v, want %+v", r, want)
	}
	if found := traces(t, dump, "awa.diop", awaName, awaPhrase, awaFile); len(found) > 0 {
		t.Errorf("after Forget the database still holds %q", found)
		all := dump(t)
		if i := bytes.Index(bytes.ToLower(all), []byte(found[0])); i >= 0 {
			t.Logf("context: %q", all[max(0, i-200):min(len(all), i+100)])
		}
	}
	if got := statsOf(t, s); len(got) != len(before) {
		t.Errorf("statistics = %v, want %v", got, before)
	}
	dA, dB := ticketDetail(t, s, a), ticketDetail(t, s, b)
	if !strings.HasPrefix(dA.Requester, "anonyme-") || !strings.HasSuffix(dA.Requester, "@invalid") {
		t.Errorf("requester of A = %q, want a pseudonym", dA.Requester)
	}
	if !strings.Contains(dB.Messages[0].Text, "Ma collègue anonyme-") || !strings.Contains(dB.Messages[0].Text, "est en copie") {
		t.Errorf("Bob's text = %q, want Awa replaced and the rest kept", dB.Messages[0].Text)
	}
	raw, err := s.RawMessage(ctx, dB.Messages[0].ID)
	if err != nil || !bytes.Contains(raw, []byte(dA.Requester)) || !bytes.Contains(raw, []byte("From: Bob Martin <bob@example.org>")) {
		t.Errorf("Bob's raw bytes = %q, %v", raw, err)
	}
	if c := ticketDetail(t, s, "2026-000003"); c.Messages[0].Text != "Bonjour de Carol" {
		t.Errorf("Carol's ticket changed: %+v", c.Messages[0])
	}

	again, err := s.Forget(ctx, awaStored, e)
	if err != nil || !again.Zero() {
		t.Errorf("second Forget = %+v, %v; want nothing", again, err)
	}
}

func testRetention(t *testing.T, open Opener, dump Dumper) {
	s := open(t)
	ctx := context.Background()
	a, b, c := personalFixture(t, s)
	setStatus(t, s, a, store.StatusClosed, "", base.Add(time.Hour))
	setStatus(t, s, c, store.StatusClosed, "", base.Add(48*time.Hour))
	e := store.Erasure{Secret: secretKey, By: "retention", DryRun: true}
	cut := base.Add(24 * time.Hour)
	r, err := s.PurgeClosed(ctx, cut, e)
	if err != nil || r.Tickets != 1 || r.Messages != 2 {
		t.Fatalf("dry PurgeClosed = %+v, %v; want ticket A only", r, err)
	}
	e.DryRun = false
	if r, err = s.PurgeClosed(ctx, cut, e); err != nil || r.Tickets != 1 {
		t.Fatalf("PurgeClosed = %+v, %v", r, err)
	}
	if found := traces(t, dump, awaFile, "Bonjour, "+awaPhrase); len(found) > 0 {
		t.Errorf("after PurgeClosed the database still holds %q", found)
	}
	dA := ticketDetail(t, s, a)
	for _, m := range dA.Messages {
		if m.Text != "" || !strings.HasPrefix(m.From, "anonyme-") {
			t.Errorf("message of A after retention: %+v", m)
		}
	}
	if dA.Status != store.StatusClosed || dA.Category != "1.7" {
		t.Errorf("ticket A = %+v", dA.Ticket)
	}
	if dB := ticketDetail(t, s, b); !strings.Contains(dB.Messages[0].Text, awaName) {
		t.Errorf("open ticket B was touched: %+v", dB.Messages[0])
	}
	if dC := ticketDetail(t, s, c); dC.Messages[0].Text != "Bonjour de Carol" {
		t.Errorf("ticket C, closed after the cut, was touched")
	}
	if r, err := s.PurgeClosed(ctx, cut, e); err != nil || !r.Zero() {
		t.Errorf("second PurgeClosed = %+v, %v; want nothing", r, err)
	}
}

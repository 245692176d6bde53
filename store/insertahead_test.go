package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"guichet/internal/pgtest"
)

// aheadMessages are messages as the committer inserts them ahead: some
// open a ticket and some do not, attachments share content within and
// across messages, lists hold what an encoding could get wrong, one
// repeats a key given earlier in the call and one a key stored before.
func aheadMessages() []*Message {
	at := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	logo := Attachment{Filename: "logo.png", ContentType: "image/png", Size: 4, SHA256: sha256Hex([]byte("logo")), Data: []byte("logo")}
	doc := Attachment{Filename: "écran, « panne ».pdf", ContentType: "application/pdf", ContentID: "<c1@x>", Inline: true,
		Size: 3, SHA256: sha256Hex([]byte("pdf")), Data: []byte("pdf")}
	var ms []*Message
	for i := range 7 {
		m := &Message{
			Direction: DirIn, Kind: KindRequest, From: fmt.Sprintf("u%d@example.org", i), FromName: "Awa, \"Diop\"",
			To: []string{"support@centre.example", `a,b"c@x.example`}, Cc: []string{"{x}", "", "NULL", `back\slash@x`},
			Subject: fmt.Sprintf("Demande n° %d", i), MessageID: fmt.Sprintf("<m%d@example.org>", i),
			References: []string{"<r1@x>", "<r2@x>"}, Date: at, Text: "Bonjour", Raw: fmt.Appendf(nil, "raw %d", i),
			Envelope: Envelope{Transport: "smtp", MailFrom: "x@example.org"}, CreatedAt: at.Add(time.Duration(i) * time.Second),
			OpensTicket: i%2 == 0, Sender: "verified",
		}
		m.DedupeKey = m.MessageID
		switch i {
		case 1:
			m.Attachments = []Attachment{logo, doc, logo}
			m.References = nil
		case 2:
			m.Attachments = []Attachment{doc}
			m.Date = time.Time{}
		case 4:
			m.DedupeKey, m.MessageID = "<m1@example.org>", "<m1@example.org>" // given earlier in the call
		case 5:
			m.DedupeKey = "<stored@example.org>"
		}
		ms = append(ms, m)
	}
	return ms
}

// TestPostgresInsertMessagesMany: the one statement stores what one
// InsertMessage per message stores (rows, attachments, their content),
// with the same results, duplicates included.
func TestPostgresInsertMessagesMany(t *testing.T) {
	ctx := context.Background()
	type outcome struct {
		ids      []bool // inserted, by position
		dups     []bool
		opened   []bool // a ticket id was reserved
		messages []string
		attached []string
		content  []string
	}
	run := func(many bool) outcome {
		st, err := Open(ctx, Options{DatabaseURL: pgtest.URL(t), MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		p := st.(*pgStore)
		var o outcome
		err = p.InTx(ctx, func(ctx context.Context, tx Tx) error {
			if _, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest, DedupeKey: "<stored@example.org>", Raw: []byte("before")}); err != nil {
				return err
			}
			ms := aheadMessages()
			var ids []int64
			var dups []error
			if many {
				if ids, dups, err = tx.InsertMessages(ctx, ms); err != nil {
					return err
				}
			} else {
				for _, m := range ms {
					id, err := tx.InsertMessage(ctx, m)
					if err != nil && !errors.Is(err, ErrDuplicate) {
						return err
					}
					ids, dups = append(ids, id), append(dups, err)
				}
			}
			for i, m := range ms {
				o.ids = append(o.ids, ids[i] != 0 && ids[i] == m.ID)
				o.dups = append(o.dups, errors.Is(dups[i], ErrDuplicate))
				o.opened = append(o.opened, m.TicketID != 0)
			}
			// The reserved ticket ids are never used: no ticket is created.
			return errors.New("roll back")
		})
		if err == nil || err.Error() != "roll back" {
			t.Fatal(err)
		}
		// Run again to read what was stored, committed this time.
		err = p.InTx(ctx, func(ctx context.Context, tx Tx) error {
			ms := aheadMessages()
			for _, m := range ms {
				m.OpensTicket = false // no ticket is created here either
			}
			if many {
				_, _, err := tx.InsertMessages(ctx, ms)
				return err
			}
			for _, m := range ms {
				if _, err := tx.InsertMessage(ctx, m); err != nil && !errors.Is(err, ErrDuplicate) {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		dump := func(q string) []string {
			rows, err := p.pool.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				vs, err := rows.Values()
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%q", vs))
			}
			return out
		}
		o.messages = dump(`SELECT ticket_id, direction, kind, from_addr, from_name, to_addrs, cc_addrs, subject, message_id,
    in_reply_to, refs, date, body, raw, raw_sha256, parse_error, envelope, dedupe_key, created_at, sender, sender_evidence
FROM messages ORDER BY id`)
		o.attached = dump(`SELECT m.dedupe_key, a.position, a.filename, a.content_type, a.content_id, a.inline, a.size, a.sha256
FROM message_attachments a JOIN messages m ON m.id = a.message_id ORDER BY m.id, a.position`)
		o.content = dump(`SELECT sha256, size, data FROM attachments ORDER BY sha256`)
		return o
	}
	_ = pgtest.URL(t) // skip now, with its message, when there is no server
	one, many := run(false), run(true)
	if !slices.Equal(one.dups, many.dups) || !slices.Equal(one.ids, many.ids) || !slices.Equal(one.opened, many.opened) {
		t.Errorf("results: one by one inserted %v dup %v opened %v; in one statement inserted %v dup %v opened %v",
			one.ids, one.dups, one.opened, many.ids, many.dups, many.opened)
	}
	if want := []bool{false, false, false, false, true, true, false}; !slices.Equal(many.dups, want) {
		t.Errorf("duplicates %v, want %v", many.dups, want)
	}
	for _, c := range []struct {
		what      string
		one, many []string
	}{{"messages", one.messages, many.messages}, {"attachments", one.attached, many.attached}, {"content", one.content, many.content}} {
		if !slices.Equal(c.one, c.many) {
			t.Errorf("%s stored one by one:\n%s\nin one statement:\n%s", c.what, c.one, c.many)
		}
	}
	if len(many.attached) != 4 || len(many.content) != 2 {
		t.Errorf("%d attachments and %d contents stored, want 4 and 2", len(many.attached), len(many.content))
	}
}

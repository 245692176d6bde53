package outbound

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"guichet/internal/testdb"
	"guichet/store"
	"guichet/templates"
)

// TestCapSubject: long subjects end with « … » within about 200 runes, cut
// between words when a space is near; short ones are left alone.
func TestCapSubject(t *testing.T) {
	word := strings.Repeat("mot ", 60)                                     // 240 runes, a space every 4
	solid := strings.Repeat("é", 300)                                      // no space at all
	lateSpace := strings.Repeat("x", 150) + " " + strings.Repeat("y", 100) // the space 50 runes before the cut
	cases := []struct {
		name, in, want string
	}{
		{"short", "Imprimante en panne", "Imprimante en panne"},
		{"exactly 200 runes", strings.Repeat("é", 200), strings.Repeat("é", 200)},
		{"words", word, strings.TrimSpace(word[:200]) + "…"},
		{"no space: cut at 200 runes", solid, strings.Repeat("é", 200) + "…"},
		{"space too far back: cut at 200 runes", lateSpace, lateSpace[:200] + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := capSubject(c.in)
			if got != c.want {
				t.Errorf("capSubject(%d runes) = %q, want %q", utf8.RuneCountInString(c.in), got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > maxSubject+1 || !utf8.ValidString(got) {
				t.Errorf("capSubject = %d runes (valid %v), want at most %d", n, utf8.ValidString(got), maxSubject+1)
			}
			if again := capSubject(got); again != got {
				t.Errorf("capSubject twice = %q, want %q", again, got)
			}
		})
	}
}

// TestHugeSubjectStaysSmall: a request whose subject is 960 KB gets an
// acknowledgment and a notification of a few KB, their subjects capped.
func TestHugeSubjectStaysSmall(t *testing.T) {
	huge := strings.Repeat("Au secours ", 960*1024/11)
	in := request
	in.Subject = huge
	a, _ := newTestAcker(t, nil)
	tk := ticket("1.7")
	tk.Subject = huge
	c, err := a.compose(tk, in, request.From, fixedNow, "<ack@aide.example.org>")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := newTestMailer(t)
	tx := &fakeTx{}
	if _, err := m.Notify(context.Background(), tx, tk, Notification{
		Event: templates.EventNew, To: []string{"agent@centre.example"}, From: request.From, Subject: huge, Text: "Bonjour.",
	}); err != nil {
		t.Fatal(err)
	}
	for _, out := range []struct {
		name, subject string
		raw           []byte
	}{
		{"acknowledgment", c.Subject, c.Raw},
		{"notification", tx.queued[0].Subject, tx.queued[0].Raw},
	} {
		t.Logf("%s: %d bytes, subject of %d runes", out.name, len(out.raw), utf8.RuneCountInString(out.subject))
		if len(out.raw) > 20*1024 {
			t.Errorf("%s of a 960 KB subject = %d bytes, want under 20 KB", out.name, len(out.raw))
		}
		if n := utf8.RuneCountInString(out.subject); n > maxSubject+1 || !strings.HasSuffix(out.subject, "…") {
			t.Errorf("%s subject = %d runes, want at most %d ending with …", out.name, n, maxSubject+1)
		}
	}
}

// TestAcknowledgeLimits runs the limits against real stores, over several
// batches: a mailbox's sub-addresses share its hourly allowance, a domain
// has its own, and the centre's own organisation has none.
func TestAcknowledgeLimits(t *testing.T) {
	cases := []struct {
		name      string
		from      string // with %d: the message's index
		n         int
		perDomain int // 0: the default
		domains   []string
		want      int // acknowledgments queued, the first ones
		reason    string
	}{
		{"sub-addresses share the mailbox's five", "Flood+%d@example.net", 8, 0, nil, 5, ReasonRateLimited},
		{"distinct mailboxes of one domain", "p%d@victim.example", 7, 4, nil, 4, ReasonDomainRateLimited},
		{"a served domain's subdomain is exempt", "p%d@etu.univ.example", 7, 4, []string{"univ.example"}, 7, ""},
		{"the support address's organisation is exempt", "p%d@example.org", 7, 4, nil, 7, ""},
	}
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					st := b.Open(t)
					a, _ := newTestAcker(t, func(o *AckerOptions) {
						o.Clock, o.PerDomainPerHour, o.Domains = time.Now, c.perDomain, c.domains
					})
					var reasons []string
					// Batches of 3: the counts hold within and across them.
					for start := 0; start < c.n; start += 3 {
						err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
							var ts []store.Ticket
							var ins []Incoming
							for i := start; i < min(start+3, c.n); i++ {
								from := strings.ReplaceAll(c.from, "%d", fmt.Sprint(i))
								tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "Demande", Requester: from, CreatedAt: time.Now()})
								if err != nil {
									return err
								}
								in := request
								in.From, in.MailFrom, in.MessageID = from, from, fmt.Sprintf("<limit%d@example.org>", i)
								ts, ins = append(ts, tk), append(ins, in)
							}
							rs, err := a.AcknowledgeAll(ctx, tx, ts, ins)
							reasons = append(reasons, rs...)
							return err
						})
						if err != nil {
							t.Fatal(err)
						}
					}
					ob, err := st.Outbox(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					if len(ob) != c.want {
						t.Errorf("outbox holds %d acknowledgments, want %d", len(ob), c.want)
					}
					for i, r := range reasons {
						want := ""
						if i >= c.want {
							want = c.reason
						}
						if r != want {
							t.Errorf("message %d: reason %q, want %q", i, r, want)
						}
					}
				})
			}
		})
	}
}

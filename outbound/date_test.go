package outbound

import (
	"context"
	"testing"
	"time"
)

// TestDateHeaderZone: the Date of what we send is the configured zone's
// local time with its offset (RFC 5322 §3.3), summer or winter; without a
// zone it is the clock's.
func TestDateHeaderZone(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	summer := time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		loc  *time.Location
		at   time.Time
		want string
	}{
		{"Paris in winter", load("Europe/Paris"), fixedNow, "Thu, 26 Nov 2026 10:14:03 +0100"},
		{"Paris in summer", load("Europe/Paris"), summer, "Tue, 14 Jul 2026 10:00:00 +0200"},
		{"Cayenne", load("America/Cayenne"), fixedNow, "Thu, 26 Nov 2026 06:14:03 -0300"},
		{"no zone: the clock's", nil, fixedNow, "Thu, 26 Nov 2026 09:14:03 +0000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := func() time.Time { return c.at }
			a, signer := newTestAcker(t, func(o *AckerOptions) { o.Location, o.Clock = c.loc, clock })
			ack, err := a.compose(ticket("1.7"), request, "awa.diop@example.org", c.at, "<id@aide.example.org>")
			if err != nil {
				t.Fatal(err)
			}
			h, _, _ := readBack(t, ack.Raw)
			if got := h.Get("Date"); got != c.want {
				t.Errorf("acknowledgment Date = %q, want %q", got, c.want)
			}

			m, err := NewMailer(MailerOptions{SupportAddress: support, Signer: signer, Catalogue: a.o.Catalogue,
				Clock: clock, Location: c.loc})
			if err != nil {
				t.Fatal(err)
			}
			tx := &fakeTx{}
			if _, err := m.Answer(context.Background(), tx, ticket("1.7"), Answer{To: []string{"awa.diop@example.org"}, Text: "Bonjour."}); err != nil {
				t.Fatal(err)
			}
			h, _, _ = readBack(t, tx.queued[0].Raw)
			if got := h.Get("Date"); got != c.want {
				t.Errorf("answer Date = %q, want %q", got, c.want)
			}
			if !tx.inserted[0].Date.Equal(c.at) {
				t.Errorf("stored Date %v, want the instant %v", tx.inserted[0].Date, c.at)
			}
		})
	}
}

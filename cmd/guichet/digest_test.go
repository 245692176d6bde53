package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/calendar"
	"guichet/config"
	"guichet/internal/testdb"
	"guichet/outbound"
	"guichet/store"
)

const (
	digestMoussa = "moussa.fall@centre.example"
	digestAwa    = "awa.diop@centre.example"
	digestIdle   = "idle@centre.example"
)

// seedQueue creates the tickets of the digest tests: for Moussa an urgent
// one late on its first response, a normal one without deadline, a
// resolved one (not listed); for team reseau an unassigned high one.
func seedQueue(t *testing.T, st store.Store, at time.Time) map[string]string {
	t.Helper()
	out := map[string]string{}
	mk := func(key, subject string, w store.Workflow, status store.Status) {
		err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
			tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: subject, Requester: "usager@example.org", CreatedAt: at, Workflow: w})
			if err != nil {
				return err
			}
			out[key] = tk.Number
			if err := tx.SetWorkflow(ctx, tk.ID, w); err != nil {
				return err
			}
			if status != store.StatusOpen {
				return tx.SetStatus(ctx, tk.ID, status, "test", at)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	mk("plain", "Question sur le VPN", store.Workflow{Assignee: digestMoussa, Priority: store.PriorityNormal}, store.StatusOpen)
	mk("urgent", "Plateforme inaccessible", store.Workflow{Assignee: digestMoussa, Priority: store.PriorityUrgent,
		FirstResponseDue: at.Add(time.Hour), ResolutionDue: at.Add(8 * time.Hour), ClockSince: at}, store.StatusOpen)
	mk("resolved", "Déjà réglé", store.Workflow{Assignee: digestMoussa}, store.StatusResolved)
	mk("team", "Wi-Fi du bâtiment B", store.Workflow{Team: "reseau", Priority: store.PriorityHigh,
		ResolutionDue: at.Add(48 * time.Hour), ClockSince: at}, store.StatusOpen)
	mk("awa", "Imprimante", store.Workflow{Assignee: digestAwa, Team: "materiel"}, store.StatusOpen)
	return out
}

func testDigester(t *testing.T, st store.Store, now *time.Time) *digester {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	m := testMailer(t, func() time.Time { return *now })
	return &digester{st: st, mailer: m, loc: paris, open: func(calendar.Date) bool { return true }, log: quietLog(),
		agents: []outbound.DigestAgent{
			{Address: digestMoussa, Name: "Moussa Fall", Teams: []string{"reseau"}},
			{Address: digestAwa, Teams: []string{"materiel"}},
			{Address: digestIdle, Teams: []string{"autre"}},
		}}
}

// TestDigestOncePerAgentAndDay: each agent with something waiting gets one
// digest a day, whichever call (node) comes first; one with nothing gets
// none; `guichet digest` (force) sends even when the day's is sent.
func TestDigestOncePerAgentAndDay(t *testing.T) {
	for _, b := range testdb.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			created := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
			numbers := seedQueue(t, st, created)
			now := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC) // 08:00 in Paris
			d := testDigester(t, st, &now)
			for _, step := range []struct {
				at    time.Time
				only  string
				force bool
				want  int
			}{
				{now, "", false, 2},
				{now.Add(time.Hour), "", false, 0},
				{now.Add(time.Hour), digestMoussa, true, 1},
				{now.Add(24 * time.Hour), "", false, 2},
			} {
				now = step.at
				n, err := d.send(ctx, now, step.only, step.force)
				if err != nil || n != step.want {
					t.Fatalf("send(%s, %q, %v) = %d, %v; want %d", now, step.only, step.force, n, err, step.want)
				}
			}
			out, err := st.Outbox(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var first *store.Outbound
			for i := range out {
				if out[i].To[0] == digestIdle {
					t.Errorf("digest sent to an agent with nothing waiting")
				}
				if out[i].To[0] == digestMoussa && first == nil {
					first = &out[i]
				}
			}
			if len(out) != 5 || first == nil {
				t.Fatalf("outbox holds %d messages, want 5 digests", len(out))
			}
			if first.Subject != "Vos demandes du lundi 7 décembre 2026" || first.TicketNumber != "" {
				t.Errorf("digest subject %q ticket %q", first.Subject, first.TicketNumber)
			}
			raw := strings.ReplaceAll(string(first.Raw), "=\r\n", "")
			var at []int
			for _, k := range []string{"urgent", "plain", "team"} {
				at = append(at, strings.Index(raw, "[Ticket#"+numbers[k]+"]"))
			}
			if at[0] < 0 || at[1] < at[0] || at[2] < at[1] || strings.Contains(raw, numbers["resolved"]) || strings.Contains(raw, numbers["awa"]) {
				t.Errorf("digest order urgent, plain, team = %v (resolved or Awa's listed?):\n%s", at, raw)
			}
		})
	}
}

// TestDigestCommand: `guichet digest` queues the digests in the outbox at
// once; --agent names a declared agent.
func TestDigestCommand(t *testing.T) {
	h := newHarness(t, "")
	file := filepath.Join(t.TempDir(), "guichet.toml")
	if err := os.WriteFile(file, []byte(`
[[agents]]
address = "`+digestMoussa+`"
name = "Moussa Fall"
teams = ["reseau"]

[[teams]]
name = "reseau"
groups = [3]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env["GUICHET_CONFIG"] = file
	if code, _, errs := h.run("", "migrate"); code != exitOK {
		t.Fatalf("migrate = %d %s", code, errs)
	}
	st := testdb.Open(t, store.Options{DataDir: h.env["GUICHET_DATA_DIR"]})
	seedQueue(t, st, time.Now().Add(-time.Hour))
	if code, out, errs := h.run("", "digest", "--agent", "nobody@example.org"); code != exitUsage || !strings.Contains(errs, "not a declared agent") {
		t.Errorf("digest --agent nobody = %d %q %q", code, out, errs)
	}
	if code, out, errs := h.run("", "digest", "--agent", "Moussa.Fall@centre.example"); code != exitOK || out != "1 digest(s) queued\n" {
		t.Fatalf("digest = %d %q %q", code, out, errs)
	}
	code, out, errs := h.run("", "outbox")
	if code != exitOK || !strings.Contains(out, "Vos demandes du") || !strings.Contains(out, digestMoussa) {
		t.Errorf("outbox after digest = %d %q %q", code, out, errs)
	}
}

// TestDigestBusinessDays: without [calendar], Monday to Friday less the
// French public holidays.
func TestDigestBusinessDays(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	c := &config.Config{Location: paris}
	d, err := newDigester(nil, c, &parts{}, nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	for date, want := range map[calendar.Date]bool{
		{Year: 2026, Month: 12, Day: 7}: true,  // Monday
		{Year: 2026, Month: 12, Day: 5}: false, // Saturday
		{Year: 2026, Month: 5, Day: 14}: false, // Ascension
		{Year: 2026, Month: 5, Day: 13}: true,  // its eve
		{Year: 2026, Month: 7, Day: 14}: false, // Bastille Day
	} {
		if got := d.open(date); got != want {
			t.Errorf("business day %s = %v, want %v", date, got, want)
		}
	}
}

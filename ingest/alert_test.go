package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/alerts"
	"guichet/ingest"
	"guichet/store"
)

const alertAddr = "alertes@centre.example"

// alertEnv is a pipeline wired as guichet serve wires it (acknowledger,
// agents and the agent mailer) with a clock the test moves.
type alertEnv struct {
	t  *testing.T
	st store.Store
	p  *ingest.Pipeline

	mu   sync.Mutex
	now  time.Time
	step time.Duration // added at each reading of the clock
}

func newAlertEnv(t *testing.T, st store.Store, o ingest.Options) *alertEnv {
	t.Helper()
	e := &alertEnv{t: t, st: st, now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), step: 10 * time.Millisecond}
	o.Clock = func() time.Time {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.now = e.now.Add(e.step)
		return e.now
	}
	mailer := testMailer(t, o.Clock, alertAddr)
	if o.Agents == nil {
		o.Agents = []string{"agent1@centre.example", "agent2@centre.example"}
	}
	o.Mailer = mailer
	e.p, _ = newPipeline(t, st, o)
	return e
}

// advance moves the clock by d.
func (e *alertEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func (e *alertEnv) deliver(raw []byte) ingest.Result {
	e.t.Helper()
	r, err := e.p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", MailFrom: "monitor@mon.centre.example", RcptTo: []string{alertAddr}})
	if err != nil {
		e.t.Fatalf("Deliver: %v", err)
	}
	return r
}

func (e *alertEnv) ticket(number string) store.TicketDetail {
	e.t.Helper()
	d, err := e.st.Ticket(context.Background(), number)
	if err != nil {
		e.t.Fatalf("Ticket(%s): %v", number, err)
	}
	return d
}

func (e *alertEnv) tickets() []store.Ticket {
	e.t.Helper()
	ts, err := e.st.Tickets(context.Background(), store.TicketFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return ts
}

// outboxByKind counts queued mail by the kind of the history row that
// records it (ack, notification…).
func (e *alertEnv) outboxByKind() map[store.Kind]int {
	e.t.Helper()
	out := map[store.Kind]int{}
	for _, t := range e.tickets() {
		for _, m := range e.ticket(t.Number).Messages {
			if m.Direction == store.DirOut {
				out[m.Kind]++
			}
		}
	}
	return out
}

var messageIDLine = regexp.MustCompile(`(?m)^Message-ID: <[^>]*>\r?$`)

// fixture reads alerts/testdata/name with a fresh Message-ID, and applies
// the replacements old, new, ….
func fixture(t *testing.T, name, msgID string, repl ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "alerts", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := messageIDLine.ReplaceAllString(string(b), "Message-ID: <"+msgID+">")
	return []byte(strings.NewReplacer(repl...).Replace(s))
}

// toolSequences are, for each tool, a problem and its recovery fixture and
// the incident key and category they must give.
var toolSequences = []struct {
	tool, problem, recovery, key, category string
}{
	{"nagios", "nagios-service-problem.eml", "nagios-service-recovery.eml", "nagios/web01/http", "3.4"},
	{"icinga2", "icinga2-service-problem.eml", "icinga2-service-recovery.eml", "icinga/portail.centre.example/ping ipv4", "3.4"},
	{"centreon", "centreon-service-problem.eml", "centreon-service-recovery.eml", "centreon/srv-ad01/disk-c", "3.4"},
	{"zabbix", "zabbix-problem.eml", "zabbix-resolved.eml", "zabbix/app03/load average is too high (per cpu load over 1.5 for 5m)", "3.4"},
	{"alertmanager", "alertmanager-firing.eml", "alertmanager-resolved.eml", "alertmanager/node01:9100/nodefilesystemalmostfull", "3.4"},
	{"grafana", "grafana-firing.eml", "grafana-resolved.eml", "grafana/portail.centre.example/highlatency", "3.4"},
	{"grafana-legacy", "grafana-legacy-alerting.eml", "grafana-legacy-ok.eml", "grafana//messagerie : file d'attente", "3.4"},
	{"uptime-kuma", "kuma-down.eml", "kuma-up.eml", "uptime-kuma/portail citoyen/", "1.7"},
	{"checkmk", "checkmk-service-crit.eml", "checkmk-service-ok.eml", "checkmk/fs01/filesystem /data", "3.4"},
	{"monit", "monit-connection-failed.eml", "monit-connection-succeeded.eml", "monit/web02.centre.example/php-fpm", "3.4"},
}

// TestAlertSequences: for each tool, a problem, ten repeats and a recovery
// make exactly one ticket of twelve alert messages, resolved, with ten
// repeats, its key, no acknowledgment and one agent notification.
func TestAlertSequences(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			for _, seq := range toolSequences {
				t.Run(seq.tool, func(t *testing.T) {
					e := newAlertEnv(t, be.Open(t), ingest.Options{})
					first := e.deliver(fixture(t, seq.problem, "p0@"+seq.tool))
					if first.Action != ingest.Created {
						t.Fatalf("problem: %+v, want created", first)
					}
					for i := 1; i <= 10; i++ {
						e.advance(time.Minute)
						r := e.deliver(fixture(t, seq.problem, fmt.Sprintf("p%d@%s", i, seq.tool)))
						if r.Action != ingest.Joined || r.Ticket != first.Ticket {
							t.Fatalf("repeat %d: %+v, want joined to %s", i, r, first.Ticket)
						}
					}
					if r := e.deliver(fixture(t, seq.recovery, "r@"+seq.tool)); r.Action != ingest.Joined || r.Ticket != first.Ticket {
						t.Fatalf("recovery: %+v, want joined to %s", r, first.Ticket)
					}
					ts := e.tickets()
					if len(ts) != 1 {
						t.Fatalf("%d tickets, want 1", len(ts))
					}
					d := e.ticket(first.Ticket)
					in := 0
					for _, m := range d.Messages {
						if m.Direction == store.DirIn {
							in++
							if m.Kind != store.KindAlert {
								t.Errorf("message %s of kind %s, want alert", m.MessageID, m.Kind)
							}
						}
					}
					if in != 12 || d.Status != store.StatusResolved || d.Repeats != 10 || d.IncidentKey != seq.key ||
						d.Category != seq.category || d.CategorySource != "rule" {
						t.Errorf("ticket: %d messages in, status %s, repeats %d, key %q, category %s (%s); want 12, resolved, 10, %q, %s (rule)",
							in, d.Status, d.Repeats, d.IncidentKey, d.Category, d.CategorySource, seq.key, seq.category)
					}
					if d.NoAckReason == "" {
						t.Error("no reason recorded for the missing acknowledgment")
					}
					out := e.outboxByKind()
					if out[store.KindAck] != 0 || out[store.KindNotification] != 1 {
						t.Errorf("queued %v, want no ack and 1 notification", out)
					}
				})
			}
		})
	}
}

// TestAlertTwoHosts: two hosts alerting at once are two incidents, host
// down alerts are filed under 1.7.
func TestAlertTwoHosts(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAlertEnv(t, be.Open(t), ingest.Options{})
			cases := []struct {
				name, file, msgID string
				repl              []string
				category          string
			}{
				{"web01 HTTP", "nagios-service-problem.eml", "a1@x", nil, "3.4"},
				{"web02 HTTP", "nagios-service-problem.eml", "a2@x", []string{"web01", "web02"}, "3.4"},
				{"db02 down", "nagios-host-down.eml", "a3@x", nil, "1.7"},
				{"portail down (Icinga 2)", "icinga2-host-down.eml", "a4@x", nil, "1.7"},
				{"sw-core01 down (Checkmk)", "checkmk-host-down.eml", "a5@x", nil, "1.7"},
			}
			numbers := map[string]bool{}
			for _, c := range cases {
				r := e.deliver(fixture(t, c.file, c.msgID, c.repl...))
				if r.Action != ingest.Created || numbers[r.Ticket] {
					t.Errorf("%s: %+v, want a new ticket", c.name, r)
					continue
				}
				numbers[r.Ticket] = true
				if d := e.ticket(r.Ticket); d.Category != c.category {
					t.Errorf("%s: category %s, want %s", c.name, d.Category, c.category)
				}
			}
			// web02's repeat joins web02's ticket only.
			r := e.deliver(fixture(t, "nagios-service-problem.eml", "a6@x", "web01", "web02"))
			if r.Action != ingest.Joined || e.ticket(r.Ticket).IncidentKey != "nagios/web02/http" {
				t.Errorf("web02 repeat: %+v", r)
			}
		})
	}
}

// TestAlertStorm: 2,000 alerts over 50 keys delivered concurrently through
// the group commit make 50 tickets, no acknowledgment, and one agent
// notification per incident.
func TestAlertStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("storm: not in -short")
	}
	const keys, total = 50, 2000
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAlertEnv(t, be.Open(t), ingest.Options{MaxBatch: 64})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- e.p.Run(ctx) }()
			start := time.Now()
			var wg sync.WaitGroup
			sem := make(chan struct{}, 32)
			errs := make(chan error, total)
			for i := range total {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer wg.Done()
					defer func() { <-sem }()
					host := fmt.Sprintf("web%02d", i%keys)
					raw := fixture(t, "nagios-service-problem.eml", fmt.Sprintf("storm%d@x", i), "web01", host)
					if _, err := e.p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", RcptTo: []string{alertAddr}}); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			took := time.Since(start)
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			close(errs)
			for err := range errs {
				t.Fatalf("Deliver: %v", err)
			}
			ts := e.tickets()
			if len(ts) != keys {
				t.Fatalf("%d tickets, want %d", len(ts), keys)
			}
			repeats := 0
			for _, tk := range ts {
				repeats += tk.Repeats
			}
			if repeats != total-keys {
				t.Errorf("%d repeats counted, want %d", repeats, total-keys)
			}
			out := e.outboxByKind()
			if out[store.KindAck] != 0 || out[store.KindNotification] != keys {
				t.Errorf("queued %v, want no ack and %d notifications (one per incident)", out, keys)
			}
			t.Logf("%s: %d alerts in %s (%.0f/s)", be.Name, total, took.Round(time.Millisecond), total/took.Seconds())
		})
	}
}

// TestAlertRenotify: an incident that keeps repeating for three hours
// notifies agents once per hour, not once per mail.
func TestAlertRenotify(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAlertEnv(t, be.Open(t), ingest.Options{AlertRenotify: time.Hour})
			var number string
			for i := 0; i <= 18; i++ { // every 10 minutes from 0 to 180
				r := e.deliver(fixture(t, "nagios-service-problem.eml", fmt.Sprintf("n%d@x", i)))
				if number == "" {
					number = r.Ticket
				} else if r.Ticket != number {
					t.Fatalf("repeat %d went to %s, want %s", i, r.Ticket, number)
				}
				e.advance(10 * time.Minute)
			}
			// Slots taken at 0, 60, 120 and 180 minutes (give or take the
			// clock's milliseconds).
			if got := e.outboxByKind()[store.KindNotification]; got != 4 {
				t.Errorf("%d notifications over 3 hours, want 4", got)
			}
		})
	}
}

// TestAlertReopen: flapping stays on one ticket; a problem long after the
// recovery opens a new one.
func TestAlertReopen(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAlertEnv(t, be.Open(t), ingest.Options{AlertReopen: time.Hour})
			first := e.deliver(fixture(t, "checkmk-service-crit.eml", "f0@x"))
			for i := range 5 {
				e.advance(5 * time.Minute)
				if r := e.deliver(fixture(t, "checkmk-service-ok.eml", fmt.Sprintf("ok%d@x", i))); r.Ticket != first.Ticket {
					t.Fatalf("recovery %d: %+v", i, r)
				}
				if s := e.ticket(first.Ticket).Status; s != store.StatusResolved {
					t.Fatalf("after recovery %d: status %s, want resolved", i, s)
				}
				e.advance(5 * time.Minute)
				if r := e.deliver(fixture(t, "checkmk-service-crit.eml", fmt.Sprintf("crit%d@x", i))); r.Ticket != first.Ticket {
					t.Fatalf("flap %d: %+v, want %s", i, r, first.Ticket)
				}
				if s := e.ticket(first.Ticket).Status; s != store.StatusOpen {
					t.Fatalf("after flap %d: status %s, want open", i, s)
				}
			}
			e.deliver(fixture(t, "checkmk-service-ok.eml", "okz@x"))
			e.advance(2 * time.Hour)
			late := e.deliver(fixture(t, "checkmk-service-crit.eml", "late@x"))
			if late.Action != ingest.Created || late.Ticket == first.Ticket {
				t.Errorf("problem 2 h after recovery: %+v, want a new ticket", late)
			}
			if n := len(e.tickets()); n != 2 {
				t.Errorf("%d tickets, want 2", n)
			}
		})
	}
}

// TestAlertRulesAndUnknown: a sender rule makes mail an alert even sent to
// the support address, reads its format and sets its category; mail no
// parser reads joins by sender and subject.
func TestAlertRulesAndUnknown(t *testing.T) {
	rule, err := alerts.Compile(alerts.RuleSpec{
		Name: "sauvegardes", From: "@nas.centre.example", Category: "3.2",
		Subject:  `^(?P<state>ECHEC|SUCCES) sauvegarde (?P<host>\S+) : (?P<service>job \S+)`,
		Recovery: `^SUCCES`,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAlertEnv(t, be.Open(t), ingest.Options{AlertRules: []alerts.Rule{rule}})
			toSupport := func(raw []byte) ingest.Result {
				t.Helper()
				raw = []byte(strings.Replace(string(raw), "To: "+alertAddr, "To: "+support, 1))
				r, err := e.p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", RcptTo: []string{support}})
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			a := toSupport(fixture(t, "script-disk.eml", "s1@x"))
			b := toSupport(fixture(t, "script-disk.eml", "s2@x", "2026-11-26", "2026-11-27"))
			c := toSupport(fixture(t, "script-disk.eml", "s3@x", "ECHEC", "SUCCES"))
			d := e.ticket(a.Ticket)
			if a.Action != ingest.Created || b.Ticket != a.Ticket || c.Ticket != a.Ticket ||
				d.Category != "3.2" || d.Status != store.StatusResolved || d.IncidentKey != "sauvegardes/nas01/job quotidien" {
				t.Errorf("rule: %+v %+v %+v; ticket %s %s %q", a, b, c, d.Category, d.Status, d.IncidentKey)
			}

			// No rule, no format: one ticket per sender and subject.
			u1 := e.deliver(fixture(t, "script-disk.eml", "u1@x", "sauvegarde@nas", "cron@app"))
			u2 := e.deliver(fixture(t, "script-disk.eml", "u2@x", "sauvegarde@nas", "cron@app", "03:00", "04:00"))
			if u1.Action != ingest.Created || u2.Ticket != u1.Ticket || e.ticket(u1.Ticket).Repeats != 1 {
				t.Errorf("unparsed: %+v %+v", u1, u2)
			}
			if out := e.outboxByKind(); out[store.KindAck] != 0 {
				t.Errorf("acknowledgments queued for alerts: %v", out)
			}
		})
	}
}

// TestAlertRealCorpus delivers the shared corpus's monitoring mail (126–140,
// each a recovery whose problem is held out): each is recorded as an
// incident already resolved, keyed, without acknowledgment or notification.
func TestAlertRealCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "real")
	files, _ := filepath.Glob(filepath.Join(dir, "1[2-4][0-9]-alert-*.eml"))
	if len(files) == 0 {
		t.Skip("shared corpus absent")
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAlertEnv(t, be.Open(t), ingest.Options{})
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				r := e.deliver(raw)
				if r.Action == ingest.Duplicate {
					continue // 128 and 130 carry the same Message-ID
				}
				if r.Action != ingest.Created {
					t.Errorf("%s: %+v, want created", filepath.Base(f), r)
					continue
				}
				if d := e.ticket(r.Ticket); d.Status != store.StatusResolved || d.IncidentKey == "" {
					t.Errorf("%s: status %s key %q, want resolved with a key", filepath.Base(f), d.Status, d.IncidentKey)
				}
			}
			if out := e.outboxByKind(); len(out) != 0 {
				t.Errorf("queued %v for recoveries, want nothing", out)
			}
		})
	}
}

package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"guichet/calendar"
	"guichet/store"
)

// weekdays is « lun-ven 08:30-12:30, 13:30-18:00 » with French holidays,
// in Paris.
func weekdays(t *testing.T) (*calendar.Calendar, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	var hours []calendar.Hours
	for _, s := range []string{"lun-ven 08:30-12:30", "lun-ven 13:30-18:00"} {
		h, err := calendar.ParseHours(s)
		if err != nil {
			t.Fatal(err)
		}
		hours = append(hours, h)
	}
	cal, err := calendar.New(calendar.Options{Location: loc, Open: hours, Holidays: calendar.HolidaysFR})
	if err != nil {
		t.Fatal(err)
	}
	return cal, loc
}

func TestWorkflowDeadlines(t *testing.T) {
	cal, loc := weekdays(t)
	n := &notifier{teams: []Team{{Name: "reseau", Groups: []int{3}}}}
	wf := &workflow{clock: cal, notify: n, targets: []SLATarget{
		{Priority: store.PriorityNormal, FirstResponse: 4 * time.Hour, Resolution: 8 * time.Hour},
		{Priority: store.PriorityNormal, Groups: []int{3}, FirstResponse: time.Hour, Resolution: 16 * time.Hour},
		{Priority: store.PriorityUrgent, FirstResponse: time.Hour, Resolution: 2 * time.Hour},
	}}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The eve of Ascension (Thursday 14 May 2026): 2 h on Wednesday, none
	// on Thursday, 8.5 h on Friday.
	eve := at("2026-05-13 16:00")
	cases := []struct {
		name, category, priority string
		team                     string
		first, resolution        time.Time
	}{
		{"eve of Ascension", "1.7", store.PriorityNormal, "", at("2026-05-15 10:30"), at("2026-05-15 15:30")},
		{"group target wins", "3.4", store.PriorityNormal, "reseau", at("2026-05-13 17:00"), at("2026-05-18 15:00")},
		{"urgent", "4.4", store.PriorityUrgent, "", at("2026-05-13 17:00"), at("2026-05-13 18:00")},
		{"no target for low", "1.7", store.PriorityLow, "", time.Time{}, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := wf.start(c.category, c.priority, eve)
			if w.Team != c.team || !w.FirstResponseDue.Equal(c.first) || !w.ResolutionDue.Equal(c.resolution) {
				t.Errorf("start = team %q, first %v, resolution %v; want %q, %v, %v",
					w.Team, w.FirstResponseDue, w.ResolutionDue, c.team, c.first, c.resolution)
			}
		})
	}

	// #attente on Friday 15 May at 9:30 stops the clock with 3 h used (2 h
	// on Wednesday, 1 h on Friday); the requester's reply on Monday 18 May
	// at 14:00 starts it again: 5 h left, 4 h of them on Monday, due
	// Tuesday 19 May at 9:30.
	tk := store.Ticket{Category: "1.7", CreatedAt: eve, Workflow: wf.start("1.7", store.PriorityNormal, eve)}
	wf.status(&tk.Workflow, tk, store.StatusAnswered, at("2026-05-15 09:30"))
	if tk.Running() || tk.ClockUsed != 3*time.Hour {
		t.Fatalf("after #attente: running %v, used %v; want stopped, 3h", tk.Running(), tk.ClockUsed)
	}
	wf.status(&tk.Workflow, tk, store.StatusOpen, at("2026-05-18 14:00"))
	if want := at("2026-05-19 09:30"); !tk.ResolutionDue.Equal(want) || !tk.Running() {
		t.Errorf("after the reply: due %v (running %v), want %v", tk.ResolutionDue, tk.Running(), want)
	}
	// Urgent from then: 2 h target, 3 h used: due at once, and breached.
	tk.Priority = store.PriorityUrgent
	wf.rescope(&tk.Workflow, tk.Category, tk.CreatedAt, at("2026-05-18 14:30"))
	if !tk.Breached(at("2026-05-18 14:30")) {
		t.Errorf("urgent with 3 h used of 2: not breached (%+v)", tk.Workflow)
	}
}

func TestPriorityOf(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"CRITICAL", store.PriorityHigh}, {"critical", store.PriorityHigh}, {"Disaster", store.PriorityHigh},
		{"WARNING", ""}, {"High", ""}, {"", ""},
	} {
		if got := priorityOfSeverity(c.in); got != c.want {
			t.Errorf("priorityOfSeverity(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if priorityOfCategory("4.4") != store.PriorityUrgent || priorityOfCategory("1.7") != store.PriorityNormal {
		t.Error("priorityOfCategory: 4.4 must be urgent, others normal")
	}
}

// TestDeskWorkflowCommands: each ownership and priority command, and a
// note on an assigned ticket reaching its assignee alone.
func TestDeskWorkflowCommands(t *testing.T) {
	for _, tc := range []struct {
		name, text, assignee string
		before               store.Workflow
		want                 store.Workflow
		sent                 string
	}{
		{"#prendre", "#Prendre", "", store.Workflow{}, store.Workflow{Assignee: deskAgent}, ""},
		{"#assigner by name", "#assigner Collègue Un", "", store.Workflow{}, store.Workflow{Assignee: deskColleague}, ""},
		{"#assigner by address", "#assigner <" + deskColleague + ">", "", store.Workflow{}, store.Workflow{Assignee: deskColleague}, ""},
		{"#assigner someone else: reported", "#assigner eve@example.org", "", store.Workflow{}, store.Workflow{}, "report:" + deskAgent},
		{"#libérer", "#LIBERER", "", store.Workflow{Assignee: deskColleague}, store.Workflow{}, ""},
		{"#priorité haute", "#priorité Haute", "", store.Workflow{Priority: store.PriorityNormal}, store.Workflow{Priority: store.PriorityHigh}, ""},
		{"#priority urgent", "#priority urgent", "", store.Workflow{}, store.Workflow{Priority: store.PriorityUrgent}, ""},
		{"#priorité unknown: reported", "#priorité énorme", "", store.Workflow{}, store.Workflow{}, "report:" + deskAgent},
		{"note to the assignee alone", "#note\nÀ voir", "", store.Workflow{Assignee: deskColleague}, store.Workflow{Assignee: deskColleague}, "notify:" + deskColleague},
	} {
		t.Run(tc.name, func(t *testing.T) {
			desk, mailer := newDesk()
			desk.names = agentNames(map[string]string{deskColleague: "Collègue Un"})
			desk.notify.all = append(desk.notify.all, "troisieme@centre.example")
			tx := newThreadTx()
			ticket := store.Ticket{ID: 1, Number: "2026-000001", Status: store.StatusOpen, Requester: "awa@example.org", Workflow: tc.before}
			tx.workflow = tc.before
			a := deskAttempt(deskAgent, "support+agent@centre.example", proofDKIM, tc.text)
			if err := desk.handle(context.Background(), tx, a, ticket); err != nil {
				t.Fatal(err)
			}
			if tx.workflow != tc.want {
				t.Errorf("workflow = %+v, want %+v", tx.workflow, tc.want)
			}
			if got := strings.Join(mailer.sent, " "); got != tc.sent {
				t.Errorf("sent %q, want %q", got, tc.sent)
			}
		})
	}
}

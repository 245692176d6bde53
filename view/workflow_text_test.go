package view

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"guichet/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestTicketTextWorkflow pins the workflow lines of the ticket view: the
// priority and assignee in French, the team, the deadlines in Paris time
// written as prose. The deadlines are chosen so that the view's
// sla_breached does not depend on today: the first answer came in time
// and the resolution clock is stopped.
func TestTicketTextWorkflow(t *testing.T) {
	d := detail()
	at := d.CreatedAt
	d.Workflow = store.Workflow{
		Priority: store.PriorityUrgent, Assignee: "moussa.fall@example.org", Team: "reseau",
		FirstResponseDue: at.Add(time.Hour), FirstResponseAt: at.Add(40 * time.Minute),
		ResolutionDue: at.Add(8 * time.Hour), ClockUsed: 2 * time.Hour,
	}
	var b bytes.Buffer
	if err := TicketText(&b, d, labels{"1.7": "Plateforme inaccessible"}, paris(t)); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "ticket_workflow.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("TicketText =\n%s\nwant (%s)\n%s", got, golden, want)
	}

	// French typography, as the rest of the view: a no-break space before
	// every colon of a label, and in the times (« 10 h 14 »).
	if loose := regexp.MustCompile(`[^\x{00a0}]:( |$)`).FindAllString(b.String(), -1); len(loose) > 0 {
		t.Errorf("colons without a no-break space before them: %q\n%s", loose, b.String())
	}
	if !regexp.MustCompile(`\d\x{00a0}h\x{00a0}\d\d`).MatchString(b.String()) {
		t.Errorf("times not written « 10 h 14 » with no-break spaces:\n%s", b.String())
	}
}

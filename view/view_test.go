package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"guichet/store"
)

type labels map[string]string

func (l labels) Label(code string) string { return l[code] }

func detail() store.TicketDetail {
	at := time.Date(2026, 11, 26, 9, 14, 3, 0, time.UTC)
	return store.TicketDetail{
		Ticket: store.Ticket{Number: "2026-000042", Subject: "Plateforme inaccessible", Status: store.StatusAnswered,
			Category: "1.7", CategorySource: "tag", Requester: "awa@example.org", CreatedAt: at, UpdatedAt: at},
		Messages: []store.Message{{Direction: store.DirIn, Kind: store.KindRequest, From: "awa@example.org",
			Subject: "[1.7] Plateforme inaccessible", MessageID: "<a@example.org>", Date: at, Text: "Bonjour",
			Attachments: []store.Attachment{{Filename: "capture.png", ContentType: "image/png", Size: 3, SHA256: "ab"}}}},
	}
}

// TestJSONShape pins the field names of docs/json.md and the empty arrays that
// scripts rely on (never null).
func TestJSONShape(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, FromDetail(detail(), labels{"1.7": "Plateforme inaccessible"})); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"number": "2026-000042", "status": "answered", "category": "1.7",
		"category_label": "Plateforme inaccessible", "category_source": "tag", "requester": "awa@example.org",
		"created_at": "2026-11-26T09:14:03Z"} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if p, ok := got["participants"].([]any); !ok || len(p) != 0 {
		t.Errorf("participants = %v, want []", got["participants"])
	}
	msgs, _ := got["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages = %v", got["messages"])
	}
	m := msgs[0].(map[string]any)
	for _, k := range []string{"direction", "kind", "from", "to", "cc", "subject", "message_id", "date", "text", "attachments"} {
		if _, ok := m[k]; !ok {
			t.Errorf("message lacks %q: %v", k, m)
		}
	}
	if cc, ok := m["cc"].([]any); !ok || len(cc) != 0 {
		t.Errorf("cc = %v, want []", m["cc"])
	}
	list := FromTicket(detail().Ticket, nil)
	if list.Messages != nil {
		t.Error("a listed ticket carries messages")
	}
}

func TestTicketTextFrench(t *testing.T) {
	var b bytes.Buffer
	if err := TicketText(&b, detail(), labels{"1.7": "Plateforme inaccessible"}, paris(t)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Demande 2026-000042", "Statut\u00a0: réponse envoyée", "Catégorie\u00a0: 1.7 Plateforme inaccessible",
		"--- Demande de awa@example.org, le jeudi 26 novembre 2026 à 10\u00a0h\u00a014\n",
		"Créée le jeudi 26 novembre 2026 à 10\u00a0h\u00a014, mise à jour le jeudi 26 novembre 2026 à 10\u00a0h\u00a014 (heure de Paris)\n",
		"Pièce jointe\u00a0: capture.png"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, " :") {
		t.Errorf("a plain space before a colon:\n%s", out)
	}
}

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestTicketListDates: the list shows local time the French way and names
// the zone in the column's heading; the JSON of the same ticket stays UTC.
func TestTicketListDates(t *testing.T) {
	cayenne, err := time.LoadLocation("America/Cayenne")
	if err != nil {
		t.Fatal(err)
	}
	tk := detail().Ticket
	for _, c := range []struct {
		name          string
		loc           *time.Location
		heading, date string
	}{
		{"Paris", paris(t), "CRÉÉE LE (HEURE DE PARIS)", "26/11/2026 10:14"},
		{"Cayenne", cayenne, "CRÉÉE LE (HEURE DE CAYENNE)", "26/11/2026 06:14"},
		{"UTC", time.UTC, "CRÉÉE LE (UTC)", "26/11/2026 09:14"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := TicketList(&b, []store.Ticket{tk}, c.loc); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(b.String(), "\n")
			if !strings.Contains(lines[0], c.heading) || !strings.Contains(lines[1], "  "+c.date+"  ") {
				t.Errorf("TicketList in %s =\n%s\nwant heading %q and date %q", c.loc, b.String(), c.heading, c.date)
			}
		})
	}
	if got := FromTicket(tk, nil).CreatedAt; got != "2026-11-26T09:14:03Z" {
		t.Errorf("JSON created_at = %q, want UTC", got)
	}
}

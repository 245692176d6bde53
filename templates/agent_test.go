package templates

import (
	"strings"
	"testing"
)

func agentCases() []struct {
	name string
	text string
	err  error
} {
	cat := &Category{Code: "2.2", Label: "Problème d'impression"}
	type rendered = struct {
		name string
		text string
		err  error
	}
	var out []rendered
	add := func(name string, s string, err error) { out = append(out, rendered{name, s, err}) }

	s, err := RenderNotification(Notification{
		CentreName: "Centre d'assistance", Event: EventNew, Number: "2026-000042",
		Subject: "L'imprimante du 2e étage bourre", Category: cat,
		Requester: "Awa Diop <awa@example.org>", Author: "Awa Diop <awa@example.org>",
		Text:        "Bonjour,\r\n\r\nL'imprimante bourre à chaque page.\r\nMerci d'avance.",
		Attachments: []AttachmentInfo{{Filename: "photo.jpg", ContentType: "image/jpeg", Size: Size(48213)}, {Filename: "journal.txt", ContentType: "text/plain", Size: Size(512)}},
	})
	add("notify-new", s, err)
	s, err = RenderNotification(Notification{
		CentreName: "Centre d'assistance", Event: EventReply, Number: "2026-000043",
		Subject: "Question", Requester: "awa@example.org", Author: "Moussa Fall <moussa@example.org>",
		Text: "Chez moi aussi.",
	})
	add("notify-reply", s, err)
	s, err = RenderNotification(Notification{
		CentreName: "Centre d'assistance", Event: EventNote, Number: "2026-000044",
		Subject: "Portail", Category: &Category{Code: "1.7", Label: "Plateforme inaccessible"},
		Requester: "awa@example.org", Author: "Agent Un <agent1@centre.example>",
		Text: "Le serveur a redémarré, à surveiller.",
	})
	add("notify-note", s, err)
	s, err = RenderResolution(Resolution{CentreName: "Centre d'assistance", Name: "Awa Diop", Number: "2026-000042", Subject: "Portail en panne"})
	add("resolved", s, err)
	s, err = RenderCommandReport(CommandReport{CentreName: "Centre d'assistance", Number: "2026-000042",
		Problems: []CommandProblem{{Line: "#fermé", Reason: ProblemUnknown}, {Line: "#catégorie 9.9", Reason: ProblemCategory, Arg: "9.9"},
			{Line: "#assigner Zoé", Reason: ProblemAgent, Arg: "Zoé"}, {Line: "#assigner", Reason: ProblemAgent},
			{Line: "#priorité énorme", Reason: ProblemPriority}}})
	add("commands", s, err)
	s, err = RenderBurst(Burst{CentreName: "Centre d'assistance", Sender: "flood@example.net", Count: 5, Threshold: 3, Minutes: 10,
		Tickets: []BurstTicket{{Number: "2026-000045", Subject: "Urgent"}, {Number: "2026-000046", Subject: "Urgent\r\nX-Injected v@x"}, {Number: "2026-000047"}}})
	add("burst", s, err)
	return out
}

func TestRenderAgentGolden(t *testing.T) {
	for _, tc := range agentCases() {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err != nil {
				t.Fatal(tc.err)
			}
			golden(t, tc.name+".txt.golden", tc.text)
		})
	}
}

func TestAgentFrenchTypography(t *testing.T) {
	for _, tc := range agentCases() {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err != nil {
				t.Fatal(tc.err)
			}
			checkTypography(t, []rune(visible(tc.text, false)))
			for _, bad := range []string{"<no value>", "{{", "}}", "%!", "\r"} {
				if strings.Contains(tc.text, bad) {
					t.Errorf("rendered text contains %q", bad)
				}
			}
			if !strings.Contains(tc.text, "2026-0000") || !strings.HasSuffix(tc.text, "Centre d'assistance\n") {
				t.Errorf("rendered text lacks the number or the centre's name:\n%s", tc.text)
			}
		})
	}
}

func TestRenderNotificationContent(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n         Notification
		want, not []string
	}{
		{"new with attachments", Notification{CentreName: "C", Event: EventNew, Number: "2026-000001", Subject: "S",
			Category: &Category{"2.2", "Problème d'impression"}, Requester: "a@x", Author: "a@x", Text: "ligne 1\nligne 2",
			Attachments: []AttachmentInfo{{"photo.jpg", "image/jpeg", "1\u00a0Ko"}}},
			[]string{"Nouvelle demande 2026-000001", "2.2 – Problème d'impression", "ligne 1\nligne 2", "photo.jpg (image/jpeg, 1\u00a0Ko)", "Demandeur\u00a0: a@x"},
			[]string{"Auteur du message", "Note interne", "aucune (à choisir)"}},
		{"reply from a participant", Notification{CentreName: "C", Event: EventReply, Number: "2026-000001", Requester: "a@x", Author: "b@x", Text: "t"},
			[]string{"Nouvelle réponse", "Auteur du message\u00a0: b@x", "aucune (à choisir)", "(sans objet)"}, []string{"Pièces jointes"}},
		{"note", Notification{CentreName: "C", Event: EventNote, Number: "2026-000001", Requester: "a@x", Author: "g@x", Text: "t"},
			[]string{"Note interne", "n'a pas été envoyée au demandeur"}, nil},
		{"hostile subject stays on its line", Notification{CentreName: "C", Event: EventNew, Number: "2026-000001", Subject: "x\r\nBcc: v@x", Requester: "a@x", Author: "a@x", Text: "t\x00u"},
			[]string{"Objet\u00a0: x Bcc: v@x", "tu"}, []string{"\nBcc:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := RenderNotification(tc.n)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("notification lacks %q:\n%s", w, s)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(s, w) {
					t.Errorf("notification holds %q:\n%s", w, s)
				}
			}
		})
	}
}

func TestRenderAgentRefusesIncompleteData(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func() error
	}{
		{"notification without number", func() error { _, err := RenderNotification(Notification{CentreName: "C", Event: EventNew}); return err }},
		{"notification with unknown event", func() error {
			_, err := RenderNotification(Notification{CentreName: "C", Number: "2026-000001", Event: "x"})
			return err
		}},
		{"resolution without centre", func() error { _, err := RenderResolution(Resolution{Number: "2026-000001"}); return err }},
		{"report without problems", func() error {
			_, err := RenderCommandReport(CommandReport{CentreName: "C", Number: "2026-000001"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.f() == nil {
				t.Errorf("want an error")
			}
		})
	}
}

func TestSize(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0\u00a0octets"}, {1023, "1023\u00a0octets"}, {1536, "1,5\u00a0Ko"}, {48213, "47,1\u00a0Ko"}, {3 << 20, "3,0\u00a0Mo"}} {
		if got := Size(tc.n); got != tc.want {
			t.Errorf("Size(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

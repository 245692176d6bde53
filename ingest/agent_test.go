package ingest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/ingest/mailparse"
	"guichet/replyaddr"
	"guichet/store"
)

// outlookReply is an agent's answer as Outlook writes it: the new text on
// top, the whole notification quoted below an Outlook header block.
func outlookReply(from, to, subject, id, parent string, parentRefs []string, text, quoted string) []byte {
	return email{
		from: from, to: to, subject: "RE: " + subject, id: id, inReplyTo: parent,
		references: strings.Join(append(append([]string{}, parentRefs...), parent), " "),
		extra:      []string{"X-Mailer: Microsoft Outlook 16.0", "Thread-Index: AQHZ"},
		body: text + "\n\nDe : Centre d'assistance <" + support + ">\nEnvoyé : jeudi 26 novembre 2026 09:00\nÀ : " + from +
			"\nObjet : " + subject + "\n\n" + quoted,
	}.raw()
}

// TestAgentScenario is the agents' whole workflow by mail, over the real
// pipeline and both stores: new ticket → notification to the team; the
// agent answers from Outlook above the quoted notification → the requester
// gets only the new text, threaded, tagged, with the attachment; #note stays
// internal; #résolu sends the notice and sets the status; the requester's
// reply reopens and notifies again.
func TestAgentScenario(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{})
			num := e.request("[2.2] Imprimante en panne", "<a1@example.org>")

			// 1. Acknowledgment to the requester, notification to team matériel.
			out := e.sent()
			if len(out) != 2 || out[0].kind != store.KindAck || out[1].kind != store.KindNotification {
				t.Fatalf("after the request: %s; want ack then notification", kinds(out))
			}
			n := out[1]
			if !slices.Equal(n.rcpt, []string{agent1}) {
				t.Errorf("notification to %v, want only team matériel %v", n.rcpt, agent1)
			}
			if want := "[Ticket#" + num + "] Nouvelle demande : Imprimante en panne"; n.m.Subject != want {
				t.Errorf("notification subject = %q, want %q", n.m.Subject, want)
			}
			if got := n.m.Header["Auto-Submitted"]; len(got) != 1 || got[0] != "auto-generated" {
				t.Errorf("notification Auto-Submitted = %v", got)
			}
			if len(n.m.ReplyTo) != 1 || n.m.ReplyTo[0].Addr != e.agentAddr(num) {
				t.Errorf("notification Reply-To = %v, want %s", n.m.ReplyTo, e.agentAddr(num))
			}
			if n.m.InReplyTo != "<a1@example.org>" {
				t.Errorf("notification In-Reply-To = %q", n.m.InReplyTo)
			}
			for _, w := range []string{"2.2 – Problème", "awa@example.org", "L'imprimante du 2e étage ne marche plus."} {
				if !strings.Contains(n.m.Text, w) {
					t.Errorf("notification lacks %q:\n%s", w, n.m.Text)
				}
			}

			// 2. The agent answers from Outlook, with an attachment.
			pdf := mailparse.Attachment{Filename: "procedure.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 procédure")}
			raw := outlookReply("Agent Un <"+agent1+">", e.agentAddr(num), n.m.Subject, "<g1@centre.example>", n.m.MessageID, n.m.References,
				"Bonjour Madame Diop,\n\nNous avons remplacé le toner : l'imprimante fonctionne.", n.m.Text)
			ans := email{}
			_ = ans
			m := mailparse.Parse(raw, mailparse.Limits{})
			raw = attachTo(raw, pdf)
			r := e.deliver(raw, store.Envelope{RcptTo: []string{e.agentAddr(num)}})
			if r.Action != ingest.Joined || r.Ticket != num {
				t.Fatalf("agent answer = %+v", r)
			}
			out = e.sent()
			if len(out) != 1 || out[0].kind != store.KindAgent {
				t.Fatalf("after the answer: %s; want one public answer", kinds(out))
			}
			a := out[0]
			if !slices.Equal(a.rcpt, []string{"awa@example.org", "moussa@example.org"}) {
				t.Errorf("answer to %v, want the requester and the Cc participant", a.rcpt)
			}
			if a.m.From.Addr != support || !strings.Contains(a.m.Subject, "[Ticket#"+num+"]") {
				t.Errorf("answer From %s subject %q", a.m.From.Addr, a.m.Subject)
			}
			if got := strings.TrimSpace(a.m.Text); got != "Bonjour Madame Diop,\n\nNous avons remplacé le toner : l'imprimante fonctionne." {
				t.Errorf("answer text = %q, want only the agent's new text (parsed agent text %q)", got, m.Text)
			}
			for _, leak := range []string{"Nouvelle demande", "De :", "Pour répondre publiquement", e.agentAddr(num)} {
				if strings.Contains(a.raw, leak) {
					t.Errorf("answer leaks %q", leak)
				}
			}
			if a.m.InReplyTo != "<a1@example.org>" || !slices.Contains(a.m.References, "<a1@example.org>") {
				t.Errorf("answer threading In-Reply-To %q References %v", a.m.InReplyTo, a.m.References)
			}
			for _, ref := range a.m.References {
				if ref == n.m.MessageID {
					t.Errorf("answer References name the agents-only notification %s", ref)
				}
			}
			if len(a.m.Attachments) != 1 || a.m.Attachments[0].Filename != "procedure.pdf" || string(a.m.Attachments[0].Data) != string(pdf.Data) {
				t.Errorf("answer attachments = %+v, want procedure.pdf passed on", a.m.Attachments)
			}
			if len(a.m.Header["Auto-Submitted"]) != 0 {
				t.Errorf("a human answer carries Auto-Submitted")
			}
			d := e.ticket(num)
			if d.Status != store.StatusAnswered {
				t.Errorf("status after the answer = %s, want answered", d.Status)
			}
			if k := lastIncoming(d, "<g1@centre.example>"); k == nil || k.Kind != store.KindAgent {
				t.Errorf("agent's message not stored as kind agent: %+v", k)
			}

			// 3. An internal note, by the signed address and #note.
			r = e.deliver(email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "]", id: "<g2@centre.example>",
				body: "#note\nLe fournisseur passe demain, ne pas clore."}.raw(), store.Envelope{RcptTo: []string{e.agentAddr(num)}})
			out = e.sent()
			if len(out) != 1 || out[0].kind != store.KindNotification || slices.Contains(out[0].rcpt, "awa@example.org") {
				t.Fatalf("after the note: %s; want one notification to other agents", kinds(out))
			}
			if !strings.Contains(out[0].m.Text, "Le fournisseur passe demain") || strings.Contains(out[0].m.Text, "#note\n") {
				t.Errorf("note notification text:\n%s", out[0].m.Text)
			}
			if slices.Contains(out[0].rcpt, agent1) {
				t.Errorf("the note's author is notified of their own note")
			}
			d = e.ticket(num)
			if k := lastIncoming(d, "<g2@centre.example>"); k == nil || k.Kind != store.KindNote || d.Status != store.StatusAnswered {
				t.Errorf("note stored as %+v, status %s", k, d.Status)
			}

			// 4. #résolu alone: the notice, no empty answer.
			e.deliver(email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "]", id: "<g3@centre.example>",
				references: "<a1@example.org>", body: "#Résolu\n"}.raw(), store.Envelope{RcptTo: []string{e.agentAddr(num)}})
			out = e.sent()
			if len(out) != 1 || out[0].kind != store.KindNotification || !slices.Equal(out[0].rcpt, []string{"awa@example.org"}) {
				t.Fatalf("after #résolu: %s; want only the resolution notice to the requester", kinds(out))
			}
			notice := out[0]
			if !strings.Contains(notice.m.Text, "résolue") || !strings.Contains(notice.m.Text, "répondez simplement à ce message") {
				t.Errorf("resolution notice does not say how to reopen:\n%s", notice.m.Text)
			}
			if len(notice.m.ReplyTo) != 1 || notice.m.ReplyTo[0].Addr != e.signer.Address(num, "requester") {
				t.Errorf("notice Reply-To = %v", notice.m.ReplyTo)
			}
			if d = e.ticket(num); d.Status != store.StatusResolved {
				t.Errorf("status after #résolu = %s", d.Status)
			}

			// 5. The requester replies to the notice: reopened, agents notified.
			r = e.deliver(email{from: "awa@example.org", to: e.signer.Address(num, "requester"), subject: "RE: " + notice.m.Subject,
				id: "<a2@example.org>", inReplyTo: notice.m.MessageID, body: "Elle est de nouveau en panne."}.raw(),
				store.Envelope{RcptTo: []string{e.signer.Address(num, "requester")}})
			if r.Action != ingest.Joined || r.Ticket != num {
				t.Fatalf("requester reply = %+v", r)
			}
			if d = e.ticket(num); d.Status != store.StatusOpen {
				t.Errorf("status after the requester's reply = %s, want open", d.Status)
			}
			out = e.sent()
			if len(out) != 1 || out[0].kind != store.KindNotification || !slices.Equal(out[0].rcpt, []string{agent1}) ||
				!strings.HasPrefix(out[0].m.Subject, "[Ticket#"+num+"] Nouvelle réponse : ") {
				t.Fatalf("after the requester's reply: %s; want a « Nouvelle réponse » to agent1", kinds(out))
			}
		})
	}
}

// attachTo turns a single-part text message into multipart/mixed with a.
func attachTo(raw []byte, a mailparse.Attachment) []byte {
	s := string(raw)
	head, body, _ := strings.Cut(s, "\r\n\r\n")
	head = strings.Replace(head, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit", "Content-Type: multipart/mixed; boundary=\"b1\"", 1)
	m := email{attach: []mailparse.Attachment{a}}
	_ = m
	return []byte(head + "\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body +
		"--b1\r\nContent-Type: " + a.ContentType + "\r\nContent-Disposition: attachment; filename=\"" + a.Filename +
		"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(a.Data) + "\r\n--b1--\r\n")
}

// TestAgentCommands covers each command, its alias, and the failures that
// are reported to the agent instead of being carried out.
func TestAgentCommands(t *testing.T) {
	cases := []struct {
		name        string
		body        string
		from        store.Status // status before the agent's message
		status      store.Status
		category    string
		kinds       []store.Kind // outbound kinds, in order
		toRequester bool         // some outbound message goes to the requester
		stored      store.Kind
	}{
		{"résolu with text: one message", "#résolu\nC'est réparé.", store.StatusOpen, store.StatusResolved, "2.2", []store.Kind{store.KindAgent}, true, store.KindAgent},
		{"resolved alias, no text", "#RESOLVED", store.StatusOpen, store.StatusResolved, "2.2", []store.Kind{store.KindNotification}, true, store.KindAgent},
		{"clos", "#clos", store.StatusAnswered, store.StatusClosed, "2.2", nil, false, store.KindAgent},
		{"closed alias", "  #Closed  \n", store.StatusAnswered, store.StatusClosed, "2.2", nil, false, store.KindAgent},
		{"rouvrir", "#rouvrir", store.StatusResolved, store.StatusOpen, "2.2", nil, false, store.KindAgent},
		{"reopen alias", "#reopen", store.StatusClosed, store.StatusOpen, "2.2", nil, false, store.KindAgent},
		{"attente keeps the ticket waiting for the requester", "#attente", store.StatusOpen, store.StatusAnswered, "2.2", nil, false, store.KindAgent},
		{"pending alias", "#PENDING", store.StatusOpen, store.StatusAnswered, "2.2", nil, false, store.KindAgent},
		{"catégorie", "#catégorie 1.7", store.StatusOpen, store.StatusOpen, "1.7", nil, false, store.KindAgent},
		{"category alias with a dash", "#Category 3-1\nJe transfère au réseau.", store.StatusOpen, store.StatusAnswered, "3.1", []store.Kind{store.KindAgent}, true, store.KindAgent},
		{"note", "#note\nÀ voir.", store.StatusOpen, store.StatusOpen, "2.2", []store.Kind{store.KindNotification}, false, store.KindNote},
		{"unknown command reported, nothing done", "#fermer\nMerci.", store.StatusOpen, store.StatusOpen, "2.2", []store.Kind{store.KindNotification}, false, store.KindNote},
		{"unknown category reported", "#catégorie 9.9\n#résolu", store.StatusOpen, store.StatusOpen, "2.2", []store.Kind{store.KindNotification}, false, store.KindNote},
		{"category without code reported", "#catégorie", store.StatusOpen, store.StatusOpen, "2.2", []store.Kind{store.KindNotification}, false, store.KindNote},
		{"mistyped note never reaches the requester", "#nte\nTexte interne.", store.StatusOpen, store.StatusOpen, "2.2", []store.Kind{store.KindNotification}, false, store.KindNote},
		{"argument to a plain command reported", "#résolu merci", store.StatusOpen, store.StatusOpen, "2.2", []store.Kind{store.KindNotification}, false, store.KindNote},
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{})
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					num := e.request("[2.2] Imprimante", "<req"+string(rune('a'+i))+"@example.org>")
					if tc.from != store.StatusOpen {
						e.setStatus(num, tc.from)
					}
					e.sent()
					id := "<cmd" + string(rune('a'+i)) + "@centre.example>"
					r := e.deliver(email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "]", id: id, body: tc.body}.raw(),
						store.Envelope{RcptTo: []string{e.agentAddr(num)}})
					if r.Action != ingest.Joined || r.Ticket != num {
						t.Fatalf("Deliver = %+v", r)
					}
					d := e.ticket(num)
					if d.Status != tc.status || d.Category != tc.category {
						t.Errorf("status %s category %s, want %s %s", d.Status, d.Category, tc.status, tc.category)
					}
					if tc.category != "2.2" && d.CategorySource != "agent" {
						t.Errorf("category source %q, want agent", d.CategorySource)
					}
					if k := lastIncoming(d, id); k == nil || k.Kind != tc.stored {
						t.Errorf("agent message stored as %+v, want kind %s", k, tc.stored)
					}
					out := e.sent()
					var got []store.Kind
					toRequester := false
					for _, o := range out {
						got = append(got, o.kind)
						toRequester = toRequester || slices.Contains(o.rcpt, "awa@example.org")
						if o.kind == store.KindAgent && strings.Contains("\n"+o.m.Text, "\n#") {
							t.Errorf("command line sent to the requester:\n%s", o.m.Text)
						}
					}
					if tc.status == store.StatusResolved && len(out) == 1 && out[0].kind == store.KindAgent {
						// One message: the answer, then the resolution notice.
						if a, n := strings.Index(out[0].m.Text, "C'est réparé."), strings.Index(out[0].m.Text, "considérée comme résolue"); a < 0 || n < a {
							t.Errorf("resolving answer is not the text then the notice:\n%s", out[0].m.Text)
						}
					}
					if !slices.Equal(got, tc.kinds) || toRequester != tc.toRequester {
						t.Errorf("sent %s; want kinds %v, to requester %v", kinds(out), tc.kinds, tc.toRequester)
					}
					if tc.stored == store.KindNote && tc.name != "note" {
						// The failure report goes to the agent, in French.
						if len(out) != 1 || !slices.Equal(out[0].rcpt, []string{agent1}) || !strings.Contains(out[0].m.Text, "n'a pas été envoyé au demandeur") {
							t.Errorf("no report to the agent: %s", kinds(out))
						}
					}
				})
			}
		})
	}
}

// TestNotificationRouting: teams receive their groups' categories; other
// categories, and tickets without one, go to every agent; nobody is told
// of their own message. Past three requests from one sender in a few
// minutes agents hear of a burst instead: the later cases come from others.
func TestNotificationRouting(t *testing.T) {
	cases := []struct {
		name, from, subject string
		want                []string
	}{
		{"group 2 to team matériel", "awa@example.org", "[2.2] Imprimante", []string{agent1}},
		{"group 6 to team matériel too", "awa@example.org", "[6.1] Hébergement", []string{agent1}},
		{"group 1 to team logiciel", "awa@example.org", "[1.7] Portail", []string{agent2}},
		{"unrouted group to all", "binta@example.org", "[4.3] Question", []string{agent1, agent2, agent3}},
		{"no category to all", "moussa@example.org", "Bonjour", []string{agent1, agent2, agent3}},
		{"an agent's own request is not notified to them", agent2, "[1.7] Portail", nil},
		{"an agent's own request, unrouted", agent3, "Bonjour", []string{agent1, agent2}},
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{})
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					e.deliver(email{from: tc.from, subject: tc.subject, id: "<route" + string(rune('a'+i)) + "@example.org>", body: "Texte."}.raw(),
						store.Envelope{RcptTo: []string{support}})
					var got []string
					for _, o := range e.sent() {
						if o.kind == store.KindNotification {
							got = append(got, o.rcpt...)
						}
					}
					if !slices.Equal(got, tc.want) {
						t.Errorf("notified %v, want %v", got, tc.want)
					}
				})
			}
		})
	}
}

// TestReopen: a requester's reply reopens a resolved ticket and a recently
// closed one; to a ticket closed longer than ReopenAfterClose it opens a
// new ticket linked to the old one.
func TestReopen(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{ReopenAfterClose: 30 * 24 * time.Hour})
			for i, tc := range []struct {
				name    string
				status  store.Status
				wait    time.Duration
				action  ingest.Action
				linked  bool
				wantOld store.Status

				signed bool // through the signed reply address: verified
			}{
				{"resolved reopens", store.StatusResolved, 40 * 24 * time.Hour, ingest.Joined, false, store.StatusOpen, true},
				{"closed recently reopens", store.StatusClosed, 29 * 24 * time.Hour, ingest.Joined, false, store.StatusOpen, true},
				{"closed long ago opens a linked ticket", store.StatusClosed, 31 * 24 * time.Hour, ingest.Created, true, store.StatusClosed, true},
				// docs/threading.md, "Trust": an unverified reply joins, reopens nothing.
				{"unverified: resolved stays resolved", store.StatusResolved, time.Hour, ingest.Joined, false, store.StatusResolved, false},
				{"unverified: closed stays closed", store.StatusClosed, time.Hour, ingest.Joined, false, store.StatusClosed, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					num := e.request("[2.2] Imprimante", "<reo"+string(rune('a'+i))+"@example.org>")
					e.setStatus(num, tc.status)
					e.now = e.now.Add(tc.wait)
					to := support
					if tc.signed {
						to = e.signer.Address(num, replyaddr.RoleRequester)
					}
					r := e.deliver(email{from: "awa@example.org", to: to, subject: "RE: [Ticket#" + num + "] Imprimante", id: "<reo-r" + string(rune('a'+i)) + "@example.org>",
						body: "Encore en panne."}.raw(), store.Envelope{RcptTo: []string{to}})
					if r.Action != tc.action || (r.LinkedTo == num) != tc.linked {
						t.Errorf("reply = %+v, want %s linked=%v", r, tc.action, tc.linked)
					}
					if d := e.ticket(num); d.Status != tc.wantOld {
						t.Errorf("old ticket status %s, want %s", d.Status, tc.wantOld)
					}
				})
			}
		})
	}
}

// TestAgentLoops: our notifications coming back open nothing and get no
// acknowledgment; an agent's out-of-office sent to the signed address is
// kept as a note and passed on to nobody.
func TestAgentLoops(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{})
			num := e.request("[2.2] Imprimante", "<loop1@example.org>")
			var notif sentMail
			for _, o := range e.sent() {
				if o.kind == store.KindNotification {
					notif = o
				}
			}
			if notif.m == nil {
				t.Fatal("no notification")
			}
			// A copy of it (a forward, a relay's bounce copy) under a new
			// Message-ID: from our own address, it opens nothing.
			copied := strings.Replace(notif.raw, notif.m.MessageID, "<copy@relay.example>", 1)
			r := e.deliver([]byte(copied), store.Envelope{RcptTo: []string{support}, MailFrom: support})
			if r.Action != ingest.Unticketed {
				t.Errorf("our notification delivered back = %+v, want unticketed", r)
			}
			oof := email{from: agent1, to: e.agentAddr(num), subject: "Réponse automatique : " + notif.m.Subject, id: "<oof@centre.example>",
				extra: []string{"Auto-Submitted: auto-replied"}, body: "Je suis absent jusqu'au 30 novembre."}.raw()
			r = e.deliver(oof, store.Envelope{RcptTo: []string{e.agentAddr(num)}})
			if r.Action != ingest.Joined || r.Ticket != num {
				t.Fatalf("out-of-office = %+v", r)
			}
			if out := e.sent(); len(out) != 0 {
				t.Errorf("sent after our own notification and an out-of-office: %s", kinds(out))
			}
			d := e.ticket(num)
			if k := lastIncoming(d, "<oof@centre.example>"); k == nil || k.Kind != store.KindNote || d.Status != store.StatusOpen {
				t.Errorf("out-of-office stored as %+v, status %s", k, d.Status)
			}
		})
	}
}

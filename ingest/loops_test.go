package ingest_test

import (
	"fmt"
	"strings"
	"testing"

	"guichet/ingest"
	"guichet/store"
)

// A notification to an agent whose mailbox bounces: the DSN comes back to
// support@ (our envelope sender) and opens a ticket, which notifies agents
// again, which bounces again...
func TestNoLoopOnBouncedNotification(t *testing.T) {
	e := newAgentEnv(t, openStore(t, store.Options{DataDir: t.TempDir()}), ingest.Options{})
	e.request("[2.2] Imprimante en panne", "<a1@example.org>")
	out := e.sent()
	var notif sentMail
	for _, o := range out {
		if o.kind == store.KindNotification {
			notif = o
		}
	}
	for round := 0; round < 4; round++ {
		dsn := fmt.Sprintf("From: Mail Delivery System <MAILER-DAEMON@mx.centre.example>\r\n"+
			"To: %s\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn%d@mx.centre.example>\r\n"+
			"Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"+
			"--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. <%s>: mailbox full\r\n"+
			"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.2.2\r\n"+
			"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: %s\r\nMessage-ID: %s\r\n--B--\r\n",
			support, round, notif.rcpt[0], notif.rcpt[0], notif.m.Subject, notif.m.MessageID)
		r := e.deliver([]byte(dsn), store.Envelope{RcptTo: []string{support}, MailFrom: "<>"})
		t.Logf("round %d: bounce -> %+v", round, r)
		out = e.sent()
		t.Logf("round %d: queued %s", round, kinds(out))
		found := false
		for _, o := range out {
			if o.kind == store.KindNotification {
				notif, found = o, true
			}
		}
		if !found {
			return
		}
	}
	t.Errorf("each bounce of an agent notification opened a ticket and queued a new notification to agents: a mail loop")
}

// An agent's out-of-office answers our notification at support@ (RFC 3834
// answers the envelope sender), keeping the tag in the subject.
func TestAgentOutOfOfficeAtSupportOpensNothing(t *testing.T) {
	e := newAgentEnv(t, openStore(t, store.Options{DataDir: t.TempDir()}), ingest.Options{})
	num := e.request("Question sans catégorie", "<a2@example.org>")
	var notif sentMail
	for _, o := range e.sent() {
		if o.kind == store.KindNotification {
			notif = o
		}
	}
	oof := email{from: agent2, to: support, subject: "Réponse automatique : " + notif.m.Subject, id: "<oof2@centre.example>",
		inReplyTo: notif.m.MessageID, extra: []string{"Auto-Submitted: auto-replied"}, body: "Je suis absent."}.raw()
	r := e.deliver(oof, store.Envelope{RcptTo: []string{support}, MailFrom: agent2})
	t.Logf("ticket %s; OOF -> %+v; queued: %s", num, r, kinds(e.sent()))
	if r.Action == ingest.Created {
		t.Errorf("an agent's out-of-office opened ticket %s", r.Ticket)
	}
}

// Agent 1 writes an internal note; agent 2 answers the note's notification
// with his client's Reply: it goes out to the requester.
func TestReplyToNoteNotificationStaysInternal(t *testing.T) {
	e := newAgentEnv(t, openStore(t, store.Options{DataDir: t.TempDir()}), ingest.Options{})
	num := e.request("Question sans catégorie", "<n1@example.org>")
	e.sent()
	note := email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "] x", id: "<note1@centre.example>",
		body: "#note\nCe demandeur a déjà eu trois prêts non rendus, ne pas lui en accorder."}.raw()
	r := e.deliver(note, store.Envelope{RcptTo: []string{e.agentAddr(num)}})
	var nn sentMail
	for _, o := range e.sent() {
		if o.kind == store.KindNotification {
			nn = o
		}
	}
	t.Logf("note -> %+v; note notification Reply-To=%v to %v", r, nn.m.ReplyTo, nn.rcpt)
	reply := outlookReply("Agent Deux <"+agent2+">", nn.m.ReplyTo[0].Addr, nn.m.Subject, "<g2@centre.example>", nn.m.MessageID, nn.m.References,
		"D'accord, pas de prêt pour lui.", nn.m.Text)
	r = e.deliver(reply, store.Envelope{RcptTo: []string{nn.m.ReplyTo[0].Addr}})
	out := e.sent()
	t.Logf("reply to note -> %+v; queued %s", r, kinds(out))
	for _, o := range out {
		if o.kind == store.KindAgent {
			t.Errorf("a reply to an internal-note notification was sent to the requester %v:\n%s", o.rcpt, o.m.Text)
		}
	}
}

// An agent answers a monitoring incident: nothing goes to the monitoring
// system, the incident's "requester".
func TestIncidentAnswerNotMailedToMonitoring(t *testing.T) {
	e := newAgentEnv(t, openStore(t, store.Options{DataDir: t.TempDir()}), ingest.Options{})
	al := email{from: "nagios@mon.centre.example", to: "alertes@centre.example", subject: "** PROBLEM Service Alert: web01/HTTP is CRITICAL **",
		id: "<al1@mon>", body: "***** Nagios *****\n\nNotification Type: PROBLEM\n\nService: HTTP\nHost: web01\nState: CRITICAL\n"}.raw()
	r := e.deliver(al, store.Envelope{RcptTo: []string{"alertes@centre.example"}, MailFrom: "nagios@mon.centre.example"})
	t.Logf("alert -> %+v; queued %s", r, kinds(e.sent()))
	ans := email{from: agent1, to: e.agentAddr(r.Ticket), subject: "RE: [Ticket#" + r.Ticket + "] x", id: "<ag1@centre.example>",
		body: "#résolu\nRedémarré Apache."}.raw()
	r2 := e.deliver(ans, store.Envelope{RcptTo: []string{e.agentAddr(r.Ticket)}})
	out := e.sent()
	t.Logf("agent -> %+v; queued %s", r2, kinds(out))
	for _, o := range out {
		for _, rc := range o.rcpt {
			if rc == "nagios@mon.centre.example" {
				t.Errorf("%s sent to the monitoring sender", o.kind)
			}
		}
	}
}

// A vacation notice that only its text reveals, sent by a mailbox that is
// no participant in answer to one of our messages: it opens a linked ticket
// (nothing is lost) but gets no acknowledgment. The same text as a new
// request, answering nothing of ours, is a person's and is acknowledged.
func TestVacationTextAnsweringOurMailGetsNoAcknowledgment(t *testing.T) {
	const body = "Bonjour,\n\nJe suis absente du bureau jusqu'au lundi 14 décembre inclus, avec un accès " +
		"limité à ma messagerie.\nPour toute urgence, merci de contacter mon collègue au 01 23 45 67 89.\n\nCordialement,\nClaire"
	for _, tc := range []struct {
		name      string
		answersUs bool
		wantNoAck bool
	}{
		{name: "answers our mail", answersUs: true, wantNoAck: true},
		{name: "new request", answersUs: false, wantNoAck: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAgentEnv(t, openStore(t, store.Options{DataDir: t.TempDir()}), ingest.Options{MessageIDHost: "centre.example"})
			num := e.request("Question sans catégorie", "<v1@example.org>")
			mail := email{from: "Claire Martin <claire@ailleurs.example>", subject: "Absence", id: "<v2@ailleurs.example>", body: body}
			if tc.answersUs {
				var ack string
				for _, m := range e.ticket(num).Messages {
					if m.Kind == store.KindAck {
						ack = m.MessageID
					}
				}
				if !strings.HasSuffix(ack, "@centre.example>") {
					t.Fatalf("acknowledgment Message-ID = %q, want one of ours (@centre.example)", ack)
				}
				mail.subject, mail.inReplyTo = "RE: [Ticket#"+num+"] Accusé de réception", ack
			}
			r := e.deliver(mail.raw(), store.Envelope{RcptTo: []string{support}})
			if r.Action != ingest.Created {
				t.Fatalf("Deliver = %+v, want a ticket of its own", r)
			}
			noAck := strings.Contains(r.Reason, "no acknowledgment")
			if noAck != tc.wantNoAck {
				t.Errorf("Deliver = %+v: no acknowledgment = %v, want %v", r, noAck, tc.wantNoAck)
			}
		})
	}
}

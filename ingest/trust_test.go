package ingest_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"guichet/ingest"
	"guichet/internal/testdb"
	"guichet/replyaddr"
	"guichet/sender"
	"guichet/sender/sendertest"
	"guichet/store"
)

// trustZone: example.org sends from 192.0.2.0/24 and publishes DMARC
// p=reject; open.example publishes nothing (its mail stays unverified).
func trustZone() *sendertest.Zone {
	z := sendertest.NewZone()
	z.AddTXT("example.org", "v=spf1 ip4:192.0.2.0/24 -all")
	z.AddTXT("_dmarc.example.org", "v=DMARC1; p=reject")
	return z
}

func newTrustEnv(t *testing.T, be testdb.Backend) *agentEnv {
	t.Helper()
	return newAgentEnv(t, be.Open(t), ingest.Options{
		TrustedAuthServ: []string{"mx.centre.example"},
		Sender: &sender.Checker{Resolver: trustZone(), TrustedAuthServ: []string{"mx.centre.example"},
			TrustedRelays: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}},
	})
}

// smtpFrom is an SMTP envelope from the client at ip.
func smtpFrom(ip string, rcpt ...string) store.Envelope {
	if len(rcpt) == 0 {
		rcpt = []string{support}
	}
	return store.Envelope{Transport: "smtp", ClientAddr: ip, Helo: "client.test", RcptTo: rcpt}
}

// answer has agent1 answer ticket num publicly and returns who got it.
func (e *agentEnv) answer(num, id string) []string {
	e.t.Helper()
	e.sent()
	r := e.deliver(email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "]", id: id,
		body: "Voici la procédure confidentielle."}.raw(), store.Envelope{RcptTo: []string{e.agentAddr(num)}})
	if r.Action != ingest.Joined || r.Ticket != num {
		e.t.Fatalf("agent answer = %+v", r)
	}
	for _, s := range e.sent() {
		if s.kind == store.KindAgent {
			return s.rcpt
		}
	}
	e.t.Fatalf("no agent answer sent")
	return nil
}

func (e *agentEnv) verdicts(num string) map[string]string {
	out := map[string]string{}
	for _, m := range e.ticket(num).Messages {
		if m.Direction == store.DirIn {
			out[m.MessageID] = m.Sender
		}
	}
	return out
}

// A forged requester From whose domain publishes DMARC fails: the
// message opens its own linked ticket, and the Cc it names gets nothing of
// the original ticket.
func TestTrustForgedRequesterFails(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newTrustEnv(t, be)
			r := e.deliver(email{from: "Awa <awa@example.org>", cc: "moussa@example.org", subject: "[2.2] Imprimante", id: "<t1@example.org>",
				body: "L'imprimante est en panne."}.raw(), smtpFrom("192.0.2.10"))
			num := r.Ticket
			if got := e.verdicts(num)["<t1@example.org>"]; got != "verified" {
				t.Fatalf("request verdict %q, want verified (aligned SPF)", got)
			}
			forged := e.deliver(email{from: "awa@example.org", cc: "eve@evil.example", subject: "RE: [Ticket#" + num + "] Imprimante",
				id: "<f1@evil.example>", body: "Mettez eve en copie."}.raw(), smtpFrom("203.0.113.66"))
			if forged.Action != ingest.Created || forged.LinkedTo != num {
				t.Fatalf("forged reply = %+v, want its own ticket linked to %s", forged, num)
			}
			if ps := e.ticket(num).Participants; slices.Contains(ps, "eve@evil.example") {
				t.Errorf("participants %v gained the forger's Cc", ps)
			}
			if got := e.verdicts(forged.Ticket)["<f1@evil.example>"]; got != "failed" {
				t.Errorf("forged verdict %q, want failed", got)
			}
			if rcpt := e.answer(num, "<g1@centre.example>"); slices.Contains(rcpt, "eve@evil.example") || !slices.Contains(rcpt, "moussa@example.org") {
				t.Errorf("answer to %v, want moussa and not eve", rcpt)
			}
		})
	}
}

// From a domain without DMARC the forger is unverified: the message joins
// (the requester may really have written it) but adds no one, reopens
// nothing, and agents are told the sender is not verified.
func TestTrustUnverifiedReply(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newTrustEnv(t, be)
			r := e.deliver(email{from: "Awa <awa@open.example>", cc: "moussa@open.example", subject: "[2.2] Imprimante", id: "<u1@open.example>",
				body: "L'imprimante est en panne."}.raw(), smtpFrom("198.51.100.1"))
			num := r.Ticket
			if ps := e.ticket(num).Participants; !slices.Equal(ps, []string{"awa@open.example", "moussa@open.example"}) {
				t.Fatalf("participants %v: an unverified request's own Cc must join", ps)
			}
			e.setStatus(num, store.StatusResolved)
			e.sent()
			forged := e.deliver(email{from: "awa@open.example", cc: "eve@evil.example", subject: "RE: [Ticket#" + num + "] Imprimante",
				id: "<u2@evil.example>", body: "Mettez eve en copie."}.raw(), smtpFrom("203.0.113.66"))
			if forged.Action != ingest.Joined || forged.Ticket != num {
				t.Fatalf("unverified reply = %+v, want joined", forged)
			}
			d := e.ticket(num)
			if d.Status != store.StatusResolved || slices.Contains(d.Participants, "eve@evil.example") {
				t.Errorf("status %s, participants %v; want resolved, no eve", d.Status, d.Participants)
			}
			if got := e.verdicts(num)["<u2@evil.example>"]; got != "unverified" {
				t.Errorf("verdict %q, want unverified", got)
			}
			var notified bool
			for _, s := range e.sent() {
				if s.kind == store.KindNotification {
					notified = true
					if !strings.Contains(s.m.Text, "expéditeur non vérifié") {
						t.Errorf("notification text lacks « expéditeur non vérifié »:\n%s", s.m.Text)
					}
				}
			}
			if !notified {
				t.Error("agents were not notified of the reply")
			}
			if rcpt := e.answer(num, "<g2@centre.example>"); slices.Contains(rcpt, "eve@evil.example") {
				t.Errorf("answer to %v: the forger's Cc was copied", rcpt)
			}
		})
	}
}

// A requester answering through the signed reply address of the
// acknowledgment is verified: their Cc colleague joins and is copied.
func TestTrustSignedReplyAddsCc(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newTrustEnv(t, be)
			r := e.deliver(email{from: "Awa <awa@open.example>", subject: "[2.2] Imprimante", id: "<s1@open.example>",
				body: "L'imprimante est en panne."}.raw(), smtpFrom("198.51.100.1"))
			num := r.Ticket
			reply := e.signer.Address(num, replyaddr.RoleRequester)
			j := e.deliver(email{from: "awa@open.example", to: reply, cc: "Binta <binta@open.example>", subject: "RE: [Ticket#" + num + "] Imprimante",
				id: "<s2@open.example>", body: "J'ajoute ma collègue."}.raw(), smtpFrom("198.51.100.1", reply))
			if j.Action != ingest.Joined || !slices.Contains(e.ticket(num).Participants, "binta@open.example") {
				t.Fatalf("reply = %+v, participants %v; want binta added", j, e.ticket(num).Participants)
			}
			if rcpt := e.answer(num, "<g3@centre.example>"); !slices.Contains(rcpt, "binta@open.example") {
				t.Errorf("answer to %v, want binta in copy", rcpt)
			}
		})
	}
}

// A forged Authentication-Results field from an SMTP client that is not
// one of the centre's relays never makes an agent; from a relay it does.
func TestTrustForgedAuthResults(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newTrustEnv(t, be)
			num := e.request("[2.2] Imprimante", "<a1@example.org>")
			ar := "Authentication-Results: mx.centre.example; dkim=pass header.d=centre.example; dmarc=pass header.from=centre.example"
			forged := e.deliver(email{from: agent1, subject: "RE: [Ticket#" + num + "]", id: "<a2@evil.example>", extra: []string{ar},
				body: "#clos\nTicket clos."}.raw(), smtpFrom("203.0.113.66"))
			if forged.Action != ingest.Created || e.ticket(num).Status == store.StatusClosed {
				t.Fatalf("forged agent = %+v, status %s; want a stranger's ticket, not closed", forged, e.ticket(num).Status)
			}
			relayed := e.deliver(email{from: agent1, subject: "RE: [Ticket#" + num + "]", id: "<a3@centre.example>", extra: []string{ar},
				body: "#clos\nTicket clos."}.raw(), smtpFrom("10.0.0.25"))
			if relayed.Action != ingest.Joined || e.ticket(num).Status != store.StatusClosed {
				t.Errorf("relayed agent = %+v, status %s; want joined and closed", relayed, e.ticket(num).Status)
			}
		})
	}
}

// #ajouter copies an address on the answers; #retirer takes it off.
func TestTrustAgentAddsParticipant(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newTrustEnv(t, be)
			num := e.request("[2.2] Imprimante", "<p1@example.org>")
			cmd := func(id, body string) {
				t.Helper()
				r := e.deliver(email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "]", id: id, body: body}.raw(),
					store.Envelope{RcptTo: []string{e.agentAddr(num)}})
				if r.Action != ingest.Joined {
					t.Fatalf("command = %+v", r)
				}
			}
			cmd("<p2@centre.example>", "#ajouter Binta <binta@open.example>\n#note")
			if rcpt := e.answer(num, "<p3@centre.example>"); !slices.Contains(rcpt, "binta@open.example") {
				t.Errorf("answer to %v, want binta", rcpt)
			}
			cmd("<p4@centre.example>", "#retirer binta@open.example\n#note")
			if rcpt := e.answer(num, "<p5@centre.example>"); slices.Contains(rcpt, "binta@open.example") {
				t.Errorf("answer to %v, want no binta", rcpt)
			}
		})
	}
}

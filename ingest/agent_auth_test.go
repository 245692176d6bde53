package ingest_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"guichet/ingest"
	"guichet/store"
)

// dkimKeys signs test mail and answers the key lookups offline.
type dkimKeys struct {
	txt  map[string]string
	keys map[string]ed25519.PrivateKey
}

func newDKIMKeys(t *testing.T, domains ...string) *dkimKeys {
	t.Helper()
	k := &dkimKeys{txt: map[string]string{}, keys: map[string]ed25519.PrivateKey{}}
	for _, d := range domains {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k.keys[d] = priv
		k.txt["s1._domainkey."+d] = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	}
	return k
}

func (k *dkimKeys) lookup(name string) ([]string, error) {
	if v, ok := k.txt[name]; ok {
		return []string{v}, nil
	}
	return nil, errors.New("no such TXT record (offline test resolver)")
}

func (k *dkimKeys) sign(t *testing.T, raw []byte, domain string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := dkim.Sign(&b, bytes.NewReader(raw), &dkim.SignOptions{Domain: domain, Selector: "s1", Signer: k.keys[domain]}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAgentIdentity: a declared agent's From is not enough. Only the
// ticket's signed agent address, a DKIM signature of the agent's domain, a
// trusted Authentication-Results field or the API make a message an
// agent's; anything else is a stranger's: a new linked ticket, nothing sent
// to the requester, the ticket unchanged.
func TestAgentIdentity(t *testing.T) {
	const trusted = "mx.centre.example"
	keys := newDKIMKeys(t, "centre.example", "evil.example")
	type input struct {
		raw []byte
		env store.Envelope
	}
	cases := []struct {
		name  string
		make  func(e *agentEnv, num string, base email) input
		agent bool
	}{
		{"signed agent address", func(e *agentEnv, num string, m email) input {
			m.to = e.agentAddr(num)
			return input{m.raw(), store.Envelope{RcptTo: []string{e.agentAddr(num)}}}
		}, true},
		{"signed agent address in To only (IMAP)", func(e *agentEnv, num string, m email) input {
			m.to = e.agentAddr(num)
			return input{m.raw(), store.Envelope{Transport: "imap", Mailbox: "INBOX"}}
		}, true},
		{"forged From with the tag only", func(e *agentEnv, num string, m email) input {
			return input{m.raw(), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"forged From with another ticket's signed address", func(e *agentEnv, num string, m email) input {
			other := e.request("[2.2] Autre", "<other-"+num+"@example.org>")
			e.sent()
			m.to = e.agentAddr(other)
			return input{m.raw(), store.Envelope{RcptTo: []string{e.agentAddr(other)}}}
		}, false},
		{"forged From with the requester's signed address", func(e *agentEnv, num string, m email) input {
			m.to = e.signer.Address(num, "requester")
			return input{m.raw(), store.Envelope{RcptTo: []string{m.to}}}
		}, false},
		// Through IMAP, the topmost field of a trusted authserv-id counts;
		// on our own SMTP receiver, a client that is not one of the
		// centre's relays writes what it likes (RFC 8601 §5).
		{"trusted Authentication-Results dkim=pass", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: "+trusted+"; dkim=pass header.d=centre.example header.s=s1")
			return input{m.raw(), store.Envelope{Transport: "imap", Mailbox: "INBOX"}}
		}, true},
		{"trusted Authentication-Results dmarc=pass", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: "+trusted+"; spf=pass smtp.mailfrom=centre.example; dmarc=pass header.from=centre.example")
			return input{m.raw(), store.Envelope{Transport: "imap", Mailbox: "INBOX"}}
		}, true},
		{"trusted Authentication-Results from an SMTP client", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: "+trusted+"; dmarc=pass header.from=centre.example")
			return input{m.raw(), store.Envelope{RcptTo: []string{support}, ClientAddr: "198.51.100.66"}}
		}, false},
		{"trusted Authentication-Results below the topmost one", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: "+trusted+"; dmarc=none header.from=centre.example",
				"Authentication-Results: "+trusted+"; dmarc=pass header.from=centre.example")
			return input{m.raw(), store.Envelope{Transport: "imap", Mailbox: "INBOX"}}
		}, false},
		{"trusted Authentication-Results dkim=fail", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: "+trusted+"; dkim=fail header.d=centre.example; dmarc=fail header.from=centre.example")
			return input{m.raw(), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"trusted Authentication-Results dkim=pass for another domain", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: "+trusted+"; dkim=pass header.d=evil.example")
			return input{m.raw(), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"untrusted Authentication-Results dkim=pass", func(e *agentEnv, num string, m email) input {
			m.extra = append(m.extra, "Authentication-Results: mx.evil.example; dkim=pass header.d=centre.example; dmarc=pass header.from=centre.example")
			return input{m.raw(), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"DKIM pass for the agent's domain", func(e *agentEnv, num string, m email) input {
			return input{keys.sign(t, m.raw(), "centre.example"), store.Envelope{RcptTo: []string{support}}}
		}, true},
		{"DKIM pass for another domain", func(e *agentEnv, num string, m email) input {
			return input{keys.sign(t, m.raw(), "evil.example"), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"DKIM body altered after signing", func(e *agentEnv, num string, m email) input {
			raw := keys.sign(t, m.raw(), "centre.example")
			return input{bytes.Replace(raw, []byte("Voici la solution"), []byte("Voici la SOLUTION"), 1), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"DKIM with a From added above the signed one", func(e *agentEnv, num string, m email) input {
			raw := keys.sign(t, m.raw(), "centre.example")
			return input{append([]byte("From: "+agent1+"\r\n"), raw...), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"DKIM key not found", func(e *agentEnv, num string, m email) input {
			var b bytes.Buffer
			_, priv, _ := ed25519.GenerateKey(rand.Reader)
			if err := dkim.Sign(&b, bytes.NewReader(m.raw()), &dkim.SignOptions{Domain: "centre.example", Selector: "s2", Signer: priv}); err != nil {
				t.Fatal(err)
			}
			return input{b.Bytes(), store.Envelope{RcptTo: []string{support}}}
		}, false},
		{"API with the agent as sender", func(e *agentEnv, num string, m email) input {
			return input{m.raw(), store.Envelope{Transport: "api", MailFrom: agent1}}
		}, true},
		{"API with another sender", func(e *agentEnv, num string, m email) input {
			return input{m.raw(), store.Envelope{Transport: "api", MailFrom: "eve@evil.example"}}
		}, false},
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{TrustedAuthServ: []string{trusted}, LookupTXT: keys.lookup})
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					num := e.request("[2.2] Imprimante", "<id"+string(rune('a'+i))+"@example.org>")
					e.sent()
					before := e.ticket(num)
					base := email{from: "Agent Un <" + agent1 + ">", subject: "RE: [Ticket#" + num + "] Imprimante",
						id: "<auth" + string(rune('a'+i)) + "@centre.example>", body: "Voici la solution : redémarrez l'imprimante."}
					in := tc.make(e, num, base)
					r := e.deliver(in.raw, in.env)
					out := e.sent()
					after := e.ticket(num)
					if tc.agent {
						if r.Action != ingest.Joined || r.Ticket != num {
							t.Fatalf("Deliver = %+v, want joined to %s as the agent", r, num)
						}
						if len(out) != 1 || out[0].kind != store.KindAgent || !slices.Contains(out[0].rcpt, "awa@example.org") || after.Status != store.StatusAnswered {
							t.Errorf("agent's answer: sent %s, status %s", kinds(out), after.Status)
						}
						return
					}
					if r.Action != ingest.Created || r.LinkedTo != num {
						t.Fatalf("Deliver = %+v, want a new ticket linked to %s", r, num)
					}
					if after.Status != before.Status || len(after.Messages) != len(before.Messages) {
						t.Errorf("referred ticket changed: status %s→%s, %d→%d messages", before.Status, after.Status, len(before.Messages), len(after.Messages))
					}
					for _, o := range out {
						if slices.Contains(o.rcpt, "awa@example.org") || slices.Contains(o.rcpt, "moussa@example.org") {
							t.Errorf("a forged agent message reached the requester's side: %s", o)
						}
						if o.kind == store.KindAgent {
							t.Errorf("a forged agent message was sent as an answer: %s", o)
						}
						if slices.Contains(o.rcpt, agent1) && strings.Contains(o.raw, "L'imprimante du 2e étage") {
							t.Errorf("the old ticket's text was sent to the forged sender's address: %s", o)
						}
					}
				})
			}
		})
	}
}

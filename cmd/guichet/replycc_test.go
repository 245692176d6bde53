package main

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"

	"guichet/sender/sendertest"
)

// TestServeSignedReplyAddsCc drives `guichet serve` over SMTP as a
// requester's mail client does: an answer to the acknowledgment's signed
// Reply-To is verified, so the colleague it copies becomes a participant
// and gets the agent's next answer in Cc; a forged reply to the plain
// support address naming the ticket in its subject adds nobody; and a
// Reply-All to both the signed and the plain address is one message, one
// join, its Cc added.
func TestServeSignedReplyAddsCc(t *testing.T) {
	for name, db := range backends {
		t.Run(name, func(t *testing.T) {
			rl := startRelay(t)
			h := newHarness(t, db(t))
			h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
			h.env["GUICHET_HTTP_ADDR"] = "off"
			h.env["GUICHET_RELAY_URL"] = "smtp://" + rl.addr
			// example.org publishes nothing: its mail is unverified, unless
			// it comes to a signed reply address.
			h.env["GUICHET_DNS"] = sendertest.NewZone().Serve(t)
			h.env["GUICHET_AGENTS"] = "agent@centre.example"
			// The agent's answer comes through the centre's own MX, whose
			// Authentication-Results field proves the agent.
			h.env["GUICHET_TRUSTED_RELAYS"] = "127.0.0.1"
			h.env["GUICHET_TRUSTED_AUTHSERV"] = "mx.centre.example"
			srv := startServe(t, h)
			const support = "support@centre.example"

			if code, msg := send(t, srv.smtpAddr, "awa.diop@example.org", support, []byte(request)); code != 250 {
				t.Fatalf("request: SMTP %d %s", code, msg)
			}
			num, replyTo, ackID := readAck(t, rl, 1)

			forged := "From: Awa Diop <awa.diop@example.org>\r\nTo: " + support + "\r\nCc: eve@evil.example\r\n" +
				"Subject: RE: [Ticket#" + num + "] Plateforme\r\nMessage-ID: <forged-1@evil.example>\r\n\r\nMettez eve en copie.\r\n"
			if code, msg := send(t, srv.smtpAddr, "awa.diop@example.org", support, []byte(forged)); code != 250 {
				t.Fatalf("forged reply: SMTP %d %s", code, msg)
			}

			answer := "From: Awa Diop <awa.diop@example.org>\r\nTo: " + replyTo + "\r\nCc: Moussa Fall <moussa.fall@example.org>\r\n" +
				"Subject: RE: [Ticket#" + num + "] Plateforme inaccessible\r\nMessage-ID: <req-2@example.org>\r\n" +
				"In-Reply-To: " + ackID + "\r\nReferences: <req-1@example.org> " + ackID + "\r\n\r\nJe mets Moussa en copie.\r\n"
			if code, msg := send(t, srv.smtpAddr, "awa.diop@example.org", replyTo, []byte(answer)); code != 250 {
				t.Fatalf("answer to the signed address: SMTP %d %s", code, msg)
			}
			if got, want := h.senders(num), []string{"unverified", "unverified", "verified"}; !slices.Equal(got, want) {
				t.Errorf("ticket %s: senders %v, want %v (request, forged reply, answer to %s)", num, got, want, replyTo)
			}
			ps := h.participants(num)
			if !slices.Contains(ps, "moussa.fall@example.org") || slices.Contains(ps, "eve@evil.example") {
				t.Errorf("ticket %s: participants %v, want moussa.fall@example.org and not eve@evil.example", num, ps)
			}

			agent := "From: agent@centre.example\r\nTo: " + support + "\r\n" +
				"Authentication-Results: mx.centre.example; dkim=pass header.d=centre.example; dmarc=pass header.from=centre.example\r\n" +
				"Subject: RE: [Ticket#" + num + "] Plateforme inaccessible\r\nMessage-ID: <agent-1@centre.example>\r\n\r\n" +
				"Bonjour,\r\nLa plateforme est rétablie.\r\n"
			if code, msg := send(t, srv.smtpAddr, "agent@centre.example", support, []byte(agent)); code != 250 {
				t.Fatalf("agent's answer: SMTP %d %s", code, msg)
			}
			var out relayed
			waitFor(t, "the agent's answer at the relay", func() bool {
				for _, m := range rl.messages() {
					if slices.Contains(m.to, "awa.diop@example.org") && !strings.Contains(string(m.data), "Auto-Submitted:") {
						out = m
						return true
					}
				}
				return false
			})
			mm, err := mail.ReadMessage(strings.NewReader(string(out.data)))
			if err != nil {
				t.Fatal(err)
			}
			cc, _ := mm.Header.AddressList("Cc")
			var copies []string
			for _, a := range cc {
				copies = append(copies, a.Address)
			}
			if !slices.Equal(copies, []string{"moussa.fall@example.org"}) || !slices.Contains(out.to, "moussa.fall@example.org") || slices.Contains(out.to, "eve@evil.example") {
				t.Errorf("agent's answer: Cc %v, envelope %v; want moussa.fall@example.org alone in both besides the requester", copies, out.to)
			}

			// Reply-All: the client addresses the signed and the plain
			// address in one transaction.
			second := strings.NewReplacer("<req-1@example.org>", "<req-3@example.org>",
				"Plateforme inaccessible depuis ce matin", "Imprimante en panne").Replace(request)
			if code, msg := send(t, srv.smtpAddr, "awa.diop@example.org", support, []byte(second)); code != 250 {
				t.Fatalf("second request: SMTP %d %s", code, msg)
			}
			num2, replyTo2, ackID2 := readAck(t, rl, 2)
			before := h.ticketCount()
			all := "From: Awa Diop <awa.diop@example.org>\r\nTo: " + replyTo2 + ", " + support + "\r\nCc: fatou.sow@example.org\r\n" +
				"Subject: RE: [Ticket#" + num2 + "] Imprimante en panne\r\nMessage-ID: <req-4@example.org>\r\n" +
				"In-Reply-To: " + ackID2 + "\r\n\r\nFatou suit aussi.\r\n"
			if code, msg := sendRcpts(t, srv.smtpAddr, "awa.diop@example.org", []string{replyTo2, support}, []byte(all)); code != 250 {
				t.Fatalf("Reply-All: SMTP %d %s", code, msg)
			}
			if got, want := h.senders(num2), []string{"unverified", "verified"}; !slices.Equal(got, want) {
				t.Errorf("ticket %s after a Reply-All: senders %v, want %v (one message, joined)", num2, got, want)
			}
			if n := h.ticketCount(); n != before {
				t.Errorf("%d tickets after a Reply-All, want %d", n, before)
			}
			if ps := h.participants(num2); !slices.Contains(ps, "fatou.sow@example.org") {
				t.Errorf("ticket %s after a Reply-All: participants %v, want fatou.sow@example.org", num2, ps)
			}
		})
	}
}

// readAck waits for the n-th acknowledgment at the relay and gives its
// ticket number, its signed Reply-To and its Message-ID.
func readAck(t *testing.T, rl *relay, n int) (number, replyTo, messageID string) {
	t.Helper()
	var acks []relayed
	waitFor(t, fmt.Sprintf("acknowledgment %d", n), func() bool {
		acks = acks[:0]
		for _, m := range rl.messages() {
			if strings.Contains(string(m.data), "Auto-Submitted: auto-replied") {
				acks = append(acks, m)
			}
		}
		return len(acks) >= n
	})
	m, err := mail.ReadMessage(strings.NewReader(string(acks[n-1].data)))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := mail.ParseAddress(m.Header.Get("Reply-To"))
	if err != nil || !strings.HasPrefix(rt.Address, "support+") {
		t.Fatalf("acknowledgment's Reply-To %q (%v), want a signed reply address", m.Header.Get("Reply-To"), err)
	}
	number = regexp.MustCompile(`\d{4}-\d{6}`).FindString(string(acks[n-1].data))
	if number == "" {
		t.Fatalf("acknowledgment names no ticket:\n%s", acks[n-1].data)
	}
	return number, rt.Address, m.Header.Get("Message-ID")
}

// participants are a ticket's participants from `ticket NUMBER --json`.
func (h *harness) participants(num string) []string {
	h.t.Helper()
	var d struct {
		Participants []string `json:"participants"`
	}
	h.ticketJSON(num, &d)
	return d.Participants
}

// ticketCount is how many tickets `tickets --json` lists.
func (h *harness) ticketCount() int {
	h.t.Helper()
	var ts []struct{}
	code, out, errs := h.run("", "tickets", "--json")
	if code != exitOK {
		h.t.Fatalf("tickets --json = %d %s", code, errs)
	}
	if err := json.Unmarshal([]byte(out), &ts); err != nil {
		h.t.Fatalf("tickets --json: %v", err)
	}
	return len(ts)
}

package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/internal/pgtest"
	"guichet/sender/sendertest"
)

// TestServeSenderTrust drives `guichet serve` over SMTP with a real DNS
// server on loopback (GUICHET_DNS): a DKIM-signed request is verified, a
// forged reply from the same address fails DMARC and gets a ticket of its
// own, a forged agent's Authentication-Results field from a client that is
// not a trusted relay closes nothing, and a DNS that does not answer
// delays only its own message, within the checks' budget.
func TestServeSenderTrust(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := sendertest.NewZone()
			z.AddTXT("example.org", "v=spf1 ip4:192.0.2.0/24 -all")
			z.AddTXT("_dmarc.example.org", "v=DMARC1; p=reject")
			key := sendertest.NewDKIMKey(t)
			key.Publish(z, "example.org", "s1")
			z.AddTXT("_dmarc.slow.example", "v=DMARC1; p=reject")
			z.Slow["_dmarc.slow.example"], z.Slow["slow.example"] = true, true
			z.Delay = time.Minute

			rl := startRelay(t)
			h := newHarness(t, tc.db(t))
			h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
			h.env["GUICHET_HTTP_ADDR"] = "off"
			h.env["GUICHET_RELAY_URL"] = "smtp://" + rl.addr
			h.env["GUICHET_DNS"] = z.Serve(t)
			h.env["GUICHET_AGENTS"] = "agent@centre.example"
			h.env["GUICHET_TRUSTED_AUTHSERV"] = "mx.centre.example"
			srv := startServe(t, h)

			signed := key.Sign(t, []byte(strings.Replace(request, "To: support@centre.example\r\n",
				"To: support@centre.example\r\nCc: moussa@example.org\r\n", 1)), "example.org", "s1")
			if code, msg := send(t, srv.smtpAddr, "awa.diop@example.org", "support@centre.example", signed); code != 250 {
				t.Fatalf("request: SMTP %d %s", code, msg)
			}
			num := h.lastTicket()
			if got := h.senders(num); len(got) != 1 || got[0] != "verified" {
				t.Fatalf("request's sender = %v, want verified (aligned DKIM)", got)
			}

			forged := "From: awa.diop@example.org\r\nTo: support@centre.example\r\nCc: eve@evil.example\r\n" +
				"Subject: RE: [Ticket#" + num + "] Plateforme\r\nMessage-ID: <forged-1@evil.example>\r\n\r\nMettez eve en copie.\r\n"
			if code, msg := send(t, srv.smtpAddr, "awa.diop@example.org", "support@centre.example", []byte(forged)); code != 250 {
				t.Fatalf("forged reply: SMTP %d %s", code, msg)
			}
			if other := h.lastTicket(); other == num {
				t.Errorf("forged reply joined %s", num)
			} else if got := h.senders(other); len(got) != 1 || got[0] != "failed" {
				t.Errorf("forged reply's sender = %v, want failed", got)
			}

			agent := "From: agent@centre.example\r\nTo: support@centre.example\r\n" +
				"Authentication-Results: mx.centre.example; dkim=pass header.d=centre.example; dmarc=pass header.from=centre.example\r\n" +
				"Subject: RE: [Ticket#" + num + "]\r\nMessage-ID: <forged-2@evil.example>\r\n\r\n#clos\r\nC'est fini.\r\n"
			if code, msg := send(t, srv.smtpAddr, "agent@centre.example", "support@centre.example", []byte(agent)); code != 250 {
				t.Fatalf("forged agent: SMTP %d %s", code, msg)
			}
			if st := h.status(num); st != "open" {
				t.Errorf("ticket %s is %s after a forged agent's #clos, want open", num, st)
			}

			// A DNS that never answers holds its own message for the
			// checks' budget, and no other message.
			var wg sync.WaitGroup
			var slowTook time.Duration
			wg.Go(func() {
				start := time.Now()
				slow := "From: a@slow.example\r\nTo: support@centre.example\r\nSubject: Lent\r\nMessage-ID: <slow-1@slow.example>\r\n\r\nBonjour.\r\n"
				if code, msg := send(t, srv.smtpAddr, "a@slow.example", "support@centre.example", []byte(slow)); code != 250 {
					t.Errorf("slow: SMTP %d %s", code, msg)
				}
				slowTook = time.Since(start)
			})
			time.Sleep(200 * time.Millisecond)
			start := time.Now()
			quick := strings.Replace(string(signed), "Message-ID: <req-1@example.org>", "Message-ID: <req-9@example.org>", 1)
			if code, msg := send(t, srv.smtpAddr, "x@elsewhere.example", "support@centre.example", []byte(quick)); code != 250 {
				t.Errorf("quick: SMTP %d %s", code, msg)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("a message took %v while another waited for DNS", took)
			}
			wg.Wait()
			if slowTook > 6*time.Second {
				t.Errorf("the slow DNS held its message %v, past the budget", slowTook)
			}
			t.Logf("message behind an unanswering DNS accepted after %v", slowTook.Round(time.Millisecond))
			if got := h.senders(h.lastTicket()); len(got) != 1 || got[0] != "unverified" {
				t.Errorf("slow message's sender = %v, want unverified", got)
			}
		})
	}
}

// lastTicket is the newest ticket's number.
func (h *harness) lastTicket() string {
	h.t.Helper()
	code, out, errs := h.run("", "tickets", "--json")
	var ts []struct {
		Number string `json:"number"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &ts) != nil || len(ts) == 0 {
		h.t.Fatalf("tickets --json = %d %s %s", code, out, errs)
	}
	last := ts[0].Number
	for _, t := range ts {
		last = max(last, t.Number)
	}
	return last
}

// ticketJSON reads `ticket NUMBER --json`.
func (h *harness) ticketJSON(num string, v any) {
	h.t.Helper()
	code, out, errs := h.run("", "ticket", num, "--json")
	if code != exitOK {
		h.t.Fatalf("ticket %s --json = %d %s", num, code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		h.t.Fatalf("ticket %s --json: %v\n%s", num, err, out)
	}
}

// senders are the verdicts of a ticket's incoming messages.
func (h *harness) senders(num string) []string {
	var d struct {
		Messages []struct {
			Direction string `json:"direction"`
			Sender    string `json:"sender"`
		} `json:"messages"`
	}
	h.ticketJSON(num, &d)
	var out []string
	for _, m := range d.Messages {
		if m.Direction == "in" {
			out = append(out, m.Sender)
		}
	}
	return out
}

func (h *harness) status(num string) string {
	var d struct {
		Status string `json:"status"`
	}
	h.ticketJSON(num, &d)
	return fmt.Sprint(d.Status)
}

package ingest

import (
	"context"
	"net/netip"
	"strings"

	"guichet/sender"
	"guichet/store"
)

// Trust (docs/threading.md, "Trust"): each incoming message gets a sender verdict before
// its transaction, and the participant rules follow from it.

// verdict checks d's sender. It runs outside the committer: its DNS
// questions hold no transaction and no other message, and the checker
// bounds how long they take.
func (p *Pipeline) verdict(ctx context.Context, d *delivery) sender.Result {
	m := d.m
	switch {
	case d.env.Transport == "api" && strings.EqualFold(strings.TrimSpace(d.env.MailFrom), m.From.Addr):
		// The agents' HTTP API authenticates the agent by bearer token
		// and submits the answer with the agent as envelope sender.
		return sender.Result{Verdict: sender.Verified, Evidence: "agents' API"}
	case d.sig.addrNumber != "":
		// The signed reply address is known only to whom we sent it: it
		// proves the sender for that ticket (see trustedFor).
		return sender.Result{Verdict: sender.Verified, Evidence: "signed reply address of " + d.sig.addrNumber}
	}
	in := sender.Input{
		Raw: d.raw, From: m.From.Addr, FromFields: len(m.Header["From"]),
		AuthResults: m.Header["Authentication-Results"],
		SMTP:        d.env.Transport == "smtp", Helo: d.env.Helo, MailFrom: d.env.MailFrom,
	}
	if ip, err := netip.ParseAddr(d.env.ClientAddr); err == nil {
		in.ClientIP = ip
	} else if ap, err := netip.ParseAddrPort(d.env.ClientAddr); err == nil {
		in.ClientIP = ap.Addr()
	}
	return p.checker.Check(ctx, in)
}

// trustedFor says whether the message's sender is verified for ticket t:
// a signed reply address proves it only for its own ticket.
func (a *attempt) trustedFor(t store.Ticket) bool {
	if a.sender.Verdict != sender.Verified {
		return false
	}
	return a.sig.addrNumber == "" || a.sig.addrNumber == t.Number || a.env.Transport == "api"
}

// copied are the participants an agent's public answer goes to besides
// the requester: those that came by the opening request, a verified
// message or an agent (docs/threading.md, "Trust").
func copied(ps []store.Participant) []string {
	var out []string
	for _, p := range ps {
		if p.Origin != store.OriginNone {
			out = append(out, p.Address)
		}
	}
	return out
}

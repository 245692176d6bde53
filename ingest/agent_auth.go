package ingest

import (
	"strings"

	"guichet/replyaddr"
	"guichet/sender"
	"guichet/store"
)

// Ways an agent's identity is proved (logged, and recorded in the status
// history's reason).
const (
	proofReplyAddress = "signed reply address"
	proofDKIM         = "DKIM"
	proofSPF          = "SPF"
	proofAuthRes      = "Authentication-Results"
	proofAPI          = "API"
)

// prover says what proved a declared agent's identity before the
// transaction: the API transport, or a sender verdict resting on DKIM,
// SPF or a trusted MTA's Authentication-Results (see package sender, which
// believes such a field only from a trusted authserv-id, topmost, and on
// our SMTP receiver only from a trusted relay). Mail from anyone else
// costs a map lookup.
type prover struct {
	agents map[string]bool
}

// outsideTx says how d's sender was proved to be a declared agent, ""
// when it was not.
func (pr *prover) outsideTx(d *delivery) string {
	from := d.m.From.Addr
	if !pr.agents[from] {
		return ""
	}
	if d.env.Transport == "api" && strings.EqualFold(strings.TrimSpace(d.env.MailFrom), from) {
		return proofAPI
	}
	if d.sender.Verdict != sender.Verified {
		return ""
	}
	switch d.sender.Proof {
	case sender.ProofDKIM:
		return proofDKIM
	case sender.ProofSPF:
		return proofSPF
	case sender.ProofAuthRes:
		return proofAuthRes
	}
	return ""
}

// addressed reports whether the message was sent to ticket t's signed
// agent or note address (envelope recipients, To or Cc), and whether to a
// note address: support+note@… or the ticket's signed note address.
func (ad *agentDesk) addressed(d *delivery, t store.Ticket) (signed, note bool) {
	if ad.addrs == nil {
		return false, false
	}
	detailer, _ := ad.addrs.(interface{ Detail(string) string })
	for _, r := range d.recipients() {
		if n, role, ok := ad.addrs.Parse(r); ok && n == t.Number && (role == replyaddr.RoleAgent || role == replyaddr.RoleNote) {
			signed = true
			note = note || role == replyaddr.RoleNote
		}
		if detailer != nil && detailer.Detail(r) == "note" {
			note = true
		}
	}
	return signed, note
}

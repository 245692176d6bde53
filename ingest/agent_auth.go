package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"

	"guichet/replyaddr"
	"guichet/store"
)

// Ways an agent's identity is proved (logged, and recorded in the status
// history's reason).
const (
	proofReplyAddress = "signed reply address"
	proofDKIM         = "DKIM"
	proofAuthRes      = "Authentication-Results"
	proofAPI          = "API"
)

// prover checks what proves a declared agent's identity without the
// database, before the transaction: the API transport, a trusted
// Authentication-Results field, a DKIM signature (DNS lookups must not
// hold a transaction open). Mail from anyone else costs a map lookup.
type prover struct {
	agents    map[string]bool
	trusted   []string // authserv-ids, RFC 8601
	lookupTXT func(domain string) ([]string, error)
	log       *slog.Logger
}

// outsideTx says how d's sender was proved to be a declared agent, ""
// when it was not.
func (pr *prover) outsideTx(ctx context.Context, d *delivery) string {
	from := d.m.From.Addr
	if !pr.agents[from] {
		return ""
	}
	// The agents' HTTP API authenticates the agent by bearer token and
	// submits the answer with the agent as envelope sender.
	if d.env.Transport == "api" && strings.EqualFold(strings.TrimSpace(d.env.MailFrom), from) {
		return proofAPI
	}
	domain := domainOf(from)
	if pr.authResPass(d.m.Header["Authentication-Results"], domain) {
		return proofAuthRes
	}
	// A second From field could show one address while the signature
	// covers the other (RFC 6376 §8.15): such mail proves nothing.
	if len(d.m.Header["Dkim-Signature"]) > 0 && len(d.m.Header["From"]) == 1 && pr.dkimPass(ctx, d.raw, domain) {
		return proofDKIM
	}
	return ""
}

// authResPass: one Authentication-Results field (RFC 8601) written by a
// trusted authserv-id says dkim=pass for a signing domain aligned with the
// agent's, or dmarc=pass for the agent's domain. Fields of other hosts are
// ignored: anyone can write one.
func (pr *prover) authResPass(fields []string, domain string) bool {
	if len(pr.trusted) == 0 || domain == "" {
		return false
	}
	for _, f := range fields {
		id, results, err := authres.Parse(f)
		if err != nil || !pr.trustedAuthServ(id) {
			continue
		}
		for _, r := range results {
			switch r := r.(type) {
			case *authres.DKIMResult:
				d := r.Domain
				if d == "" {
					d = domainOf(r.Identifier)
				}
				if r.Value == authres.ResultPass && aligned(domain, d) {
					return true
				}
			case *authres.DMARCResult:
				if r.Value == authres.ResultPass && strings.EqualFold(strings.TrimSpace(r.From), domain) {
					return true
				}
			}
		}
	}
	return false
}

func (pr *prover) trustedAuthServ(id string) bool {
	for _, t := range pr.trusted {
		if strings.EqualFold(strings.TrimSpace(t), strings.TrimSpace(id)) {
			return true
		}
	}
	return false
}

// dkimPass verifies the message's DKIM signatures (RFC 6376) and reports
// whether one that covers From verifies for a domain aligned with the
// agent's (RFC 7489 §3.1.1, relaxed).
func (pr *prover) dkimPass(ctx context.Context, raw []byte, domain string) bool {
	lookup := pr.lookupTXT
	if lookup == nil {
		lookup = func(name string) ([]string, error) {
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			return net.DefaultResolver.LookupTXT(ctx, name)
		}
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: 5})
	if err != nil && len(verifs) == 0 {
		pr.log.Info("DKIM verification failed", "domain", domain, "err", err)
		return false
	}
	for _, v := range verifs {
		if v.Err != nil || !aligned(domain, v.Domain) {
			continue
		}
		for _, k := range v.HeaderKeys {
			if strings.EqualFold(k, "from") {
				return true
			}
		}
	}
	return false
}

// aligned: the From domain is the signing domain or one of its
// subdomains. A signing domain without a dot (a top-level domain) never
// aligns: nobody signs for a whole TLD.
func aligned(fromDomain, signer string) bool {
	fromDomain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(fromDomain), "."))
	signer = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(signer), "."))
	if signer == "" || !strings.Contains(signer, ".") {
		return false
	}
	return fromDomain == signer || strings.HasSuffix(fromDomain, "."+signer)
}

func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return strings.ToLower(addr)
	}
	return strings.ToLower(addr[i+1:])
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

package sender

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"blitiri.com.ar/go/spf"
	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-msgauth/dmarc"
	"golang.org/x/net/publicsuffix"
)

// Verdict is what an incoming message's From is worth (docs/threading.md, "Trust").
type Verdict string

const (
	Verified   Verdict = "verified"
	Unverified Verdict = "unverified"
	Failed     Verdict = "failed"
)

// How a verified From was proved, in Result.Proof.
const (
	ProofDKIM    = "DKIM"
	ProofSPF     = "SPF"
	ProofAuthRes = "Authentication-Results"
)

// Input is what the checks read of one message.
type Input struct {
	Raw []byte
	// From is the From address, lowercased; FromFields counts the From
	// header fields (more than one proves nothing: RFC 6376 §8.15).
	From       string
	FromFields int
	// AuthResults are the Authentication-Results fields, topmost first.
	AuthResults []string
	// SMTP: the message came through Guichet's own SMTP receiver, which
	// knows the connecting address, HELO and MAIL FROM.
	SMTP     bool
	ClientIP netip.Addr
	Helo     string
	MailFrom string
}

// Result is a verdict and what it rests on.
type Result struct {
	Verdict Verdict
	// Evidence is short and for people: "dmarc=pass (dkim d=example.org)".
	Evidence string
	// Proof says how a verified From was proved (ProofDKIM, ProofSPF,
	// ProofAuthRes), "" otherwise.
	Proof string
}

// Checker checks messages; it is safe for concurrent use.
type Checker struct {
	// Resolver answers the DNS queries; wrap it in a Cache for timeouts.
	Resolver Resolver
	// TrustedAuthServ are the authserv-ids whose Authentication-Results
	// are believed (GUICHET_TRUSTED_AUTHSERV).
	TrustedAuthServ []string
	// TrustedRelays are the centre's own MTAs (GUICHET_TRUSTED_RELAYS): on
	// the SMTP receiver, only their Authentication-Results count.
	TrustedRelays []netip.Prefix
	// Budget bounds the whole check of one message; past it, what is not
	// known yet counts as a DNS failure (unverified).
	Budget time.Duration
}

// Check returns the message's verdict. It never fails: a question DNS
// does not answer makes the message unverified, not refused.
func (c *Checker) Check(ctx context.Context, in Input) Result {
	domain := domainOf(in.From)
	if domain == "" {
		return Result{Verdict: Unverified, Evidence: "no From domain"}
	}
	if r, ok := c.authResults(in, domain); ok {
		return r
	}
	if c.Resolver == nil {
		return Result{Verdict: Unverified, Evidence: "no DNS"}
	}
	if c.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Budget)
		defer cancel()
	}
	// The three questions are independent: asked at once, a message waits
	// for the slowest, not for their sum. The DMARC record is asked on
	// this goroutine while the others run: under load a goroutine started
	// for it waited for a processor longer than a cached answer takes
	// (0.7 ms a message, measured), and the SMTP receiver's early SPF
	// check has been running since the message began.
	var (
		wg     sync.WaitGroup
		sigs   []*dkim.Verification
		sigErr error
		spfRes spf.Result
		spfDom string
	)
	if len(in.Raw) > 0 && in.FromFields == 1 && hasDKIMSignature(in.Raw) {
		wg.Go(func() { sigs, sigErr = c.dkim(ctx, in.Raw) })
	}
	// SPF is known only when the client is the sender's own MTA: against
	// one of the centre's relays, which forwards everyone's mail, it would
	// fail every domain that publishes a strict SPF record.
	spfKnown := in.SMTP && in.ClientIP.IsValid() && !c.trustedRelay(in.ClientIP)
	early := earlySPF(ctx, in)
	if spfKnown && early == nil {
		wg.Go(func() { spfRes, spfDom = c.spf(ctx, in) })
	}
	rec, recErr := c.dmarcRecord(ctx, domain)
	if spfKnown && early != nil {
		// Started by the SMTP receiver while the message arrived.
		spfRes, spfDom = early.wait(ctx)
	}
	wg.Wait()

	strictDKIM := rec != nil && rec.DKIMAlignment == dmarc.AlignmentStrict
	strictSPF := rec != nil && rec.SPFAlignment == dmarc.AlignmentStrict
	var dkimTemp bool
	for _, v := range sigs {
		if v.Err == nil && coversFrom(v) && Aligned(domain, v.Domain, strictDKIM) {
			return verified(rec, ProofDKIM, "dkim d="+v.Domain)
		}
		if v.Err != nil && dkim.IsTempFail(v.Err) {
			dkimTemp = true
		}
	}
	if spfRes == spf.Pass && Aligned(domain, spfDom, strictSPF) {
		return verified(rec, ProofSPF, "spf smtp.mailfrom="+spfDom)
	}
	switch {
	case recErr != nil && !errors.Is(recErr, dmarc.ErrNoPolicy):
		return Result{Verdict: Unverified, Evidence: "dmarc=temperror"}
	case rec == nil:
		return Result{Verdict: Unverified, Evidence: "dmarc=none (no policy for " + domain + ")"}
	case !spfKnown:
		// Without the sender's own connection, SPF is unknown: DMARC may
		// have passed through it, so the message cannot be said to fail.
		return Result{Verdict: Unverified, Evidence: "dmarc: no aligned DKIM, SPF unknown (not from the sender's MTA)"}
	case dkimTemp || sigErr != nil && ctx.Err() != nil || spfRes == spf.TempError || spfRes == "":
		return Result{Verdict: Unverified, Evidence: "dmarc: DNS failed (dkim or spf temperror)"}
	}
	ev := "dmarc=fail (p=" + string(rec.Policy) + ", spf=" + string(spfRes)
	if spfDom != "" {
		ev += " smtp.mailfrom=" + spfDom
	}
	return Result{Verdict: Failed, Evidence: ev + ", no aligned dkim)"}
}

func verified(rec *dmarc.Record, proof, ev string) Result {
	if rec == nil {
		// Aligned DKIM or SPF proves the domain even where it publishes no
		// DMARC policy: it is what DMARC would have checked.
		return Result{Verdict: Verified, Evidence: "aligned " + ev + " (no dmarc policy)", Proof: proof}
	}
	return Result{Verdict: Verified, Evidence: "dmarc=pass (" + ev + ")", Proof: proof}
}

// authResults reads the topmost Authentication-Results field of a trusted
// authserv-id (RFC 8601 §5: only the MTA that wrote it, which removes
// forged ones of its own id, is believed; fields below it are older and
// may be anyone's). On the SMTP receiver only a trusted relay's fields
// count: anyone else can write one. ok is false when no such field
// settles the verdict.
func (c *Checker) authResults(in Input, domain string) (Result, bool) {
	if len(c.TrustedAuthServ) == 0 {
		return Result{}, false
	}
	if in.SMTP && !c.trustedRelay(in.ClientIP) {
		return Result{}, false
	}
	for _, f := range in.AuthResults {
		id, results, err := authres.Parse(f)
		if err != nil || !c.trustedAuthServ(id) {
			continue
		}
		return readAuthResults(id, results, domain)
	}
	return Result{}, false
}

func readAuthResults(id string, results []authres.Result, domain string) (Result, bool) {
	var dkimPass, spfPass string
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DMARCResult:
			if !strings.EqualFold(strings.TrimSpace(r.From), domain) {
				continue
			}
			switch r.Value {
			case authres.ResultPass:
				return Result{Verdict: Verified, Evidence: "dmarc=pass by " + id, Proof: ProofAuthRes}, true
			case authres.ResultFail:
				return Result{Verdict: Failed, Evidence: "dmarc=fail by " + id}, true
			}
		case *authres.DKIMResult:
			d := r.Domain
			if d == "" {
				d = domainOf(r.Identifier)
			}
			if r.Value == authres.ResultPass && Aligned(domain, d, false) {
				dkimPass = d
			}
		case *authres.SPFResult:
			d := domainOf(r.From)
			if r.Value == authres.ResultPass && Aligned(domain, d, false) {
				spfPass = d
			}
		}
	}
	switch {
	case dkimPass != "":
		return Result{Verdict: Verified, Evidence: "dkim=pass d=" + dkimPass + " by " + id, Proof: ProofAuthRes}, true
	case spfPass != "":
		return Result{Verdict: Verified, Evidence: "spf=pass smtp.mailfrom=" + spfPass + " by " + id, Proof: ProofAuthRes}, true
	}
	return Result{}, false
}

func (c *Checker) trustedRelay(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range c.TrustedRelays {
		if ip.IsValid() && p.Contains(ip) {
			return true
		}
	}
	return false
}

func (c *Checker) trustedAuthServ(id string) bool {
	for _, t := range c.TrustedAuthServ {
		if strings.EqualFold(strings.TrimSpace(t), strings.TrimSpace(id)) {
			return true
		}
	}
	return false
}

// dmarcRecord finds the policy of the From domain, or else of its
// organizational domain (RFC 7489 §6.6.3).
func (c *Checker) dmarcRecord(ctx context.Context, domain string) (*dmarc.Record, error) {
	opts := &dmarc.LookupOptions{LookupTXT: func(name string) ([]string, error) { return c.Resolver.LookupTXT(ctx, name) }}
	rec, err := dmarc.LookupWithOptions(domain, opts)
	if !errors.Is(err, dmarc.ErrNoPolicy) {
		return rec, err
	}
	if org := OrgDomain(domain); org != domain {
		return dmarc.LookupWithOptions(org, opts)
	}
	return rec, err
}

func (c *Checker) dkim(ctx context.Context, raw []byte) ([]*dkim.Verification, error) {
	return dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{
		LookupTXT:        func(name string) ([]string, error) { return c.Resolver.LookupTXT(ctx, name) },
		MaxVerifications: 5,
	})
}

// spf checks the MAIL FROM identity, or HELO's for the null sender (RFC
// 7208 §2.4), against the connecting address; it returns the result and
// the domain checked.
func (c *Checker) spf(ctx context.Context, in Input) (spf.Result, string) {
	from, dom := spfIdentity(in)
	if dom == "" {
		return spf.None, ""
	}
	res, _ := spf.CheckHostWithSender(net.IP(in.ClientIP.Unmap().AsSlice()), in.Helo, from,
		spf.WithContext(ctx), spf.WithResolver(c.Resolver))
	return res, dom
}

// spfIdentity is the sender SPF checks and its domain, "" when there is
// none.
func spfIdentity(in Input) (from, dom string) {
	from, dom = in.MailFrom, domainOf(in.MailFrom)
	if dom == "" {
		dom = norm(in.Helo)
		from = "postmaster@" + dom
	}
	return from, dom
}

func coversFrom(v *dkim.Verification) bool {
	for _, k := range v.HeaderKeys {
		if strings.EqualFold(k, "from") {
			return true
		}
	}
	return false
}

func hasDKIMSignature(raw []byte) bool {
	end := bytes.Index(raw, []byte("\n\r\n"))
	if e := bytes.Index(raw, []byte("\n\n")); e >= 0 && (end < 0 || e < end) {
		end = e
	}
	if end < 0 {
		end = len(raw)
	}
	return bytes.Contains(bytes.ToLower(raw[:end]), []byte("dkim-signature:"))
}

// Aligned says whether a DKIM signing domain or SPF domain is aligned
// with the From domain (RFC 7489 §3.1): equal when strict, the same
// organizational domain when relaxed.
func Aligned(from, other string, strict bool) bool {
	from, other = norm(from), norm(other)
	if from == "" || other == "" || !strings.Contains(other, ".") {
		return false
	}
	if strict || from == other {
		return from == other
	}
	return OrgDomain(from) == OrgDomain(other)
}

// OrgDomain is a domain's organizational domain (RFC 7489 §3.2): one
// label under its public suffix.
func OrgDomain(domain string) string {
	domain = norm(domain)
	if org, err := publicsuffix.EffectiveTLDPlusOne(domain); err == nil {
		return org
	}
	return domain
}

func norm(d string) string { return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), ".")) }

func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return norm(addr[i+1:])
}

// String is the verdict and its evidence, for logs.
func (r Result) String() string { return fmt.Sprintf("%s (%s)", r.Verdict, r.Evidence) }

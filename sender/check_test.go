package sender_test

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/sender"
	"guichet/sender/sendertest"
)

const msg = "From: Awa <awa@example.org>\r\nTo: support@centre.example\r\nSubject: Bonjour\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n\r\nBonjour.\r\n"

// zone: example.org publishes SPF (192.0.2.0/24 through an include) and
// DMARC p=reject; lax.example publishes SPF only; its mail is signed
// with key; slow.example answers after the budget.
func zone(t testing.TB) (*sendertest.Zone, sendertest.DKIMKey) {
	z := sendertest.NewZone()
	z.AddTXT("example.org", "v=spf1 include:_spf.example.org mx -all")
	z.AddTXT("_spf.example.org", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all")
	z.AddMX("example.org", "mx.example.org")
	z.AddIP("mx.example.org", "198.51.100.7")
	z.AddTXT("_dmarc.example.org", "v=DMARC1; p=reject")
	z.AddTXT("lax.example", "v=spf1 a:relay.lax.example -all")
	z.AddIP("relay.lax.example", "203.0.113.9")
	z.AddTXT("_dmarc.strict.example", "v=DMARC1; p=quarantine; adkim=s; aspf=s")
	z.AddTXT("mail.strict.example", "v=spf1 ip4:192.0.2.1 -all")
	z.AddTXT("_dmarc.slow.example", "v=DMARC1; p=reject")
	z.Slow["_dmarc.slow.example"], z.Slow["slow.example"] = true, true
	z.Delay = time.Minute
	z.AddTXT("_dmarc.down.example", "v=DMARC1; p=reject")
	z.Down["down.example"] = true
	k := sendertest.NewDKIMKey(t)
	k.Publish(z, "example.org", "s1")
	k.Publish(z, "mail.example.org", "s1")
	k.Publish(z, "evil.example", "s1")
	k.Publish(z, "strict.example", "s1")
	return z, k
}

func TestCheck(t *testing.T) {
	z, k := zone(t)
	withFrom := func(from string) []byte { return []byte(strings.Replace(msg, "awa@example.org", from, 1)) }
	smtp := func(ip, mailFrom string) sender.Input {
		return sender.Input{SMTP: true, ClientIP: netip.MustParseAddr(ip), Helo: "client.test", MailFrom: mailFrom}
	}
	cases := []struct {
		name string
		raw  []byte
		in   sender.Input
		want sender.Verdict
		ev   string
	}{
		{"spf pass through include, aligned", []byte(msg), smtp("192.0.2.10", "bounce@example.org"), sender.Verified, "spf"},
		{"spf pass by ip6", []byte(msg), smtp("2001:db8::5", "bounce@example.org"), sender.Verified, "spf"},
		{"spf pass by mx", []byte(msg), smtp("198.51.100.7", "bounce@example.org"), sender.Verified, "spf"},
		{"spf fail, dmarc reject", []byte(msg), smtp("203.0.113.50", "awa@example.org"), sender.Failed, "dmarc=fail"},
		{"spf pass for another domain is not aligned", []byte(msg), smtp("203.0.113.9", "x@lax.example"), sender.Failed, "dmarc=fail"},
		{"aligned dkim rescues a failed spf", k.Sign(t, []byte(msg), "example.org", "s1"), smtp("203.0.113.50", "x@lax.example"), sender.Verified, "dkim d=example.org"},
		{"dkim of a subdomain aligns (relaxed)", k.Sign(t, []byte(msg), "mail.example.org", "s1"), smtp("203.0.113.50", "x@lax.example"), sender.Verified, "dkim d=mail.example.org"},
		{"dkim of another domain does not align", k.Sign(t, []byte(msg), "evil.example", "s1"), smtp("203.0.113.50", "x@lax.example"), sender.Failed, ""},
		{"altered signed message fails", []byte(strings.Replace(string(k.Sign(t, []byte(msg), "example.org", "s1")), "Bonjour.", "Virez 1000 euros.", 1)), smtp("203.0.113.50", "x@lax.example"), sender.Failed, ""},
		{"strict dkim alignment refuses a subdomain", k.Sign(t, withFrom("a@mail.strict.example"), "strict.example", "s1"), smtp("203.0.113.50", "x@lax.example"), sender.Failed, ""},
		{"strict spf alignment refuses a subdomain", withFrom("a@strict.example"), smtp("192.0.2.1", "x@mail.strict.example"), sender.Failed, ""},
		{"no dmarc policy: unverified", withFrom("a@lax.example"), smtp("198.51.100.1", "a@lax.example"), sender.Unverified, "dmarc=none"},
		{"no dmarc policy but aligned spf", withFrom("a@lax.example"), smtp("203.0.113.9", "a@lax.example"), sender.Verified, "no dmarc policy"},
		{"unknown domain: unverified", withFrom("a@nowhere.example"), smtp("198.51.100.1", "a@nowhere.example"), sender.Unverified, "dmarc=none"},
		{"dns down: unverified", withFrom("a@down.example"), smtp("198.51.100.1", "a@down.example"), sender.Unverified, "temperror"},
		{"dns too slow: unverified within the budget", withFrom("a@slow.example"), smtp("198.51.100.1", "a@slow.example"), sender.Unverified, "temperror"},
		{"imap without dkim cannot fail", []byte(msg), sender.Input{}, sender.Unverified, "SPF unknown"},
		{"imap with aligned dkim", k.Sign(t, []byte(msg), "example.org", "s1"), sender.Input{}, sender.Verified, "dkim"},
		{"trusted relay without authentication results: SPF unknown, cannot fail", []byte(msg), smtp("10.0.0.25", "awa@example.org"), sender.Unverified, "SPF unknown"},
		{"trusted relay: dkim still counts", k.Sign(t, []byte(msg), "example.org", "s1"), smtp("10.0.0.25", "awa@example.org"), sender.Verified, "dkim"},
		{"null sender: helo checked", []byte(msg), sender.Input{SMTP: true, ClientIP: netip.MustParseAddr("192.0.2.3"), Helo: "example.org"}, sender.Verified, "spf smtp.mailfrom=example.org"},
	}
	c := &sender.Checker{Resolver: sender.NewCache(z, 200*time.Millisecond, time.Minute, 100), Budget: 300 * time.Millisecond,
		TrustedRelays: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Raw, in.FromFields = tc.raw, 1
			in.From = fromOf(tc.raw)
			start := time.Now()
			got := c.Check(context.Background(), in)
			if got.Verdict != tc.want || !strings.Contains(got.Evidence, tc.ev) {
				t.Errorf("Check = %v, want %s (evidence with %q)", got, tc.want, tc.ev)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Check took %v, past its budget", d)
			}
		})
	}
}

func fromOf(raw []byte) string {
	for _, l := range strings.Split(string(raw), "\r\n") {
		if v, ok := strings.CutPrefix(l, "From: "); ok {
			v = v[strings.IndexByte(v, '<')+1:]
			return strings.TrimSuffix(v, ">")
		}
	}
	return ""
}

// Authentication-Results (RFC 8601): only the topmost field of a trusted
// authserv-id counts, and on the SMTP receiver only from a trusted relay.
func TestAuthResults(t *testing.T) {
	c := &sender.Checker{
		TrustedAuthServ: []string{"mx.centre.example"},
		TrustedRelays:   []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	}
	pass := "mx.centre.example; dmarc=pass header.from=example.org"
	fail := "mx.centre.example; dmarc=fail header.from=example.org"
	cases := []struct {
		name   string
		fields []string
		smtp   bool
		ip     string
		want   sender.Verdict
	}{
		{"imap: trusted pass", []string{pass}, false, "", sender.Verified},
		{"imap: trusted fail", []string{fail}, false, "", sender.Failed},
		{"imap: topmost trusted wins over a forged one below", []string{fail, pass}, false, "", sender.Failed},
		{"imap: untrusted id ignored", []string{"mx.evil.example; dmarc=pass header.from=example.org"}, false, "", sender.Unverified},
		{"imap: dkim pass aligned", []string{"mx.centre.example; dkim=pass header.d=example.org"}, false, "", sender.Verified},
		{"imap: dkim pass of another domain", []string{"mx.centre.example; dkim=pass header.d=evil.example"}, false, "", sender.Unverified},
		{"imap: dmarc pass for another From", []string{"mx.centre.example; dmarc=pass header.from=evil.example"}, false, "", sender.Unverified},
		{"smtp: trusted relay", []string{pass}, true, "10.1.2.3", sender.Verified},
		{"smtp: untrusted client's field is ignored", []string{pass}, true, "198.51.100.1", sender.Unverified},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := sender.Input{From: "awa@example.org", FromFields: 1, AuthResults: tc.fields, SMTP: tc.smtp}
			if tc.ip != "" {
				in.ClientIP = netip.MustParseAddr(tc.ip)
			}
			if got := c.Check(context.Background(), in); got.Verdict != tc.want {
				t.Errorf("Check = %v, want %s", got, tc.want)
			}
		})
	}
}

// The cache answers a repeated question without the resolver.
func TestCache(t *testing.T) {
	z, _ := zone(t)
	c := sender.NewCache(z, time.Second, time.Minute, 10)
	for range 3 {
		if _, err := c.LookupTXT(context.Background(), "_dmarc.example.org"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.LookupTXT(context.Background(), "_dmarc.nowhere.example"); !sender.NotFound(err) {
			t.Fatalf("err = %v, want not found", err)
		}
	}
	if z.Queries != 2 {
		t.Errorf("queries = %d, want 2 (answers and absences cached)", z.Queries)
	}
}

func TestAligned(t *testing.T) {
	for _, tc := range []struct {
		from, other string
		strict      bool
		want        bool
	}{
		{"centre.example", "centre.example", false, true},
		{"mail.centre.example", "centre.example", false, true},
		{"centre.example", "mail.centre.example", false, true},
		{"CENTRE.example", "centre.example.", true, true},
		{"mail.centre.example", "centre.example", true, false},
		{"centre.example", "evil.example", false, false},
		{"evilcentre.example", "centre.example", false, false},
		{"centre.example", "example", false, false},
		{"centre.example", "", false, false},
		{"a.gouv.fr", "b.gouv.fr", false, false}, // public suffix gouv.fr
	} {
		if got := sender.Aligned(tc.from, tc.other, tc.strict); got != tc.want {
			t.Errorf("Aligned(%q, %q, %v) = %v, want %v", tc.from, tc.other, tc.strict, got, tc.want)
		}
	}
}

// spfAsks counts the TXT questions for one name.
type spfAsks struct {
	sender.Resolver
	name string
	n    atomic.Int32
}

func (a *spfAsks) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if name == a.name {
		a.n.Add(1)
	}
	return a.Resolver.LookupTXT(ctx, name)
}

// TestEarlySPF: Check takes the result of an SPF check started earlier
// for the same identity, and asks again for any other.
func TestEarlySPF(t *testing.T) {
	z, _ := zone(t)
	asks := &spfAsks{Resolver: z, name: "example.org"}
	c := &sender.Checker{Resolver: asks, Budget: time.Second}
	ip := netip.MustParseAddr("192.0.2.10")
	early := c.StartSPF(context.Background(), ip, "client.test", "bounce@example.org")
	t.Cleanup(early.Stop)
	// In order: Check for the same identity waits for the early check,
	// whose one question is then the only one.
	tests := []struct {
		name     string
		mailFrom string
		want     int32 // questions for example.org's SPF record since the previous case
	}{
		{"same identity", "bounce@example.org", 1},
		{"another sender", "other@example.org", 1},
	}
	for _, tt := range tests {
		in := sender.Input{Raw: []byte(msg), From: "awa@example.org", FromFields: 1,
			SMTP: true, ClientIP: ip, Helo: "client.test", MailFrom: tt.mailFrom}
		ctx := sender.WithEarlySPF(context.Background(), early)
		if r := c.Check(ctx, in); r.Proof != sender.ProofSPF {
			t.Fatalf("%s: verdict %v, want verified by SPF", tt.name, r)
		}
		if got := asks.n.Swap(0); got != tt.want {
			t.Errorf("%s: example.org's SPF asked %d times, want %d", tt.name, got, tt.want)
		}
	}
	if r := c.StartSPF(context.Background(), netip.Addr{}, "client.test", "x@example.org"); r != nil {
		t.Errorf("StartSPF without a client address = %v, want nil", r)
	}
}

// barrier answers example.org's SPF and DMARC questions only once both
// have been asked: a Check that asked them one after the other would
// wait until its context ends.
type barrier struct {
	sender.Resolver
	spf, dmarc chan struct{}
	spfOnce    sync.Once
	dmarcOnce  sync.Once
}

func (b *barrier) LookupTXT(ctx context.Context, name string) ([]string, error) {
	var mine, other chan struct{}
	switch name {
	case "example.org":
		b.spfOnce.Do(func() { close(b.spf) })
		mine, other = b.spf, b.dmarc
	case "_dmarc.example.org":
		b.dmarcOnce.Do(func() { close(b.dmarc) })
		mine, other = b.dmarc, b.spf
	}
	if mine != nil {
		select {
		case <-other:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return b.Resolver.LookupTXT(ctx, name)
}

// TestCheckAsksAtOnce: the DMARC and SPF questions are asked together,
// whether the SMTP receiver started SPF early or not, so a message waits
// for the slower answer, not for both in turn.
func TestCheckAsksAtOnce(t *testing.T) {
	z, _ := zone(t)
	ip := netip.MustParseAddr("192.0.2.10")
	for _, early := range []bool{false, true} {
		b := &barrier{Resolver: z, spf: make(chan struct{}), dmarc: make(chan struct{})}
		c := &sender.Checker{Resolver: b, Budget: 5 * time.Second}
		ctx := context.Background()
		if early {
			e := c.StartSPF(ctx, ip, "client.test", "bounce@example.org")
			t.Cleanup(e.Stop)
			ctx = sender.WithEarlySPF(ctx, e)
		}
		in := sender.Input{Raw: []byte(msg), From: "awa@example.org", FromFields: 1,
			SMTP: true, ClientIP: ip, Helo: "client.test", MailFrom: "bounce@example.org"}
		if r := c.Check(ctx, in); r.Verdict != sender.Verified || !strings.Contains(r.Evidence, "dmarc=pass") {
			t.Errorf("early SPF %v: verdict %v, want dmarc=pass (the questions were asked one after the other)", early, r)
		}
	}
}

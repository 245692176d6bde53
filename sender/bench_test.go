package sender_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"guichet/sender"
)

// The checks' cost per message: a DKIM-signed message over SMTP (DMARC,
// DKIM and SPF), with answers cached, through a DNS server on loopback
// (nothing cached), and with no DNS at all.
func BenchmarkCheck(b *testing.B) {
	z, k := zone(b)
	signed := sender.Input{Raw: k.Sign(b, []byte(msg), "example.org", "s1"), From: "awa@example.org", FromFields: 1,
		SMTP: true, ClientIP: netip.MustParseAddr("192.0.2.10"), Helo: "client.test", MailFrom: "bounce@example.org"}
	unsigned := signed
	unsigned.Raw = []byte(msg)
	dns := z.Serve(b)
	for _, bc := range []struct {
		name string
		r    sender.Resolver
		in   sender.Input
		want sender.Verdict
	}{
		{"dkim+spf/cached", sender.NewCache(z, time.Second, time.Hour, 1000), signed, sender.Verified},
		{"dkim+spf/loopback-dns", sender.NewCache(sender.NewResolver(dns), time.Second, 0, 1000), signed, sender.Verified},
		{"spf/cached", sender.NewCache(z, time.Second, time.Hour, 1000), unsigned, sender.Verified},
		{"spf/loopback-dns", sender.NewCache(sender.NewResolver(dns), time.Second, 0, 1000), unsigned, sender.Verified},
		{"no-dns", nil, signed, sender.Unverified},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := &sender.Checker{Resolver: bc.r, Budget: 4 * time.Second}
			ctx := context.Background()
			if got := c.Check(ctx, bc.in); got.Verdict != bc.want {
				b.Fatalf("Check = %v, want %s", got, bc.want)
			}
			for b.Loop() {
				c.Check(ctx, bc.in)
			}
		})
	}
}

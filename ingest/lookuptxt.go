package ingest

import (
	"context"
	"net"

	"guichet/sender"
)

// txtOnly is a resolver of TXT records alone, over Options.LookupTXT:
// enough for DKIM and DMARC; SPF lookups of other types find nothing.
type txtOnly func(domain string) ([]string, error)

var _ sender.Resolver = txtOnly(nil)

func (f txtOnly) LookupTXT(_ context.Context, name string) ([]string, error) { return f(name) }

func (txtOnly) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (txtOnly) LookupIPAddr(_ context.Context, name string) ([]net.IPAddr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (txtOnly) LookupAddr(_ context.Context, name string) ([]string, error) {
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// defaultSender is the checker of a pipeline configured without one.
func defaultSender(o Options) SenderChecker {
	c := &sender.Checker{TrustedAuthServ: o.TrustedAuthServ}
	if o.LookupTXT != nil {
		c.Resolver = txtOnly(o.LookupTXT)
	}
	return c
}

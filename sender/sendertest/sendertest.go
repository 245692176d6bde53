// Package sendertest gives tests a DNS zone: as an in-process resolver,
// and served on a loopback UDP port for end-to-end tests; and DKIM keys
// to sign test messages with.
package sendertest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/dns/dnsmessage"
)

// Zone is a set of records, by lowercase name without the final dot.
type Zone struct {
	mu  sync.Mutex
	TXT map[string][]string
	IP  map[string][]netip.Addr // A and AAAA
	MX  map[string][]string
	// Slow names answer after Delay (or never, when the context ends
	// first); Down names fail temporarily (SERVFAIL).
	Slow  map[string]bool
	Down  map[string]bool
	Delay time.Duration
	// Queries counts the questions asked.
	Queries int
}

// NewZone returns an empty zone.
func NewZone() *Zone {
	return &Zone{TXT: map[string][]string{}, IP: map[string][]netip.Addr{}, MX: map[string][]string{},
		Slow: map[string]bool{}, Down: map[string]bool{}}
}

func key(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// AddTXT, AddIP and AddMX add records.
func (z *Zone) AddTXT(name string, txt ...string) {
	z.lock()
	z.TXT[key(name)] = append(z.TXT[key(name)], txt...)
	z.unlock()
}
func (z *Zone) AddIP(name string, ips ...string) {
	z.lock()
	defer z.unlock()
	for _, ip := range ips {
		z.IP[key(name)] = append(z.IP[key(name)], netip.MustParseAddr(ip))
	}
}
func (z *Zone) AddMX(name string, hosts ...string) {
	z.lock()
	z.MX[key(name)] = append(z.MX[key(name)], hosts...)
	z.unlock()
}

func (z *Zone) lock()   { z.mu.Lock() }
func (z *Zone) unlock() { z.mu.Unlock() }

// answer is what the zone says of name: its records of one type, whether
// the name exists, and whether it fails.
func (z *Zone) answer(ctx context.Context, name string) (exists, down bool, err error) {
	n := key(name)
	z.lock()
	z.Queries++
	slow, d := z.Slow[n], z.Delay
	down = z.Down[n]
	exists = len(z.TXT[n])+len(z.IP[n])+len(z.MX[n]) > 0
	z.unlock()
	if slow {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return false, false, ctx.Err()
		}
	}
	return exists, down, nil
}

func (z *Zone) fail(name string, _, down bool, err error, n int) error {
	switch {
	case err != nil:
		return &net.DNSError{Err: err.Error(), Name: name, IsTimeout: true, IsTemporary: true}
	case down:
		return &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: true}
	case n == 0:
		return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return nil
}

// LookupTXT, LookupMX, LookupIPAddr and LookupAddr make the zone a
// resolver (sender.Resolver) that answers in process.
func (z *Zone) LookupTXT(ctx context.Context, name string) ([]string, error) {
	exists, down, err := z.answer(ctx, name)
	z.lock()
	out := append([]string(nil), z.TXT[key(name)]...)
	z.unlock()
	return out, z.fail(name, exists, down, err, len(out))
}

func (z *Zone) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	exists, down, err := z.answer(ctx, name)
	z.lock()
	var out []*net.MX
	for i, h := range z.MX[key(name)] {
		out = append(out, &net.MX{Host: h + ".", Pref: uint16(10 * (i + 1))})
	}
	z.unlock()
	return out, z.fail(name, exists, down, err, len(out))
}

func (z *Zone) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	exists, down, err := z.answer(ctx, host)
	z.lock()
	var out []net.IPAddr
	for _, a := range z.IP[key(host)] {
		out = append(out, net.IPAddr{IP: net.IP(a.AsSlice())})
	}
	z.unlock()
	return out, z.fail(host, exists, down, err, len(out))
}

func (z *Zone) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return nil, &net.DNSError{Err: "no such host", Name: addr, IsNotFound: true}
}

// Serve answers the zone's A, AAAA, MX and TXT records over UDP on a
// loopback port until the test ends, and returns its host:port.
func (z *Zone) Serve(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("dns listen: %v", err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q := append([]byte(nil), buf[:n]...)
			go func() {
				if resp := z.respond(q); resp != nil {
					pc.WriteTo(resp, from)
				}
			}()
		}
	}()
	return pc.LocalAddr().String()
}

// respond builds the reply to one query; nil drops it (a slow name whose
// delay is longer than the client waits, or a malformed query).
func (z *Zone) respond(query []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	name := key(q.Name.String())
	z.lock()
	z.Queries++
	slow, down, d := z.Slow[name], z.Down[name], z.Delay
	exists := len(z.TXT[name])+len(z.IP[name])+len(z.MX[name]) > 0
	txts, ips, mxs := z.TXT[name], z.IP[name], z.MX[name]
	z.unlock()
	if slow {
		time.Sleep(d)
	}
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	switch {
	case down:
		rh.RCode = dnsmessage.RCodeServerFailure
	case !exists:
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), rh)
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	rrh := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
	if rh.RCode == dnsmessage.RCodeSuccess {
		switch q.Type {
		case dnsmessage.TypeTXT:
			for _, t := range txts {
				_ = b.TXTResource(rrh, dnsmessage.TXTResource{TXT: chunks(t)})
			}
		case dnsmessage.TypeA:
			for _, ip := range ips {
				if ip.Is4() {
					_ = b.AResource(rrh, dnsmessage.AResource{A: ip.As4()})
				}
			}
		case dnsmessage.TypeAAAA:
			for _, ip := range ips {
				if ip.Is6() {
					_ = b.AAAAResource(rrh, dnsmessage.AAAAResource{AAAA: ip.As16()})
				}
			}
		case dnsmessage.TypeMX:
			for i, m := range mxs {
				_ = b.MXResource(rrh, dnsmessage.MXResource{Pref: uint16(10 * (i + 1)), MX: dnsmessage.MustNewName(key(m) + ".")})
			}
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}

// chunks splits a TXT record into the 255-byte strings DNS carries.
func chunks(s string) []string {
	var out []string
	for len(s) > 255 {
		out = append(out, s[:255])
		s = s[255:]
	}
	return append(out, s)
}

// DKIMKey is a signing key and the TXT record that publishes it.
type DKIMKey struct {
	Signer crypto.Signer
	Record string
}

// NewDKIMKey generates an ed25519 key (RFC 8463).
func NewDKIMKey(t testing.TB) DKIMKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return DKIMKey{Signer: priv, Record: "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}
}

// Sign returns raw with a DKIM-Signature of domain and selector on top.
func (k DKIMKey) Sign(t testing.TB, raw []byte, domain, selector string) []byte {
	t.Helper()
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{
		Domain: domain, Selector: selector, Signer: k.Signer,
		HeaderKeys: []string{"From", "To", "Cc", "Subject", "Date", "Message-ID"},
	})
	if err != nil {
		t.Fatalf("dkim sign: %v", err)
	}
	return out.Bytes()
}

// Publish adds k's record for domain and selector to z.
func (k DKIMKey) Publish(z *Zone, domain, selector string) {
	z.AddTXT(selector+"._domainkey."+domain, k.Record)
}

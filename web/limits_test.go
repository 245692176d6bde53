package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"guichet/store"
	"guichet/web"
)

// countingStore counts the calls that reach the store.
type countingStore struct {
	web.Store
	calls atomic.Int64
}

func (c *countingStore) InTx(ctx context.Context, fn store.TxFunc) error {
	c.calls.Add(1)
	return c.Store.InTx(ctx, fn)
}

func (c *countingStore) Ticket(ctx context.Context, number string) (store.TicketDetail, error) {
	c.calls.Add(1)
	return c.Store.Ticket(ctx, number)
}

func (c *countingStore) FindTickets(ctx context.Context, q store.TicketQuery) ([]store.Ticket, error) {
	c.calls.Add(1)
	return c.Store.FindTickets(ctx, q)
}

func (c *countingStore) AttachmentData(ctx context.Context, sha256 string) ([]byte, error) {
	c.calls.Add(1)
	return c.Store.AttachmentData(ctx, sha256)
}

// TestWrongTokenNeverLoads: the token is checked before anything is read,
// so an existing ticket with a wrong token and a ticket that does not exist
// answer the same bytes and neither reaches the store: how long the store
// takes can tell nothing of which tickets exist.
func TestWrongTokenNeverLoads(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			cs := &countingStore{}
			e := newEnv(t, be.Open(t), func(o *web.Options) { cs.Store = o.Store; o.Store = cs })
			number, other, link, pdf := trackingFixture(t, e)
			u, _ := url.Parse(link)
			token := u.Query().Get("jeton")
			missing := "2026-999999"
			wrong := []struct{ name, path string }{
				{"existing ticket, another ticket's token", "/suivi/" + number + "?jeton=" + url.QueryEscape(e.tokens.Token(other))},
				{"existing ticket, no token", "/suivi/" + number},
				{"missing ticket, a token of another number", "/suivi/" + missing + "?jeton=" + url.QueryEscape(token)},
				{"missing ticket, no token", "/suivi/" + missing},
				{"attachment of an existing ticket, wrong token", "/suivi/" + number + "/pj/" + sha(pdf) + "?jeton=" + url.QueryEscape(e.tokens.Token(other))},
				{"attachment of a missing ticket", "/suivi/" + missing + "/pj/" + sha(pdf) + "?jeton=" + url.QueryEscape(token)},
			}
			first := e.get(t, wrong[0].path)
			for _, w := range wrong {
				before := cs.calls.Load()
				r := e.get(t, w.path)
				if r.status != first.status || r.body != first.body || r.status != http.StatusNotFound {
					t.Errorf("%s: %d and %d bytes, want the 404 of %q byte for byte", w.name, r.status, len(r.body), wrong[0].name)
				}
				if n := cs.calls.Load() - before; n != 0 {
					t.Errorf("%s: %d store calls, want none before the token is checked", w.name, n)
				}
			}
			// A signed number that names no ticket (only we can sign one)
			// reads the store and still answers the same page.
			if r := e.get(t, "/suivi/"+missing+"?jeton="+url.QueryEscape(e.tokens.Token(missing))); r.status != first.status || r.body != first.body {
				t.Errorf("a signed missing ticket: %d, want the same 404", r.status)
			}
			before := cs.calls.Load()
			if r := e.get(t, u.RequestURI()); r.status != 200 || cs.calls.Load() == before {
				t.Errorf("the right token: %d after %d store calls, want 200 after reading the ticket", r.status, cs.calls.Load()-before)
			}
		})
	}
}

// TestMyRequestsPerClient: one client address gets 10 requests an hour
// whichever addresses they name, X-Forwarded-For or not (no proxy is
// trusted); past that it is answered the same page and no mail leaves.
func TestMyRequestsPerClient(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), nil)
			trackingFixture(t, e)
			post := func(addr, forwarded string) response {
				t.Helper()
				return postMyRequests(t, http.DefaultClient, e.srv.URL, addr, forwarded)
			}
			var answers []response
			for i := range 10 {
				answers = append(answers, post("inconnu"+string(rune('a'+i))+"@example.org", "198.51.100."+string(rune('1'+i))))
			}
			limited := post("awa@example.org", "203.0.113.9")
			if _, n := e.queuedLink(t, "awa@example.org", "/mes-demandes/"); n != 0 {
				t.Errorf("%d link mails to awa from a client past its limit, want 0", n)
			}
			for i, a := range append(answers, limited) {
				if a.status != 200 || a.body != answers[0].body {
					t.Errorf("answer %d: %d, want the same page as the first", i+1, a.status)
				}
			}
			e.clock.Add(time.Hour)
			post("awa@example.org", "")
			if _, n := e.queuedLink(t, "awa@example.org", "/mes-demandes/"); n != 1 {
				t.Errorf("%d link mails to awa an hour later, want 1", n)
			}
		})
	}
}

// TestMyRequestsBehindProxy: behind a trusted reverse proxy (a real one,
// appending to X-Forwarded-For as nginx's $proxy_add_x_forwarded_for does)
// two clients have a limit each, whatever they write in the header
// themselves; a client that sends the header straight to Guichet, from an
// address that is not a trusted proxy, is counted as itself.
func TestMyRequestsBehindProxy(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), func(o *web.Options) {
				o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			})
			trackingFixture(t, e)
			target, err := url.Parse(e.srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			rp := &httputil.ReverseProxy{
				Rewrite: func(r *httputil.ProxyRequest) {
					r.SetURL(target)
					r.Out.Header["X-Forwarded-For"] = r.In.Header["X-Forwarded-For"]
					r.SetXForwarded()
				},
				Transport: clientFrom(t, "127.0.0.1").Transport,
			}
			proxy := httptest.NewServer(rp)
			t.Cleanup(proxy.Close)

			post := func(c *http.Client, base, addr, forwarded string) {
				t.Helper()
				if r := postMyRequests(t, c, base, addr, forwarded); r.status != http.StatusOK {
					t.Fatalf("POST %s for %s: %d", base, addr, r.status)
				}
			}
			links := func(to string) int {
				t.Helper()
				_, n := e.queuedLink(t, to, "/mes-demandes/")
				return n
			}
			// exhaust makes a client's 10 requests of the hour, each
			// claiming another address in X-Forwarded-For.
			exhaust := func(c *http.Client, base string) {
				t.Helper()
				for i := range 10 {
					post(c, base, fmt.Sprintf("inconnu%d@example.org", i), fmt.Sprintf("198.51.100.%d", i+1))
				}
			}

			a, b := clientFrom(t, "127.0.0.3"), clientFrom(t, "127.0.0.4")
			exhaust(a, proxy.URL)
			post(a, proxy.URL, "awa@example.org", "203.0.113.9")
			if n := links("awa@example.org"); n != 0 {
				t.Errorf("%d links to awa from a client past its limit behind the proxy, want 0", n)
			}
			post(b, proxy.URL, "awa@example.org", "")
			if n := links("awa@example.org"); n != 1 {
				t.Errorf("%d links to awa from another client behind the proxy, want 1: its own limit", n)
			}

			direct, other := clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.5")
			exhaust(direct, e.srv.URL)
			post(direct, e.srv.URL, "moussa@example.org", "203.0.113.7")
			if n := links("moussa@example.org"); n != 0 {
				t.Errorf("%d links to moussa from a direct client past its limit, want 0: its X-Forwarded-For is not believed", n)
			}
			post(other, e.srv.URL, "moussa@example.org", "")
			if n := links("moussa@example.org"); n != 1 {
				t.Errorf("%d links to moussa from another direct client, want 1", n)
			}
		})
	}
}

// postMyRequests posts the « mes demandes » form for addr through c, with
// an X-Forwarded-For field unless forwarded is empty; addr is replaced by
// X in the body, so that answers for different addresses compare.
func postMyRequests(t *testing.T, c *http.Client, base, addr, forwarded string) response {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/mes-demandes", strings.NewReader("adresse="+url.QueryEscape(addr)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return response{resp.StatusCode, resp.Header, strings.ReplaceAll(b.String(), addr, "X")}
}

// clientFrom is an HTTP client whose connections leave from the loopback
// address local (Linux routes all of 127.0.0.0/8 to the loopback), so
// that one test can stand for several client machines.
func clientFrom(t *testing.T, local string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// mentions counts how often word is logged; slog's handlers may write from
// the server's goroutines, so the count is atomic.
type mentions struct {
	word string
	n    atomic.Int64
}

func (m *mentions) Write(p []byte) (int, error) {
	m.n.Add(int64(bytes.Count(p, []byte(m.word))))
	return len(p), nil
}

// TestMyRequestsNeedsPublicURL: without an absolute public URL the mail
// could only carry a relative link. The form says the service is
// unavailable, nothing is queued, start-up says why once, and the Host a
// client sends is never used instead.
func TestMyRequestsNeedsPublicURL(t *testing.T) {
	for _, public := range []string{"", "aide.centre.example", "/aide", "ftp://aide.centre.example"} {
		t.Run(public, func(t *testing.T) {
			logs := &mentions{word: "GUICHET_PUBLIC_URL"}
			e := newEnv(t, backends()[0].Open(t), func(o *web.Options) {
				o.PublicURL = public
				o.Logger = slog.New(slog.NewTextHandler(logs, nil))
			})
			trackingFixture(t, e)
			form := e.get(t, "/mes-demandes")
			sent := e.do(t, "POST", "/mes-demandes", "", "adresse=awa%40example.org")
			for _, r := range []response{form, sent} {
				if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "n’est pas disponible") || strings.Contains(r.body, "<form") {
					t.Errorf("%d, want 503 saying the service is unavailable, without the form:\n%s", r.status, r.body)
				}
			}
			if _, n := e.queuedLink(t, "awa@example.org", "/mes-demandes/"); n != 0 {
				t.Errorf("%d link mails queued without a public URL, want 0", n)
			}
			if n := logs.n.Load(); n != 1 {
				t.Errorf("the log names GUICHET_PUBLIC_URL %d times, want once at start-up", n)
			}
		})
	}
}

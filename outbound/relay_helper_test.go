package outbound

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message a testRelay accepted.
type received struct {
	From string
	To   []string
	Data []byte
	Auth string // user who authenticated, "" when none
	TLS  bool
}

// testRelay is a real SMTP server on loopback (go-smtp) that records what it
// accepts and can be told to refuse (421, 451, 550) or to be down.
type testRelay struct {
	t    *testing.T
	addr string
	tls  *tls.Config
	user string // AUTH required when set
	pass string

	mu      sync.Mutex
	msgs    []received
	answer  int // 0: accept; otherwise the reply code given at DATA
	srv     *smtp.Server
	ln      net.Listener
	implTLS bool
	o       relayOpts
}

type relayOpts struct {
	tls        bool // offer STARTTLS
	implicit   bool // implicit TLS (smtps)
	user, pass string
	loginOnly  bool // offer AUTH LOGIN only
	clearAuth  bool // allow AUTH without TLS
}

func startRelay(t *testing.T, o relayOpts) *testRelay {
	t.Helper()
	r := &testRelay{t: t, user: o.user, pass: o.pass, implTLS: o.implicit, o: o}
	if o.tls || o.implicit {
		r.tls = selfSigned(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	t.Cleanup(r.down)
	return r
}

func (r *testRelay) serve(ln net.Listener) {
	if r.implTLS {
		ln = tls.NewListener(ln, r.tls)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &relaySession{r: r, c: c}, nil
	}))
	srv.Domain = "relay.test"
	srv.TLSConfig = r.tls
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = discardLog{}
	srv.AllowInsecureAuth = r.o.clearAuth
	r.mu.Lock()
	r.srv, r.ln = srv, ln
	r.mu.Unlock()
	go srv.Serve(ln)
}

type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}

// down stops the relay: connections are refused until up.
func (r *testRelay) down() {
	r.mu.Lock()
	srv, ln := r.srv, r.ln
	r.srv, r.ln = nil, nil
	r.mu.Unlock()
	if srv != nil {
		// Closing the listener too covers a Serve that has not started yet.
		ln.Close()
		srv.Close()
	}
}

// up restarts the relay on the same address.
func (r *testRelay) up() {
	r.t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatalf("relay up: %v", err)
	}
	r.serve(ln)
}

func (r *testRelay) setAnswer(code int) {
	r.mu.Lock()
	r.answer = code
	r.mu.Unlock()
}

func (r *testRelay) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.msgs...)
}

type relaySession struct {
	r    *testRelay
	c    *smtp.Conn
	auth string
	from string
	to   []string
}

func (s *relaySession) AuthMechanisms() []string {
	if s.r.user == "" {
		return nil
	}
	if s.r.o.loginOnly {
		return []string{sasl.Login}
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *relaySession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != s.r.user || pass != s.r.pass {
			return smtp.ErrAuthFailed
		}
		s.auth = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of the obsolete LOGIN mechanism, which
// go-sasl only implements for clients.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(resp) > 0 { // initial response carries the user name
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

func (s *relaySession) Mail(from string, _ *smtp.MailOptions) error {
	if s.r.user != "" && s.auth == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *relaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *relaySession) Data(rd io.Reader) error {
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	switch s.r.answer {
	case 0:
		_, isTLS := s.c.TLSConnectionState()
		s.r.msgs = append(s.r.msgs, received{From: s.from, To: s.to, Data: data, Auth: s.auth, TLS: isTLS})
		return nil
	case 421:
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service temporairement indisponible"}
	case 451:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Erreur locale, réessayez"}
	default:
		return &smtp.SMTPError{Code: s.r.answer, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Boîte aux lettres inconnue"}
	}
}

func (s *relaySession) Reset()        { s.from, s.to = "", nil }
func (s *relaySession) Logout() error { return nil }

// selfSigned returns a server TLS config with a fresh certificate for
// 127.0.0.1; clientTLS trusts it.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "relay.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"relay.test"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
}

func clientTLS(r *testRelay) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(r.tls.Certificates[0].Leaf)
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

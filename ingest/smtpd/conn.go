package smtpd

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// limitListener caps concurrent connections: past MaxConns, a new
// connection is answered 421 4.7.0 and closed (RFC 5321 §3.8: a server may
// refuse a connection with 421) without ever reaching go-smtp.
type limitListener struct {
	net.Listener
	srv   *Server
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
		default:
			l.srv.log.Warn("smtpd: connection limit reached, connection refused",
				"client", c.RemoteAddr().String(), "max_conns", cap(l.slots))
			go l.refuse(c)
			continue
		}
		tc := &trackedConn{Conn: c, srv: l.srv, release: func() { <-l.slots }}
		if l.srv.track(tc) {
			tc.drain()
		}
		return tc, nil
	}
}

func (l *limitListener) refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "421 4.7.0 "+l.srv.opts.Hostname+" Trop de connexions en cours, veuillez revenir plus tard\r\n")
	_ = c.Close()
}

// trackedConn is the net.Conn go-smtp sees. It frees the connection slot on
// Close, stretches the read deadline while DATA flows, and ends the session
// when the server drains or when the session asked to hang up.
type trackedConn struct {
	net.Conn
	srv     *Server
	release func()
	once    sync.Once

	inTx     atomic.Bool // between an accepted MAIL and the end of DATA or RSET
	inData   atomic.Bool // the message body is being read
	isTLS    atomic.Bool // STARTTLS done: raw writes would break the TLS stream
	draining atomic.Bool
	hangup   atomic.Bool // the session replied 421 and wants the connection closed
}

// errHangup ends go-smtp's command loop quietly: it treats io.EOF as the
// client leaving.
var errHangup = io.EOF

func (c *trackedConn) Read(p []byte) (int, error) {
	if c.hangup.Load() {
		return 0, errHangup
	}
	if c.draining.Load() && !c.inTx.Load() {
		c.sayGoodbye()
		return 0, errHangup
	}
	if c.inData.Load() {
		// go-smtp sets the read deadline once per command line, so a large
		// message would have to arrive within one ReadTimeout; RFC 5321
		// §4.5.3.2.5 wants a timeout per read instead.
		_ = c.Conn.SetReadDeadline(time.Now().Add(c.srv.opts.ReadTimeout))
	}
	n, err := c.Conn.Read(p)
	if err != nil && n == 0 && c.draining.Load() && !c.inTx.Load() {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.sayGoodbye()
			return 0, errHangup
		}
	}
	return n, err
}

// sayGoodbye sends the shutdown reply (RFC 5321 §3.8) when the stream is
// still plain text; under TLS go-smtp owns the encrypted stream, so the
// connection is just closed.
func (c *trackedConn) sayGoodbye() {
	if c.isTLS.Load() {
		return
	}
	_ = c.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c.Conn, "421 4.3.2 "+c.srv.opts.Hostname+" Le service s'interrompt, veuillez revenir plus tard\r\n")
}

// drain asks the session to end: an idle session blocked in Read is woken
// by an expired deadline and ends with 421; a session inside a transaction
// ends after it.
func (c *trackedConn) drain() {
	c.draining.Store(true)
	if !c.inTx.Load() {
		_ = c.Conn.SetReadDeadline(time.Now())
	}
}

// endTx is called when a transaction ends; a draining server then wakes
// the session so it closes instead of waiting for another command.
func (c *trackedConn) endTx() {
	c.inTx.Store(false)
	c.inData.Store(false)
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.srv.untrack(c)
		c.release()
	})
	return err
}

// tracked finds our connection under go-smtp's, which is a *tls.Conn after
// STARTTLS.
func tracked(nc net.Conn) *trackedConn {
	if t, ok := nc.(*tls.Conn); ok {
		nc = t.NetConn()
	}
	tc, _ := nc.(*trackedConn)
	return tc
}

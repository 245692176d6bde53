package smtpd

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// limitListener caps connections: past MaxConnsPerIP from one client
// address, or past MaxConns in all, a new connection is answered 421 4.7.0
// and closed (RFC 5321 §3.8: a server may refuse a connection with 421)
// without ever reaching go-smtp. The per-address cap is checked first, so
// that one address cannot take the global slots others need.
type limitListener struct {
	net.Listener
	srv   *Server
	slots chan struct{}
	perIP *perIPLimiter
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := remoteIP(c)
		releaseIP, ok := l.perIP.acquire(ip)
		if !ok {
			l.srv.log.Warn("smtpd: per-address connection limit reached, connection refused",
				"client", c.RemoteAddr().String(), "max_conns_per_ip", l.perIP.max)
			go l.refuse(c, errTooManyFromAddr)
			continue
		}
		select {
		case l.slots <- struct{}{}:
		default:
			releaseIP()
			l.srv.log.Warn("smtpd: connection limit reached, connection refused",
				"client", c.RemoteAddr().String(), "max_conns", cap(l.slots))
			go l.refuse(c, errTooManyConns)
			continue
		}
		tc := &trackedConn{Conn: c, srv: l.srv,
			sessionEnd: time.Now().Add(l.srv.opts.SessionTimeout),
			release:    func() { <-l.slots; releaseIP() },
			postmaster: newPostmasterRewriter(l.srv.policy.first)}
		if l.srv.track(tc) {
			// Serve is draining and the listener not closed yet: a new
			// session would be greeted, then sent away; refuse it now.
			l.srv.untrack(tc)
			tc.release()
			go l.refuse(c, errShuttingDown)
			continue
		}
		return tc, nil
	}
}

func (l *limitListener) refuse(c net.Conn, e *smtp.SMTPError) {
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, rawReply(e, l.srv.opts.Hostname))
	linger(c)
	_ = c.Close()
}

// Bounds of linger: what a client may still send after our 421, and for
// how long we read it.
const (
	lingerTime  = 2 * time.Second
	lingerBytes = 64 << 10
)

// linger half-closes c and reads what the client still sends for a
// moment before the caller closes it. Closing a socket with unread input
// makes the kernel answer with a reset, which may destroy our 421 before
// the client reads it (a pipelining client, a trickling one); HTTP servers
// close the same way (RFC 9112 §9.6).
func linger(c net.Conn) {
	cw, ok := c.(interface{ CloseWrite() error })
	if !ok {
		return
	}
	_ = cw.CloseWrite()
	_ = c.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.CopyN(io.Discard, c, lingerBytes)
}

// trackedConn is the net.Conn go-smtp sees. It frees the connection slot on
// Close, bounds each read by the session's and the DATA transfer's total
// limits, and ends the session when the server drains, when a limit is
// reached or when the session asked to hang up.
type trackedConn struct {
	net.Conn
	srv     *Server
	release func()
	once    sync.Once
	// postmaster completes a bare "RCPT TO:<Postmaster>" (postmaster.go);
	// only go-smtp's goroutine reads, so it needs no lock.
	postmaster *postmasterRewriter

	// sessionEnd is the session's total limit, fixed at accept: commands,
	// NOOPs and trickled bytes never push it back.
	sessionEnd time.Time
	// dataEnd is the current DATA transfer's total limit, in Unix
	// nanoseconds, while inData.
	dataEnd atomic.Int64

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
	if c.postmaster != nil {
		return c.postmaster.read(p, c.readRaw)
	}
	return c.readRaw(p)
}

// readRaw reads the socket within the session's limits.
func (c *trackedConn) readRaw(p []byte) (int, error) {
	if c.hangup.Load() {
		return 0, errHangup
	}
	if c.draining.Load() && !c.inTx.Load() {
		c.sayGoodbye(errShuttingDown)
		return 0, errHangup
	}
	if err := c.overLimit(time.Now()); err != nil {
		return 0, err
	}
	if c.inData.Load() {
		// go-smtp sets the read deadline once per command line, so a large
		// message would have to arrive within one ReadTimeout; RFC 5321
		// §4.5.3.2.5 wants a timeout per read instead, bounded here by the
		// transfer's total limit.
		_ = c.SetReadDeadline(time.Now().Add(c.srv.opts.ReadTimeout))
	}
	n, err := c.Conn.Read(p)
	if err != nil && n == 0 && isTimeout(err) {
		if c.draining.Load() && !c.inTx.Load() {
			c.sayGoodbye(errShuttingDown)
			return 0, errHangup
		}
		if lerr := c.overLimit(time.Now()); lerr != nil {
			return 0, lerr
		}
	}
	return n, err
}

// overLimit reports a total limit reached at now, logs it and marks the
// connection for closing. Inside DATA (or BDAT) the error is the reply
// itself, so that whichever reader meets it, Session.Data or go-smtp's
// BDAT copy, answers a temporary 421; between commands the client is told
// 421 4.4.2 here (RFC 5321 §3.8).
func (c *trackedConn) overLimit(now time.Time) error {
	var reply *smtp.SMTPError
	switch {
	case !now.Before(c.sessionEnd):
		reply = errSessionTimeout
	case c.inData.Load() && now.UnixNano() >= c.dataEnd.Load():
		reply = errDataTimeout
	default:
		return nil
	}
	c.srv.log.Warn("smtpd: time limit reached, closing", "client", c.RemoteAddr().String(),
		"in_data", c.inData.Load(), "session_timeout", c.srv.opts.SessionTimeout, "data_timeout", c.srv.opts.DataTimeout)
	c.hangup.Store(true)
	switch {
	case c.inData.Load():
		return reply
	case c.isTLS.Load():
		// go-smtp answers a timeout with its own 421 4.4.2 inside TLS.
		return os.ErrDeadlineExceeded
	}
	c.sayGoodbye(reply)
	return errHangup
}

// SetReadDeadline clamps every deadline go-smtp sets to the session's
// total limit, and during DATA to the transfer's.
func (c *trackedConn) SetReadDeadline(t time.Time) error {
	if t.IsZero() || t.After(c.sessionEnd) {
		t = c.sessionEnd
	}
	if c.inData.Load() {
		if end := time.Unix(0, c.dataEnd.Load()); t.After(end) {
			t = end
		}
	}
	return c.Conn.SetReadDeadline(t)
}

// SetDeadline goes through SetReadDeadline so that the limits hold.
func (c *trackedConn) SetDeadline(t time.Time) error {
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	return c.SetReadDeadline(t)
}

// startData starts the DATA transfer's clock.
func (c *trackedConn) startData(limit time.Duration) {
	c.dataEnd.Store(time.Now().Add(limit).UnixNano())
	c.inData.Store(true)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// sayGoodbye sends a closing reply (RFC 5321 §3.8) when the stream is
// still plain text; under TLS go-smtp owns the encrypted stream, so the
// connection is just closed.
func (c *trackedConn) sayGoodbye(e *smtp.SMTPError) {
	if c.isTLS.Load() {
		return
	}
	_ = c.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c.Conn, rawReply(e, c.srv.opts.Hostname))
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
	if c.hangup.Load() {
		linger(c.Conn)
	}
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

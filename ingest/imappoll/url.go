package imappoll

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Mailbox is one IMAP mailbox to poll, from GUICHET_IMAP_URL (ParseURL) or
// from the configuration file.
type Mailbox struct {
	// Name identifies the mailbox in the store (its UID state) and in the
	// lease "imap:"+Name; it must stay the same across restarts. Default:
	// user@host/folder.
	Name string
	// URL is imap://user:pass@host:port/Folder or imaps://…; the password
	// may be left out when PasswordFile is set. Never logged.
	URL string
	// PasswordFile, when set, holds the password (trailing newline ignored);
	// it takes precedence over the URL's.
	PasswordFile string
	// Kind is "user" (default) or "alert" (a monitoring mailbox); the
	// pipeline reads it from the configuration by Name.
	Kind string
	// After says what to do once a message is committed: "seen" (default:
	// add \Seen), "move:Folder", or "delete".
	After string
	// Interval between polls when the server has no IDLE (default 60 s).
	Interval time.Duration
	// Address is the mailbox's own address, passed to the pipeline as the
	// envelope recipient. Default: the user name when it contains "@".
	Address string
}

// Kinds of mailbox.
const (
	KindUser  = "user"
	KindAlert = "alert"
)

// Actions after commit.
const (
	AfterSeen   = "seen"
	AfterDelete = "delete"
	afterMove   = "move:"
)

// DefaultInterval is the polling interval without IDLE.
const DefaultInterval = 60 * time.Second

// ErrBadURL wraps every error of ParseURL and of New's URL checks.
var ErrBadURL = errors.New("imappoll: bad mailbox URL")

type tlsMode int

const (
	tlsStartTLS tlsMode = iota // imap://: STARTTLS required (RFC 9051 section 6.2.1)
	tlsImplicit                // imaps://: TLS from the first byte (RFC 8314 section 3.2)
	tlsNone                    // imap://…?tls=none, loopback only
)

// endpoint is what a Mailbox URL says about the connection.
type endpoint struct {
	addr     string // host:port
	host     string
	user     string
	password string
	folder   string
	tls      tlsMode
}

// ParseURL reads a mailbox from GUICHET_IMAP_URL:
//
//	imap://user:pass@host[:143]/Folder?kind=alert&after=move:Traité&interval=30s
//	imaps://user:pass@host[:993]/INBOX
//
// Query parameters: tls=none (plain text, only to a loopback host), kind,
// after, interval, name, address, password_file. Unknown parameters are
// refused so that a typo does not silently change behaviour.
func ParseURL(raw string) (Mailbox, error) {
	ep, q, err := parseEndpoint(raw)
	if err != nil {
		return Mailbox{}, err
	}
	m := Mailbox{URL: raw}
	for key, vals := range q {
		if len(vals) != 1 {
			return Mailbox{}, fmt.Errorf("%w: parameter %q given %d times", ErrBadURL, key, len(vals))
		}
		v := vals[0]
		switch key {
		case "tls": // checked by parseEndpoint
		case "kind":
			m.Kind = v
		case "after":
			m.After = v
		case "interval":
			d, err := time.ParseDuration(v)
			if err != nil {
				return Mailbox{}, fmt.Errorf("%w: interval: %w", ErrBadURL, err)
			}
			m.Interval = d
		case "name":
			m.Name = v
		case "address":
			m.Address = v
		case "password_file":
			m.PasswordFile = v
		default:
			return Mailbox{}, fmt.Errorf("%w: unknown parameter %q", ErrBadURL, key)
		}
	}
	if err := m.fill(ep); err != nil {
		return Mailbox{}, err
	}
	return m, nil
}

// fill sets defaults and validates the fields that do not come from the
// connection.
func (m *Mailbox) fill(ep endpoint) error {
	if m.Name == "" {
		m.Name = ep.user + "@" + ep.host + "/" + ep.folder
	}
	switch m.Kind {
	case "":
		m.Kind = KindUser
	case KindUser, KindAlert:
	default:
		return fmt.Errorf("%w: kind %q (want %q or %q)", ErrBadURL, m.Kind, KindUser, KindAlert)
	}
	switch {
	case m.After == "":
		m.After = AfterSeen
	case m.After == AfterSeen, m.After == AfterDelete:
	case strings.HasPrefix(m.After, afterMove) && len(m.After) > len(afterMove):
		if strings.EqualFold(m.moveTarget(), ep.folder) {
			return fmt.Errorf("%w: after=%s moves to the polled folder itself", ErrBadURL, m.After)
		}
	default:
		return fmt.Errorf("%w: after %q (want seen, delete or move:Folder)", ErrBadURL, m.After)
	}
	switch {
	case m.Interval == 0:
		m.Interval = DefaultInterval
	case m.Interval < time.Second:
		return fmt.Errorf("%w: interval %s is under one second", ErrBadURL, m.Interval)
	}
	if m.Address == "" && strings.Contains(ep.user, "@") {
		m.Address = ep.user
	}
	return nil
}

func (m Mailbox) moveTarget() string { return strings.TrimPrefix(m.After, afterMove) }

func parseEndpoint(raw string) (endpoint, url.Values, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: do not wrap it.
		return endpoint{}, nil, fmt.Errorf("%w: cannot be parsed", ErrBadURL)
	}
	var ep endpoint
	port := ""
	switch u.Scheme {
	case "imap":
		ep.tls, port = tlsStartTLS, "143"
	case "imaps":
		ep.tls, port = tlsImplicit, "993"
	default:
		return endpoint{}, nil, fmt.Errorf("%w: scheme %q (want imap or imaps)", ErrBadURL, u.Scheme)
	}
	ep.host = u.Hostname()
	if ep.host == "" {
		return endpoint{}, nil, fmt.Errorf("%w: no host", ErrBadURL)
	}
	if p := u.Port(); p != "" {
		port = p
	}
	ep.addr = net.JoinHostPort(ep.host, port)
	if u.User == nil || u.User.Username() == "" {
		return endpoint{}, nil, fmt.Errorf("%w: no user name", ErrBadURL)
	}
	ep.user = u.User.Username()
	ep.password, _ = u.User.Password()
	ep.folder = strings.TrimPrefix(u.Path, "/")
	if ep.folder == "" {
		ep.folder = "INBOX"
	}
	q := u.Query()
	switch t := q.Get("tls"); t {
	case "":
	case "none":
		if u.Scheme != "imap" {
			return endpoint{}, nil, fmt.Errorf("%w: tls=none with imaps://", ErrBadURL)
		}
		// A password in clear text may only cross the loopback interface.
		if !isLoopback(ep.host) {
			return endpoint{}, nil, fmt.Errorf("%w: tls=none is only allowed to a loopback host, not %q", ErrBadURL, ep.host)
		}
		ep.tls = tlsNone
	default:
		return endpoint{}, nil, fmt.Errorf("%w: tls=%q (only tls=none is known)", ErrBadURL, t)
	}
	return ep, q, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

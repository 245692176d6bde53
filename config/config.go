package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// Agent is a declared agent.
type Agent struct {
	Address string   `toml:"address"`
	Name    string   `toml:"name"`
	Teams   []string `toml:"teams"`
}

// Team receives the categories of some groups.
type Team struct {
	Name    string `toml:"name"`
	Address string `toml:"address"`
	Groups  []int  `toml:"groups"`
	// EscalateTo are told, beside the team, when one of its tickets
	// breaches its SLA (the workflow rules).
	EscalateTo []string `toml:"escalate_to"`
}

// Mailbox is an IMAP mailbox to poll.
type Mailbox struct {
	Name         string `toml:"name"`
	URL          string `toml:"url"`
	PasswordFile string `toml:"password_file"`
	Kind         string `toml:"kind"`
	After        string `toml:"after"`
	Interval     string `toml:"interval"`
}

// AlertRule marks mail from matching senders as monitoring mail.
// From is an address, "@domain" or a shell pattern ("*@mon.example.org").
// Subject and Body are regular expressions with named groups host,
// service, state and severity, for formats the built-in parsers do not
// know; Recovery, when it matches, makes the mail a recovery. Source names
// the tool in incident keys (default: Name).
type AlertRule struct {
	Name     string `toml:"name"`
	From     string `toml:"from"`
	Category string `toml:"category"`
	Source   string `toml:"source"`
	Subject  string `toml:"subject"`
	Body     string `toml:"body"`
	Recovery string `toml:"recovery"`
}

// Config is the whole configuration.
type Config struct {
	// LogLevel and LogFormat set the logs on stderr: slog's level names,
	// and "text" or "json" (one object a line, for log collectors).
	LogLevel       slog.Level
	LogFormat      string
	DatabaseURL    string
	DataDir        string
	SupportAddress string
	CentreName     string
	Domains        []string
	Hostname       string
	SMTPAddr       string
	SMTPMaxBytes   int64
	SMTPRate       int
	// SMTPMaxConnsPerIP caps one client address's simultaneous SMTP
	// connections; 0 disables the cap.
	SMTPMaxConnsPerIP int
	TLSCert           string
	TLSKey            string
	HTTPAddr          string
	PublicURL         string
	// TrustedProxies are the reverse proxies in front of the HTTP side
	// (GUICHET_TRUSTED_PROXIES), whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// APIToken is the agents' API bearer token (GUICHET_API_TOKEN); empty
	// disables the API.
	APIToken       string
	RelayURL       string
	IMAPURL        string
	AgentList      []string
	AlertAddresses []string
	Secret         string
	AckPerHour     int
	// AckPerDomainPerHour bounds acknowledgments to one recipient domain
	// in an hour; 0 disables the limit.
	AckPerDomainPerHour int
	RetryMin            time.Duration
	RetryMaxAge         time.Duration
	ReopenDays          int
	AlertRenotify       time.Duration
	AlertReopen         time.Duration
	ConfigFile          string
	// TrustedAuthServ are the authserv-ids (RFC 8601) of the MTAs whose
	// Authentication-Results fields may prove an agent's identity.
	TrustedAuthServ []string
	// TrustedRelays are the centre's own MTAs (GUICHET_TRUSTED_RELAYS),
	// single addresses as /32 or /128 prefixes.
	TrustedRelays []netip.Prefix

	// The file forms of the secret and the API token, read into Secret and
	// APIToken by Load (GUICHET_SECRET_FILE, GUICHET_API_TOKEN_FILE).
	SecretFile   string
	APITokenFile string
	// MetricsAddr is the Prometheus listener (GUICHET_METRICS_ADDR), apart
	// from the public HTTP one; "off" disables it.
	MetricsAddr string
	// DNS is the server (host:port) the sender checks ask; "" the system's.
	DNS string
	// Retention is GUICHET_RETENTION: closed tickets' personal data is
	// erased that long after closing; zero is off.
	Retention Retention
	// CloseAfter is GUICHET_CLOSE_AFTER: a resolved ticket without news
	// for this long is closed; zero is off. The same units as Retention.
	CloseAfter Retention
	// DigestAt is GUICHET_DIGEST_AT: the local time of the agents' daily
	// queue digest; its zero value is off.
	DigestAt DailyTime
	// Location is GUICHET_TIMEZONE: the zone of every date a person reads
	// (mail, pages, command output). JSON stays UTC.
	Location *time.Location

	// Only from the TOML file.
	Agents     []Agent
	Teams      []Team
	Mailboxes  []Mailbox
	AlertRules []AlertRule
	SLA        []SLA
	Calendar   *Calendar // nil when the file has no [calendar]

	// DBWait is how long serve waits for an unreachable database at
	// start-up before it gives up (GUICHET_DB_WAIT); 0 does not wait.
	DBWait time.Duration

	// Warnings are what the caller should log once its logger exists: a
	// secret given as a flag, a secret file others may read.
	Warnings []string

	// Sources say, setting by setting in the order of the documentation,
	// the text each had and where it came from (guichet config).
	Sources []Source
}

// Source is one setting's text as Load read it and its origin: "flag",
// "env", "file:LINE" or "default". Value is what was given, before the
// file forms of the secrets are read and before defaults derived from
// other settings (the domains from the support address) are filled in;
// it may hold a secret, which Secret says.
type Source struct {
	Env, Flag, Value, From string
	Secret                 bool
}

// setting is one variable: its environment name, its flag, its default,
// and how its text becomes a field of Config.
type setting struct {
	env, flag, def, usage string
	value
}

// name is the setting's key in the configuration file: the variable's name
// in lower case without the prefix (docs/configuration.md).
func (s setting) name() string { return strings.ToLower(strings.TrimPrefix(s.env, "GUICHET_")) }

// kind says which TOML values the file may give a setting; every kind also
// takes a string, parsed as the environment's value is.
type kind int

const (
	kindString   kind = iota
	kindList          // a TOML array of strings, or a comma-separated string
	kindInt           // a TOML integer
	kindDuration      // a string only: "90s", "36h"
)

// value parses a setting's text into its field of Config.
type value struct {
	kind kind
	set  func(c *Config, v string) error
}

func str(p func(*Config) *string) value {
	return value{kindString, func(c *Config, v string) error { *p(c) = v; return nil }}
}

func list(p func(*Config) *[]string) value {
	return value{kindList, func(c *Config, v string) error {
		*p(c) = nil
		for _, s := range strings.Split(v, ",") {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
				*p(c) = append(*p(c), s)
			}
		}
		return nil
	}}
}

func integer(p func(*Config) *int) value {
	return value{kindInt, func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return fmt.Errorf("not a non-negative whole number: %q", v)
		}
		*p(c) = n
		return nil
	}}
}

func bytes(p func(*Config) *int64) value {
	return value{kindInt, func(c *Config, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("not a positive number of bytes: %q", v)
		}
		*p(c) = n
		return nil
	}}
}

// prefixes parses a list of addresses or CIDR ranges; a single address
// is the range of itself alone.
func prefixes(p func(*Config) *[]netip.Prefix) value {
	return value{kindList, func(c *Config, v string) error {
		*p(c) = nil
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			pr, err := netip.ParsePrefix(s)
			if err != nil {
				a, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return fmt.Errorf("not an address or CIDR range such as 192.0.2.25 or 2001:db8::/32: %q", s)
				}
				a = a.Unmap()
				pr = netip.PrefixFrom(a, a.BitLen())
			}
			*p(c) = append(*p(c), pr.Masked())
		}
		return nil
	}}
}

func duration(p func(*Config) *time.Duration) value {
	return value{kindDuration, func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return fmt.Errorf("not a positive duration such as 90s or 2h: %q", v)
		}
		*p(c) = d
		return nil
	}}
}

func settings() []setting {
	return []setting{
		{"GUICHET_DATABASE_URL", "database-url", "", "postgres://… selects PostgreSQL; empty: embedded SQLite in the data directory", str(func(c *Config) *string { return &c.DatabaseURL })},
		{"GUICHET_DATA_DIR", "data-dir", "./guichet-data", "embedded database, file outbox, large messages being received", str(func(c *Config) *string { return &c.DataDir })},
		{"GUICHET_SUPPORT_ADDRESS", "support-address", "support@localhost", "the help centre's address", str(func(c *Config) *string { return &c.SupportAddress })},
		{"GUICHET_CENTRE_NAME", "centre-name", "Centre d'assistance", "display name of outgoing mail", str(func(c *Config) *string { return &c.CentreName })},
		{"GUICHET_DOMAINS", "domains", "", "domains whose recipients the SMTP receiver accepts (default: the support address's domain)", list(func(c *Config) *[]string { return &c.Domains })},
		{"GUICHET_HOSTNAME", "hostname", "", "SMTP banner and EHLO name (default: the support address's domain)", str(func(c *Config) *string { return &c.Hostname })},
		{"GUICHET_SMTP_ADDR", "smtp-addr", "127.0.0.1:2525", "SMTP receiver address; off disables it", str(func(c *Config) *string { return &c.SMTPAddr })},
		{"GUICHET_SMTP_MAX_BYTES", "smtp-max-bytes", "26214400", "largest message accepted over SMTP", bytes(func(c *Config) *int64 { return &c.SMTPMaxBytes })},
		{"GUICHET_SMTP_RATE", "smtp-rate", "120", "messages per client address per minute; 0 disables the limit", integer(func(c *Config) *int { return &c.SMTPRate })},
		{"GUICHET_SMTP_MAX_CONNS_PER_IP", "smtp-max-conns-per-ip", "10", "simultaneous SMTP connections from one client address; 0 disables the limit; trusted relays are exempt", integer(func(c *Config) *int { return &c.SMTPMaxConnsPerIP })},
		{"GUICHET_TLS_CERT", "tls-cert", "", "certificate file for STARTTLS", str(func(c *Config) *string { return &c.TLSCert })},
		{"GUICHET_TLS_KEY", "tls-key", "", "key file for STARTTLS", str(func(c *Config) *string { return &c.TLSKey })},
		{"GUICHET_HTTP_ADDR", "http-addr", "127.0.0.1:8080", "HTTP address; off disables it", str(func(c *Config) *string { return &c.HTTPAddr })},
		{"GUICHET_PUBLIC_URL", "public-url", "", "public base URL of the tracking pages", str(func(c *Config) *string { return &c.PublicURL })},
		{"GUICHET_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated addresses or CIDR ranges of the reverse proxies in front of the HTTP side, whose X-Forwarded-For names the client of per-client limits; empty: the connection's peer is the client", prefixes(func(c *Config) *[]netip.Prefix { return &c.TrustedProxies })},
		{"GUICHET_API_TOKEN", "api-token", "", "bearer token of the agents' HTTP API under /api/; empty disables the API (prefer the environment or --api-token-file: a flag shows in ps)", str(func(c *Config) *string { return &c.APIToken })},
		{"GUICHET_API_TOKEN_FILE", "api-token-file", "", "read the API token from this file", str(func(c *Config) *string { return &c.APITokenFile })},
		{"GUICHET_RELAY_URL", "relay-url", "", "smtp://, smtp+starttls:// or smtps:// relay; empty: .eml files in the data directory's outbox", str(func(c *Config) *string { return &c.RelayURL })},
		{"GUICHET_IMAP_URL", "imap-url", "", "one IMAP mailbox to poll", str(func(c *Config) *string { return &c.IMAPURL })},
		{"GUICHET_AGENTS", "agents", "", "comma-separated agent addresses", list(func(c *Config) *[]string { return &c.AgentList })},
		{"GUICHET_ALERT_ADDRESSES", "alert-addresses", "", "recipients whose mail is monitoring mail (default: alertes@ + the support domain)", list(func(c *Config) *[]string { return &c.AlertAddresses })},
		{"GUICHET_SECRET", "secret", "", "key for signed reply addresses and tracking links, at least 32 bytes (default: generated once, kept in the store; prefer the environment or --secret-file: a flag shows in ps)", str(func(c *Config) *string { return &c.Secret })},
		{"GUICHET_SECRET_FILE", "secret-file", "", "read the secret from this file (containers, systemd credentials)", str(func(c *Config) *string { return &c.SecretFile })},
		{"GUICHET_METRICS_ADDR", "metrics-addr", "127.0.0.1:9464", "Prometheus /metrics listener, apart from the public HTTP one; off disables it", str(func(c *Config) *string { return &c.MetricsAddr })},
		{"GUICHET_ACK_PER_HOUR", "ack-per-hour", "5", "acknowledgments per address per hour", integer(func(c *Config) *int { return &c.AckPerHour })},
		{"GUICHET_ACK_PER_DOMAIN_PER_HOUR", "ack-per-domain-per-hour", "100", "acknowledgments per recipient domain per hour (the served domains' organisations are exempt); 0 disables the limit", integer(func(c *Config) *int { return &c.AckPerDomainPerHour })},
		{"GUICHET_RETRY_MIN", "retry-min", "1m", "first delay before retrying a delivery", duration(func(c *Config) *time.Duration { return &c.RetryMin })},
		{"GUICHET_RETRY_MAX_AGE", "retry-max-age", "48h", "how long a delivery is retried", duration(func(c *Config) *time.Duration { return &c.RetryMaxAge })},
		{"GUICHET_ALERT_RENOTIFY", "alert-renotify", "1h", "agents hear of a monitoring incident at most once per period", duration(func(c *Config) *time.Duration { return &c.AlertRenotify })},
		{"GUICHET_ALERT_REOPEN", "alert-reopen", "1h", "a problem this soon after its incident's recovery reopens it", duration(func(c *Config) *time.Duration { return &c.AlertReopen })},
		{"GUICHET_REOPEN_DAYS", "reopen-days", "30", "a reply to a ticket closed longer ago opens a new linked ticket", integer(func(c *Config) *int { return &c.ReopenDays })},
		{"GUICHET_TRUSTED_AUTHSERV", "trusted-authserv", "", "comma-separated authserv-ids of our MTAs whose Authentication-Results (dkim=pass, dmarc=pass) prove an agent's identity; they must strip such fields from incoming mail", list(func(c *Config) *[]string { return &c.TrustedAuthServ })},
		{"GUICHET_TRUSTED_RELAYS", "trusted-relays", "", "comma-separated addresses or CIDR ranges of the centre's own MTAs", prefixes(func(c *Config) *[]netip.Prefix { return &c.TrustedRelays })},
		{"GUICHET_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", value{kindString, func(c *Config, v string) error {
			if err := c.LogLevel.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
				return fmt.Errorf("not debug, info, warn or error: %q", v)
			}
			return nil
		}}},
		{"GUICHET_LOG_FORMAT", "log-format", "text", "text, or json for log collectors", value{kindString, func(c *Config, v string) error {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "text", "json":
				c.LogFormat = v
				return nil
			}
			return fmt.Errorf("not text or json: %q", v)
		}}},
		{"GUICHET_TIMEZONE", "timezone", "Europe/Paris", "IANA time zone of the dates people read (mail, pages, command output); JSON stays UTC", value{kindString, func(c *Config, v string) error {
			loc, err := zone(v)
			c.Location = loc
			return err
		}}},
		{"GUICHET_RETENTION", "retention", "off", "closed tickets untouched for longer than this (3y, 18mo, 400d) have their personal data erased as by guichet forget; off keeps everything", value{kindString, func(c *Config, v string) error {
			r, err := ParseRetention(v)
			c.Retention = r
			return err
		}}},
		{"GUICHET_CLOSE_AFTER", "close-after", "7d", "a resolved ticket without news for this long (7d, 36h) is closed, with a short notice to the requester; off disables", value{kindString, func(c *Config, v string) error {
			r, err := ParseRetention(v)
			c.CloseAfter = r
			return err
		}}},
		{"GUICHET_DIGEST_AT", "digest-at", "08:00", "local time (HH:MM), on business days, of each agent's queue digest; off disables", value{kindString, func(c *Config, v string) error {
			d, err := ParseDailyTime(v)
			c.DigestAt = d
			return err
		}}},
		{"GUICHET_DNS", "dns", "", "DNS server (host:port) for SPF, DKIM and DMARC checks (default: the system resolver)", str(func(c *Config) *string { return &c.DNS })},
		{"GUICHET_DB_WAIT", "db-wait", "5m", "how long serve waits for an unreachable database at start-up, retrying with backoff (1s doubling to 30s), before it exits 75; 0 does not wait", value{kindDuration, func(c *Config, v string) error {
			if v = strings.TrimSpace(v); v == "0" {
				c.DBWait = 0
				return nil
			}
			return duration(func(c *Config) *time.Duration { return &c.DBWait }).set(c, v)
		}}},
		{"GUICHET_CONFIG", "config", "", "TOML file: agents, teams, mailboxes, alert rules, SLA targets, the calendar, and any setting by its name (database_url = ...)", str(func(c *Config) *string { return &c.ConfigFile })},
	}
}

// zone loads an IANA zone by name. "Local" (the host's zone, UTC in most
// containers) and "" are refused: the zone must be said, not inherited.
func zone(v string) (*time.Location, error) {
	v = strings.TrimSpace(v)
	loc, err := time.LoadLocation(v)
	if err != nil || v == "" || v == "Local" {
		return nil, fmt.Errorf("not a time zone of the IANA database such as Europe/Paris or America/Cayenne: %q", v)
	}
	return loc, nil
}

// Register adds every setting as a flag of fs; Load reads them afterwards.
// The flags' defaults show the environment's value when it is set.
func Register(fs *flag.FlagSet) {
	for _, s := range settings() {
		fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
}

// Load builds the configuration. Each setting comes from its flag in fs
// when set (fs may be nil), else its environment variable, else the TOML
// file, else its default; the file's path comes from the flag or the
// environment only.
func Load(fs *flag.FlagSet, getenv func(string) string) (*Config, error) {
	flags := map[string]string{}
	if fs != nil {
		fs.Visit(func(f *flag.Flag) { flags[f.Name] = f.Value.String() })
	}
	ss := settings()
	path, ok := flags["config"]
	if !ok {
		path = getenv("GUICHET_CONFIG")
	}
	file := &fileConfig{}
	if path != "" {
		var err error
		if file, err = readFile(path, ss); err != nil {
			return nil, err
		}
	}
	c := &Config{Agents: file.agents, Teams: file.teams, Mailboxes: file.mailboxes,
		AlertRules: file.alertRules, SLA: file.sla, Calendar: file.calendar}
	var errs []error
	origins := map[string]string{}
	for _, s := range ss {
		v, origin, from := s.def, "default", "default"
		if f, ok := file.settings[s.name()]; ok {
			v, origin = f.text, (&FileError{Path: path, Line: f.line, Msg: s.name()}).Error()
			from = fmt.Sprintf("file:%d", f.line)
		}
		if e := getenv(s.env); e != "" {
			v, origin, from = e, s.env, "env"
		}
		if f, ok := flags[s.flag]; ok {
			v, origin, from = f, "--"+s.flag, "flag"
		}
		origins[s.env] = origin
		c.Sources = append(c.Sources, Source{Env: s.env, Flag: s.flag, Value: v, From: from,
			Secret: s.env == "GUICHET_SECRET" || s.env == "GUICHET_API_TOKEN"})
		if err := s.set(c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", origin, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := c.secrets(origins); err != nil {
		return nil, err
	}
	return c, c.finish()
}

// finish derives defaults that depend on other settings and validates.
func (c *Config) finish() error {
	a, err := mail.ParseAddress(c.SupportAddress)
	if err != nil || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("GUICHET_SUPPORT_ADDRESS: not an address: %q", c.SupportAddress)
	}
	c.SupportAddress = strings.ToLower(a.Address)
	domain := c.SupportDomain()
	if len(c.Domains) == 0 {
		c.Domains = []string{domain}
	}
	if c.Hostname == "" {
		c.Hostname = domain
	}
	if len(c.AlertAddresses) == 0 {
		c.AlertAddresses = []string{"alertes@" + domain}
	}
	for i := range c.Agents {
		c.Agents[i].Address = strings.ToLower(strings.TrimSpace(c.Agents[i].Address))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("GUICHET_TLS_CERT and GUICHET_TLS_KEY go together")
	}
	return nil
}

// SupportDomain is the domain of the support address.
func (c *Config) SupportDomain() string {
	_, d, _ := strings.Cut(c.SupportAddress, "@")
	return d
}

// AgentAddresses are all declared agents, from the environment and the file.
func (c *Config) AgentAddresses() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range c.AgentList {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, a := range c.Agents {
		if a.Address != "" && !seen[a.Address] {
			seen[a.Address] = true
			out = append(out, a.Address)
		}
	}
	return out
}

// IsSetting reports whether name (without dashes) is the flag of a
// configuration setting, rather than one of a command's own.
func IsSetting(name string) bool {
	for _, s := range settings() {
		if s.flag == name {
			return true
		}
	}
	return false
}

// Env is os.Getenv, for callers that wire the real environment.
func Env(k string) string { return os.Getenv(k) }

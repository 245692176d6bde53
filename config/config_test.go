package config

import (
	"flag"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		flags []string
		check func(t *testing.T, c *Config)
	}{
		{"embedded defaults", nil, nil, func(t *testing.T, c *Config) {
			if c.DatabaseURL != "" || c.DataDir != "./guichet-data" || c.SupportAddress != "support@localhost" ||
				c.SMTPAddr != "127.0.0.1:2525" || c.SMTPMaxBytes != 26214400 || c.SMTPRate != 120 || c.SMTPMaxConnsPerIP != 10 || c.TrustedRelays != nil || c.TrustedProxies != nil ||
				c.AckPerHour != 5 || c.RetryMin != time.Minute || c.RetryMaxAge != 48*time.Hour || c.ReopenDays != 30 {
				t.Errorf("defaults = %+v", c)
			}
			if !slices.Equal(c.Domains, []string{"localhost"}) || !slices.Equal(c.AlertAddresses, []string{"alertes@localhost"}) || c.Hostname != "localhost" {
				t.Errorf("derived defaults: domains %v, alerts %v, hostname %q", c.Domains, c.AlertAddresses, c.Hostname)
			}
		}},
		{"environment", map[string]string{"GUICHET_SUPPORT_ADDRESS": "Support <Support@Centre.Example>", "GUICHET_SMTP_RATE": "0",
			"GUICHET_AGENTS": "A@centre.example, b@centre.example,"}, nil, func(t *testing.T, c *Config) {
			if c.SupportAddress != "support@centre.example" || c.SMTPRate != 0 || !slices.Equal(c.Domains, []string{"centre.example"}) {
				t.Errorf("got %q rate %d domains %v", c.SupportAddress, c.SMTPRate, c.Domains)
			}
			if !slices.Equal(c.AgentAddresses(), []string{"a@centre.example", "b@centre.example"}) {
				t.Errorf("agents = %v", c.AgentAddresses())
			}
		}},
		{"SMTP limits", map[string]string{"GUICHET_SMTP_MAX_CONNS_PER_IP": "0",
			"GUICHET_TRUSTED_RELAYS": "192.0.2.25, 198.51.100.0/24,2001:db8::1, 2001:db8:1::/48, ::ffff:203.0.113.7, 10.1.2.3/8"}, nil,
			func(t *testing.T, c *Config) {
				want := []netip.Prefix{netip.MustParsePrefix("192.0.2.25/32"), netip.MustParsePrefix("198.51.100.0/24"),
					netip.MustParsePrefix("2001:db8::1/128"), netip.MustParsePrefix("2001:db8:1::/48"),
					netip.MustParsePrefix("203.0.113.7/32"), netip.MustParsePrefix("10.0.0.0/8")}
				if c.SMTPMaxConnsPerIP != 0 || !slices.Equal(c.TrustedRelays, want) {
					t.Errorf("per IP %d, relays %v, want 0 and %v", c.SMTPMaxConnsPerIP, c.TrustedRelays, want)
				}
			}},
		{"trusted proxies from the flag", map[string]string{"GUICHET_TRUSTED_PROXIES": "192.0.2.1"}, []string{"--trusted-proxies", "127.0.0.1, ::1,10.0.0.0/8 , fd00::/8"},
			func(t *testing.T, c *Config) {
				want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128"),
					netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
				if !slices.Equal(c.TrustedProxies, want) {
					t.Errorf("proxies %v, want %v", c.TrustedProxies, want)
				}
			}},
		{"a flag wins over the environment", map[string]string{"GUICHET_SMTP_ADDR": "127.0.0.1:25"}, []string{"--smtp-addr", "off"},
			func(t *testing.T, c *Config) {
				if c.SMTPAddr != "off" {
					t.Errorf("SMTPAddr = %q, want off", c.SMTPAddr)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			Register(fs)
			if err := fs.Parse(tc.flags); err != nil {
				t.Fatal(err)
			}
			c, err := Load(fs, envOf(tc.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tc.check(t, c)
		})
	}
}

func TestLoadRejects(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"negative rate":     {"GUICHET_SMTP_RATE": "-1"},
		"not a duration":    {"GUICHET_RETRY_MIN": "soon"},
		"not an address":    {"GUICHET_SUPPORT_ADDRESS": "support"},
		"size not a number": {"GUICHET_SMTP_MAX_BYTES": "25M"},
		"certificate alone": {"GUICHET_TLS_CERT": "/etc/cert.pem"},
		"relay not an IP":   {"GUICHET_TRUSTED_RELAYS": "mx.example.org"},
		"relay bad range":   {"GUICHET_TRUSTED_RELAYS": "192.0.2.0/33"},
		"proxy not an IP":   {"GUICHET_TRUSTED_PROXIES": "nginx.internal"},
		"proxy bad range":   {"GUICHET_TRUSTED_PROXIES": "::1/129"},
		"negative per IP":   {"GUICHET_SMTP_MAX_CONNS_PER_IP": "-1"},
		"missing TOML file": {"GUICHET_CONFIG": "/nonexistent/guichet.toml"},
	} {
		if _, err := Load(nil, envOf(env)); err == nil {
			t.Errorf("%s: Load accepted %v", name, env)
		}
	}
}

func TestTOML(t *testing.T) {
	file := writeFile(t, `
[[agents]]
address = "Moussa@Centre.Example"
teams = ["materiel"]

[[teams]]
name = "materiel"
groups = [2]

[[mailboxes]]
name = "supervision"
url = "imaps://alertes%40centre.example:x@imap.centre.example/INBOX"
kind = "alert"
`)
	c, err := Load(nil, envOf(map[string]string{"GUICHET_CONFIG": file, "GUICHET_AGENTS": "awa@centre.example"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.AgentAddresses(), []string{"awa@centre.example", "moussa@centre.example"}) {
		t.Errorf("agents = %v", c.AgentAddresses())
	}
	if len(c.Teams) != 1 || !slices.Equal(c.Teams[0].Groups, []int{2}) || len(c.Mailboxes) != 1 || c.Mailboxes[0].Kind != "alert" {
		t.Errorf("teams %+v mailboxes %+v", c.Teams, c.Mailboxes)
	}
}

func TestTimezone(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"default", nil, "Europe/Paris"},
		{"overseas", map[string]string{"GUICHET_TIMEZONE": "America/Cayenne"}, "America/Cayenne"},
		{"UTC", map[string]string{"GUICHET_TIMEZONE": " UTC "}, "UTC"},
		{"file", map[string]string{"GUICHET_CONFIG": writeFile(t, "timezone = \"Indian/Reunion\"\n")}, "Indian/Reunion"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(nil, envOf(c.env))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Location == nil || cfg.Location.String() != c.want {
				t.Errorf("Location = %v, want %s", cfg.Location, c.want)
			}
		})
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "../etc/passwd", "+01:00"} {
		_, err := Load(nil, envOf(map[string]string{"GUICHET_TIMEZONE": bad}))
		if err == nil {
			t.Errorf("GUICHET_TIMEZONE=%s accepted", bad)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "GUICHET_TIMEZONE") || !strings.Contains(msg, strconv.Quote(bad)) {
			t.Errorf("GUICHET_TIMEZONE=%s: error %q does not name the setting and the value", bad, msg)
		}
	}
}

func TestSources(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/guichet.toml"
	if err := os.WriteFile(path, []byte("# comment\nsmtp_rate = 30\nhttp_addr = \"off\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	Register(fs)
	if err := fs.Parse([]string{"--http-addr", "127.0.0.1:9", "--config", path}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(fs, envOf(map[string]string{"GUICHET_SECRET": strings.Repeat("s", 32), "GUICHET_SMTP_RATE": ""}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Source{
		"GUICHET_SMTP_RATE": {Env: "GUICHET_SMTP_RATE", Flag: "smtp-rate", Value: "30", From: "file:2"},
		"GUICHET_HTTP_ADDR": {Env: "GUICHET_HTTP_ADDR", Flag: "http-addr", Value: "127.0.0.1:9", From: "flag"},
		"GUICHET_SECRET":    {Env: "GUICHET_SECRET", Flag: "secret", Value: strings.Repeat("s", 32), From: "env", Secret: true},
		"GUICHET_DB_WAIT":   {Env: "GUICHET_DB_WAIT", Flag: "db-wait", Value: "5m", From: "default"},
	}
	for _, s := range c.Sources {
		if w, ok := want[s.Env]; ok {
			if s != w {
				t.Errorf("source of %s = %+v, want %+v", s.Env, s, w)
			}
			delete(want, s.Env)
		}
	}
	for env := range want {
		t.Errorf("no source for %s", env)
	}
	if c.DBWait != 5*time.Minute {
		t.Errorf("DBWait = %v, want 5m", c.DBWait)
	}
}

func TestDBWait(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{{"0", 0, true}, {"90s", 90 * time.Second, true}, {"-1s", 0, false}, {"soon", 0, false}} {
		c, err := Load(nil, envOf(map[string]string{"GUICHET_DB_WAIT": tc.v}))
		if (err == nil) != tc.ok || (err == nil && c.DBWait != tc.want) {
			t.Errorf("GUICHET_DB_WAIT=%s: %v, %v; want %v, ok %v", tc.v, c, err, tc.want, tc.ok)
		}
	}
}
